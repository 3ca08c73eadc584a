//! What the explorer computes once per served snapshot: the policy graph's view (the same one
//! `datalex graph` prints), the policy sources (for a rule's text as written), and the package
//! tests decided with the served facts (which tests exercise a rule; what a reload changed).

use crate::state::{AppState, Snapshot};
use datalex_compiler::export::{self, GraphView};
use datalex_compiler::ir::{KindPlan, Package, RuleDef};
use datalex_evaluator::{Jurisdiction, Request};
use datalex_lang::date::Date;
use datalex_lang::SourceMap;
use serde_json::Value;
use std::collections::BTreeSet;
use std::sync::Arc;

/// One package test, decided by the snapshot.
#[derive(Debug, Clone)]
pub struct TestRun {
    /// The test's name.
    pub name: String,
    /// Its package.
    pub package: String,
    /// Its file and line, when the sources are known.
    pub place: Option<(String, usize)>,
    /// The request as written in the test.
    pub request: Option<Value>,
    /// Rules that applied (reasons and matched trace steps).
    pub applied: BTreeSet<String>,
    /// Rules tried that did not apply.
    pub not_applied: BTreeSet<String>,
    /// The decision without its id, trace and version; or the error code.
    pub outcome: Result<Value, String>,
}

/// The explorer's view of one snapshot.
pub struct View {
    /// The snapshot it was built from.
    pub snapshot: Arc<Snapshot>,
    /// The policy graph, as `datalex graph` shows it.
    pub graph: GraphView,
    /// The policy files, when the files on disk still compile to the served policy (after a
    /// change that did not compile they do not, and rule texts are not shown).
    pub sources: Option<SourceMap>,
    /// The package tests whose package is served, decided.
    pub tests: Vec<TestRun>,
    /// The day it was built ("today" for the as-of selector and for test requests without
    /// `at`).
    pub today: Date,
}

impl View {
    /// Builds the view of `snapshot`.
    pub fn build(app: &AppState, snapshot: Arc<Snapshot>) -> View {
        let today = app.project().clock().today();
        let graph = export::view(&snapshot.policy);
        let sources = snapshot
            .project
            .compile(app.lang())
            .ok()
            .filter(|(_, c)| {
                c.policy
                    .as_ref()
                    .is_some_and(|p| p.hash == snapshot.policy.hash)
            })
            .map(|(s, _)| s);
        let tests = snapshot
            .policy
            .tests
            .iter()
            .filter_map(|t| {
                let j = snapshot
                    .jurisdictions
                    .iter()
                    .find(|j| j.name == t.package)?;
                let place = sources.as_ref().and_then(|s| {
                    let file = s.get(t.file)?.name.clone();
                    Some((file, s.line_col(t.span).0))
                });
                let request: Option<Value> = t
                    .request
                    .as_deref()
                    .and_then(|r| serde_json::from_str(r).ok());
                let (outcome, applied, not_applied) = run(j, request.as_ref(), today);
                Some(TestRun {
                    name: t.name.clone(),
                    package: t.package.clone(),
                    place,
                    request,
                    applied,
                    not_applied,
                    outcome,
                })
            })
            .collect();
        View {
            snapshot,
            graph,
            sources,
            tests,
            today,
        }
    }

    /// The rule named `name` (qualified, `binzhou.conditional_share`): its package, the plan
    /// of the first kind it decides, and its definition.
    pub fn rule(&self, name: &str) -> Option<(&Package, &KindPlan, &RuleDef)> {
        self.snapshot.policy.packages.iter().find_map(|p| {
            p.plans.iter().find_map(|plan| {
                plan.rules()
                    .find(|(_, r)| &*r.name == name)
                    .map(|(_, r)| (p.as_ref(), plan, r))
            })
        })
    }

    /// Whether a rule of this name exists (the graph's rules).
    pub fn is_rule(&self, name: &str) -> bool {
        self.graph.rules.iter().any(|r| r.name == name)
    }

    /// The text of a rule as written, with its file and line.
    pub fn rule_source(&self, rule: &RuleDef) -> Option<(String, usize, String)> {
        let s = self.sources.as_ref()?;
        let file = s.get(rule.span.file)?;
        let text = file.text.get(rule.span.range())?.to_string();
        Some((file.name.clone(), s.line_col(rule.span).0, text))
    }
}

/// Decides one test's request with `j`: the normalised decision (or error code), and the rules
/// it saw apply and not apply.
pub fn run(
    j: &Jurisdiction,
    request: Option<&Value>,
    today: Date,
) -> (Result<Value, String>, BTreeSet<String>, BTreeSet<String>) {
    let mut applied = BTreeSet::new();
    let mut not_applied = BTreeSet::new();
    let Some(json) = request else {
        return (Err("no_request".into()), applied, not_applied);
    };
    let request = match Request::from_json(json, today) {
        Ok(r) => r,
        Err(_) => return (Err("invalid_request".into()), applied, not_applied),
    };
    match j.decide(&request) {
        Ok(d) => {
            for r in &d.reasons {
                applied.extend(r.rule.split(", ").map(str::to_string));
            }
            for s in &d.trace {
                if s.matched {
                    applied.insert(s.rule.to_string());
                } else {
                    not_applied.insert(s.rule.to_string());
                }
            }
            (
                serde_json::to_value(&d)
                    .map(normalised)
                    .map_err(|e| e.to_string()),
                applied,
                not_applied,
            )
        }
        Err(e) => (Err(e.code().to_string()), applied, not_applied),
    }
}

/// A decision's JSON without what changes on every run or version: its id, its trace (how it
/// was reached, not what was decided) and the policy version — what `datalex test --snapshot`
/// compares.
pub fn normalised(mut v: Value) -> Value {
    if let Some(obj) = v.as_object_mut() {
        obj.remove("decision_id");
        obj.remove("trace");
        if let Some(p) = obj.get_mut("policy").and_then(Value::as_object_mut) {
            p.remove("version");
        }
    }
    v
}
