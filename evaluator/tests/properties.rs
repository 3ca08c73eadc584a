//! Random facts and requests through the bundled policies. For every one: deciding returns a
//! decision (no panic, no error), every reason, obligation, deadline and finding carries at
//! least one citation, a deny binds nobody, deciding again gives the same decision, and the
//! decision's JSON written directly (`Decision::write_json`) is byte for byte serde's.
//!
//! Deterministic: a fixed-seed generator, so a failure reproduces; the failing facts and
//! request are printed.

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

use datalex_evaluator::{EvalError, Facts, Jurisdiction, Request};
use datalex_lang::date::Date;
use serde_json::{json, Value};
use std::sync::Arc;

use common::Rng;

/// A date in 2022..2031, inside and outside the loaded calendar years.
fn date(rng: &mut Rng) -> String {
    rng.day(Date::from_ymd(2022, 1, 1).unwrap(), 3650)
        .to_string()
}

/// One id has characters JSON escapes: the trace shows the datasets it reads.
const DATASETS: &[&str] = &["d0", "d1", "d2", "d3", "d4", "d5", "d6", "数据\"7\\"];
const INSTITUTIONS: &[&str] = &["i0", "i1", "i2", "i3", "i4"];
const SCENARIOS: &[&str] = &["s0", "s1", "s2", "emergency_response"];
const CATEGORIES: &[&str] = &[
    "c0",
    "c1",
    "hydrology",
    "state_secret",
    "personal_privacy",
    "public_security",
];
const DEVELOPERS: &[&str] = &["v0", "v1", "v2"];

fn facts(rng: &mut Rng) -> Value {
    let n = 1 + rng.below(DATASETS.len());
    let catalog: Vec<Value> = DATASETS[..n]
        .iter()
        .map(|id| {
            let mut d = json!({
                "id": id, "name": format!("数据{id}"), "provider": rng.pick(INSTITUTIONS),
                "share": rng.pick(&["unconditional", "conditional", "not_shared"]),
                "open": rng.pick(&["unconditional", "conditional", "not_open"]),
                "security_level": rng.pick(&["core", "important", "general"]),
                "categories": rng.some(CATEGORIES),
                "legal_basis": (0..rng.below(3)).map(|_| json!({"title": "某法", "rank": rng.pick(&["law", "administrative_regulation", "local_regulation", "rule", "normative_document"])})).collect::<Vec<_>>(),
                "key_identifiers": [],
            });
            if rng.coin() {
                let mut c = json!({});
                if rng.coin() {
                    c["institutions"] = json!(rng.some(INSTITUTIONS));
                }
                if rng.coin() {
                    c["scenarios"] = json!(rng.some(SCENARIOS));
                }
                d["share_conditions"] = c;
            }
            if rng.coin() {
                d["last_evaluated"] = json!(date(rng));
            }
            if rng.coin() {
                d["openable_after_desensitization"] = json!(rng.coin());
            }
            d
        })
        .collect();
    let m = 1 + rng.below(INSTITUTIONS.len());
    let institutions: Vec<Value> = INSTITUTIONS[..m]
        .iter()
        .map(|id| json!({"id": id, "name": format!("机构{id}"), "kind": "government", "level": rng.pick(&["city", "county", "province"]), "duties": rng.some(SCENARIOS), "big_data_authority": rng.coin()}))
        .collect();
    let emergencies: Vec<Value> = (0..rng.below(3))
        .map(|k| {
            let start = date(rng);
            let end = Date::parse(&start).unwrap().add_days(rng.below(60) as i32).to_string();
            json!({"id": format!("e{k}"), "title": "事件", "start": start, "end": end, "datasets": rng.some(DATASETS), "categories": rng.some(CATEGORIES), "responders": rng.some(INSTITUTIONS), "scenario": rng.pick(SCENARIOS)})
        })
        .collect();
    let developers: Vec<Value> = DEVELOPERS[..rng.below(DEVELOPERS.len() + 1)]
        .iter()
        .map(|id| json!({"id": id, "name": "公司", "qualified": rng.coin()}))
        .collect();
    json!({"catalog": catalog, "institutions": institutions, "emergencies": emergencies, "developers": developers})
}

fn request(rng: &mut Rng) -> Value {
    // Ids from the pools and a few unknown ones.
    let ds = |rng: &mut Rng| {
        if rng.below(8) == 0 {
            "unknown-d".to_string()
        } else {
            rng.pick(DATASETS).to_string()
        }
    };
    let inst = |rng: &mut Rng| {
        if rng.below(8) == 0 {
            "unknown-i".to_string()
        } else {
            rng.pick(INSTITUTIONS).to_string()
        }
    };
    match rng.below(4) {
        0 => {
            json!({"kind": "share", "at": date(rng), "requester": inst(rng), "dataset": ds(rng), "scenario": rng.pick(SCENARIOS)})
        }
        1 => {
            json!({"kind": "open", "at": date(rng), "requester": {"type": rng.pick(&["citizen", "legal_person", "organization"]), "id": "x"}, "dataset": ds(rng)})
        }
        2 => {
            let mut sets: Vec<String> = (0..1 + rng.below(3)).map(|_| ds(rng)).collect();
            sets.dedup();
            json!({"kind": "develop", "at": date(rng), "developer": rng.pick(&["v0", "v1", "v2", "v9"]), "scenario": rng.pick(SCENARIOS), "datasets": sets, "environment": rng.pick(&["trusted", "external"])})
        }
        _ => {
            let basis = date(rng);
            let filed = Date::parse(&basis)
                .unwrap()
                .add_days(rng.below(40) as i32)
                .to_string();
            json!({"kind": "catalog_change", "at": filed, "institution": inst(rng), "dataset": ds(rng), "change": rng.pick(&["add", "modify", "delete"]), "basis_changed_on": basis, "filed_on": filed})
        }
    }
}

