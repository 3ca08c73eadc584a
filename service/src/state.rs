//! What the handlers share: the project, the snapshot that decides, the last reload failure,
//! the decision log and the metrics.

use crate::api::{PolicyInfo, ReloadStatus, SERVING_LAST_GOOD};
use crate::decision_log::{DecisionLog, LogMode, LogOptions};
use crate::metrics::Metrics;
use crate::project::Project;
use crate::reload;
use anyhow::Context as _;
use datalex_compiler::PolicySet;
use datalex_evaluator::Jurisdiction;
use datalex_i18n::Lang;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

/// Compiled policies bound to facts: what one request decides with. A request takes the
/// snapshot once and decides entirely with it, so a reload never changes a decision half-way.
pub struct Snapshot {
    /// The project it was built from: where its files are, the rule choosing a request's
    /// jurisdiction, and the policy bundle when it is one's (`serve --bundles`).
    pub project: Arc<Project>,
    /// The compiled policies every jurisdiction of the snapshot is bound to.
    pub policy: Arc<PolicySet>,
    /// One per jurisdiction served ([`Project::served`]).
    pub jurisdictions: Vec<Jurisdiction>,
    /// When it was built (RFC 3339, UTC).
    pub loaded_at: String,
}

impl Snapshot {
    /// What `GET /v1/policies` says of each jurisdiction.
    pub fn describe(&self) -> Vec<PolicyInfo> {
        self.jurisdictions
            .iter()
            .map(|j| {
                let policy = j.engine.policy();
                let pkg = policy.package(&j.name);
                PolicyInfo {
                    jurisdiction: j.name.clone(),
                    version: j.version.clone(),
                    rules: pkg.map_or(0, |p| p.plans.iter().map(|pl| pl.rules().len()).sum()),
                    kinds: pkg
                        .map(|p| p.plans.iter().map(|pl| pl.kind.clone()).collect())
                        .unwrap_or_default(),
                    articles: policy.regulations.values().map(|r| r.articles.len()).sum(),
                    loaded_at: self.loaded_at.clone(),
                }
            })
            .collect()
    }
}

/// What the explorer's "what changed" keeps of the snapshot a reload replaced: its versions,
/// and the package tests of the snapshot that replaced it decided by it (on the day of the
/// swap), so that the replaced snapshot itself, its facts above all, is released as soon as no
/// request holds it (a province's catalog is not kept twice).
pub struct Previous {
    /// Its jurisdictions and their versions.
    pub versions: Vec<(String, String)>,
    /// When it was built (RFC 3339, UTC).
    pub loaded_at: String,
    /// The snapshot that replaced it (whose tests are decided here).
    pub after: std::sync::Weak<Snapshot>,
    /// By package and request (as JSON text): the decision without its id, trace and version,
    /// or the error code ([`crate::explorer::view::run`]).
    pub decided: std::collections::HashMap<(String, String), Result<serde_json::Value, String>>,
}

impl Previous {
    /// Decides the package tests of `after` whose package `before` serves, with `before`, on
    /// `today`.
    pub fn of(
        before: &Snapshot,
        after: &Arc<Snapshot>,
        today: datalex_lang::date::Date,
    ) -> Previous {
        let mut decided = std::collections::HashMap::new();
        for t in &after.policy.tests {
            let Some(j) = before.jurisdictions.iter().find(|j| j.name == t.package) else {
                continue;
            };
            let request: Option<serde_json::Value> = t
                .request
                .as_deref()
                .and_then(|r| serde_json::from_str(r).ok());
            let key = (t.package.clone(), Previous::key(request.as_ref()));
            if decided.contains_key(&key) {
                continue;
            }
            let (outcome, _, _) = crate::explorer::view::run(j, request.as_ref(), today);
            decided.insert(key, outcome);
        }
        Previous {
            versions: before
                .jurisdictions
                .iter()
                .map(|j| (j.name.clone(), j.version.clone()))
                .collect(),
            loaded_at: before.loaded_at.clone(),
            after: Arc::downgrade(after),
            decided,
        }
    }

    /// The key of a test's request.
    pub fn key(request: Option<&serde_json::Value>) -> String {
        request.map_or_else(String::new, serde_json::Value::to_string)
    }
}

