//! The trace is recorded compactly while deciding and rendered when read: the steps it renders
//! say what was tried, in the words the explanation and the JSON show, and iterating it,
//! serialising it and counting it agree.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::disallowed_methods,
    reason = "tests may fail loudly and read the bundled policy files"
)]

mod common;

use datalex_evaluator::decision::TraceStep;
use datalex_evaluator::{Decision, Request};
use datalex_lang::date::Date;

fn decide(json: serde_json::Value) -> Decision {
    let policy = common::policy();
    let j = common::binzhou(&policy, common::example_facts());
    let request = Request::from_json(&json, Date::parse("2026-03-02").unwrap()).unwrap();
    j.decide(&request).unwrap()
}

fn step<'a>(steps: &'a [TraceStep], rule: &str) -> &'a TraceStep {
    steps
        .iter()
        .find(|s| &*s.rule == rule)
        .unwrap_or_else(|| panic!("no step {rule} in {steps:#?}"))
}

#[test]
fn a_value_decided_by_an_exception_names_it() {
    // The epidemic of 2025 lists the conditional dataset bz-ga-0001 by id, and the health
    // commission responds to it: the dataset is unconditional for this request.
    let d = decide(
        serde_json::json!({"kind": "share", "at": "2025-02-01", "requester": "bz-wjw", "dataset": "bz-ga-0001", "scenario": "public_health"}),
    );
    assert_eq!(d.effect, "permit");
    let steps: Vec<TraceStep> = d.trace.iter().collect();
    let tier = step(&steps, "binzhou.effective_share");
    assert_eq!(
        tier.detail,
        "= unconditional (exception binzhou.effective_share.emergency_reclassification)"
    );
    let exception = step(&steps, "binzhou.effective_share.emergency_reclassification");
    assert!(exception.matched);
    assert!(
        exception
            .detail
            .starts_with("when dataset.share == conditional and"),
        "{}",
        exception.detail
    );
}

#[test]
fn a_rule_grounded_in_nothing_in_force_says_so() {
    // Before 2025-08-01 the national regulation is not in force.
    let d = decide(
        serde_json::json!({"kind": "share", "at": "2025-01-10", "requester": "bz-wjw", "dataset": "bz-ga-0001", "scenario": "public_health"}),
    );
    let steps: Vec<TraceStep> = d.trace.iter().collect();
    let suspended = step(&steps, "national.sharing_rights_suspended");
    assert!(!suspended.matched);
    assert_eq!(
        suspended.detail,
        "not in force on 2025-01-10: 《政务数据共享条例》第二十七条第二款"
    );
}

#[test]
fn conditions_show_each_part_and_what_it_read() {
    let d = decide(
        serde_json::json!({"kind": "share", "at": "2026-03-02", "requester": "bz-wjw", "dataset": "bz-ga-0001", "scenario": "public_health"}),
    );
    let steps: Vec<TraceStep> = d.trace.iter().collect();
    let unconditional = step(&steps, "binzhou.unconditional_share");
    assert!(!unconditional.matched);
    assert_eq!(
        unconditional.detail,
        "when effective_share == unconditional ✘ [effective_share = conditional]"
    );
    assert!(step(&steps, "binzhou.conditional_share").matched);
}

#[test]
fn iterating_serialising_and_counting_agree() {
    let d = decide(
        serde_json::json!({"kind": "share", "at": "2026-03-02", "requester": "bz-wjw", "dataset": "bz-ga-0001", "scenario": "public_health"}),
    );
    let steps: Vec<TraceStep> = (&d.trace).into_iter().collect();
    assert_eq!(steps.len(), d.trace.len());
    assert!(!d.trace.is_empty());
    let json = serde_json::to_value(&d).unwrap();
    assert_eq!(json["trace"], serde_json::to_value(&steps).unwrap());
    // A copy of the decision renders the same trace.
    assert_eq!(d.clone(), d);
}
