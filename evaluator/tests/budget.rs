//! Every evaluation is bounded: a decision that would take more steps than its budget is an
//! error that says so, never a hang.

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

use datalex_evaluator::{EvalError, Request};
use datalex_lang::date::Date;

#[test]
fn a_decision_over_its_step_budget_is_a_clear_error() {
    let policy = common::policy();
    let mut j = common::binzhou(&policy, common::example_facts());
    let request = Request::from_json(
        &serde_json::json!({"kind": "share", "at": "2026-03-02", "requester": "bz-wjw", "dataset": "bz-ga-0001", "scenario": "public_health"}),
        Date::parse("2026-03-02").unwrap(),
    )
    .unwrap();
    assert!(j.decide(&request).is_ok(), "the default budget is ample");
    j.engine = j.engine.clone().with_step_budget(20);
    let err = j.decide(&request).unwrap_err();
    assert!(
        matches!(err, EvalError::BudgetExceeded { budget: 20, .. }),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(
        // It names where the budget ran out: a rule or value of the packages the decision uses.
        text.contains("budget of 20 steps")
            && (text.contains("(in `binzhou.") || text.contains("(in `national.")),
        "{text}"
    );
}