/// The last reload that failed, until one succeeds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReloadFailure {
    /// When (RFC 3339, UTC).
    pub at: String,
    /// Why.
    pub message: String,
}

/// The service's state, shared by every handler behind an `Arc`.
pub struct AppState {
    project: Project,
    current: RwLock<Arc<Snapshot>>,
    failure: Mutex<Option<ReloadFailure>>,
    log: DecisionLog,
    metrics: Metrics,
    lang: Lang,
    /// For the policy explorer: the decision log's file (its pages list recent records and
    /// verify the chain) and the snapshot the last reload replaced ("what changed").
    log_path: PathBuf,
    previous: RwLock<Option<Arc<Previous>>>,
    /// What the last build read, so a reload rebuilds only what changed ([`reload::Cache`]).
    cache: Mutex<reload::Cache>,
}

impl AppState {
    /// Compiles the policies, binds the facts and opens the decision log at `log`; `lang` words
    /// the diagnostics of a start or reload that does not compile (the operator's language;
    /// each error answer is worded in its request's `Accept-Language`).
    pub fn new(project: Project, log: &Path, lang: Lang) -> anyhow::Result<AppState> {
        AppState::with_log(project, log, None, lang)
    }

    /// [`new`](AppState::new), with the log's mode given (`serve --log-mode`; else
    /// `datalex.toml`'s `[decision_log] mode`, else durable).
    pub fn with_log(
        project: Project,
        log: &Path,
        mode: Option<LogMode>,
        lang: Lang,
    ) -> anyhow::Result<AppState> {
        AppState::with_store(project, &LogStore::sqlite(log), mode, lang)
    }

    /// [`with_log`](AppState::with_log) with the decision log in `store`: the SQLite file, or
    /// PostgreSQL with this replica's chain.
    pub fn with_store(
        project: Project,
        store: &LogStore,
        mode: Option<LogMode>,
        lang: Lang,
    ) -> anyhow::Result<AppState> {
        let mut cache = reload::Cache::default();
        let snapshot = reload::build_with(&project, lang, &mut cache)?;
        let state = AppState::with_snapshot(project, snapshot, store, mode, lang)?;
        *state.cache.lock().unwrap_or_else(PoisonError::into_inner) = cache;
        Ok(state)
    }

    /// [`with_store`](AppState::with_store) serving `snapshot`, already built from `project`
    /// (the first bundle of `serve --bundles`, built while it was checked).
    pub fn with_snapshot(
        project: Project,
        snapshot: Snapshot,
        store: &LogStore,
        mode: Option<LogMode>,
        lang: Lang,
    ) -> anyhow::Result<AppState> {
        let metrics = Metrics::new();
        let log = store.log.as_path();
        let mut options = log_options(&project, log, mode);
        let log_path = log.to_path_buf();
        let log = match &store.postgres {
            None => DecisionLog::open_with(log, options, metrics.log())
                .with_context(|| format!("opening the decision log {}", log.display()))?,
            Some(url) => {
                options.chain = match (&store.replica, &project.config().decision_log.chain) {
                    (Some(replica), _) => replica.clone(),
                    (None, Some(chain)) => chain.clone(),
                    (None, None) => crate::decision_log::host_name().ok_or_else(|| {
                        anyhow::anyhow!(
                            "this machine has no host name to name its chain of the decision \
                             log by: give the replica an id with `--replica ID`"
                        )
                    })?,
                };
                DecisionLog::open_postgres(url, options, metrics.log()).with_context(|| {
                    format!("opening the decision log in {}", crate::pg::redact(url))
                })?
            }
        };
        for note in log.notes() {
            tracing::warn!("{note}");
        }
        Ok(AppState {
            current: RwLock::new(Arc::new(snapshot)),
            failure: Mutex::new(None),
            log,
            metrics,
            project,
            lang,
            log_path,
            previous: RwLock::new(None),
            cache: Mutex::new(reload::Cache::default()),
        })
    }

    /// The language of the operator's messages: reload failures in the log and in
    /// `/v1/policies`.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The project served.
    pub fn project(&self) -> &Project {
        &self.project
    }

