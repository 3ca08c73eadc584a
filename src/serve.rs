//! `datalex serve`: the decision service (shared/contract/decision-api.md §4).
//!
//! The service holds one [`Snapshot`] — the compiled policies bound to each jurisdiction's
//! facts — behind an `RwLock<Arc<…>>`. A request takes the `Arc` once and decides with it, so a
//! reload never changes a decision half-way. A watcher recompiles in the background whenever a
//! policy or fact file changes and swaps the new snapshot in; a change that does not compile
//! leaves the last good snapshot serving and is reported in `GET /v1/policies` until fixed.
//! Every decision is appended to the hash-chained decision log ([`crate::decision_log`]).

use crate::decision_log::DecisionLog;
use crate::{cli, load, Setup};
use anyhow::{anyhow, Context, Result};
use axum::extract::rejection::StringRejection;
use axum::extract::{DefaultBodyLimit, Path as UrlPath, State};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, MethodRouter};
use axum::{Json, Router};
use datalex_evaluator::{Decision, EvalError, Jurisdiction, Request};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant, SystemTime};

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

/// Compiled policies bound to facts: what one request decides with.
pub struct Snapshot {
    /// One per jurisdiction served.
    pub jurisdictions: Vec<Jurisdiction>,
    /// When it was built (RFC 3339, UTC).
    pub loaded_at: String,
    /// The jurisdiction of requests that name none (`datalex.toml`), if several are served.
    pub default: Option<String>,
}

/// The last reload that failed, until one succeeds.
#[derive(Clone)]
struct ReloadFailure {
    at: String,
    message: String,
}

