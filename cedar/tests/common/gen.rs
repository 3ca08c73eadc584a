#![allow(dead_code, reason = "each test and bench uses a different part")]
//! Random facts and share, open and develop requests, biased towards the cases the rules tell
//! apart: every tier, conditions that do and do not admit the requester, legal bases of every
//! rank, and emergencies that are active on the request's date and cover its dataset.

use datalex_evaluator::Facts;
use datalex_lang::date::Date;
use serde_json::{json, Value};

/// The date requests without `at` are decided as of.
pub fn today() -> Date {
    Date::from_ymd(2024, 6, 1).unwrap()
}

pub use crate::common::Rng;

/// A date in one of two windows of 100 days, so emergencies and requests often overlap and the
/// periods in force change inside each: the first holds 2023-03-01 (the Binzhou measures take
/// effect), the second 2025-08-01 (the national regulation takes effect).
fn date(rng: &mut Rng) -> Date {
    let start = if rng.coin() {
        Date::from_ymd(2023, 2, 15).unwrap()
    } else {
        Date::from_ymd(2025, 7, 1).unwrap()
    };
    rng.day(start, 100)
}

const DATASETS: &[&str] = &["d0", "d1", "d2", "d3", "d4", "d5", "d6", "d7"];
const INSTITUTIONS: &[&str] = &["i0", "i1", "i2", "i3", "i4"];
const SCENARIOS: &[&str] = &["s0", "s1", "s2", "emergency_response"];
const CATEGORIES: &[&str] = &["c0", "c1", "hydrology", "state_secret", "personal_privacy"];
const RANKS: &[&str] = &[
    "law",
    "administrative_regulation",
    "local_regulation",
    "rule",
    "departmental_rule",
    "local_government_rule",
    "state_council_decision",
    "normative_document",
];

/// Facts as [`facts`] makes them, with the catalog filled up to `datasets` entries by datasets
/// no request names (`f0`, `f1`, …), so a catalog can be as large as a city's.
pub fn facts_with_catalog(rng: &mut Rng, datasets: usize) -> Value {
    let mut f = facts(rng);
    let catalog = f["catalog"].as_array_mut().unwrap();
    let mut i = 0;
    while catalog.len() < datasets {
        catalog.push(json!({
            "id": format!("f{i}"), "name": format!("数据f{i}"), "provider": rng.pick(INSTITUTIONS),
            "share": rng.pick(&["unconditional", "conditional", "not_shared"]),
            "open": rng.pick(&["unconditional", "conditional", "not_open"]),
            "categories": rng.some(CATEGORIES),
            "legal_basis": [{"title": "某法", "rank": rng.pick(RANKS)}],
        }));
        i += 1;
    }
    f
}

pub fn facts(rng: &mut Rng) -> Value {
    let catalog: Vec<Value> = DATASETS[..5 + rng.below(DATASETS.len() - 4)]
        .iter()
        .map(|id| {
            let mut d = json!({
                "id": id, "name": format!("数据{id}"), "provider": rng.pick(INSTITUTIONS),
                "share": rng.pick(&["unconditional", "conditional", "conditional", "not_shared"]),
                "open": rng.pick(&["unconditional", "conditional", "not_open"]),
                "categories": rng.some(CATEGORIES),
                "legal_basis": (0..rng.below(3))
                    .map(|_| json!({"title": "某法", "rank": rng.pick(RANKS), "article": "第十条"}))
                    .collect::<Vec<_>>(),
                "key_identifiers": [],
                "quality_failures": rng.some(&["accuracy", "timeliness"]),
            });
            if rng.coin() {
                d["security_level"] = json!(rng.pick(&["core", "important", "general"]));
            }
            if rng.coin() {
                d["lists"] = json!(rng.some(&["aggregation", "sharing", "opening"]));
            }
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
                d["last_evaluated"] = json!(date(rng).add_days(-400).to_string());
            }
            if rng.coin() {
                d["openable_after_desensitization"] = json!(rng.coin());
            }
            d
        })
        .collect();
    let institutions: Vec<Value> = INSTITUTIONS[..3 + rng.below(INSTITUTIONS.len() - 2)]
        .iter()
        .map(|id| {
            json!({"id": id, "name": format!("机构{id}"),
                   "kind": rng.pick(&["government", "government", "authorized_organization", "public_institution", "public_service_enterprise"]),
                   "region": rng.pick(&["r0", "r1"]),
                   "level": rng.pick(&["city", "county", "province"]),
                   "duties": rng.most(SCENARIOS), "big_data_authority": rng.coin()})
        })
        .collect();
    let emergencies: Vec<Value> = (0..rng.below(4))
        .map(|k| {
            let start = date(rng);
            let end = start.add_days(rng.below(90) as i32);
            json!({"id": format!("e{k}"), "title": "事件", "start": start.to_string(),
                   "end": end.to_string(), "datasets": rng.some(DATASETS),
                   "categories": rng.some(CATEGORIES), "responders": rng.some(INSTITUTIONS),
                   "scenario": rng.pick(SCENARIOS)})
        })
        .collect();
    let mut developers = Vec::new();
    for id in ["v0", "v1", "v2"] {
        if rng.below(4) != 0 {
            developers.push(json!({"id": id, "name": "公司", "qualified": rng.below(4) != 0}));
        }
    }
    json!({"catalog": catalog, "institutions": institutions,
           "emergencies": emergencies, "developers": developers})
}

pub fn request(rng: &mut Rng) -> Value {
    let ds = |rng: &mut Rng| {
        if rng.below(12) == 0 {
            "unknown-d".to_string()
        } else {
            rng.pick(DATASETS).to_string()
        }
    };
    let at = date(rng).to_string();
    match rng.below(10) {
        0..=4 => {
            let requester = if rng.below(12) == 0 {
                "unknown-i"
            } else {
                rng.pick(INSTITUTIONS)
            };
            let mut r = json!({"kind": "share", "at": at, "requester": requester,
                               "dataset": ds(rng), "scenario": rng.pick(SCENARIOS)});
            if rng.below(4) == 0 {
                r["received_on"] = json!(date(rng).to_string());
            }
            if rng.below(4) == 0 {
                r["channel"] = json!(rng.pick(&["platform", "private"]));
            }
            r
        }
        5..=7 => json!({"kind": "open", "at": at, "dataset": ds(rng),
                        "requester": {"type": rng.pick(&["citizen", "legal_person", "organization"]), "id": "x"}}),
        _ => {
            let mut sets: Vec<String> = (0..1 + rng.below(3)).map(|_| ds(rng)).collect();
            sets.dedup();
            json!({"kind": "develop", "at": at, "developer": rng.pick(&["v0", "v1", "v2", "v9"]),
                   "scenario": rng.pick(SCENARIOS), "datasets": sets,
                   "environment": rng.pick(&["trusted", "trusted", "external"])})
        }
    }
}

/// Generated facts (`{"catalog": [...], ...}`) through the real loader.
pub fn to_facts(json: &Value) -> Facts {
    let files: Vec<(String, String)> = json
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (format!("{k}.json"), v.to_string()))
        .collect();
    let borrowed: Vec<(&str, &str)> = files
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    Facts::from_files(&borrowed).unwrap()
}
