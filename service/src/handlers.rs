//! The routes and their handlers: deciding one request or a batch, reading a logged decision,
//! the served policies, health, metrics and the OpenAPI document.

use crate::answer::{self, TraceMode};
use crate::api::{ApiError, BatchAnswer, BatchItem, ErrorCode, PoliciesAnswer};
use crate::auth::{self, Access, Caller, Guard, Scope};
use crate::decision_log::stored::contract_request;
use crate::decision_log::Rendered;
use crate::metrics;
use crate::state::{AppState, Snapshot};
use crate::words;
use axum::body::{Body, Bytes};
use axum::extract::rejection::StringRejection;
use axum::extract::{DefaultBodyLimit, FromRequestParts, Path as UrlPath, RawQuery, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, MethodRouter};
use axum::{Json, Router};
use datalex_evaluator::json;
use datalex_evaluator::request::RequestError;
use datalex_evaluator::{EvalError, Request};
use datalex_i18n::Lang;
use serde_json::value::RawValue;
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The largest request body accepted.
pub const BODY_LIMIT: usize = 1 << 20;
/// The most requests one batch may hold: each decision is logged with its trace (a few KB), so
/// a body of small requests must not multiply into a log many times its size.
pub const MAX_BATCH: usize = 1000;
/// How long one request may take before the service gives up on it (the default of
/// `request_timeout`).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a decision waits for its log record to be committed (durable mode) before it is
/// answered 503 `decision_log_unavailable` instead: well within [`REQUEST_TIMEOUT`], so a log
/// that cannot be written gives 503, never 408.
pub const COMMIT_WAIT: Duration = Duration::from_secs(5);

/// Every route the service serves, with its method. The router is built from this list and the
/// OpenAPI document must describe exactly these (a test checks it).
pub const ROUTES: &[(&str, &str)] = &[
    ("post", "/v1/decisions"),
    ("post", "/v1/decisions:batch"),
    ("get", "/v1/decisions/{id}"),
    ("get", "/v1/policies"),
    ("get", "/healthz"),
    ("get", "/readyz"),
    ("get", "/metrics"),
    ("get", "/openapi.json"),
];

/// The OpenAPI document served at `/openapi.json`.
pub const OPENAPI: &str = include_str!("openapi.json");

/// The handler of a route in [`ROUTES`].
fn handler(path: &str) -> Option<MethodRouter<Arc<AppState>>> {
    Some(match path {
        "/v1/decisions" => post(decide_one),
        "/v1/decisions:batch" => post(decide_batch),
        "/v1/decisions/{id}" => get(get_decision),
        "/v1/policies" => get(policies),
        "/healthz" => get(|| async { "ok" }),
        "/readyz" => get(readyz),
        "/metrics" => get(metrics),
        "/openapi.json" => {
            get(|| async { ([(header::CONTENT_TYPE, "application/json")], OPENAPI) })
        }
        _ => return None,
    })
}

/// The scopes of which a caller needs one to use the route `path` of [`ROUTES`] or of the
/// explorer's pages ([`crate::explorer::access`]) (none: any authenticated caller); `None` for
/// a path that is not a route. A caller may read back only its own decisions with
/// `read-decisions`, any with `audit` ([`Caller::may_read`]).
pub fn access(path: &str) -> Option<&'static [Scope]> {
    Some(match path {
        "/v1/decisions" | "/v1/decisions:batch" => &[Scope::Decide],
        "/v1/decisions/{id}" => &[Scope::ReadDecisions, Scope::Audit],
        "/v1/policies" | "/openapi.json" => &[Scope::ReadPolicies],
        "/metrics" => &[Scope::Metrics],
        "/healthz" | "/readyz" => &[],
        _ => return crate::explorer::access(path),
    })
}

