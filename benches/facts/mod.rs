//! What the decision benchmark (`benches/decide.rs`) and the allocation test
//! (`tests/allocations.rs`, which includes this folder with `#[path]`) decide with: the bundled
//! policies compiled, the official calendar, the example facts of `data/binzhou` or generated
//! facts (`gen.rs`), bound as the `binzhou` jurisdiction, and one request of each kind with the
//! decision it must get.

pub mod gen;

use datalex_compiler::PolicySet;
use datalex_evaluator::{Calendar, Decision, Facts, Jurisdiction, Request};
use datalex_lang::date::Date;
use datalex_lang::{diagnostic, SourceMap};
use serde_json::Value;
use std::path::Path;
use std::sync::Arc;

/// The workspace root.
fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// `stdlib/prelude.dlx` and every `.dlx` file under `policies/`, sorted, named by their path
/// relative to the workspace root, compiled; panics with the rendered diagnostics on an error.
pub fn policy() -> Arc<PolicySet> {
    let files = datalex_files::policy_files(&[root().join("policies")])
        .unwrap_or_else(|e| panic!("{e}"))
        .files;
    let mut sources = SourceMap::new();
    sources.add(
        "stdlib/prelude.dlx",
        read(&root().join("stdlib/prelude.dlx")),
    );
    for f in files {
        let name = f.strip_prefix(root()).unwrap_or(&f).display().to_string();
        sources.add(name, read(&f));
    }
    let compiled = datalex_compiler::compile(&sources);
    let errors: Vec<_> = compiled
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .cloned()
        .collect();
    match compiled.policy {
        Some(policy) if errors.is_empty() => Arc::new(policy),
        _ => panic!(
            "policies/ does not compile:\n{}",
            diagnostic::render(&errors, &sources, false, datalex_i18n::Lang::En)
        ),
    }
}

/// The official calendar, 2023 to 2026.
pub fn calendar() -> Arc<Calendar> {
    let mut cal = Calendar::new();
    for year in 2023..=2026 {
        let name = format!("stdlib/calendar/{year}.toml");
        cal.add_year_toml(&name, &read(&root().join(&name)))
            .unwrap_or_else(|e| panic!("{e}"));
    }
    Arc::new(cal)
}

/// The example facts of `data/binzhou` (the fact files there, as `service/src/load.rs` reads them).
pub fn example_facts() -> Facts {
    let dir = root().join("data/binzhou");
    let texts: Vec<(&str, String)> = datalex_evaluator::facts::FACT_FILES
        .iter()
        .filter(|name| dir.join(name).exists())
        .map(|name| (*name, read(&dir.join(name))))
        .collect();
    let files: Vec<(&str, &str)> = texts.iter().map(|(n, t)| (*n, t.as_str())).collect();
    Facts::from_files(&files).unwrap_or_else(|e| panic!("data/binzhou: {e}"))
}

/// Generated facts of this shape, through the loader.
pub fn generated_facts(shape: gen::Shape) -> Facts {
    let texts = gen::generate(shape);
    Facts::from_files(&texts.files()).unwrap_or_else(|e| panic!("generated facts: {e}"))
}

/// The `binzhou` jurisdiction with these facts.
pub fn bind(policy: &Arc<PolicySet>, calendar: &Arc<Calendar>, facts: Facts) -> Jurisdiction {
    Jurisdiction::new(
        Arc::clone(policy),
        "binzhou",
        Arc::new(facts),
        Arc::clone(calendar),
    )
    .unwrap_or_else(|e| panic!("binding binzhou: {e}"))
}

/// Which facts a request is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Set {
    /// `data/binzhou`.
    Example,
    /// Generated facts (their anchors, which every size has).
    Generated,
}

/// A request and the decision it must get.
#[derive(Debug)]
pub struct Case {
    /// Benchmark name: `share_review`, ….
    pub name: &'static str,
    /// The request, parsed.
    pub request: Request,
    /// Expected effect.
    pub effect: &'static str,
    /// Expected reason codes, in order.
    pub reasons: &'static [&'static str],
    /// Expected deadline codes, in order.
    pub deadlines: &'static [&'static str],
}

/// A case as written: name, request on the example facts, request on generated facts, effect,
/// reasons, deadlines.
type Row = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
);

