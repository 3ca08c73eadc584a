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
//!   must match, each with the scopes it needs) and their handlers; [`api`]: the wire types of
//!   the HTTP API.
//! - [`auth`]: who may ask — API keys from a key file reread when it changes, scopes, the
//!   [`Caller`](auth::Caller) of each request, and the guard in front of every route;
//!   [`limits`]: the per-caller and per-address rate limits.
//! - [`server`]: the connection layer — at most `max_connections` at once, TLS (rustls) when
//!   configured, hyper's HTTP/1.1 with a header-read timeout, an idle timeout, graceful
//!   shutdown.
//! - [`metrics`]: Prometheus metrics through the `prometheus-client` crate.
//! - [`decision_log`]: the decision log, a chain of keyed MACs with signed checkpoints,
//!   group-committed by a thread before each decision is answered, in an SQLite file or (for
//!   several replicas, one chain each) in PostgreSQL ([`pg`]: connecting, the pool, the
//!   migrations); its verification returns a typed [`Verification`](decision_log::Verification).
//!
//! The service holds one snapshot behind an `RwLock<Arc<…>>`. A request takes the `Arc` once
//! and decides with it, so a reload never changes a decision half-way. The watcher recompiles in
//! the background whenever a policy or fact file changes and swaps the new snapshot in; a change
//! that does not compile leaves the last good snapshot serving and is reported in
//! `GET /v1/policies` until fixed. Every decision is logged before it is answered.

pub mod answer;
pub mod api;
pub mod auth;
pub mod bundle;
pub mod decision_log;
pub mod explorer;
pub mod handlers;
pub mod limits;
pub mod load;
pub mod metrics;
pub mod pg;
pub mod policy_tests;
pub mod project;
pub mod reload;
pub mod server;
pub mod state;
pub mod words;

pub use project::Project;
pub use state::AppState;

use anyhow::Context as _;
use auth::{Access, KeyStore, RateDefault};
use project::ServeConfig;
use std::io::IsTerminal as _;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// How `datalex serve` runs, besides the project.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The address to listen on (`127.0.0.1:8080`).
    pub addr: String,
    /// The decision log (SQLite; created if absent); with `store`, where its key files are
    /// beside by default.
    pub log: PathBuf,
    /// `--store postgres://…`: the decision log in PostgreSQL (the shared store of several
    /// replicas), migrated at start; `None`: the SQLite file `log`.
    pub store: Option<String>,
    /// `--replica ID`: this replica's chain of the log in PostgreSQL (default: `[decision_log]
    /// chain`, else the host name).
    pub replica: Option<String>,
    /// `--log-mode`: whether answers wait for their log record's commit (else `datalex.toml`,
    /// else durable).
    pub log_mode: Option<decision_log::LogMode>,
    /// Reload when policy, fact or calendar files change.
    pub watch: bool,
    /// Log as JSON lines, for log collectors.
    pub json_logs: bool,
    /// The language of the operator's messages (a start or reload whose policies do not
    /// compile); error answers follow each request's `Accept-Language`.
    pub lang: datalex_i18n::Lang,
    /// The command line's settings of `[serve]` (keys, TLS, limits, timeouts), each over
    /// `datalex.toml`'s.
    pub server: ServeConfig,
    /// Serve without keys on an address that is not loopback (dangerous: anyone who can reach
    /// it may ask and read every logged decision).
    pub insecure_open: bool,
    /// `--bundles`: serve the active policy bundle of PostgreSQL instead of the project's files,
    /// and follow it (file watching is off then).
    pub bundles: Option<bundle::follow::Follow>,
}

/// The routes open without a key unless `open_routes` says otherwise.
pub const OPEN_ROUTES: [&str; 2] = ["/healthz", "/readyz"];

