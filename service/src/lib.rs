//! The Datalex decision service, and the project context every `datalex` command runs in.
//!
//! A library the `datalex` binary calls (`datalex serve`, `datalex audit verify`, and the
//! [`project`] and [`load`] of every command). How it is put together:
//!
//! - [`project`]: the [`Project`] — root, typed `datalex.toml` merged with the flags, where
//!   policies, facts and calendar years are, the [`Clock`](project::Clock), and the one rule for
//!   choosing a jurisdiction; [`load`]: reading policy sources, facts and calendars.
//! - [`state`]: the [`Snapshot`](state::Snapshot) that decides (policies bound to facts) behind
//!   an `RwLock<Arc<…>>`, and the [`AppState`] the handlers share; [`reload`]: building a
//!   snapshot, reloading it (a broken change keeps the last good one), the file watcher.
//! - [`handlers`]: the routes (one [`ROUTES`](handlers::ROUTES) list that the OpenAPI document
//!   must match) and their handlers; [`api`]: the wire types of the HTTP API.
//! - [`metrics`]: Prometheus metrics through the `prometheus-client` crate.
//! - [`decision_log`]: the SQLite decision log, hash-chained, written in batches by a thread;
//!   its verification returns a typed [`Verification`](decision_log::Verification).
//!
//! The service holds one snapshot behind an `RwLock<Arc<…>>`. A request takes the `Arc` once
//! and decides with it, so a reload never changes a decision half-way. The watcher recompiles in
//! the background whenever a policy or fact file changes and swaps the new snapshot in; a change
//! that does not compile leaves the last good snapshot serving and is reported in
//! `GET /v1/policies` until fixed. Every decision is appended to the decision log.

pub mod api;
pub mod decision_log;
pub mod explorer;
pub mod handlers;
pub mod load;
pub mod metrics;
pub mod project;
pub mod reload;
pub mod state;
pub mod words;

pub use project::Project;
pub use state::AppState;

use anyhow::Context as _;
use std::path::PathBuf;
use std::sync::Arc;

/// How `datalex serve` runs, besides the project.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The address to listen on (`127.0.0.1:8080`).
    pub addr: String,
    /// The decision log (SQLite; created if absent).
    pub log: PathBuf,
    /// Reload when policy, fact or calendar files change.
    pub watch: bool,
    /// Log as JSON lines, for log collectors.
    pub json_logs: bool,
    /// The language of the operator's messages (a start or reload whose policies do not
    /// compile); error answers follow each request's `Accept-Language`.
    pub lang: datalex_i18n::Lang,
}

/// Runs the service until SIGTERM or Ctrl-C; then finishes the requests in flight and flushes
/// the decision log.
pub fn serve(project: Project, options: &ServeOptions) -> anyhow::Result<()> {
    let filter =
        tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    if options.json_logs {
        tracing_subscriber::fmt()
            .json()
            .with_env_filter(filter)
            .with_current_span(false)
            .init();
    } else {
        tracing_subscriber::fmt().with_env_filter(filter).init();
    }
    let state = Arc::new(AppState::new(project, &options.log, options.lang)?);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let addr = options.addr.as_str();
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("listening on {addr}"))?;
        let names: Vec<String> = state
            .snapshot()
            .jurisdictions
            .iter()
            .map(|j| j.name.clone())
            .collect();
        tracing::info!(addr = %listener.local_addr()?, jurisdictions = ?names, log = %options.log.display(), "serving decisions");
        let _watcher = if options.watch {
            Some(reload::watch(Arc::clone(&state))?)
        } else {
            None
        };
        axum::serve(listener, handlers::router(Arc::clone(&state)))
            .with_graceful_shutdown(shutdown_signal())
            .await?;
        tracing::info!("shutting down: flushing the decision log");
        state.flush()?;
        anyhow::Ok(())
    })
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