#[test]
fn random_facts_and_requests_are_decided_cited_and_deterministic() {
    let policy = common::policy();
    let mut rng = Rng(0xDA7A_1E55_5EED_0001);
    let mut effects = std::collections::BTreeMap::new();
    let in_force = Date::parse("2023-03-01").unwrap();
    let mut not_in_force = 0;
    // Decisions whose JSON escapes the quote and backslash of dataset 7's id.
    let mut escaped = 0;
    for round in 0..300 {
        let f = facts(&mut rng);
        let files: Vec<(&str, String)> = [
            ("catalog.json", "catalog"),
            ("institutions.json", "institutions"),
            ("emergencies.json", "emergencies"),
            ("developers.json", "developers"),
        ]
        .iter()
        .map(|(file, key)| (*file, f[*key].to_string()))
        .collect();
        let borrowed: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
        let facts = Arc::new(
            Facts::from_files(&borrowed)
                .unwrap_or_else(|e| panic!("round {round}: generated facts rejected: {e}\n{f}")),
        );
        let j: Jurisdiction = common::binzhou(&policy, facts);
        for _ in 0..10 {
            let r = request(&mut rng);
            let req = Request::from_json(&r, Date::parse("2026-03-02").unwrap())
                .unwrap_or_else(|e| panic!("generated request rejected: {e}\n{r}"));
            let context = || format!("round {round}\nrequest: {r}\nfacts: {f}");
            // Before the Binzhou measures took effect a request is not a decision; on any later
            // date it always is.
            let d = match j.decide(&req) {
                Err(EvalError::NotInForce { .. }) if req.at() < in_force => {
                    not_in_force += 1;
                    continue;
                }
                other => other.unwrap_or_else(|e| panic!("no decision: {e}\n{}", context())),
            };
            *effects.entry((req.kind(), d.effect)).or_insert(0) += 1;
            for (what, cited) in d
                .reasons
                .iter()
                .map(|x| (format!("reason {}", x.code), !x.cites.is_empty()))
                .chain(
                    d.obligations
                        .iter()
                        .map(|x| (format!("obligation {}", x.code), !x.cites.is_empty())),
                )
                .chain(
                    d.deadlines
                        .iter()
                        .map(|x| (format!("deadline {}", x.code), !x.cites.is_empty())),
                )
                .chain(
                    d.findings
                        .iter()
                        .map(|x| (format!("finding {}", x.code), !x.cites.is_empty())),
                )
            {
                assert!(cited, "{what} cites nothing\n{}", context());
            }
            assert!(
                !d.reasons.is_empty(),
                "a decision without a reason\n{}",
                context()
            );
            if d.effect == "deny" {
                assert!(
                    d.obligations.is_empty(),
                    "a deny with obligations\n{}",
                    context()
                );
            }
            for dl in &d.deadlines {
                assert!(
                    dl.due > dl.start,
                    "a deadline due before it starts\n{}",
                    context()
                );
            }
            // Every decision names the law it applied, each source in force on its date.
            assert!(
                !d.sources.is_empty(),
                "a decision without sources\n{}",
                context()
            );
            for src in &d.sources {
                let in_period = src.in_force.from.is_none_or(|f| f <= req.at())
                    && src.in_force.until.is_none_or(|u| req.at() <= u);
                assert!(in_period, "source {} not in force\n{}", src.id, context());
            }
            // A remedy only where the decision refuses.
            if d.effect != "deny" {
                assert!(
                    d.remedies.is_empty(),
                    "a remedy without a refusal\n{}",
                    context()
                );
            }
            let again = j.decide(&req).unwrap();
            assert_eq!(d, again, "not deterministic\n{}", context());
            let mut written = String::new();
            d.write_json(&mut written);
            assert_eq!(
                written,
                serde_json::to_string(&d).unwrap(),
                "written JSON differs from serde's\n{}",
                context()
            );
            escaped += usize::from(written.contains(r#"数据\"7\\"#));
        }
    }
    assert!(escaped > 0, "no decision showed an id JSON escapes");
    assert!(
        not_in_force > 0,
        "no request before the measures took effect"
    );
    // The generator must reach every kind and every effect, or the test proves little.
    for kind in ["share", "open", "develop", "catalog_change"] {
        let effects_of_kind: Vec<&str> = effects
            .keys()
            .filter(|(k, _)| *k == kind)
            .map(|(_, e)| *e)
            .collect();
        assert!(
            effects_of_kind.len() >= 2,
            "{kind}: only {effects_of_kind:?} ({effects:?})"
        );
    }
}