/// The routes, behind the guard of `access` (authentication, scopes, rate limits), with the
/// body limit and the request timeout; every error answer, down to an unknown route or method
/// and a timeout, is a JSON error.
pub fn router(state: Arc<AppState>, access: Arc<Access>, request_timeout: Duration) -> Router {
    let mut r = Router::new();
    for (_, path) in ROUTES {
        if let Some(h) = handler(path) {
            r = r.route(path, h);
        }
    }
    let guard = Guard {
        app: Arc::clone(&state),
        access,
    };
    // The explorer's pages (HTML, not API routes), behind the same guard.
    r = r.merge(crate::explorer::router(Arc::clone(&state)));
    r.fallback(|headers: HeaderMap| async move {
        ApiError::new(
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            words::say(lang(&headers), "http-no-route", &[]),
            None,
        )
    })
    .method_not_allowed_fallback(|method: Method, uri: Uri, headers: HeaderMap| async move {
        ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            ErrorCode::MethodNotAllowed,
            words::say(
                lang(&headers),
                "http-method-not-allowed",
                &[
                    ("method", method.to_string()),
                    ("path", uri.path().to_string()),
                ],
            ),
            None,
        )
    })
    .layer(DefaultBodyLimit::max(BODY_LIMIT))
    .layer(middleware::from_fn_with_state(guard, auth::guard))
    .layer(middleware::from_fn_with_state(
        (Arc::clone(&state), request_timeout),
        timeout,
    ))
    .with_state(state)
}

/// Gives up on a request not done within the request timeout: `408 request_timeout`.
async fn timeout(
    State((state, limit)): State<(Arc<AppState>, Duration)>,
    request: axum::extract::Request,
    next: Next,
) -> Response {
    let lang = lang(request.headers());
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            let e = ApiError::new(
                StatusCode::REQUEST_TIMEOUT,
                ErrorCode::RequestTimeout,
                words::say(
                    lang,
                    "http-request-timeout",
                    &[("seconds", limit.as_secs_f64().to_string())],
                ),
                None,
            );
            count_error(&state, &e);
            e.into_response()
        }
    }
}

/// The language the caller asked for ([`lang`]), read from the request's headers in place: the
/// handlers of the decision routes take this rather than a copy of every header.
pub(crate) struct Asked(pub(crate) Lang);

impl<S: Send + Sync> FromRequestParts<S> for Asked {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Asked, Self::Rejection> {
        Ok(Asked(lang(&parts.headers)))
    }
}

/// The language of the error messages: the one `Accept-Language` prefers among those Datalex
/// speaks, else Chinese.
pub(crate) fn lang(headers: &HeaderMap) -> Lang {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Lang::from_accept_language)
        .unwrap_or_default()
}

fn body_text(lang: Lang, body: Result<String, StringRejection>) -> Result<String, Box<ApiError>> {
    body.map_err(|e| {
        let status = e.status();
        let (code, id) = if status == StatusCode::PAYLOAD_TOO_LARGE {
            (ErrorCode::BodyTooLarge, "http-body-too-large")
        } else {
            (ErrorCode::UnreadableBody, "http-body-unreadable")
        };
        let message = words::say(
            lang,
            id,
            &[("detail", e.to_string()), ("limit", BODY_LIMIT.to_string())],
        );
        ApiError::new(status, code, message, None)
    })
}

/// The body read as JSON, with the members it names twice ([`json::read`]).
fn parse_body(lang: Lang, body: &str) -> Result<json::Read, Box<ApiError>> {
    json::read(body).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::MalformedJson,
            words::malformed_json(lang, &e),
            None,
        )
    })
}

/// 422 `invalid_request` naming what is wrong with a request: a field (missing, unknown, of the
/// wrong type) or a member it names twice in one object.
fn invalid_request(lang: Lang, e: &RequestError) -> Box<ApiError> {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        ErrorCode::InvalidRequest,
        words::request_error(lang, e),
        e.field.as_deref(),
    )
}

/// [`invalid_request`] for a member named twice at `path`.
fn repeated_member(lang: Lang, path: &json::Path) -> Box<ApiError> {
    invalid_request(lang, &RequestError::repeated(path))
}

fn internal(lang: Lang, detail: String) -> Box<ApiError> {
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        ErrorCode::Internal,
        words::say(lang, "http-internal", &[("detail", detail)]),
        None,
    )
}

/// The `?trace=` of a decision route, or 400 `invalid_parameter` naming it.
fn trace_mode(lang: Lang, query: Option<&str>) -> Result<TraceMode, Box<ApiError>> {
    TraceMode::from_query(query).map_err(|value| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::InvalidParameter,
            words::say(
                lang,
                "http-bad-parameter",
                &[
                    ("name", "trace".to_owned()),
                    ("value", value),
                    ("expected", TraceMode::VALUES.to_owned()),
                ],
            ),
            Some("trace"),
        )
    })
}

