# http — 中文目录。