/// Prometheus counters and the latency histogram.
#[derive(Default)]
struct Metrics {
    decisions: Mutex<BTreeMap<(String, String, &'static str), u64>>,
    errors: Mutex<BTreeMap<(u16, &'static str), u64>>,
    latency_buckets: [AtomicU64; LATENCY_BOUNDS.len()],
    latency_count: AtomicU64,
    latency_sum_ns: AtomicU64,
    reloads: AtomicU64,
    reload_failures: AtomicU64,
}

/// Upper bounds of the latency histogram, in seconds.
const LATENCY_BOUNDS: [f64; 10] = [
    0.000_01, 0.000_025, 0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01,
];

impl Metrics {
    fn observe(&self, elapsed: Duration) {
        let secs = elapsed.as_secs_f64();
        for (bound, bucket) in LATENCY_BOUNDS.iter().zip(&self.latency_buckets) {
            if secs <= *bound {
                bucket.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.latency_count.fetch_add(1, Ordering::Relaxed);
        self.latency_sum_ns.fetch_add(
            u64::try_from(elapsed.as_nanos()).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
    }
}

/// What the handlers share.
pub struct AppState {
    setup: Setup,
    current: RwLock<Arc<Snapshot>>,
    failure: Mutex<Option<ReloadFailure>>,
    log: DecisionLog,
    metrics: Metrics,
}

impl AppState {
    /// Compiles the policies, binds the facts and opens the decision log.
    pub fn new(setup: &Setup, log: &Path) -> Result<AppState> {
        let snapshot = build(setup)?;
        Ok(AppState {
            setup: setup.clone(),
            current: RwLock::new(Arc::new(snapshot)),
            failure: Mutex::new(None),
            log: DecisionLog::open(log)
                .with_context(|| format!("opening the decision log {}", log.display()))?,
            metrics: Metrics::default(),
        })
    }

    fn snapshot(&self) -> Arc<Snapshot> {
        match self.current.read() {
            Ok(s) => Arc::clone(&s),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// Rebuilds the snapshot and swaps it in; on failure keeps the old one and records why.
    pub fn reload(&self) -> bool {
        match build(&self.setup) {
            Ok(snapshot) => {
                let versions: Vec<String> = snapshot
                    .jurisdictions
                    .iter()
                    .map(|j| format!("{} {}", j.name, j.version))
                    .collect();
                match self.current.write() {
                    Ok(mut cur) => *cur = Arc::new(snapshot),
                    Err(poisoned) => *poisoned.into_inner() = Arc::new(snapshot),
                }
                if let Ok(mut f) = self.failure.lock() {
                    *f = None;
                }
                self.metrics.reloads.fetch_add(1, Ordering::Relaxed);
                tracing::info!(versions = ?versions, "reloaded policies and facts");
                true
            }
            Err(e) => {
                let message = format!("{e:#}");
                self.metrics.reload_failures.fetch_add(1, Ordering::Relaxed);
                tracing::error!(error = %message, "reload failed; the last good version keeps serving");
                if let Ok(mut f) = self.failure.lock() {
                    *f = Some(ReloadFailure {
                        at: now_rfc3339(),
                        message,
                    });
                }
                false
            }
        }
    }

    /// Writes every logged decision to disk.
    pub fn flush(&self) -> Result<()> {
        self.log.flush()
    }
}

/// Compiles the policies and binds every jurisdiction that has facts.
fn build(setup: &Setup) -> Result<Snapshot> {
    let (sources, compiled) = load::compile_paths(std::slice::from_ref(&setup.policies))?;
    let Some(policy) = compiled.policy else {
        return Err(anyhow!(
            "the policies in {} do not compile:\n{}",
            setup.policies.display(),
            datalex_lang::diagnostic::render_short(&compiled.diagnostics, &sources)
        ));
    };
    let policy = Arc::new(policy);
    let calendar = Arc::new(load::calendar(setup.calendar.as_deref())?);
    let names: Vec<String> = match (&setup.jurisdiction, &setup.data) {
        (Some(j), _) => vec![j.clone()],
        (None, Some(_)) => {
            let leaves: Vec<&str> = policy
                .packages
                .iter()
                .filter(|p| !p.plans.is_empty() && p.name != datalex_compiler::STD)
                .map(|p| p.name.as_str())
                .collect();
            match leaves.as_slice() {
                [one] => vec![(*one).to_string()],
                _ => anyhow::bail!(
                    "--data names one jurisdiction's facts: say which with --jurisdiction"
                ),
            }
        }
        (None, None) => policy
            .packages
            .iter()
            .filter(|p| !p.plans.is_empty() && Path::new("data").join(&p.name).is_dir())
            .map(|p| p.name.clone())
            .collect(),
    };
    anyhow::ensure!(
        !names.is_empty(),
        "no jurisdiction to serve: no policy package has a data directory under data/"
    );
    let mut jurisdictions = Vec::with_capacity(names.len());
    for name in names {
        anyhow::ensure!(
            policy.package(&name).is_some(),
            "no policy package `{name}`"
        );
        let dir = setup
            .data
            .clone()
            .unwrap_or_else(|| Path::new("data").join(&name));
        let facts = Arc::new(load::facts(&dir)?);
        jurisdictions.push(Jurisdiction::new(
            Arc::clone(&policy),
            &name,
            facts,
            Arc::clone(&calendar),
        )?);
    }
    Ok(Snapshot {
        jurisdictions,
        loaded_at: now_rfc3339(),
        default: load::default_jurisdiction()?,
    })
}

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
        "/openapi.json" => get(|| async {
            (
                [(axum::http::header::CONTENT_TYPE, "application/json")],
                OPENAPI,
            )
        }),
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
    r.fallback(|| async {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "no such route; see /openapi.json",
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

/// Runs the service until SIGTERM or Ctrl-C; then finishes the requests in flight and flushes
/// the decision log.
pub fn run(
    setup: &Setup,
    addr: &str,
    log: &Path,
    watch: bool,
    json_logs: bool,
) -> Result<ExitCode> {
    let filter =
        tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    if json_logs {
        tracing_subscriber::fmt()
            .json()
            .with_env_filter(filter)
            .with_current_span(false)
            .init();
    } else {
        tracing_subscriber::fmt().with_env_filter(filter).init();
    }
    let state = Arc::new(AppState::new(setup, log)?);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("listening on {addr}"))?;
        let names: Vec<String> = state.snapshot().jurisdictions.iter().map(|j| j.name.clone()).collect();
        tracing::info!(addr = %listener.local_addr()?, jurisdictions = ?names, log = %log.display(), "serving decisions");
        let _watcher = if watch { Some(watch_files(Arc::clone(&state))?) } else { None };
        axum::serve(listener, router(Arc::clone(&state))).with_graceful_shutdown(shutdown_signal()).await?;
        tracing::info!("shutting down: flushing the decision log");
        state.flush()?;
        anyhow::Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}

/// Watches the policy and fact directories; a burst of changes triggers one reload, built off
/// the request threads.
fn watch_files(state: Arc<AppState>) -> Result<notify::RecommendedWatcher> {
    use notify::Watcher as _;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<()>();
    let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        if let Ok(event) = res {
            if !matches!(event.kind, notify::EventKind::Access(_)) {
                let _ = tx.send(());
            }
        }
    })?;
    let mut dirs: Vec<PathBuf> = vec![state.setup.policies.clone()];
    match &state.setup.data {
        Some(d) => dirs.push(d.clone()),
        None => dirs.push(PathBuf::from("data")),
    }
    if let Some(c) = &state.setup.calendar {
        dirs.push(c.clone());
    }
    for d in dirs.iter().filter(|d| d.exists()) {
        watcher
            .watch(d, notify::RecursiveMode::Recursive)
            .with_context(|| format!("watching {}", d.display()))?;
    }
    tokio::spawn(async move {
        while rx.recv().await.is_some() {
            // Let a burst of writes (an editor's save, a `cp -r`) settle, then reload once.
            tokio::time::sleep(Duration::from_millis(25)).await;
            while rx.try_recv().is_ok() {}
            let st = Arc::clone(&state);
            let _ = tokio::task::spawn_blocking(move || st.reload()).await;
        }
    });
    Ok(watcher)
}

// ---- errors ---------------------------------------------------------------------------------

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

fn body_text(body: Result<String, StringRejection>) -> Result<String, Box<ApiError>> {
    body.map_err(|e| {
        let status = e.status();
        let code = if status == StatusCode::PAYLOAD_TOO_LARGE {
            "body_too_large"
        } else {
            "unreadable_body"
        };
        ApiError::new(
            status,
            code,
            format!("{e}; the limit is {BODY_LIMIT} bytes of UTF-8 JSON"),
            None,
        )
    })
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

// ---- handlers -------------------------------------------------------------------------------

/// Decides one request (`body`, whose text as received is `raw`) with `snap`, logs it, and
/// returns the decision as JSON text — serialised once, for the answer and the log alike.
fn decide_value(
    state: &AppState,
    snap: &Snapshot,
    body: &Value,
    raw: &str,
) -> Result<Arc<str>, Box<ApiError>> {
    let started = Instant::now();
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
        Some(name) => snap.jurisdictions.iter().find(|j| j.name == name),
        None if snap.jurisdictions.len() == 1 => snap.jurisdictions.first(),
        None => snap
            .default
            .as_deref()
            .and_then(|d| snap.jurisdictions.iter().find(|j| j.name == d)),
    }
    .ok_or_else(|| {
        let known: Vec<&str> = snap.jurisdictions.iter().map(|j| j.name.as_str()).collect();
        ApiError::new(
            unprocessable,
            "unknown_jurisdiction",
            format!("name one of: {}", known.join(", ")),
            Some("jurisdiction"),
        )
    })?;
    let mut d: Decision = j.decide(&request).map_err(|e| match e {
        // Not a decision: no source of the jurisdiction governs the request's date.
        EvalError::NotInForce { .. } => {
            ApiError::new(unprocessable, e.code(), e.to_string(), Some("at"))
        }
        // A field beyond the contract, of the wrong type: bad input naming the field.
        EvalError::InvalidField { ref field, .. } => {
            let field = field.clone();
            ApiError::new(unprocessable, e.code(), e.to_string(), Some(&field))
        }
        _ => ApiError::new(unprocessable, "evaluation_failed", e.to_string(), None),
    })?;
    d.decision_id = ulid::Ulid::new().to_string();
    let text: Arc<str> = Arc::from(serde_json::to_string(&d).map_err(|e| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            e.to_string(),
            None,
        )
    })?);
    let elapsed = started.elapsed();
    state.metrics.observe(elapsed);
    if let Ok(mut m) = state.metrics.decisions.lock() {
        *m.entry((j.name.clone(), request.kind().to_string(), d.effect))
            .or_default() += 1;
    }
    tracing::info!(decision_id = %d.decision_id, jurisdiction = %j.name, kind = request.kind(), effect = d.effect, latency_us = elapsed.as_micros() as u64, "decided");
    state.log.append_rendered(
        d.decision_id,
        now_rfc3339(),
        j.name.clone(),
        j.version.clone(),
        raw.to_string(),
        Arc::clone(&text),
    );
    Ok(text)
}

fn json_text(text: &str) -> Response {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        text.to_string(),
    )
        .into_response()
}

fn count_error(state: &AppState, e: &ApiError) {
    if let Ok(mut m) = state.metrics.errors.lock() {
        *m.entry((e.status.as_u16(), e.code)).or_default() += 1;
    }
}

fn with_request_id(mut response: Response) -> Response {
    if let Ok(v) = HeaderValue::from_str(&ulid::Ulid::new().to_string()) {
        response.headers_mut().insert("x-request-id", v);
    }
    response
}

async fn decide_one(
    State(state): State<Arc<AppState>>,
    body: Result<String, StringRejection>,
) -> Response {
    let snap = state.snapshot();
    let result = body_text(body).and_then(|b| {
        let v = parse_body(&b)?;
        decide_value(&state, &snap, &v, &b)
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
    body: Result<String, StringRejection>,
) -> Response {
    let value = match body_text(body).and_then(|b| parse_body(&b)) {
        Ok(v) => v,
        Err(e) => {
            count_error(&state, &e);
            return with_request_id(e.into_response());
        }
    };
    let Some(items) = value.get("requests").and_then(Value::as_array) else {
        let e = ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_request",
            "expected `{\"requests\": [ … ]}`",
            Some("requests"),
        );
        count_error(&state, &e);
        return with_request_id(e.into_response());
    };
    // One snapshot for the whole batch: all its decisions are made under one policy version.
    let snap = state.snapshot();
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        out.push(match decide_value(&state, &snap, item, &item.to_string()) {
            Ok(text) => serde_json::from_str(&text).unwrap_or(Value::Null),
            Err(mut e) => {
                count_error(&state, &e);
                e.field = Some(match e.field.take() {
                    Some(f) => format!("requests[{i}].{f}"),
                    None => format!("requests[{i}]"),
                });
                e.body()
            }
        });
    }
    with_request_id(Json(json!({ "decisions": out })).into_response())
}

async fn get_decision(
    State(state): State<Arc<AppState>>,
    UrlPath(id): UrlPath<String>,
) -> Response {
    match state.log.get(&id) {
        Ok(Some(v)) => Json(v).into_response(),
        Ok(None) => ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("no decision `{id}`"),
            None,
        )
        .into_response(),
        Err(e) => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "log_unavailable",
            format!("{e:#}"),
            None,
        )
        .into_response(),
    }
}

async fn policies(State(state): State<Arc<AppState>>) -> Response {
    let snap = state.snapshot();
    let list: Vec<Value> = snap
        .jurisdictions
        .iter()
        .map(|j| {
            let policy = j.engine.policy();
            let pkg = policy.package(&j.name);
            json!({
                "jurisdiction": j.name,
                "version": j.version,
                "rules": pkg.map_or(0, |p| p.plans.iter().map(|pl| pl.rules().len()).sum::<usize>()),
                "kinds": pkg.map(|p| p.plans.iter().map(|pl| pl.kind.clone()).collect::<Vec<_>>()).unwrap_or_default(),
                "articles": policy.regulations.values().map(|r| r.articles.len()).sum::<usize>(),
                "loaded_at": snap.loaded_at,
            })
        })
        .collect();
    let failure = state.failure.lock().ok().and_then(|f| f.clone());
    let reload = match failure {
        Some(f) => {
            json!({ "status": "failed", "at": f.at, "message": f.message, "serving": "the last version that compiled" })
        }
        None => json!({ "status": "ok" }),
    };
    Json(json!({ "policies": list, "reload": reload })).into_response()
}

async fn metrics(State(state): State<Arc<AppState>>) -> Response {
    let m = &state.metrics;
    let mut s = String::new();
    s.push_str(
        "# HELP datalex_decisions_total Decisions made.\n# TYPE datalex_decisions_total counter\n",
    );
    if let Ok(d) = m.decisions.lock() {
        for ((j, k, e), n) in d.iter() {
            s.push_str(&format!(
                "datalex_decisions_total{{jurisdiction=\"{j}\",kind=\"{k}\",effect=\"{e}\"}} {n}\n"
            ));
        }
    }
    s.push_str("# HELP datalex_request_errors_total Requests answered with an error.\n# TYPE datalex_request_errors_total counter\n");
    if let Ok(d) = m.errors.lock() {
        for ((status, code), n) in d.iter() {
            s.push_str(&format!(
                "datalex_request_errors_total{{status=\"{status}\",code=\"{code}\"}} {n}\n"
            ));
        }
    }
    s.push_str("# HELP datalex_decision_seconds Time to decide one request.\n# TYPE datalex_decision_seconds histogram\n");
    for (bound, bucket) in LATENCY_BOUNDS.iter().zip(&m.latency_buckets) {
        s.push_str(&format!(
            "datalex_decision_seconds_bucket{{le=\"{bound}\"}} {}\n",
            bucket.load(Ordering::Relaxed)
        ));
    }
    let count = m.latency_count.load(Ordering::Relaxed);
    s.push_str(&format!(
        "datalex_decision_seconds_bucket{{le=\"+Inf\"}} {count}\n"
    ));
    s.push_str(&format!(
        "datalex_decision_seconds_sum {}\n",
        m.latency_sum_ns.load(Ordering::Relaxed) as f64 / 1e9
    ));
    s.push_str(&format!("datalex_decision_seconds_count {count}\n"));
    s.push_str("# HELP datalex_reloads_total Reloads that swapped in a new version.\n# TYPE datalex_reloads_total counter\n");
    s.push_str(&format!(
        "datalex_reloads_total {}\n",
        m.reloads.load(Ordering::Relaxed)
    ));
    s.push_str("# HELP datalex_reload_failures_total Reloads that failed; the last good version kept serving.\n# TYPE datalex_reload_failures_total counter\n");
    s.push_str(&format!(
        "datalex_reload_failures_total {}\n",
        m.reload_failures.load(Ordering::Relaxed)
    ));
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4",
        )],
        s,
    )
        .into_response()
}

/// Now, RFC 3339 in UTC with milliseconds.
pub fn now_rfc3339() -> String {
    let d = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default();
    let secs = d.as_secs();
    let date = datalex_lang::date::Date::from_days(i32::try_from(secs / 86_400).unwrap_or(0));
    let rem = secs % 86_400;
    format!(
        "{date}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        (rem / 60) % 60,
        rem % 60,
        d.subsec_millis()
    )
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
        assert_eq!(documented, routes, "src/openapi.json and ROUTES disagree");
        for (_, path) in ROUTES {
            assert!(handler(path).is_some(), "no handler for {path}");
        }
    }
}