/// Decides one request (`body`) with `snap`, and returns the answer's JSON in `mode` with the
/// record to log (not logged yet: the caller submits it, see [`log_and_wait`]). The decision is
/// serialised once ([`answer::render`]): the record holds it with its full trace, whatever
/// `mode`, and marks the pieces the log stores once.
fn decide_value(
    lang: Lang,
    state: &AppState,
    snap: &Snapshot,
    body: &Value,
    caller: Option<&str>,
    mode: TraceMode,
) -> Result<(Arc<String>, Rendered), Box<ApiError>> {
    let started = Instant::now();
    let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
    let project = &snap.project;
    let request =
        Request::from_json(body, project.clock().today()).map_err(|e| invalid_request(lang, &e))?;
    let chosen = project.choose(
        &snap.policy,
        request.jurisdiction(),
        &snap.jurisdictions,
        |j| j.name.as_str(),
    );
    let j = chosen.map_err(|_| {
        let known: Vec<String> = snap.jurisdictions.iter().map(|j| j.name.clone()).collect();
        ApiError::new(
            unprocessable,
            ErrorCode::UnknownJurisdiction,
            words::unknown_jurisdiction(lang, &known),
            Some("jurisdiction"),
        )
    })?;
    let mut d = j.decide(&request).map_err(|e| {
        let message = words::eval_error(lang, &e);
        match e {
            // Not a decision: no source of the jurisdiction governs the request's date.
            EvalError::NotInForce { .. } => {
                ApiError::new(unprocessable, ErrorCode::NotInForce, message, Some("at"))
            }
            // A field beyond the contract, of the wrong type: bad input naming the field.
            EvalError::InvalidField { ref field, .. } => ApiError::new(
                unprocessable,
                ErrorCode::InvalidRequest,
                message,
                Some(field),
            ),
            EvalError::BudgetExceeded { .. } | EvalError::NoPlan { .. } => {
                ApiError::new(unprocessable, ErrorCode::EvaluationFailed, message, None)
            }
        }
    })?;
    d.decision_id = ulid::Ulid::new().to_string();
    let rendered = answer::render(&d, mode);
    let text = rendered.body(mode);
    let elapsed = started.elapsed();
    state
        .metrics()
        .decided(&j.name, request.kind(), d.effect, elapsed);
    tracing::info!(decision_id = %d.decision_id, jurisdiction = %j.name, kind = request.kind(), effect = d.effect, latency_us = elapsed.as_micros() as u64, "decided");
    let stored = contract_request(body, &request, j.engine.policy());
    let record = Rendered {
        decision_id: d.decision_id,
        time: project.clock().timestamp(),
        jurisdiction: j.name.clone(),
        policy_version: j.version.clone(),
        caller: caller.map(str::to_owned),
        request: stored.to_string(),
        decision: rendered.full,
        shared: rendered.shared,
    };
    Ok((text, record))
}

/// Logs `records` together and waits until they are durable (in the durable mode; at once in
/// the asynchronous one): 503 `decision_log_unavailable` if the log cannot take them.
async fn log_and_wait(
    lang: Lang,
    state: &AppState,
    records: Vec<Rendered>,
) -> Result<(), Box<ApiError>> {
    if records.is_empty() {
        return Ok(());
    }
    let log = state.log();
    let logged = match log.submit(records) {
        Ok(receipt) => receipt.durable(COMMIT_WAIT).await,
        Err(e) => Err(e),
    };
    logged.map_err(|e| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::DecisionLogUnavailable,
            words::say(lang, "http-decision-log-unavailable", &[("detail", e.0)]),
            None,
        )
    })
}

/// A decision's JSON, shared with the log record rather than copied into the answer.
struct SharedText(Arc<String>);

impl AsRef<[u8]> for SharedText {
    fn as_ref(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

fn json_text(text: Arc<String>) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        Body::from(Bytes::from_owner(SharedText(text))),
    )
        .into_response()
}

fn count_error(state: &AppState, e: &ApiError) {
    state.metrics().error(e.status.as_u16(), e.code());
}

fn with_request_id(mut response: Response) -> Response {
    let mut id = [0; ulid::ULID_LEN];
    if let Ok(v) = HeaderValue::from_str(ulid::Ulid::new().array_to_str(&mut id)) {
        response.headers_mut().insert("x-request-id", v);
    }
    response
}

