# 通用用语（各目录共用）。
lang-name = 中文

date = { $year }年{ $month }月{ $day }日
list-comma = 、
list-or = {" 或 "}
list-arrow = {" → "}
date-malformed = { $input } 不是日期：应为 `YYYY-MM-DD` 格式
date-malformed-timestamp = { $input } 不是日期或时间戳：应为 `YYYY-MM-DD` 或 RFC 3339 时间戳，如 `2026-03-02T09:30:00+08:00`
date-impossible = { $input } 不是有效日期：{ $reason }
date-no-year-zero = 不存在0000年
date-no-month = 不存在{ $month }月
date-no-day-zero = 不存在0日
date-month-length = { $year }年{ $month }月只有{ $days }天
date-out-of-range = { $part }{ $value }超出范围（0至{ $max }）
date-outside-years = 按北京时间（Asia/Shanghai）计算，该时刻不在0001年至9999年之间
date-part-hour = 小时数
date-part-minute = 分钟数
date-part-second = 秒数
date-part-offset-hour = 时区偏移的小时数
date-part-offset-minute = 时区偏移的分钟数
month-1 = 一月
month-2 = 二月
month-3 = 三月
month-4 = 四月
month-5 = 五月
month-6 = 六月
month-7 = 七月
month-8 = 八月
month-9 = 九月
month-10 = 十月
month-11 = 十一月
month-12 = 十二月

# 不符合约定格式的请求（服务的 `invalid_request`、`datalex eval`）。
field-error = 字段 `{ $field }`：{ $message }
request-not-an-object = 请求须为 JSON 对象
request-kind-not-a-string = 应为字符串
request-kind-missing = 缺少该字段；应为下列之一：{ $kinds }
request-unknown-kind = 未知的请求种类 `{ $kind }`；应为下列之一：{ $kinds }
request-no-dataset = 须至少列明一个数据集
request-dataset-missing = 缺少该字段；仅新增（`add`）目录变更可以省略
request-missing-field = 缺少必填字段 `{ $field }`
request-unknown-field = 约定中没有字段 `{ $field }`
request-invalid-value = 值不符合约定（{ $detail }）
request-repeated-member = 成员 `{ $field }` 在同一对象中出现了不止一次，无法确定以哪一个值为准；每个成员只能出现一次
# 未作出决定的请求。
eval-budget-exceeded = 评估超出 { $budget } 步的上限（在 `{ $rule }` 中）；政策或事实过大，无法作出单项决定
eval-no-plan = 政策包 `{ $package }` 没有适用于 `{ $kind }` 请求的规则
eval-not-in-force = 《{ $title }》（{ $regulation }）在 { $at } 不在施行期间；{ $period }
# 没有可作出决定的辖区。
jurisdiction-conflict = 请求指定的辖区是 `{ $named }`，而 --jurisdiction 指定的是 `{ $flag }`
jurisdiction-no-package = { $policies } 中没有名为 `{ $name }` 的政策包
jurisdiction-no-data = 政策包 `{ $name }` 没有事实数据：数据目录 { $dir } 不存在；请用 --data 指定
jurisdiction-not-served = 本服务不受理 `{ $name }` 的请求；请指定下列辖区之一：{ $served }
jurisdiction-several = 有多个辖区（{ $candidates }）；请用 --jurisdiction 或请求的 `jurisdiction` 字段指定其一
jurisdiction-data-of-which = --data 只给出一个辖区的事实：请用 --jurisdiction 指明是哪一个
jurisdiction-none-available = 没有可用的辖区：{ $data }/ 下没有任何政策包的数据目录；请使用 --jurisdiction 和 --data
# 工具读取的文件。
io-reading = 无法读取 { $path }：{ $reason }
facts-invalid = { $dir } 中的事实有误：{ $detail }
io-not-found = 文件不存在
io-permission-denied = 没有读取权限
# `datalex.toml`。
config-invalid = 配置文件 { $path } 第{ $line }行有误：{ $message }
config-invalid-key = 配置文件 { $path } 第{ $line }行的 `{ $key }` 有误：{ $message }
