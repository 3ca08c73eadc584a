//! Cedar as an independent oracle. Random facts and share, open and develop requests are
//! decided by Datalex and, on the package's Cedar export, by Cedar's `Authorizer`; `permit` must
//! be Allow and `deny` or `review` Deny. Every disagreement fails the test with the request, the
//! facts and both answers printed. Also: the exports validate in strict mode.
//!
//! Deterministic: a fixed-seed generator, so a failure reproduces.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "tests may fail loudly"
)]

#[path = "../../evaluator/tests/common/mod.rs"]
mod common;
#[path = "common/gen.rs"]
mod gen;

use datalex_cedar::Oracle;
use datalex_evaluator::{Engine, EvalError, Request};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Facts sets and requests per facts set, per package.
const RUNS: [(&str, usize, usize); 7] = [
    ("binzhou", 80, 240),
    ("national", 5, 100),
    ("shandong", 5, 100),
    ("jinan", 5, 100),
    ("qingdao", 5, 100),
    ("linyi", 5, 100),
    ("zunyi", 5, 100),
];

#[test]
fn datalex_and_cedar_agree_on_random_requests() {
    let policy = common::policy();
    let calendar = common::calendar();
    let mut rng = gen::Rng(0xCEDA_2026_0000_0001);
    let mut failures = Vec::new();
    let mut tally: BTreeMap<String, usize> = BTreeMap::new();
    let mut total = 0;
    for (package, sets, per_set) in RUNS {
        let engine = Engine::new(Arc::clone(&policy), package).unwrap();
        for _ in 0..sets {
            let facts_json = gen::facts(&mut rng);
            let facts = gen::to_facts(&facts_json);
            let export = datalex_cedar::export(&engine, &facts).unwrap();
            let oracle = Oracle::new(export).unwrap();
            for _ in 0..per_set {
                let request_json = gen::request(&mut rng);
                let request = Request::from_json(&request_json, gen::today()).unwrap();
                if oracle.action(request.kind()).is_none() {
                    continue;
                }
                // A request no source of the jurisdiction governs on its date is not a decision,
                // in Datalex or in Cedar.
                let decision = match engine.decide(&facts, &calendar, &request, policy_ref(package))
                {
                    Err(EvalError::NotInForce { .. }) => {
                        *tally.entry(format!("{package} not_in_force")).or_default() += 1;
                        continue;
                    }
                    other => other.unwrap(),
                };
                let cedar_request = oracle
                    .request(&engine, &facts, &calendar, &request)
                    .unwrap_or_else(|e| panic!("{e}\nrequest: {request_json}"));
                let verdict = oracle.authorize(&cedar_request);
                total += 1;
                *tally
                    .entry(format!(
                        "{package} {} {} {}",
                        request.kind(),
                        decision.effect,
                        decision.reasons.first().map_or("-", |r| r.code.as_ref())
                    ))
                    .or_default() += 1;
                let agree = (decision.effect == "permit") == verdict.allow;
                if !agree || !verdict.errors.is_empty() {
                    failures.push(format!(
                        "package {package}\nrequest: {request_json}\nfacts: {facts_json}\n\
                         datalex: {} {:?}\ncedar: {} by {:?}, errors {:?}\n",
                        decision.effect,
                        decision.reasons.iter().map(|r| &r.code).collect::<Vec<_>>(),
                        if verdict.allow { "Allow" } else { "Deny" },
                        verdict.policies,
                        verdict.errors
                    ));
                }
            }
        }
    }
    let summary: Vec<String> = tally.iter().map(|(k, n)| format!("{n:6}  {k}")).collect();
    println!("{total} requests\n{}", summary.join("\n"));
    assert!(
        failures.is_empty(),
        "{} of {total} requests decided differently by Datalex and Cedar; the first ones:\n\n{}",
        failures.len(),
        failures
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(total >= 10_000, "only {total} requests compared");
    // The generator reaches every outcome that matters, so agreement means something.
    for needed in [
        "binzhou share permit unconditional_share",
        "binzhou share permit emergency_reclassification",
        "binzhou share review conditional_share_application",
        "binzhou share deny share_conditions_not_met",
        "binzhou share deny not_shared",
        "binzhou share deny purpose_outside_duties",
        "binzhou share deny dataset_not_in_catalog",
        "binzhou share deny requester_not_public_body",
        "binzhou open permit unconditional_open",
        "binzhou open review conditional_open_application",
        "binzhou open deny not_open",
        "binzhou develop review development_application",
        "binzhou develop deny secret_data_excluded",
        "binzhou share review tier_lacks_legal_basis",
        "binzhou share deny secret_data_excluded",
        "binzhou not_in_force",
    ] {
        assert!(
            tally.get(needed).copied().unwrap_or(0) >= 20,
            "the generator reached `{needed}` only {} times\n{}",
            tally.get(needed).copied().unwrap_or(0),
            summary.join("\n")
        );
    }
}

fn policy_ref(package: &str) -> datalex_evaluator::decision::PolicyRef {
    datalex_evaluator::decision::PolicyRef {
        jurisdiction: package.to_string(),
        version: String::new(),
    }
}
