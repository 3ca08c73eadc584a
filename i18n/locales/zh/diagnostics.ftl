# diagnostics — 中文目录。
