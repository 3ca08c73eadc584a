//! The decision as answered and as logged (issue 20): every decision of the fixture cases,
//! rendered once, is byte for byte `serde_json::to_string` of the decision; `?trace=none` and
//! `?trace=summary` answers are that decision without the trace or with its held steps only;
//! and the log, which stores each decision compact (its recurring pieces once, as shared texts),
//! gives back exactly the decision answered, verifies intact, and detects a tampered or missing
//! shared text.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "tests may fail loudly"
)]

use datalex_evaluator::Request;
use datalex_i18n::Lang;
use datalex_service::answer::{self, TraceMode};
use datalex_service::decision_log::{BreakReason, DecisionLog, Rendered};
use datalex_service::project::{Flags, Project};
use datalex_service::AppState;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every fixture case that is a decision, decided by the bundled policies, with a fixed id.
fn decisions() -> Vec<datalex_evaluator::Decision> {
    let dir = tempfile::tempdir().unwrap();
    let project = Project::at(repo(), Flags::default()).unwrap();
    let state = AppState::new(project, &dir.path().join("d.db"), Lang::En).unwrap();
    let snap = state.snapshot();
    let j = snap
        .jurisdictions
        .iter()
        .find(|j| j.name == "binzhou")
        .unwrap();
    let cases =
        std::fs::read_to_string(repo().join("../shared/fixtures/binzhou/cases.jsonl")).unwrap();
    let today = snap.project.clock().today();
    let mut out = Vec::new();
    for (n, line) in cases.lines().filter(|l| !l.trim().is_empty()).enumerate() {
        let case: Value = serde_json::from_str(line).unwrap();
        if case["expect"].get("error").is_some() {
            continue;
        }
        let request = Request::from_json(&case["request"], today).unwrap();
        let mut d = j.decide(&request).unwrap();
        d.decision_id = format!("01TESTDECISION{n:012}");
        out.push(d);
    }
    assert!(out.len() > 20, "only {} decisions", out.len());
    out
}

#[test]
fn a_decision_is_rendered_once_as_serde_renders_it_and_shaped_by_trace() {
    for d in decisions() {
        let expected = serde_json::to_string(&d).unwrap();
        let whole: Value = serde_json::from_str(&expected).unwrap();
        for mode in [TraceMode::Full, TraceMode::None, TraceMode::Summary] {
            let a = answer::render(&d, mode);
            assert_eq!(&*a.full, expected.as_str(), "{mode:?}");
            // The shared pieces: in order, apart, inside, on character boundaries, never the id.
            let mut last = 0;
            for &(s, e) in &a.shared {
                let (s, e) = (s as usize, e as usize);
                assert!(last <= s && s < e && e <= a.full.len(), "{:?}", a.shared);
                assert!(a.full.get(s..e).is_some());
                assert!(!a.full[s..e].contains("decision_id"));
                last = e;
            }
            assert!(a.shared.len() >= d.trace.len(), "each step is a piece");
            let body: Value = serde_json::from_str(&a.body(mode)).unwrap();
            let mut want = whole.clone();
            match mode {
                TraceMode::Full => {}
                TraceMode::None => {
                    want.as_object_mut().unwrap().remove("trace");
                }
                TraceMode::Summary => {
                    let held: Vec<Value> = want["trace"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .filter(|s| s["matched"] == true)
                        .map(|s| serde_json::json!({"rule": s["rule"], "matched": true}))
                        .collect();
                    assert!(!held.is_empty());
                    want["trace"] = Value::Array(held);
                }
            }
            assert_eq!(body, want, "{mode:?}");
        }
    }
}

#[test]
fn the_log_keeps_compact_decisions_gives_them_back_whole_and_verifies_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("decisions.db");
    let log = DecisionLog::open(&path).unwrap();
    let mut answered = Vec::new();
    let mut records = Vec::new();
    // Each decision twice, under two ids: the second refers to the texts the first stored.
    for round in 0..2 {
        for mut d in decisions() {
            d.decision_id = format!("{}{round}", d.decision_id);
            let a = answer::render(&d, TraceMode::None);
            answered.push((d.decision_id.clone(), a.full.to_string()));
            records.push(Rendered {
                decision_id: d.decision_id.clone(),
                time: "2026-03-02T00:00:00Z".to_owned(),
                jurisdiction: "binzhou".to_owned(),
                policy_version: d.policy.version.to_string(),
                caller: None,
                request: "{}".to_owned(),
                decision: a.full,
                shared: a.shared,
            });
        }
    }
    // One stored whole, as before compact decisions: both kinds live in one log.
    let mut whole = records.pop().unwrap();
    whole.shared.clear();
    records.push(whole);
    log.submit(records).unwrap().wait().unwrap();
    for (id, text) in &answered {
        let got = log.get(id).unwrap().unwrap().decision;
        assert_eq!(got, serde_json::from_str::<Value>(text).unwrap(), "{id}");
    }
    let v = log.verify().unwrap();
    assert!(v.is_intact(), "{v}");
    drop(log);

    let conn = rusqlite::Connection::open(&path).unwrap();
    let stored: i64 = conn
        .query_row(
            "SELECT SUM(LENGTH(decision)) FROM records WHERE decision LIKE 'txt1:%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let texts: i64 = conn
        .query_row("SELECT COUNT(*) FROM texts", [], |r| r.get(0))
        .unwrap();
    let full: usize = answered.iter().map(|(_, t)| t.len()).sum();
    assert!(
        (stored as usize) * 4 < full,
        "compact records {stored} bytes against {full} answered"
    );
    assert!(texts > 0);

    // A shared text edited: verification names the first record that uses it, and reading that
    // record is an error, not another decision.
    let (first_id, first_text) = &answered[0];
    let used: i64 = conn
        .query_row("SELECT MIN(id) FROM texts WHERE chain = 'main'", [], |r| {
            r.get(0)
        })
        .unwrap();
    conn.execute(
        "UPDATE texts SET text = replace(text, 'binzhou', 'binzhoU') WHERE id = ?1",
        [used],
    )
    .unwrap();
    drop(conn);
    let options = datalex_service::decision_log::VerifyOptions::beside(&path);
    let v = datalex_service::decision_log::verify(&path, &options).unwrap();
    assert!(!v.is_intact(), "{v}");
    let broken = v.chain("main").unwrap().first_broken().unwrap();
    assert_eq!(broken.reason, BreakReason::TextUnverified { id: used });
    let log = DecisionLog::open(&path).unwrap();
    let e = log.get(first_id).unwrap_err();
    assert!(format!("{e:#}").contains("MAC"), "{e:#}");
    assert!(!first_text.is_empty());
    drop(log);

    // A shared text removed: detected too.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute(
        "UPDATE texts SET text = replace(text, 'binzhoU', 'binzhou') WHERE id = ?1",
        [used],
    )
    .unwrap();
    let v = datalex_service::decision_log::verify(&path, &options).unwrap();
    assert!(v.is_intact(), "restored: {v}");
    let last: i64 = conn
        .query_row("SELECT MAX(id) FROM texts", [], |r| r.get(0))
        .unwrap();
    conn.execute("DELETE FROM texts WHERE id = ?1", [last / 2])
        .unwrap();
    let v = datalex_service::decision_log::verify(&path, &options).unwrap();
    assert!(!v.is_intact(), "{v}");
    assert!(matches!(
        v.chain("main").unwrap().first_broken().unwrap().reason,
        BreakReason::TextUnverified { .. }
    ));
}