/// One request of each kind (three of `share`). The example requests are cases of
/// `../shared/fixtures/binzhou/cases.jsonl`; the generated ones ask the same of the anchors.
const CASES: [Row; 6] = [
    (
        "share_review",
        r#"{"kind": "share", "at": "2026-03-02", "requester": "bz-wjw", "dataset": "bz-ga-0001", "scenario": "public_health"}"#,
        r#"{"kind": "share", "at": "2026-03-02", "requester": "gen-wjw", "dataset": "gen-ga-cond", "scenario": "public_health"}"#,
        "review",
        &["conditional_share_application"],
        &["provider_reply"],
    ),
    (
        "share_permit",
        r#"{"kind": "share", "at": "2026-03-02", "requester": "bz-rsj", "dataset": "bz-scj-0001", "scenario": "employment"}"#,
        r#"{"kind": "share", "at": "2026-03-02", "requester": "gen-rsj", "dataset": "gen-scj-open", "scenario": "employment"}"#,
        "permit",
        &["unconditional_share"],
        &["provider_reply"],
    ),
    (
        "share_emergency",
        r#"{"kind": "share", "at": "2026-07-15", "requester": "bz-yjj", "dataset": "bz-sl-0002", "scenario": "emergency_response"}"#,
        r#"{"kind": "share", "at": "2026-07-15", "requester": "gen-yjj", "dataset": "gen-sl-flood", "scenario": "emergency_response"}"#,
        "review",
        &["emergency_adjustment_pending"],
        &[],
    ),
    (
        "open",
        r#"{"kind": "open", "at": "2026-03-02", "requester": {"type": "legal_person", "id": "91371600MA3C000000"}, "dataset": "bz-scj-0002"}"#,
        r#"{"kind": "open", "at": "2026-03-02", "requester": {"type": "legal_person", "id": "91371600MA3C000000"}, "dataset": "gen-scj-credit"}"#,
        "review",
        &["conditional_open_application"],
        &[],
    ),
    (
        "develop",
        r#"{"kind": "develop", "at": "2026-03-02", "developer": "dev-001", "scenario": "credit_profile", "datasets": ["bz-scj-0001", "bz-scj-0002"], "environment": "trusted"}"#,
        r#"{"kind": "develop", "at": "2026-03-02", "developer": "gen-dev-0", "scenario": "credit_profile", "datasets": ["gen-scj-open", "gen-scj-credit"], "environment": "trusted"}"#,
        "review",
        &["development_application"],
        &[],
    ),
    (
        "catalog_change",
        r#"{"kind": "catalog_change", "at": "2026-04-23", "institution": "bz-ga", "dataset": "bz-ga-0002", "change": "modify", "basis_changed_on": "2026-04-01", "filed_on": "2026-04-23"}"#,
        r#"{"kind": "catalog_change", "at": "2026-04-23", "institution": "gen-ga", "dataset": "gen-ga-vehicle", "change": "modify", "basis_changed_on": "2026-04-01", "filed_on": "2026-04-23"}"#,
        "review",
        &["catalog_change_review"],
        &["authority_review", "file_change"],
    ),
];

/// The cases for these facts, with their requests parsed (today: 2026-03-02).
pub fn cases(set: Set) -> Vec<Case> {
    let today = Date::parse("2026-03-02").expect("a date");
    CASES
        .iter()
        .map(|&(name, example, generated, effect, reasons, deadlines)| {
            let text = match set {
                Set::Example => example,
                Set::Generated => generated,
            };
            let json: Value = serde_json::from_str(text).expect("request JSON");
            let request =
                Request::from_json(&json, today).unwrap_or_else(|e| panic!("request {name}: {e}"));
            Case {
                name,
                request,
                effect,
                reasons,
                deadlines,
            }
        })
        .collect()
}

/// Decides the case once and panics, showing the decision, unless it is the expected one.
pub fn check(j: &Jurisdiction, case: &Case) -> Decision {
    let d = j
        .decide(&case.request)
        .unwrap_or_else(|e| panic!("{}: {e}", case.name));
    let reasons: Vec<&str> = d.reasons.iter().map(|r| r.code.as_ref()).collect();
    let deadlines: Vec<&str> = d.deadlines.iter().map(|r| r.code.as_ref()).collect();
    if d.effect != case.effect || reasons != case.reasons || deadlines != case.deadlines {
        panic!(
            "{}: expected {} {:?} with deadlines {:?}, got\n{}",
            case.name,
            case.effect,
            case.reasons,
            case.deadlines,
            serde_json::to_string_pretty(&d).unwrap_or_default()
        );
    }
    d
}
