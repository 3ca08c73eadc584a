//! `datalex serve`: the decision service (shared/contract/decision-api.md §4).
//!
//! Policies are compiled and every jurisdiction with facts is bound at start; the service is
//! ready once that succeeded. Decisions are kept in memory, newest last, up to
//! [`LOG_CAPACITY`], so `GET /v1/decisions/{id}` can return them.

use crate::cli::{self, Loaded};
use crate::Setup;
use anyhow::{Context, Result};
use axum::extract::{Path as UrlPath, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use datalex_evaluator::{Decision, Jurisdiction, Request};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::path::Path;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

/// How many decisions the in-memory log keeps.
pub const LOG_CAPACITY: usize = 100_000;

/// What the handlers share.
pub struct AppState {
    jurisdictions: Vec<Jurisdiction>,
    loaded_at: String,
    log: Mutex<DecisionLog>,
    metrics: Mutex<BTreeMap<(String, String, String), u64>>,
}

#[derive(Default)]
struct DecisionLog {
    order: VecDeque<String>,
    by_id: HashMap<String, Value>,
}

/// Binds every jurisdiction that has facts.
pub fn state(setup: &Setup) -> Result<AppState> {
    let mut loaded = Loaded::new(setup)?;
    let names: Vec<String> = match (&setup.jurisdiction, &setup.data) {
        (Some(j), _) => vec![j.clone()],
        (None, Some(_)) => vec![String::new()],
        (None, None) => loaded
            .policy()
            .packages
            .iter()
            .filter(|p| !p.plans.is_empty() && Path::new("data").join(&p.name).is_dir())
            .map(|p| p.name.clone())
            .collect(),
    };
    let mut jurisdictions = Vec::new();
    for n in names {
        let j = loaded.jurisdiction(if n.is_empty() { None } else { Some(&n) })?;
        jurisdictions.push(j.clone());
    }
    anyhow::ensure!(
        !jurisdictions.is_empty(),
        "no jurisdiction to serve: no policy package has a data directory under data/"
    );
    Ok(AppState {
        jurisdictions,
        loaded_at: format!("{:?}", SystemTime::now()),
        log: Mutex::new(DecisionLog::default()),
        metrics: Mutex::new(BTreeMap::new()),
    })
}

/// The routes.
pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/v1/decisions", post(decide_one))
        .route("/v1/decisions:batch", post(decide_batch))
        .route("/v1/decisions/{id}", get(get_decision))
        .route("/v1/policies", get(policies))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(|| async { "ready" }))
        .route("/metrics", get(metrics))
        .with_state(state)
}

/// Runs the service until interrupted.
pub fn run(setup: &Setup, addr: &str) -> Result<ExitCode> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let state = Arc::new(state(setup)?);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("listening on {addr}"))?;
        let names: Vec<&str> = state
            .jurisdictions
            .iter()
            .map(|j| j.name.as_str())
            .collect();
        tracing::info!(addr = %listener.local_addr()?, jurisdictions = ?names, "serving decisions");
        axum::serve(listener, router(Arc::clone(&state)))
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await?;
        anyhow::Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}

/// An error answer: `{ "error": { "code", "message", "field" } }` with a 4xx status.
struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    field: Option<String>,
}

impl ApiError {
    fn new(
        status: StatusCode,
        code: &'static str,
        message: impl Into<String>,
        field: Option<&str>,
    ) -> Box<ApiError> {
        Box::new(ApiError {
            status,
            code,
            message: message.into(),
            field: field.map(str::to_string),
        })
    }

    fn body(&self) -> Value {
        json!({ "error": { "code": self.code, "message": self.message, "field": self.field } })
    }
}

impl IntoResponse for Box<ApiError> {
    fn into_response(self) -> Response {
        (self.status, Json(self.body())).into_response()
    }
}

