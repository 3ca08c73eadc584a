//! Building a [`Snapshot`] from the project's files, reloading it, and the file watcher that
//! reloads on a change.

use crate::policy_tests;
use crate::project::Project;
use crate::state::{AppState, ReloadFailure, Snapshot};
use anyhow::{anyhow, Context as _};
use datalex_i18n::Lang;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long a burst of file changes (an editor's save, a `cp -r`) may take to settle before one
/// reload.
const SETTLE: Duration = Duration::from_millis(25);

pub mod cache;

pub use cache::Cache;

/// Compiles the policies, runs the tests of the packages it will serve (unless the project
/// turns them off, [`Project::policy_tests`]) and binds every jurisdiction the project serves
/// ([`Project::served`]). Policies that do not compile, or whose tests fail, are refused with
/// the diagnostics or the failed tests, worded in `lang`.
pub fn build(project: &Project, lang: Lang) -> anyhow::Result<Snapshot> {
    build_with(project, lang, &mut Cache::default())
}

/// [`build`], reusing from `cache` what did not change since the build it last did (see
/// [`cache`]); `cache` keeps what this build used if it succeeds, and nothing if it fails.
pub fn build_with(project: &Project, lang: Lang, cache: &mut Cache) -> anyhow::Result<Snapshot> {
    cache.begin();
    let built = build_from(project, lang, cache);
    match built {
        Ok(_) => cache.end(),
        Err(_) => cache.clear(),
    }
    built
}

fn build_from(project: &Project, lang: Lang, cache: &mut Cache) -> anyhow::Result<Snapshot> {
    let compiled = match cache.compile(
        std::slice::from_ref(&project.policies().to_path_buf()),
        lang,
    )? {
        Ok(p) => p,
        Err((sources, compiled)) => {
            return Err(anyhow!(
                "{}:\n{}",
                crate::words::say(
                    lang,
                    "cli-policies-do-not-compile",
                    &[("path", project.policies().display().to_string())],
                ),
                datalex_lang::diagnostic::render_short(&compiled.diagnostics, &sources, lang)
            ));
        }
    };
    let policy = Arc::clone(&compiled.policy);
    let calendar = cache.calendar(project.calendar_dir(), lang)?;
    let names = project.served(&policy)?;
    if project.policy_tests() {
        let started = Instant::now();
        let guarding = policy_tests::guarding(&policy, &names);
        let today = project.clock().today();
        // The tests passed with the same policy set, calendar, day and facts: they would
        // decide the same again (a `touch`, a change to facts no test reads).
        if cache.tests_passed(&policy, &calendar, today, &guarding) {
            tracing::info!("the policy tests passed with the same policies and facts");
        } else {
            let mut read: Vec<(std::path::PathBuf, String)> = Vec::new();
            let mut bind = |package: &str, dir: &std::path::Path| {
                let facts = cache.facts(dir).map_err(policy_tests::Failure::Facts)?;
                read.push((dir.to_path_buf(), facts.hash.clone()));
                cache
                    .bind(&policy, package, dir, facts, &calendar)
                    .map_err(|e| policy_tests::Failure::Bind {
                        dir: dir.to_path_buf(),
                        detail: e.to_string(),
                    })
            };
            let report = policy_tests::run_with(
                &policy,
                &compiled.sources,
                &compiled.diagnostics,
                today,
                Some(&guarding),
                &mut bind,
            );
            let failed = report.failed().count();
            tracing::info!(
                tests = report.tests.len(),
                failed,
                elapsed_ms = started.elapsed().as_secs_f64() * 1000.0,
                "ran the policy tests"
            );
            if failed > 0 {
                return Err(anyhow!(policy_tests::refusal(
                    lang,
                    project.policies(),
                    &report
                )));
            }
            cache.passed(&policy, &calendar, today, guarding, read);
        }
    }
    let mut jurisdictions = Vec::with_capacity(names.len());
    for name in &names {
        let dir = project.data_dir(name);
        let facts = cache
            .facts(&dir)
            .map_err(|e| anyhow!(crate::words::facts_error(lang, &e)))?;
        jurisdictions.push(cache.bind(&policy, name, &dir, facts, &calendar)?);
    }
    Ok(Snapshot {
        project: Arc::new(project.clone()),
        policy,
        jurisdictions,
        loaded_at: project.clock().timestamp(),
    })
}

impl AppState {
    /// Rebuilds the snapshot and swaps it in; on failure keeps the old one and records why.
    /// Returns whether it swapped.
    pub fn reload(&self) -> bool {
        let started = Instant::now();
        let mut cache = self.cache();
        let built = build_with(self.project(), self.lang(), &mut cache);
        let stats = cache.stats;
        drop(cache);
        tracing::info!(
            elapsed_ms = started.elapsed().as_secs_f64() * 1000.0,
            compiled = stats.compiled,
            tested = stats.tested,
            facts_read = stats.facts_read,
            facts_parsed = stats.facts_parsed,
            bound = stats.bound,
            "built a snapshot"
        );
        match built {
            Ok(snapshot) => {
                let versions: Vec<String> = snapshot
                    .jurisdictions
                    .iter()
                    .map(|j| format!("{} {}", j.name, j.version))
                    .collect();
                self.swap(snapshot);
                self.metrics().reloaded();
                tracing::info!(versions = ?versions, "reloaded policies and facts");
                true
            }
            Err(e) => {
                let message = format!("{e:#}");
                self.metrics().reload_failed();
                tracing::error!(error = %message, "reload failed; the last good version keeps serving");
                self.fail(ReloadFailure {
                    at: self.project().clock().timestamp(),
                    message,
                });
                false
            }
        }
    }
}

/// Watches the project's policy, fact and calendar directories ([`Project::watched`]); a burst
/// of changes triggers one reload, built off the request threads. Must be called inside a
/// Tokio runtime; watching stops when the returned watcher is dropped.
///
/// A change that can be no input of a build (a hidden file other than a policy or calendar
/// file, such as the `.catalog.json.new` that an atomic writer writes beside the catalog
/// before renaming it over) reloads nothing: such a reload read and hashed the unchanged facts
/// again (half a second for a 475 MB catalog) and was often still running when the real
/// change came.
pub fn watch(state: Arc<AppState>) -> anyhow::Result<notify::RecommendedWatcher> {
    use notify::Watcher as _;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<()>();
    let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        // An error (a queue overflow, …) may hide any change: it reloads.
        let relevant = res.map_or(true, |event| {
            !matches!(event.kind, notify::EventKind::Access(_))
                && (event.paths.is_empty() || event.paths.iter().any(|p| may_be_input(p)))
        });
        if relevant {
            let _ = tx.send(());
        }
    })?;
    for dir in state.project().watched().iter().filter(|d| d.exists()) {
        watcher
            .watch(dir, notify::RecursiveMode::Recursive)
            .with_context(|| {
                crate::words::say(
                    state.lang(),
                    "cli-watching",
                    &[("path", dir.display().to_string())],
                )
            })?;
    }
    tokio::spawn(async move {
        while rx.recv().await.is_some() {
            tokio::time::sleep(SETTLE).await;
            while rx.try_recv().is_ok() {}
            tracing::info!("files changed: reloading");
            let st = Arc::clone(&state);
            let _ = tokio::task::spawn_blocking(move || st.reload()).await;
        }
    });
    Ok(watcher)
}

