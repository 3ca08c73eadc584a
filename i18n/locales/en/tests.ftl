# tests — English catalog: `datalex test`, and the policy tests a service runs before it serves
# a reload. Each test's line starts with `ok` or `FAILED` in every language (the column scripts
# grep); the file, line and test name follow as written. The words below are the rest.
# A new snapshot was written (`datalex test --snapshot`).
test-new-snapshot = new snapshot { $path }
# What a test found wrong, one line each.
test-no-facts = the test names no `facts` directory
test-facts = the facts in { $dir } do not fit the package: { $detail }
test-request-json = the request is not JSON: { $detail }
test-request = the request is not a request: { $detail }
test-not-decided = not decided ({ $code }): { $detail }
test-expected-error = expected error { $code }, got a decision: { $effect }
test-expected-effect = expected { $expected }, got { $got } ({ $reasons })
test-expected-reason = expected reason { $code }, got { $got }
test-expected-part = expected { $kind } { $code }, got [{ $got }]
test-unwanted-part = expected no { $kind } { $code }
test-expected-deadline = expected deadline { $code }, got [{ $got }]
test-deadline-due = deadline { $code }: expected due { $expected }, got { $got }
test-deadline-status = deadline { $code }: expected status { $expected }, got { $got }
test-deadline-party = deadline { $code }: expected party { $expected }, got { $got }
test-expected-tier = expected effective { $key } tier { $expected }, got { $got }
test-snapshot-changed = the decision changed: review { $path } (cargo insta review)
test-none = none
# The parts of a decision, as `expect` names them.
test-part-reason = reason
test-part-obligation = obligation
test-part-finding = finding
test-part-deadline = deadline
test-part-remedy = remedy
test-part-source = source
# Per package, after the tests.
test-package-summary = { $package }: { $run } test(s), { $failed } failed
test-never-applied = rules no test saw apply: { $rules }
test-always-applied = rules no test saw not apply: { $rules }
test-every-rule-tested = every rule has a test where it applies and one where it does not
# `--snapshot`: how many decisions differ from their snapshots.
test-snapshots = snapshots: { $changed } changed
test-snapshots-changed = snapshots: { $changed } changed: { $names }
# The last line.
test-result = test result: { $passed } passed, { $failed } failed
test-not-compiled = the policies do not compile; no test was run
# A service start or reload whose policies compile but fail their own tests (not served).
test-policies-fail-tests = the policies in { $path } fail { $failed } of their { $run } test(s)