/// Decides one JSON request, or says why it is not a request.
fn decide_value(state: &AppState, body: &Value) -> Result<Decision, Box<ApiError>> {
    let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
    let request = Request::from_json(body, cli::today()).map_err(|e| {
        ApiError::new(
            unprocessable,
            "invalid_request",
            e.message,
            e.field.as_deref(),
        )
    })?;
    let j = match request.jurisdiction() {
        Some(name) => state.jurisdictions.iter().find(|j| j.name == name),
        None if state.jurisdictions.len() == 1 => state.jurisdictions.first(),
        None => None,
    }
    .ok_or_else(|| {
        let known: Vec<&str> = state
            .jurisdictions
            .iter()
            .map(|j| j.name.as_str())
            .collect();
        ApiError::new(
            unprocessable,
            "unknown_jurisdiction",
            format!("name one of: {}", known.join(", ")),
            Some("jurisdiction"),
        )
    })?;
    let mut d = j
        .decide(&request)
        .map_err(|e| ApiError::new(unprocessable, "evaluation_failed", e.to_string(), None))?;
    d.decision_id = ulid::Ulid::new().to_string();
    if let Ok(mut m) = state.metrics.lock() {
        *m.entry((
            j.name.clone(),
            request.kind().to_string(),
            d.effect.to_string(),
        ))
        .or_default() += 1;
    }
    if let (Ok(mut log), Ok(v)) = (state.log.lock(), serde_json::to_value(&d)) {
        log.order.push_back(d.decision_id.clone());
        log.by_id.insert(d.decision_id.clone(), v);
        while log.order.len() > LOG_CAPACITY {
            if let Some(old) = log.order.pop_front() {
                log.by_id.remove(&old);
            }
        }
    }
    Ok(d)
}

fn parse_body(body: &str) -> Result<Value, Box<ApiError>> {
    serde_json::from_str(body).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed_json",
            e.to_string(),
            None,
        )
    })
}

async fn decide_one(State(state): State<Arc<AppState>>, body: String) -> Response {
    match parse_body(&body).and_then(|v| decide_value(&state, &v)) {
        Ok(d) => Json(d).into_response(),
        Err(e) => e.into_response(),
    }
}

async fn decide_batch(State(state): State<Arc<AppState>>, body: String) -> Response {
    let value = match parse_body(&body) {
        Ok(v) => v,
        Err(e) => return e.into_response(),
    };
    let Some(items) = value.get("requests").and_then(Value::as_array) else {
        return ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_request",
            "expected `{\"requests\": [ … ]}`",
            Some("requests"),
        )
        .into_response();
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        out.push(match decide_value(&state, item) {
            Ok(d) => serde_json::to_value(d).unwrap_or(Value::Null),
            Err(mut e) => {
                e.field = Some(match e.field.take() {
                    Some(f) => format!("requests[{i}].{f}"),
                    None => format!("requests[{i}]"),
                });
                e.body()
            }
        });
    }
    Json(json!({ "decisions": out })).into_response()
}

async fn get_decision(
    State(state): State<Arc<AppState>>,
    UrlPath(id): UrlPath<String>,
) -> Response {
    let found = state
        .log
        .lock()
        .ok()
        .and_then(|log| log.by_id.get(&id).cloned());
    match found {
        Some(v) => Json(v).into_response(),
        None => ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("no decision `{id}`"),
            None,
        )
        .into_response(),
    }
}

async fn policies(State(state): State<Arc<AppState>>) -> Response {
    let list: Vec<Value> = state
        .jurisdictions
        .iter()
        .map(|j| {
            let policy = j.engine.policy();
            let pkg = policy.package(&j.name);
            json!({
                "jurisdiction": j.name,
                "version": j.version,
                "rules": pkg.map_or(0, |p| p.plans.iter().map(|pl| pl.rules.len()).sum::<usize>()),
                "articles": policy.regulations.iter().map(|r| r.articles.len()).sum::<usize>(),
                "loaded_at": state.loaded_at,
            })
        })
        .collect();
    Json(json!({ "policies": list })).into_response()
}

async fn metrics(State(state): State<Arc<AppState>>) -> Response {
    let mut s = String::from(
        "# HELP datalex_decisions_total Decisions made.\n# TYPE datalex_decisions_total counter\n",
    );
    if let Ok(m) = state.metrics.lock() {
        for ((j, k, e), n) in m.iter() {
            s.push_str(&format!(
                "datalex_decisions_total{{jurisdiction=\"{j}\",kind=\"{k}\",effect=\"{e}\"}} {n}\n"
            ));
        }
    }
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4",
        )],
        s,
    )
        .into_response()
}