/// Whether a change to `path` (in a watched directory) may change what a build reads: anything
/// but a hidden file (a name starting with `.`) that is not a policy (`.dlx`) or calendar
/// (`.toml`) file, which the walks read whatever their names. A fact file is one of
/// `FACT_FILES`, none hidden; a hidden directory's change is its own event, whose files are
/// named by theirs (a rename into place names the new, visible name too).
fn may_be_input(path: &std::path::Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        // Not UTF-8 or no name (`..`): not judged, kept.
        return true;
    };
    !name.starts_with('.')
        || std::path::Path::new(name)
            .extension()
            .is_some_and(|e| e == datalex_files::EXTENSION || e == "toml")
}

#[cfg(test)]
mod tests {
    use super::may_be_input;
    use std::path::Path;

    #[test]
    fn hidden_files_other_than_policies_and_calendars_are_no_input() {
        for p in [
            "data/binzhou/.catalog.json.new",
            "data/binzhou/.catalog.json.swp",
            "policies/.git",
            ".DS_Store",
        ] {
            assert!(!may_be_input(Path::new(p)), "{p}");
        }
        for p in [
            "data/binzhou/catalog.json",
            "data/binzhou",
            "policies/binzhou/share.dlx",
            "policies/binzhou/.draft.dlx",
            "calendar/.2027.toml",
            "calendar/2027.toml",
            "data/binzhou/notes.txt",
        ] {
            assert!(may_be_input(Path::new(p)), "{p}");
        }
    }
}
