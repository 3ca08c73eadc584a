//! Every case of shared/fixtures/binzhou/cases.jsonl (contract version 2), through the built
//! `datalex eval`, checking every field the fixtures' README names: effect, reasons (must
//! appear), obligations (exact set), deadlines (exact set of code, due, status, party_id),
//! findings (must appear), remedies (exact set) and, for share requests that reached the tier
//! step, the effective tier. A case that is not a decision (`expect.error`) must exit 2 with a
//! message naming the error code.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "tests may fail loudly"
)]

mod common;

use serde_json::Value;
use std::collections::BTreeSet;

fn codes(v: &Value, key: &str) -> Vec<String> {
    v[key]
        .as_array()
        .into_iter()
        .flatten()
        .map(|x| {
            x.as_str().map_or_else(
                || x["code"].as_str().unwrap_or_default().to_string(),
                str::to_string,
            )
        })
        .collect()
}

/// Code, due date, status and party of each deadline.
fn deadlines(v: &Value) -> BTreeSet<(String, String, String, String)> {
    v["deadlines"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|x| {
            (
                x["code"].to_string(),
                x["due"].to_string(),
                x["status"].to_string(),
                x["party_id"].to_string(),
            )
        })
        .collect()
}

/// What is wrong with decision `d` of a case expecting `e`.
fn check(d: &Value, e: &Value) -> Vec<String> {
    let mut wrong = Vec::new();
    if d["effect"] != e["effect"] {
        wrong.push(format!("effect {} (expected {})", d["effect"], e["effect"]));
    }
    let reasons = codes(d, "reasons");
    for r in codes(e, "reasons") {
        if !reasons.contains(&r) {
            wrong.push(format!("reason {r} missing from {reasons:?}"));
        }
    }
    for key in ["obligations", "remedies"] {
        let got: BTreeSet<String> = codes(d, key).into_iter().collect();
        let want: BTreeSet<String> = codes(e, key).into_iter().collect();
        if got != want {
            wrong.push(format!("{key} {got:?} (expected {want:?})"));
        }
    }
    if deadlines(d) != deadlines(e) {
        wrong.push(format!(
            "deadlines {:?} (expected {:?})",
            deadlines(d),
            deadlines(e)
        ));
    }
    let findings = codes(d, "findings");
    for f in codes(e, "findings") {
        if !findings.contains(&f) {
            wrong.push(format!("finding {f} missing from {findings:?}"));
        }
    }
    if let Some(tier) = e.get("effective_share") {
        if &d["effective_tier"]["share"] != tier {
            wrong.push(format!(
                "effective share tier {} (expected {tier})",
                d["effective_tier"]["share"]
            ));
        }
    }
    for r in d["reasons"].as_array().into_iter().flatten() {
        if r["cites"].as_array().is_none_or(Vec::is_empty) {
            wrong.push(format!("reason {} cites nothing", r["code"]));
        }
    }
    // Every decision says which law decided it.
    if d["sources"].as_array().is_none_or(Vec::is_empty) {
        wrong.push("no sources".to_string());
    }
    wrong
}

#[test]
fn binzhou_cases_decide_as_expected() {
    let text = std::fs::read_to_string(common::shared().join("fixtures/binzhou/cases.jsonl"))
        .expect("cases.jsonl");
    let cases: Vec<Value> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("case is JSON"))
        .collect();
    for kind in ["share", "open", "develop", "catalog_change"] {
        assert!(
            cases.iter().any(|c| c["request"]["kind"] == kind),
            "no {kind} case"
        );
    }
    let (errors, decided): (Vec<&Value>, Vec<&Value>) = cases
        .iter()
        .partition(|c| c["expect"].get("error").is_some());
    assert!(
        decided
            .iter()
            .filter(|c| c["request"]["kind"] == "share")
            .count()
            >= 30,
        "expected the share cases"
    );
    let mut failures = Vec::new();
    // The decisions, in one run of the binary.
    let input: String = decided
        .iter()
        .map(|c| format!("{}\n", c["request"]))
        .collect();
    let out = common::run(&["eval", "-"], &input);
    assert!(
        out.status.success(),
        "eval failed: {}",
        common::stderr(&out)
    );
    let decisions: Vec<Value> = common::stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("decision is JSON"))
        .collect();
    assert_eq!(decisions.len(), decided.len(), "one decision per request");
    for (case, d) in decided.iter().zip(&decisions) {
        let wrong = check(d, &case["expect"]);
        if !wrong.is_empty() {
            let name = case["name"].as_str().unwrap_or_default();
            failures.push(format!("{name}:\n    {}", wrong.join("\n    ")));
        }
    }
    // The requests that are not decisions, one run each: exit 2 naming the error.
    for case in &errors {
        let name = case["name"].as_str().unwrap_or_default();
        let code = case["expect"]["error"].as_str().unwrap_or_default();
        let out = common::run(&["eval", "-"], &format!("{}\n", case["request"]));
        let err = common::stderr(&out);
        if out.status.code() != Some(2) || !err.contains(code) {
            failures.push(format!(
                "{name}: expected exit 2 with `{code}`, got {:?}: {err}{}",
                out.status.code(),
                common::stdout(&out)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
