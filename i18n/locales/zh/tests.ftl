# tests — 中文目录：`datalex test`，以及服务在使用重新加载的政策之前运行的政策测试。
# 每个测试一行，行首在各语言中都是 `ok` 或 `FAILED`（供脚本查找的一列），其后是文件、行号和
# 测试名称（照录）。以下是其余的文字。
# 写入了新的快照（`datalex test --snapshot`）。
test-new-snapshot = 新快照 { $path }
# 测试发现的问题，每条一行。
test-no-facts = 该测试未指明事实目录（`facts`）
test-facts = { $dir } 中的事实与政策包不符：{ $detail }
test-request-json = 申请不是有效的 JSON：{ $detail }
test-request = 申请有误：{ $detail }
test-not-decided = 未作出决定（{ $code }）：{ $detail }
test-expected-error = 预期错误 { $code }，实际作出了决定：{ $effect }
test-expected-effect = 预期 { $expected }，实际为 { $got }（理由：{ $reasons }）
test-expected-reason = 预期理由 { $code }，实际理由为 { $got }
test-expected-part = 预期{ $kind } { $code }，实际为 [{ $got }]
test-unwanted-part = 预期没有{ $kind } { $code }，实际有
test-expected-deadline = 预期期限 { $code }，实际为 [{ $got }]
test-deadline-due = 期限 { $code }：预期到期日 { $expected }，实际为 { $got }
test-deadline-status = 期限 { $code }：预期状态 { $expected }，实际为 { $got }
test-deadline-party = 期限 { $code }：预期当事方 { $expected }，实际为 { $got }
test-expected-tier = 预期 { $key } 的实际等级为 { $expected }，实际为 { $got }
test-snapshot-changed = 决定有变化：请审阅 { $path }（cargo insta review）
test-none = 无
# 决定的组成部分，按 `expect` 的称呼。
test-part-reason = 理由
test-part-obligation = 义务
test-part-finding = 发现的问题
test-part-deadline = 期限
test-part-remedy = 救济途径
test-part-source = 法律依据
# 全部测试之后，按包汇总。
test-package-summary = { $package }：{ $run }个测试，{ $failed }个未通过
test-never-applied = 没有测试见到其适用的规则：{ $rules }
test-always-applied = 没有测试见到其不适用的规则：{ $rules }
test-every-rule-tested = 每条规则都有测试见到其适用，也有测试见到其不适用
# `--snapshot`：与快照不同的决定数。
test-snapshots = 快照：{ $changed }个有变化
test-snapshots-changed = 快照：{ $changed }个有变化：{ $names }
# 最后一行。
test-result = 测试结果：{ $passed }个通过，{ $failed }个未通过
test-not-compiled = 政策无法编译，未运行任何测试
# 服务启动或重新加载时，政策能编译但未通过自身的测试（不予使用）。
test-policies-fail-tests = { $path } 中的政策有{ $failed }个测试未通过（共{ $run }个）
