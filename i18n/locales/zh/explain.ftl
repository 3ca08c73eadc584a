# explain — 中文目录。