    /// What the last build read ([`reload::build_with`]).
    pub(crate) fn cache(&self) -> std::sync::MutexGuard<'_, reload::Cache> {
        self.cache.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The snapshot that decides now.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        Arc::clone(&self.current.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// Swaps in a new snapshot and forgets the last failure. Of the old snapshot only what
    /// the explorer's "what changed" shows is kept ([`Previous`]); the old snapshot is dropped
    /// when the last request deciding with it ends.
    pub(crate) fn swap(&self, snapshot: Snapshot) {
        let new = Arc::new(snapshot);
        // The failure is forgotten before the new snapshot is visible, so that whoever sees the
        // new version in `/v1/policies` never sees it beside the failure it replaced (computing
        // `Previous` below runs the package tests once more, and takes a while).
        *self.failure.lock().unwrap_or_else(PoisonError::into_inner) = None;
        let old = std::mem::replace(
            &mut *self.current.write().unwrap_or_else(PoisonError::into_inner),
            Arc::clone(&new),
        );
        let previous = Previous::of(&old, &new, self.project.clock().today());
        drop(old);
        *self
            .previous
            .write()
            .unwrap_or_else(PoisonError::into_inner) = Some(Arc::new(previous));
    }

    /// Records a failed reload (the old snapshot keeps serving).
    pub(crate) fn fail(&self, failure: ReloadFailure) {
        *self.failure.lock().unwrap_or_else(PoisonError::into_inner) = Some(failure);
    }

    /// Forgets the last failure (the policy bundle that failed is no longer the active one).
    pub(crate) fn clear_failure(&self) {
        *self.failure.lock().unwrap_or_else(PoisonError::into_inner) = None;
    }

    /// How the last reload went.
    pub fn reload_status(&self) -> ReloadStatus {
        match self
            .failure
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
        {
            Some(f) => ReloadStatus::Failed {
                at: f.at,
                message: f.message,
                serving: SERVING_LAST_GOOD,
            },
            None => ReloadStatus::Ok,
        }
    }

    /// The decision log.
    pub fn log(&self) -> &DecisionLog {
        &self.log
    }

    /// The metrics.
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// Writes every logged decision to disk, and a checkpoint of the chain's head.
    pub fn flush(&self) -> anyhow::Result<()> {
        self.log.checkpoint()
    }

    /// The decision log's file.
    pub fn log_path(&self) -> &Path {
        &self.log_path
    }

    /// What is kept of the snapshot the last successful reload replaced, if any (the
    /// explorer's "what changed").
    pub fn previous_snapshot(&self) -> Option<Arc<Previous>> {
        self.previous
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// Where the decision log is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogStore {
    /// The SQLite file; with PostgreSQL, the place the key file, the signing key and the
    /// checkpoint file are beside by default (`<log>.keys`, …).
    pub log: PathBuf,
    /// The PostgreSQL database (`postgres://…`) holding the log, if not the file.
    pub postgres: Option<String>,
    /// This replica's chain in PostgreSQL (default: `[decision_log] chain`, else the host
    /// name).
    pub replica: Option<String>,
}

impl LogStore {
    /// The SQLite file at `log`.
    pub fn sqlite(log: &Path) -> LogStore {
        LogStore {
            log: log.to_path_buf(),
            postgres: None,
            replica: None,
        }
    }
}

/// The decision log's options: `datalex.toml`'s `[decision_log]` (paths relative to the project
/// root) over the defaults beside the log, and `mode` over both.
pub fn log_options(project: &Project, log: &Path, mode: Option<LogMode>) -> LogOptions {
    let c = &project.config().decision_log;
    let mut o = LogOptions::beside(log);
    let at_root = |p: &std::path::PathBuf| project.root().join(p);
    if let Some(m) = mode.or(c.mode) {
        o.mode = m;
    }
    if let Some(p) = &c.key_file {
        o.key_file = at_root(p);
    }
    if let Some(p) = &c.signing_key {
        o.signing_key = at_root(p);
    }
    if let Some(p) = &c.checkpoints {
        o.checkpoints = at_root(p);
    }
    if let Some(n) = c.checkpoint_every {
        o.checkpoint_every = n;
    }
    if let Some(s) = c.checkpoint_seconds {
        o.checkpoint_interval = std::time::Duration::from_secs(s);
    }
    if let Some(e) = c.encrypt {
        o.encrypt = e;
    }
    if let Some(chain) = &c.chain {
        o.chain.clone_from(chain);
    }
    if let Some(q) = c.queue {
        o.queue = q;
    }
    o
}
