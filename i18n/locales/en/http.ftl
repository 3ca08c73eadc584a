# http — English catalog.
# The `message` of the service's error answers (`code` never changes with the language).
http-no-route = no such route; see /openapi.json
http-body-too-large = { $detail }; the limit is { $limit } bytes of UTF-8 JSON
http-body-unreadable = { $detail }; the limit is { $limit } bytes of UTF-8 JSON
http-malformed-json = { $detail }
http-json-ends-early = { $detail }
http-batch-shape = expected `{ $shape }`
http-bad-parameter = query parameter `{ $name }`: `{ $value }` is not one of { $expected }
http-batch-too-many = a batch holds at most { $limit } requests; this one has { $count }: split it
http-unknown-jurisdiction = name one of: { $known }
http-no-decision = no decision `{ $id }`
http-log-unavailable = { $detail }
http-decision-log-unavailable = the decision could not be logged, so it is not answered: { $detail }; retry later
http-not-ready = not ready: { $detail }
http-internal = { $detail }
http-metrics-failed = rendering the metrics: { $detail }
http-unauthenticated = this route needs an API key: send `Authorization: Bearer <key>`
http-unknown-key = the API key is not one the service knows (revoked, or mistyped)
http-forbidden = caller `{ $caller }` may not use { $route }: it needs the scope { $scopes }
http-rate-limited = over the rate of { $rate }; retry in { $seconds } s
http-method-not-allowed = { $method } is not a method of { $path }; see /openapi.json
http-request-timeout = the request was not done within { $seconds } s
# The operator's messages of `datalex serve` (its log, and a start that is refused).
serve-open-loopback = no key file: serving WITHOUT authentication, on the loopback address { $addr } only; configure `[serve] keys` in datalex.toml or pass --keys FILE before serving anyone else
serve-open-refused = refusing to serve { $addr } without authentication: it is not a loopback address. Configure a key file (`[serve] keys` in datalex.toml, or --keys FILE), or listen on 127.0.0.1; --insecure-open serves anyone who can reach { $addr }
serve-insecure-open = serving { $addr } WITHOUT authentication (--insecure-open): anyone who can reach it may ask for decisions and read every logged one
# `datalex keys`.
keys-added = added caller `{ $id }` ({ $scopes }) to { $file }. Its key follows, shown only this once: give it to the caller's operators and keep it out of logs and tickets.
keys-bad-id = `{ $id }` is not a caller id: 1 to 64 ASCII letters, digits, `.`, `_` or `-`, and not `anonymous`
keys-bad-scope = unknown scope `{ $scope }`; the scopes are { $scopes }
