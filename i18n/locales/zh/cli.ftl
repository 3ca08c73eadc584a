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
cli-watching = 无法监视 { $path } 的变化
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

# datalex audit verify：核验报告。
audit-empty = 日志中没有记录
audit-chain-ok = 链 `{ $chain }`：完好，共 { $records } 条记录；每条记录的 MAC 与链接均成立
audit-chain-broken = 链 `{ $chain }`：在第 { $seq } 条记录（{ $id }）处断开：{ $reason }
audit-intact-before = 其前 { $intact } 条记录完好；该链共 { $records } 条记录
audit-last-mac = 最后的 MAC（第 { $seq } 条记录）：{ $mac }
audit-id-unreadable = 决定编号无法读取
audit-before-start = 意外的序号 { $seq }：链从第 1 条开始
audit-missing-one = 其前的第 { $seq } 条记录缺失（已被删除）
audit-missing-range = 其前的第 { $from } 至 { $to } 条记录缺失（已被删除）
audit-not-text = 其 `{ $column }` 不是文本
audit-not-chain-start = 其 prev_mac 不是链的起点（64 个 0）
audit-not-linked = 其 prev_mac 不是第 { $previous } 条记录的 MAC（其前的某条记录被修改、替换或删除）
audit-unknown-key = 它使用密钥 `{ $key }`，密钥文件中没有该密钥
audit-mac-mismatch = 其 MAC 与内容不符（某个字段被修改，或它不是用密钥写入的）
audit-bad-encoding = 其决定标记为紧凑存储，但不符合紧凑格式（txt1:）
audit-text-unverified = 其决定引用的本链共享文本 { $id } 缺失、编号不连续，或与其自身的 MAC 不符
audit-no-checkpoints = 未核验检查点（--checkpoint 文件）：删除最新的记录或全部记录，只有对照检查点才能发现
audit-cp-ok = 检查点：{ $file } 中共 { $count } 个，均由 { $key } 签名，日志到达每个检查点且 MAC 相同
audit-cp-broken = 检查点（{ $file }）：{ $problem }
audit-cp-unreadable = 第 { $line } 行不是检查点（{ $detail }）
audit-cp-bad-signature = 第 { $line } 行的检查点不是该公钥签名的（伪造或被修改）
audit-cp-shortened = 第 { $line } 行的检查点担保链 `{ $chain }` 的第 { $seq } 条记录，但日志止于第 { $last } 条：末尾的记录被删除
audit-cp-emptied = 第 { $line } 行的检查点担保链 `{ $chain }` 的第 { $seq } 条记录，但日志中没有该链的任何记录：其记录已被删除
audit-cp-head-mismatch = 第 { $line } 行的检查点担保的链 `{ $chain }` 第 { $seq } 条记录与日志中的不同：该链被改写
audit-unanchored = 最后一个检查点之后的 { $count } 条记录仅由其 MAC 担保
audit-key-beside-log = 公钥读自日志旁（{ $key }）：能在此处写入的伪造者也能替换它；请用 --public-key 指定另行保存的副本
audit-key-from-store = 公钥读自被核验的数据库（{ $key }）：能在其中写入者也能替换它们；请用 --public-key 指定另行保存的副本
audit-verdict-ok = 完好：日志未被改动
audit-verdict-broken = 已损坏：日志被改动（见上）
bundle-key-exists = { $path } 已存在；签名密钥从不覆盖（请换一个文件名）
bundle-keygen-done = 已写入签名密钥 { $key } 及其公钥 { $public }（密钥标识 { $id }）
bundle-built = 已写入 { $file }（{ $count } 个文件）；用 `datalex bundle sign { $file } --key KEY` 签名
bundle-no-key = { $key } 处没有签名密钥（用 `datalex bundle keygen { $key }` 生成）
bundle-signed = 已用密钥 { $id } 为 { $file } 签名
bundle-verified = { $id }：完整（{ $count } 个文件），由 { $key } 签名，编译通过，政策包测试通过；服务于 { $jurisdictions }
bundle-refused = 政策包 { $file } 被拒绝：{ $reason }
bundle-not-a-store = --store 须为 PostgreSQL 地址（postgres://…），而不是 `{ $store }`
bundle-unsigned-warning = { $file } 未签名；跟随政策包的副本会拒绝它
bundle-published = 已将 { $file } 发布为当前政策包（第 { $generation } 次发布，于 { $at }），存于 { $store }
