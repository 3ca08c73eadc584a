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
cli-no-requests = { $path }：没有要决定的请求（内容为空）；请提供一个 JSON 请求，或者 JSON Lines
cli-at-line = 第{ $line }行：{ $message }
# 命令行给出的路径不存在。
cli-does-not-exist = { $path } 不存在
# 取值有误的选项。
cli-option-error = { $option }：{ $message }
cli-no-regulation = --regulation：没有法规 `{ $id }`；政策中声明的法规有 { $known }
# 命令行在警告前打印的前缀。
cli-warning-prefix = 警告：
# 遍历政策文件。
cli-not-regular = { $path }：不是普通文件（{ $kind }）
cli-too-many-files = { $path }：政策文件超过 { $limit } 个
cli-too-many-entries = { $path }：目录项超过 { $limit } 个（是否有符号链接反复指向同一目录？）
cli-too-deep = { $path }：目录层级超过 { $limit } 层，未读取
cli-too-large = { $path }：{ $size } 字节，超过政策文件 { $limit } 字节的上限
cli-skipped = { $path }：已跳过，{ $reason }
cli-skip-not-regular = 不是普通文件（{ $kind }）
cli-skip-symlink-loop = 是指回 { $target } 的符号链接，该目录已在读取中
cli-skip-broken-link = 是指向不存在目标的符号链接
cli-kind-fifo = 命名管道
cli-kind-device = 设备文件
cli-kind-socket = 套接字
cli-kind-symlink = 符号链接
cli-kind-other = 既不是文件也不是目录
cli-writing = 无法写入 { $path }：{ $reason }
# `datalex fmt`。
cli-fmt-not-formatted = 未按规范格式排版：{ $path }
cli-fmt-formatted = 已排版：{ $path }
cli-fmt-would-change-meaning = { $path }：排版会改变该文件的含义，已保持原样（请报告此问题）
cli-fmt-summary = 共{ $files }个文件，已排版{ $changed }个，{ $failed }个无法排版
cli-fmt-summary-check = 共{ $files }个文件，{ $changed }个需要排版，{ $failed }个无法排版
# `datalex coverage --strict`。
cli-coverage-unaccounted = 有{ $count }个款或项既未编码，也没有 `coverage` 说明：{ $provisions }
# `datalex export cedar`。
cli-cedar-rejects = Cedar 不接受导出结果：{ $detail }
cli-cedar-invalid = `{ $name }` 的导出结果未通过其模式（schema）校验（{ $errors }个错误）
cli-cedar-exported = 已将 `{ $name }` 导出至 { $out }：{ $actions }个操作，{ $policies }条策略，{ $entities }个实体，{ $computed }个计算得出的上下文属性；已经 Cedar 严格模式校验，{ $warnings }个警告
