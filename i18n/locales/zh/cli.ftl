# cli — 中文目录。
# 命令行在出错退出前打印的前缀。
cli-error-prefix = 错误：
