//! Datalex against Cedar on the same requests (criterion): 1,000 random share and open
//! requests (dated while the Binzhou measures are in force) about a catalog of 10,000 datasets,
//! decided
//!
//! - `versus/datalex`: by `Engine::decide`, the whole decision (reasons, obligations, deadlines,
//!   findings, trace);
//! - `versus/cedar`: by Cedar's `Authorizer` on the Cedar export, the requests built beforehand;
//! - `versus/cedar_with_context`: the same, building each Cedar request too, with the context
//!   attributes Datalex computes for Cedar (what a platform using the export pays).
//!
//! Before timing, every request is decided both ways and the answers must agree. After timing,
//! the median time per decision of each and the ratio Datalex / Cedar are printed (read from
//! criterion's estimates), with whether it meets issue 20's goal (at most 0.10; issue 8's was
//! 0.50). `docs/performance.md` records the latest figures.
//!
//! Run with `cargo bench -p datalex-cedar --bench versus`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "benchmarks may fail loudly"
)]

#[path = "../../evaluator/tests/common/mod.rs"]
mod common;
#[path = "../tests/common/gen.rs"]
mod gen;

use criterion::{Criterion, Throughput};
use datalex_cedar::Oracle;
use datalex_evaluator::decision::PolicyRef;
use datalex_evaluator::{Engine, Request};
use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;

const REQUESTS: usize = 1_000;
const DATASETS: usize = 10_000;

fn versus(c: &mut Criterion) {
    let policy = common::policy();
    let calendar = common::calendar();
    let engine = Engine::new(Arc::clone(&policy), "binzhou").unwrap();
    let mut rng = gen::Rng(0xBE4C_2026_0000_0001);
    let facts_json = gen::facts_with_catalog(&mut rng, DATASETS);
    let facts = gen::to_facts(&facts_json);
    let oracle = Oracle::new(datalex_cedar::export(&engine, &facts).unwrap()).unwrap();
    let policy_ref = || PolicyRef {
        jurisdiction: "binzhou".into(),
        version: String::new(),
    };
    // The generator's dates span the measures' first day: a request dated before it is not a
    // decision (`not_in_force`), so it is left out, as Cedar has nothing to compare it with.
    let mut requests = Vec::with_capacity(REQUESTS);
    let mut not_in_force = 0;
    while requests.len() < REQUESTS {
        let r = Request::from_json(&gen::request(&mut rng), gen::today()).unwrap();
        if !matches!(r.kind(), "share" | "open") {
            continue;
        }
        match engine.decide(&facts, &calendar, &r, policy_ref()) {
            Ok(_) => requests.push(r),
            Err(datalex_evaluator::EvalError::NotInForce { .. }) => not_in_force += 1,
            Err(e) => panic!("{r:?}: {e}"),
        }
    }
    let cedar_requests: Vec<_> = requests
        .iter()
        .map(|r| oracle.request(&engine, &facts, &calendar, r).unwrap())
        .collect();
    let mut allowed = 0;
    for (r, cr) in requests.iter().zip(&cedar_requests) {
        let d = engine.decide(&facts, &calendar, r, policy_ref()).unwrap();
        assert_eq!(d.effect == "permit", oracle.allows(cr), "{r:?}");
        allowed += usize::from(oracle.allows(cr));
    }
    eprintln!(
        "{REQUESTS} requests ({allowed} allowed; {not_in_force} dated before the measures left out) on {} datasets, {} entities, {} Cedar policies",
        facts.catalog.len(),
        oracle.export().entities.as_array().map_or(0, Vec::len),
        oracle.export().policies.len()
    );
    let mut group = c.benchmark_group("versus");
    group.throughput(Throughput::Elements(REQUESTS as u64));
    group.bench_function("datalex", |b| {
        b.iter(|| {
            for r in &requests {
                black_box(engine.decide(&facts, &calendar, r, policy_ref()).unwrap());
            }
        });
    });
    group.bench_function("cedar", |b| {
        b.iter(|| {
            for r in &cedar_requests {
                black_box(oracle.allows(r));
            }
        });
    });
    group.bench_function("cedar_with_context", |b| {
        b.iter(|| {
            for r in &requests {
                let cr = oracle.request(&engine, &facts, &calendar, r).unwrap();
                black_box(oracle.allows(&cr));
            }
        });
    });
    group.finish();
}

/// Criterion's median for `versus/<name>`, per decision, in nanoseconds.
fn median_ns(name: &str) -> Option<f64> {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| common::root().join("target"), PathBuf::from);
    let path = target
        .join("criterion/versus")
        .join(name)
        .join("new/estimates.json");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
    Some(json["median"]["point_estimate"].as_f64()? / REQUESTS as f64)
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    versus(&mut c);
    c.final_summary();
    if let (Some(d), Some(x)) = (median_ns("datalex"), median_ns("cedar")) {
        println!(
            "median per decision: Datalex {:.2} µs, Cedar {:.2} µs; Datalex / Cedar = {:.2} (goal: at most 0.10): {}",
            d / 1000.0,
            x / 1000.0,
            d / x,
            if d / x <= 0.10 { "met" } else { "missed" }
        );
        if let Some(w) = median_ns("cedar_with_context") {
            println!(
                "Cedar with the context Datalex computes for it: {:.2} µs per decision",
                w / 1000.0
            );
        }
    }
}
