//! The routes and their handlers: deciding one request or a batch, reading a logged decision,
//! the served policies, health, metrics and the OpenAPI document.

use crate::api::{ApiError, BatchAnswer, BatchItem, ErrorCode, PoliciesAnswer};
use crate::metrics;
use crate::state::{AppState, Snapshot};
use crate::words;
use axum::extract::rejection::StringRejection;
use axum::extract::{DefaultBodyLimit, Path as UrlPath, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, MethodRouter};
use axum::{Json, Router};
use datalex_evaluator::{EvalError, Request};
use datalex_i18n::Lang;
use serde_json::value::RawValue;
use serde_json::Value;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The largest request body accepted.
pub const BODY_LIMIT: usize = 1 << 20;
/// How long one request may take before the service gives up on it.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

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
        "/readyz" => get(|| async { "ready" }),
        "/metrics" => get(metrics),
        "/openapi.json" => {
            get(|| async { ([(header::CONTENT_TYPE, "application/json")], OPENAPI) })
        }
        _ => return None,
    })
}

/// The routes, with the body limit and the request timeout.
pub fn router(state: Arc<AppState>) -> Router {
    let mut r = Router::new();
    for (_, path) in ROUTES {
        if let Some(h) = handler(path) {
            r = r.route(path, h);
        }
    }
    r.merge(crate::explorer::router(Arc::clone(&state)))
        .fallback(|headers: HeaderMap| async move {
            ApiError::new(
                StatusCode::NOT_FOUND,
                ErrorCode::NotFound,
                words::say(lang(&headers), "http-no-route", &[]),
                None,
            )
        })
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .with_state(state)
}

/// The language of the error messages: the one `Accept-Language` prefers among those Datalex
/// speaks, else Chinese.
fn lang(headers: &HeaderMap) -> Lang {
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

fn parse_body(lang: Lang, body: &str) -> Result<Value, Box<ApiError>> {
    serde_json::from_str(body).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::MalformedJson,
            words::malformed_json(lang, &e),
            None,
        )
    })
}

fn internal(lang: Lang, detail: String) -> Box<ApiError> {
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        ErrorCode::Internal,
        words::say(lang, "http-internal", &[("detail", detail)]),
        None,
    )
}

/// Decides one request (`body`, whose text as received is `raw`) with `snap`, logs it, and
/// returns the decision as JSON text — serialised once, for the answer and the log alike.
fn decide_value(
    lang: Lang,
    state: &AppState,
    snap: &Snapshot,
    body: &Value,
    raw: &str,
) -> Result<Arc<str>, Box<ApiError>> {
    let started = Instant::now();
    let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
    let project = state.project();
    let request = Request::from_json(body, project.clock().today()).map_err(|e| {
        ApiError::new(
            unprocessable,
            ErrorCode::InvalidRequest,
            words::request_error(lang, &e),
            e.field.as_deref(),
        )
    })?;
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
    let text: Arc<str> =
        Arc::from(serde_json::to_string(&d).map_err(|e| internal(lang, e.to_string()))?);
    let elapsed = started.elapsed();
    state
        .metrics()
        .decided(&j.name, request.kind(), d.effect, elapsed);
    tracing::info!(decision_id = %d.decision_id, jurisdiction = %j.name, kind = request.kind(), effect = d.effect, latency_us = elapsed.as_micros() as u64, "decided");
    state.log().append_rendered(
        d.decision_id,
        project.clock().timestamp(),
        j.name.clone(),
        j.version.clone(),
        raw.to_string(),
        Arc::clone(&text),
    );
    Ok(text)
}

fn json_text(text: &str) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        text.to_string(),
    )
        .into_response()
}

fn count_error(state: &AppState, e: &ApiError) {
    state.metrics().error(e.status.as_u16(), e.code());
}

fn with_request_id(mut response: Response) -> Response {
    if let Ok(v) = HeaderValue::from_str(&ulid::Ulid::new().to_string()) {
        response.headers_mut().insert("x-request-id", v);
    }
    response
}

async fn decide_one(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Result<String, StringRejection>,
) -> Response {
    let lang = lang(&headers);
    let snap = state.snapshot();
    let result = body_text(lang, body).and_then(|b| {
        let v = parse_body(lang, &b)?;
        decide_value(lang, &state, &snap, &v, &b)
    });
    with_request_id(match result {
        Ok(text) => json_text(&text),
        Err(e) => {
            count_error(&state, &e);
            e.into_response()
        }
    })
}

async fn decide_batch(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Result<String, StringRejection>,
) -> Response {
    let lang = lang(&headers);
    let value = match body_text(lang, body).and_then(|b| parse_body(lang, &b)) {
        Ok(v) => v,
        Err(e) => {
            count_error(&state, &e);
            return with_request_id(e.into_response());
        }
    };
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
    // One snapshot for the whole batch: all its decisions are made under one policy version.
    let snap = state.snapshot();
    let mut decisions = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let decided = decide_value(lang, &state, &snap, item, &item.to_string()).and_then(|text| {
            RawValue::from_string(text.to_string()).map_err(|e| internal(lang, e.to_string()))
        });
        decisions.push(match decided {
            Ok(raw) => BatchItem::Decision(raw),
            Err(e) => {
                count_error(&state, &e);
                BatchItem::Error(e.in_batch(i))
            }
        });
    }
    with_request_id(Json(BatchAnswer { decisions }).into_response())
}

async fn get_decision(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    UrlPath(id): UrlPath<String>,
) -> Response {
    let lang = lang(&headers);
    match state.log().get(&id) {
        Ok(Some(v)) => Json(v).into_response(),
        Ok(None) => ApiError::new(
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

async fn policies(State(state): State<Arc<AppState>>) -> Response {
    Json(PoliciesAnswer {
        policies: state.snapshot().describe(),
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
        for (_, path) in ROUTES {
            assert!(handler(path).is_some(), "no handler for {path}");
        }
    }
}
