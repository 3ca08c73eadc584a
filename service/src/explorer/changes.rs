//! What changed: the package tests' requests decided by the previous snapshot (the one the last
//! reload replaced, when it was replaced: only those decisions are kept of it, so its facts are
//! released) and by the served one, with the served facts of each, and the tests whose
//! decisions differ — the same comparison `datalex test --snapshot` makes (decision id, trace
//! and policy version left out).

use super::view::View;
use super::{Asked, Explorer, Page};
use crate::state::{Previous, Snapshot};
use serde::Serialize;
use serde_json::Value;
use std::sync::Arc;

/// One test whose decision differs.
#[derive(Debug, Clone, Serialize)]
pub struct Changed {
    /// The test.
    pub name: String,
    /// Its package.
    pub package: String,
    /// Its file and line, when known.
    pub place: Option<String>,
    /// The effect (or error code) before and after.
    pub before: String,
    /// After.
    pub after: String,
    /// The top-level fields of the decision that differ.
    pub fields: Vec<String>,
}

/// The comparison of two snapshots.
pub struct Changes {
    /// What is kept of the previous snapshot: its versions and the served snapshot's tests
    /// decided by it when it was replaced.
    pub before: Arc<Previous>,
    /// The served one.
    pub after: Arc<Snapshot>,
    /// How many tests were compared.
    pub compared: usize,
    /// Those whose decision differs.
    pub changed: Vec<Changed>,
}

fn effect(outcome: &Result<Value, String>) -> String {
    match outcome {
        Ok(d) => d
            .get("effect")
            .and_then(Value::as_str)
            .unwrap_or("?")
            .to_string(),
        Err(code) => code.clone(),
    }
}

impl Changes {
    /// Compares every test of `view` (the served snapshot's) with its decision by `before`
    /// (made when `before` was replaced).
    pub fn compute(view: &View, before: Arc<Previous>) -> Changes {
        let mut compared = 0;
        let mut changed = Vec::new();
        for t in &view.tests {
            let key = (t.package.clone(), Previous::key(t.request.as_ref()));
            let Some(old) = before.decided.get(&key) else {
                continue;
            };
            compared += 1;
            if *old == t.outcome {
                continue;
            }
            let fields = match (old, &t.outcome) {
                (Ok(Value::Object(a)), Ok(Value::Object(b))) => {
                    let mut keys: Vec<String> = a
                        .keys()
                        .chain(b.keys())
                        .filter(|k| a.get(*k) != b.get(*k))
                        .cloned()
                        .collect();
                    keys.sort();
                    keys.dedup();
                    keys
                }
                _ => Vec::new(),
            };
            changed.push(Changed {
                name: t.name.clone(),
                package: t.package.clone(),
                place: t.place.as_ref().map(|(f, l)| format!("{f}:{l}")),
                before: effect(old),
                after: effect(&t.outcome),
                fields,
            });
        }
        Changes {
            before,
            after: Arc::clone(&view.snapshot),
            compared,
            changed,
        }
    }
}

/// `/changes`.
pub fn page(ex: &Explorer, asked: &Asked) -> Page {
    let view = ex.view();
    let changes = ex.changes(&view);
    let versions = |s: &Snapshot| -> Vec<(String, String)> {
        s.jurisdictions
            .iter()
            .map(|j| (j.name.clone(), j.version.clone()))
            .collect()
    };
    let title = datalex_i18n::text(asked.lang, "explorer-changes-title", None);
    let ctx = match changes {
        None => minijinja::context! {
            path => "/changes",
            reloaded => false,
            after => versions(&view.snapshot),
            after_loaded => view.snapshot.loaded_at.clone(),
        },
        Some(c) => minijinja::context! {
            path => "/changes",
            reloaded => true,
            before => c.before.versions.clone(),
            before_loaded => c.before.loaded_at.clone(),
            after => versions(&c.after),
            after_loaded => c.after.loaded_at.clone(),
            compared => c.compared,
            changed => c.changed.clone(),
        },
    };
    Page::render(asked, "changes.html", &title, ctx)
}
