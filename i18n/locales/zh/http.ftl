# http — 中文目录。
# 服务错误答复的 `message`（`code` 不随语言改变）。
http-no-route = 没有该路由；参见 /openapi.json
http-body-too-large = 请求体过大：上限为 { $limit } 字节的 UTF-8 JSON
http-body-unreadable = 无法读取请求体：须为不超过 { $limit } 字节的 UTF-8 JSON
http-malformed-json = 请求体不是有效的 JSON：第{ $line }行第{ $column }列有语法错误
http-json-ends-early = 请求体不是完整的 JSON：在第{ $line }行第{ $column }列意外结束
http-batch-shape = 请求体应为 `{ $shape }`
http-unknown-jurisdiction = 未知的辖区；请指定下列辖区之一：{ $known }
http-no-decision = 没有编号为 `{ $id }` 的决定
http-log-unavailable = 无法读取决定日志：{ $detail }
http-decision-log-unavailable = 决定无法写入决定日志，因此不予答复：{ $detail }；请稍后重试
http-not-ready = 未就绪：{ $detail }
http-internal = 内部错误：{ $detail }
http-metrics-failed = 生成指标时出错：{ $detail }