/// Runs the service until SIGTERM or Ctrl-C; then finishes the requests in flight and flushes
/// the decision log. Without a key file it serves only a loopback address (unless
/// `insecure_open`), and says so.
pub fn serve(project: Project, options: &ServeOptions) -> anyhow::Result<()> {
    let lang = options.lang;
    let filter =
        tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    // The log goes to stderr (stdout stays free), coloured only on a terminal.
    let ansi = std::io::stderr().is_terminal();
    if options.json_logs {
        tracing_subscriber::fmt()
            .json()
            .with_env_filter(filter)
            .with_current_span(false)
            .with_writer(std::io::stderr)
            .init();
    } else {
        tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .with_ansi(ansi)
            .init();
    }
    let config = options
        .server
        .clone()
        .over(project.config().serve.clone().under(project.root()));
    let settings = server::Settings::of(&config)?;
    let addr = options.addr.as_str();
    let loopback = server::is_loopback(addr)?;
    if config.keys.is_none() {
        let message = |id| words::say(lang, id, &[("addr", addr.to_string())]);
        if loopback {
            tracing::warn!("{}", message("serve-open-loopback"));
        } else if options.insecure_open {
            tracing::warn!("{}", message("serve-insecure-open"));
        } else {
            anyhow::bail!(message("serve-open-refused"));
        }
    }
    let open_routes = config
        .open_routes
        .clone()
        .unwrap_or_else(|| OPEN_ROUTES.map(str::to_string).to_vec());
    for route in &open_routes {
        if handlers::access(route).is_none() {
            let routes: Vec<&str> = handlers::ROUTES
                .iter()
                .map(|(_, p)| *p)
                .chain(explorer::ROUTES.iter().map(|(p, _)| *p))
                .collect();
            anyhow::bail!(
                "`open_routes`: `{route}` is not a route of the service; its routes are {}",
                routes.join(", ")
            );
        }
    }
    let keys = match &config.keys {
        Some(path) => {
            let default = RateDefault {
                rate: config.rate.unwrap_or(limits::DEFAULT_CALLER_RATE),
                burst: config.burst,
            };
            let store = KeyStore::open(path, default)
                .map_err(|e| anyhow::anyhow!(words::config_error(lang, &e)))?;
            if store.keys().is_empty() {
                tracing::warn!(keys = %path.display(), "the key file has no key: every request to a route that is not open is refused");
            }
            Some(store)
        }
        None => None,
    };
    // Requests without a key are limited per address when the service has keys (health
    // probes of open routes); without keys only when configured.
    let open_rate = match (config.open_rate, &keys) {
        (Some(rate), _) => Some((rate, config.open_burst)),
        (None, Some(_)) => Some((limits::DEFAULT_OPEN_RATE, config.open_burst)),
        (None, None) => None,
    };
    let access = Arc::new(Access::new(keys, open_routes, open_rate));
    let tls = match &settings.tls {
        Some((cert, key)) => Some(server::tls_acceptor(cert, key)?),
        None => None,
    };
    // With `--bundles`, the project's files are not served: the active bundle's are, checked
    // (signature, compiling, package tests) before the service starts.
    let mut started = match &options.bundles {
        Some(follow) => Some(
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?
                .block_on(bundle::follow::start(follow, &project, lang))?,
        ),
        None => None,
    };
    let project = match &started {
        Some(s) => s.project.clone(),
        None => project,
    };
    let store = state::LogStore {
        log: options.log.clone(),
        postgres: options.store.clone(),
        replica: options.replica.clone(),
    };
    let state = Arc::new(match started.as_mut().and_then(|s| s.snapshot.take()) {
        Some(snapshot) => {
            AppState::with_snapshot(project, snapshot, &store, options.log_mode, lang)?
        }
        None => AppState::with_store(project, &store, options.log_mode, lang)?,
    });
    let log_place = match &options.store {
        Some(url) => pg::redact(url),
        None => options.log.display().to_string(),
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
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
        let keys = access.keys().map(|k| k.path().display().to_string());
        tracing::info!(addr = %listener.local_addr()?, tls = tls.is_some(), keys = keys.as_deref().unwrap_or("none (open)"), jurisdictions = ?names, log = %log_place, chain = %state.log().options().chain, log_mode = ?state.log().mode(), "serving decisions");
        let _watcher = match (options.bundles.clone(), started) {
            (Some(follow), Some(started)) => {
                tracing::info!(bundle = %started.serving.id, publish = started.serving.generation, store = %pg::redact(&follow.store), "serving the policy bundle and following the published ones");
                bundle::follow::spawn(Arc::clone(&state), follow, started);
                None
            }
            _ if options.watch => Some(reload::watch(Arc::clone(&state))?),
            _ => None,
        };
        tokio::spawn(watch_keys(Arc::clone(&access), lang));
        let app = handlers::router(Arc::clone(&state), access, settings.request_timeout);
        server::run(listener, app, &settings, tls, shutdown_signal()).await?;
        tracing::info!("shutting down: flushing the decision log and writing a checkpoint");
        state.flush()?;
        anyhow::Ok(())
    })
}

/// Rereads the key file each second when it changed (a broken one keeps the last good keys
/// and is logged), and now and then forgets the addresses whose rate allowance is full.
async fn watch_keys(access: Arc<Access>, lang: datalex_i18n::Lang) {
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    for n in 0u64.. {
        tick.tick().await;
        if let Some(store) = access.keys() {
            match store.reload_if_changed() {
                Ok(Some(keys)) => {
                    tracing::info!(keys, file = %store.path().display(), "reloaded the key file");
                }
                Ok(None) => {}
                Err(e) => tracing::error!(
                    "{}; the last good keys keep authenticating",
                    words::config_error(lang, &e)
                ),
            }
        }
        if n % 60 == 59 {
            access.forget_idle();
        }
    }
}

/// Resolves on Ctrl-C or SIGTERM: when `serve` (and the load benchmark's ceiling server,
/// `examples/ceiling.rs`) stop.
pub async fn shutdown_signal() {
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
