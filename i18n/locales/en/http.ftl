# http — English catalog.
# The `message` of the service's error answers (`code` never changes with the language).
http-no-route = no such route; see /openapi.json
http-body-too-large = { $detail }; the limit is { $limit } bytes of UTF-8 JSON
http-body-unreadable = { $detail }; the limit is { $limit } bytes of UTF-8 JSON
http-malformed-json = { $detail }
http-json-ends-early = { $detail }
http-batch-shape = expected `{ $shape }`
http-unknown-jurisdiction = name one of: { $known }
http-no-decision = no decision `{ $id }`
http-log-unavailable = { $detail }
http-decision-log-unavailable = the decision could not be logged, so it is not answered: { $detail }; retry later
http-not-ready = not ready: { $detail }
http-internal = { $detail }
http-metrics-failed = rendering the metrics: { $detail }
