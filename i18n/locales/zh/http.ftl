# http — 中文目录。
# 服务错误答复的 `message`（`code` 不随语言改变）。
http-no-route = 没有该路由；参见 /openapi.json
http-body-too-large = 请求体过大：上限为 { $limit } 字节的 UTF-8 JSON
http-body-unreadable = 无法读取请求体：须为不超过 { $limit } 字节的 UTF-8 JSON
http-malformed-json = 请求体不是有效的 JSON：第{ $line }行第{ $column }列有语法错误
http-json-ends-early = 请求体不是完整的 JSON：在第{ $line }行第{ $column }列意外结束
http-batch-shape = 请求体应为 `{ $shape }`
http-bad-parameter = 查询参数 `{ $name }`：`{ $value }` 不是 { $expected } 之一
http-batch-too-many = 一批最多 { $limit } 个申请，本批有 { $count } 个，请分批提交
http-unknown-jurisdiction = 未知的辖区；请指定下列辖区之一：{ $known }
http-no-decision = 没有编号为 `{ $id }` 的决定
http-log-unavailable = 无法读取决定日志：{ $detail }
http-decision-log-unavailable = 决定无法写入决定日志，因此不予答复：{ $detail }；请稍后重试
http-not-ready = 未就绪：{ $detail }
http-internal = 内部错误：{ $detail }
http-metrics-failed = 生成指标时出错：{ $detail }
http-unauthenticated = 此路由需要 API 密钥：请发送 `Authorization: Bearer <密钥>`
http-unknown-key = 服务不认识该 API 密钥（已撤销或有误）
http-forbidden = 调用方 `{ $caller }` 无权使用 { $route }：需要权限范围 { $scopes }
http-rate-limited = 超过调用频率上限 { $rate }；请在 { $seconds } 秒后重试
http-method-not-allowed = { $path } 不支持 { $method } 方法；参见 /openapi.json
http-request-timeout = 请求未在 { $seconds } 秒内完成
# `datalex serve` 给运维人员的消息（日志，以及拒绝启动的原因）。
serve-open-loopback = 未配置密钥文件：服务不做身份验证，只监听本机回环地址 { $addr }；对外服务前请在 datalex.toml 中配置 `[serve] keys` 或使用 --keys FILE
serve-open-refused = 拒绝在 { $addr } 上不经身份验证地服务：该地址不是本机回环地址。请配置密钥文件（datalex.toml 的 `[serve] keys`，或 --keys FILE），或监听 127.0.0.1；--insecure-open 会向任何能访问 { $addr } 的人开放服务
serve-insecure-open = 在 { $addr } 上不经身份验证地服务（--insecure-open）：任何能访问该地址的人都可请求决定并读取所有已记录的决定
# `datalex keys`。
keys-added = 已将调用方 `{ $id }`（{ $scopes }）加入 { $file }。其密钥如下，仅显示这一次：请交给该调用方的运维人员，勿写入日志或工单。
keys-bad-id = `{ $id }` 不是有效的调用方标识：须为 1 至 64 个 ASCII 字母、数字、`.`、`_` 或 `-`，且不能是 `anonymous`
keys-bad-scope = 未知的权限范围 `{ $scope }`；可用的权限范围为 { $scopes }