async fn decide_one(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Asked(lang): Asked,
    RawQuery(query): RawQuery,
    body: Result<String, StringRejection>,
) -> Response {
    let snap = state.snapshot();
    let decided = trace_mode(lang, query.as_deref()).and_then(|mode| {
        let b = body_text(lang, body)?;
        let value = parse_body(lang, &b)?
            .unambiguous()
            .map_err(|e| invalid_request(lang, &e))?;
        decide_value(lang, &state, &snap, &value, caller.recorded(), mode)
    });
    let result = match decided {
        Ok((text, record)) => log_and_wait(lang, &state, vec![record])
            .await
            .map(|()| text),
        Err(e) => Err(e),
    };
    with_request_id(match result {
        Ok(text) => json_text(text),
        Err(e) => {
            count_error(&state, &e);
            e.into_response()
        }
    })
}

async fn decide_batch(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Asked(lang): Asked,
    RawQuery(query): RawQuery,
    body: Result<String, StringRejection>,
) -> Response {
    let parsed = trace_mode(lang, query.as_deref()).and_then(|mode| {
        let b = body_text(lang, body)?;
        Ok((mode, parse_body(lang, &b)?))
    });
    let (
        mode,
        json::Read {
            value,
            repeated,
            more,
        },
    ) = match parsed {
        Ok(parsed) => parsed,
        Err(e) => {
            count_error(&state, &e);
            return with_request_id(e.into_response());
        }
    };
    // A member named twice inside a request refuses that request (below: the first such member
    // of each, by the request's index); one named twice outside every request (`requests`
    // itself, say) refuses the batch.
    let mut twice: BTreeMap<usize, json::Path> = BTreeMap::new();
    // Past the list's limit, which request holds the rest is not known: the batch is refused.
    if let (true, Some(path)) = (more, repeated.first()) {
        let e = repeated_member(lang, path);
        count_error(&state, &e);
        return with_request_id(e.into_response());
    }
    for path in &repeated {
        match path.0.as_slice() {
            [json::Step::Member(m), json::Step::Index(i), rest @ ..]
                if m == "requests" && !rest.is_empty() =>
            {
                twice.entry(*i).or_insert_with(|| json::Path(rest.to_vec()));
            }
            _ => {
                let e = repeated_member(lang, path);
                count_error(&state, &e);
                return with_request_id(e.into_response());
            }
        }
    }
    let Some(items) = value.get("requests").and_then(Value::as_array) else {
        let e = ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::InvalidRequest,
            words::say(
                lang,
                "http-batch-shape",
                &[("shape", r#"{"requests": [ … ]}"#.to_string())],
            ),
            Some("requests"),
        );
        count_error(&state, &e);
        return with_request_id(e.into_response());
    };
    if items.len() > MAX_BATCH {
        let e = ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::InvalidRequest,
            words::say(
                lang,
                "http-batch-too-many",
                &[
                    ("limit", MAX_BATCH.to_string()),
                    ("count", items.len().to_string()),
                ],
            ),
            Some("requests"),
        );
        count_error(&state, &e);
        return with_request_id(e.into_response());
    }
    // One snapshot for the whole batch: all its decisions are made under one policy version.
    let snap = state.snapshot();
    let mut decisions = Vec::with_capacity(items.len());
    let mut records = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let decided = match twice.get(&i) {
            Some(path) => Err(repeated_member(lang, path)),
            None => Ok(()),
        }
        .and_then(|()| decide_value(lang, &state, &snap, item, caller.recorded(), mode))
        .and_then(|(text, record)| {
            let raw = RawValue::from_string(text.to_string())
                .map_err(|e| internal(lang, e.to_string()))?;
            Ok((raw, record))
        });
        decisions.push(match decided {
            Ok((raw, record)) => {
                records.push(record);
                BatchItem::Decision(raw)
            }
            Err(e) => {
                count_error(&state, &e);
                BatchItem::Error(e.in_batch(i))
            }
        });
    }
    // Every decision of the batch is logged, in one commit, before the batch is answered; or
    // none is answered.
    if let Err(e) = log_and_wait(lang, &state, records).await {
        count_error(&state, &e);
        return with_request_id(e.into_response());
    }
    with_request_id(Json(BatchAnswer { decisions }).into_response())
}

