//! Binding again after a reload (`Jurisdiction::new_after`): the entries shared with the facts
//! of the last binding are not checked again, and the answer is that of binding afresh.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::disallowed_methods,
    reason = "tests may fail loudly and read the bundled policy files"
)]

mod common;

use datalex_evaluator::facts::{FactFile, FACT_FILES};
use datalex_evaluator::{Facts, Jurisdiction};
use std::sync::Arc;

/// The facts of `data/jinan` with `institutions.json` read as `institutions`, after the
/// reading `last` of that file (so the unchanged entries are shared with it).
fn facts(institutions: &str, last: Option<&FactFile>) -> (Arc<Facts>, FactFile) {
    let dir = common::root().join("data/jinan");
    let mut files: Vec<Option<Result<FactFile, _>>> = Vec::new();
    for name in FACT_FILES {
        let text = match name {
            "institutions.json" => Some(institutions.to_string()),
            _ => std::fs::read_to_string(dir.join(name)).ok(),
        };
        files.push(text.map(|t| {
            let last = last.filter(|_| name == "institutions.json");
            FactFile::parse_after(name, &t, None, last).unwrap()
        }));
    }
    let [a, b, c, d, e] = [0, 1, 2, 3, 4].map(|i| files[i].as_ref());
    let facts = Facts::assemble([a, b, c, d, e], "sha256:test".into()).unwrap();
    let file = files[1].clone().unwrap().unwrap();
    (Arc::new(facts), file)
}

#[test]
fn binding_after_a_change_checks_the_changed_entries_as_binding_afresh() {
    let policy = common::policy();
    let good =
        std::fs::read_to_string(common::root().join("data/jinan/institutions.json")).unwrap();
    let (first, file) = facts(&good, None);
    let bound = Jurisdiction::new(Arc::clone(&policy), "jinan", first, common::calendar()).unwrap();

    // One entry's declared field with a value of the wrong type, the others shared.
    let bad = good.replacen(
        "\"quality_pass_rate\": 92",
        "\"quality_pass_rate\": \"92\"",
        1,
    );
    assert_ne!(bad, good);
    let (changed, _) = facts(&bad, Some(&file));
    let (afresh, after) = bind_both(&policy, &changed, &bound);
    let afresh = afresh.map(|_| ()).unwrap_err().to_string();
    let after = after.map(|_| ()).unwrap_err().to_string();
    assert_eq!(after, afresh);
    assert!(afresh.contains("institutions.json: ["), "{afresh}");
    assert!(afresh.contains("quality_pass_rate"), "{afresh}");

    // A change that is right binds both ways, to the same version.
    let renamed = good.replacen("\"name\": \"", "\"name\": \"改 ", 1);
    let (changed, _) = facts(&renamed, Some(&file));
    let (afresh, after) = bind_both(&policy, &changed, &bound);
    assert_eq!(after.unwrap().version, afresh.unwrap().version);
}

/// `changed` bound afresh, and bound after `bound` (the last binding).
fn bind_both(
    policy: &Arc<datalex_compiler::PolicySet>,
    changed: &Arc<Facts>,
    bound: &Jurisdiction,
) -> (
    Result<Jurisdiction, datalex_evaluator::BindError>,
    Result<Jurisdiction, datalex_evaluator::BindError>,
) {
    let bind = |after: Option<&Jurisdiction>| {
        let (policy, facts, calendar) =
            (Arc::clone(policy), Arc::clone(changed), common::calendar());
        match after {
            None => Jurisdiction::new(policy, "jinan", facts, calendar),
            Some(last) => Jurisdiction::new_after(policy, "jinan", facts, calendar, last),
        }
    };
    (bind(None), bind(Some(bound)))
}
