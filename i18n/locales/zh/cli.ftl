# cli — 中文目录。
# 命令行在出错退出前打印的前缀。
cli-error-prefix = 错误：
# `datalex check`：摘要行。
cli-check-ok = 通过：{ $packages }个包，{ $regulations }部法规，{ $articles }条，{ $plans }个决定方案中共{ $rules }条规则；{ $warnings }个警告
cli-check-failed = 未通过：{ $errors }个错误，{ $warnings }个警告
# `datalex eval`、`explain`、`export`：政策无法编译。
cli-policies-do-not-compile = { $path } 中的政策无法编译
# `--format` 指定了该命令不能输出的格式。
cli-unknown-format = --format：未知的格式 `{ $format }`；应为 { $expected }
# `datalex eval -` 读取标准输入。
cli-standard-input = 标准输入
# JSON Lines 中不是 JSON 的一行，以及错误所在的行。
cli-not-json = 不是有效的 JSON（第{ $column }列有语法错误）
cli-at-line = 第{ $line }行：{ $message }
# 命令行给出的路径不存在。
cli-does-not-exist = { $path } 不存在
# 取值有误的选项。
cli-option-error = { $option }：{ $message }
cli-no-regulation = --regulation：没有法规 `{ $id }`；政策中声明的法规有 { $known }
