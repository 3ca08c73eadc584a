# cli — 中文目录。
# 命令行在出错退出前打印的前缀。
cli-error-prefix = 错误：
# `datalex check`：摘要行。
cli-check-ok = 通过：{ $packages }个包，{ $regulations }部法规，{ $articles }条，{ $plans }个决定方案中共{ $rules }条规则；{ $warnings }个警告
cli-check-failed = 未通过：{ $errors }个错误，{ $warnings }个警告
# `datalex eval`、`explain`、`export`：政策无法编译。
cli-policies-do-not-compile = { $path } 中的政策无法编译
