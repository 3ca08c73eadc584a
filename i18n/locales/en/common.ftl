# Words shared by every catalog.
lang-name = English

date = { $iso }
list-comma = {", "}
list-or = {" or "}
list-arrow = {" → "}
date-malformed = { $input } is not a date: expected `YYYY-MM-DD`
date-malformed-timestamp = { $input } is not a date or timestamp: expected `YYYY-MM-DD` or an RFC 3339 timestamp such as `2026-03-02T09:30:00+08:00`
date-impossible = { $input } is not a date: { $reason }
date-no-year-zero = there is no year 0000
date-no-month = there is no month { $month }
date-no-day-zero = there is no day 0
date-month-length = { $month-name } { $year } has { $days } days
date-out-of-range = { $part } { $value } is out of range (0 to { $max })
date-outside-years = in Asia/Shanghai it falls outside the years 0001 to 9999
date-part-hour = hour
date-part-minute = minute
date-part-second = second
date-part-offset-hour = offset hour
date-part-offset-minute = offset minute
month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December

# A request that is not of the contract's shape (the service's `invalid_request`, `datalex eval`).
field-error = field `{ $field }`: { $message }
request-not-an-object = a request is a JSON object
request-kind-not-a-string = expected a string
request-kind-missing = missing; expected one of { $kinds }
request-unknown-kind = unknown kind `{ $kind }`; expected one of { $kinds }
request-no-dataset = must name at least one dataset
request-dataset-missing = missing; only an `add` may leave it out
request-missing-field = { $detail }
request-unknown-field = { $detail }
request-invalid-value = { $detail }
request-repeated-member = `{ $field }` is named more than once in its object, so which value is meant is not said; name each member once
# A request that is not decided.
eval-budget-exceeded = evaluation exceeded its budget of { $budget } steps (in `{ $rule }`); the policy or the facts are too large for one decision
eval-no-plan = package `{ $package }` has no rules for `{ $kind }` requests
eval-not-in-force = not_in_force: 《{ $title }》 ({ $regulation }) is not in force on { $at }; { $period }
# No jurisdiction decides a request.
jurisdiction-conflict = the request names `{ $named }` but --jurisdiction is `{ $flag }`
jurisdiction-no-package = no policy package `{ $name }` in { $policies }
jurisdiction-no-data = policy package `{ $name }` has no facts: there is no data directory { $dir }; name one with --data
jurisdiction-not-served = `{ $name }` is not served here; name one of: { $served }
jurisdiction-several = several jurisdictions ({ $candidates }); name one with --jurisdiction or the request's `jurisdiction`
jurisdiction-data-of-which = --data names one jurisdiction's facts: say which with --jurisdiction
jurisdiction-none-available = no jurisdiction: no policy package has a data directory under { $data }/; use --jurisdiction and --data
# Files the tools read.
io-reading = reading { $path }: { $reason }
facts-invalid = facts in { $dir }: { $detail }
io-not-found = { $detail }
io-permission-denied = { $detail }
# `datalex.toml`.
config-invalid = { $path }:{ $line }: { $message }
config-invalid-key = { $path }:{ $line }: `{ $key }`: { $message }