async fn get_decision(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    UrlPath(id): UrlPath<String>,
) -> Response {
    let lang = lang(&headers);
    let mode = match trace_mode(lang, query.as_deref()) {
        Ok(mode) => mode,
        Err(e) => return e.into_response(),
    };
    tracing::debug!(caller = %caller.id, decision_id = %id, "reading a logged decision");
    match state.log().get(&id) {
        // Another caller's decision is answered as unknown, like one that does not exist, so
        // that a caller cannot learn which ids others were given.
        Ok(Some(logged)) if caller.may_read(logged.caller.as_deref()) => {
            Json(shaped(logged.decision, mode)).into_response()
        }
        Ok(_) => ApiError::new(
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            words::say(lang, "http-no-decision", &[("id", id)]),
            None,
        )
        .into_response(),
        Err(e) => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::LogUnavailable,
            words::say(
                lang,
                "http-log-unavailable",
                &[("detail", format!("{e:#}"))],
            ),
            None,
        )
        .into_response(),
    }
}

/// A logged decision (with its full trace) in the answer's shape `mode`.
fn shaped(mut decision: Value, mode: TraceMode) -> Value {
    if let Some(fields) = decision.as_object_mut() {
        match mode {
            TraceMode::Full => {}
            TraceMode::None => {
                fields.remove("trace");
            }
            TraceMode::Summary => {
                if let Some(Value::Array(steps)) = fields.get_mut("trace") {
                    steps.retain(|s| s.get("matched") == Some(&Value::Bool(true)));
                    for step in steps.iter_mut().filter_map(Value::as_object_mut) {
                        step.remove("detail");
                    }
                }
            }
        }
    }
    decision
}

/// 200 `ready` while the decision log can be written; 503 (JSON, `decision_log_unavailable`)
/// while it cannot, until a write or the writer's probe succeeds again.
async fn readyz(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    match state.log().unavailable() {
        None => "ready".into_response(),
        Some(why) => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::DecisionLogUnavailable,
            words::say(lang(&headers), "http-not-ready", &[("detail", why)]),
            None,
        )
        .into_response(),
    }
}

async fn policies(State(state): State<Arc<AppState>>) -> Response {
    let snap = state.snapshot();
    Json(PoliciesAnswer {
        policies: snap.describe(),
        bundle: snap.project.bundle().map(|b| (*b.info).clone()),
        reload: state.reload_status(),
    })
    .into_response()
}

async fn metrics(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    match state.metrics().render() {
        Ok(text) => ([(header::CONTENT_TYPE, metrics::CONTENT_TYPE)], text).into_response(),
        Err(e) => ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::Internal,
            words::say(
                lang(&headers),
                "http-metrics-failed",
                &[("detail", e.to_string())],
            ),
            None,
        )
        .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_openapi_document_describes_exactly_the_routes() {
        let doc: Value = serde_json::from_str(OPENAPI).unwrap();
        let mut documented: Vec<(String, String)> = Vec::new();
        for (path, ops) in doc["paths"].as_object().unwrap() {
            for method in ops.as_object().unwrap().keys() {
                documented.push((method.clone(), path.clone()));
            }
        }
        documented.sort();
        let mut routes: Vec<(String, String)> = ROUTES
            .iter()
            .map(|(m, p)| ((*m).to_string(), (*p).to_string()))
            .collect();
        routes.sort();
        assert_eq!(documented, routes, "openapi.json and ROUTES disagree");
        for (method, path) in ROUTES {
            assert!(handler(path).is_some(), "no handler for {path}");
            // The scopes the document names (the roles of its security alternatives) are the
            // ones the guard asks for.
            let documented: Vec<&str> = doc["paths"][path][method]["security"]
                .as_array()
                .unwrap_or_else(|| panic!("{method} {path}: no security"))
                .iter()
                .filter_map(|alternative| alternative["apiKey"].as_array())
                .flatten()
                .map(|s| s.as_str().unwrap())
                .collect();
            let needed: Vec<&str> = access(path)
                .unwrap_or_else(|| panic!("no access rule for {path}"))
                .iter()
                .map(|s| s.as_str())
                .collect();
            assert_eq!(documented, needed, "{method} {path}");
        }
    }
}
