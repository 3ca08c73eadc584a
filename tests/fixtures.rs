//! Every case of shared/fixtures/binzhou/cases.jsonl (all four kinds), through the built
//! `datalex eval`, checking every field the fixtures' README names: effect, reasons (must
//! appear), obligations (exact set), deadlines (exact set of code, due, status), findings (must
//! appear) and, for share requests, the effective tier.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // tests may fail loudly

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

#[test]
fn binzhou_cases_decide_as_expected() {
    let text = std::fs::read_to_string(common::shared().join("fixtures/binzhou/cases.jsonl"))
        .expect("cases.jsonl");
    let cases: Vec<Value> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("case is JSON"))
        .collect();
    let cases: Vec<&Value> = cases.iter().collect();
    for kind in ["share", "open", "develop", "catalog_change"] {
        assert!(
            cases.iter().any(|c| c["request"]["kind"] == kind),
            "no {kind} case"
        );
    }
    assert!(
        cases
            .iter()
            .filter(|c| c["request"]["kind"] == "share")
            .count()
            >= 30,
        "expected the share cases"
    );
    let input: String = cases
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
    assert_eq!(decisions.len(), cases.len(), "one decision per request");
    let mut failures = Vec::new();
    for (case, d) in cases.iter().zip(&decisions) {
        let name = case["name"].as_str().unwrap_or_default();
        let e = &case["expect"];
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
        let got: BTreeSet<String> = codes(d, "obligations").into_iter().collect();
        let want: BTreeSet<String> = codes(e, "obligations").into_iter().collect();
        if got != want {
            wrong.push(format!("obligations {got:?} (expected {want:?})"));
        }
        let deadlines = |v: &Value| -> BTreeSet<(String, String, String)> {
            v["deadlines"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|x| {
                    (
                        x["code"].to_string(),
                        x["due"].to_string(),
                        x["status"].to_string(),
                    )
                })
                .collect()
        };
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
        if !wrong.is_empty() {
            failures.push(format!("{name}:\n    {}", wrong.join("\n    ")));
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
