//! Decision benchmarks (criterion): one `Jurisdiction::decide` of each request kind — three
//! `share` requests (conditional, to review with the provider's reply deadline; unconditional,
//! permitted with the national 1-working-day reply; not-shared data listed by an active emergency, to
//! review for the provider's adjustment), `open`, `develop` and
//! `catalog_change` — against the example facts of `data/binzhou` (`decide/example/…`) and
//! against generated facts of 10,000 datasets and 1,000 institutions (`decide/10k/…`).
//! `docs/performance.md` records the latest figures.
//!
//! Policies, calendar and facts are loaded, and the requests parsed, once, outside the timing;
//! each request is first decided once and checked against the decision it must get. The timed
//! part is `j.decide(&request)`, dropping the decision included.
//!
//! Beside each `share` request on generated facts, the same decision hand-written in plain Rust
//! (`facts/native.rs`, checked to agree with the policy's) is timed as
//! `decide/10k/<case>/native`: the floor; and the decision decided and rendered as the service
//! answers it (`answer::render`, the JSON with its full trace and the log's pieces) as
//! `decide/10k/<case>/answer`. After timing, every run prints each share case's median
//! against that floor, and whether it meets issue 20's goal (at most 1 µs, within 3× of the floor).
//!
//! The benchmark runs on the allocator the `datalex` binary (and so the decision service) runs
//! on, mimalloc (`src/main.rs`): a decision allocates its answer, and the figure is the one the
//! service pays.
//!
//! Run with `cargo bench --bench decide`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "benchmarks may fail loudly"
)]

/// The service's allocator (see above).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod facts;
#[path = "facts/native.rs"]
mod native;

use criterion::Criterion;
use datalex_evaluator::Request;
use datalex_service::answer::TraceMode;
use facts::{gen, Set};
use std::cell::RefCell;
use std::hint::black_box;
use std::path::PathBuf;

/// The share cases compared with the native floor: those that ran in this process.
type Compared = RefCell<Vec<String>>;

fn decide(c: &mut Criterion, compared: &Compared) {
    let policy = facts::policy();
    let calendar = facts::calendar();
    let sets = [
        ("example", Set::Example, facts::example_facts()),
        (
            "10k",
            Set::Generated,
            facts::generated_facts(gen::Shape::TEN_K),
        ),
    ];
    let mut group = c.benchmark_group("decide");
    for (label, set, facts) in sets {
        eprintln!(
            "{label}: {} datasets, {} institutions, {} emergencies, {} developers",
            facts.catalog.len(),
            facts.institutions.len(),
            facts.emergencies.len(),
            facts.developers.len()
        );
        let j = facts::bind(&policy, &calendar, facts);
        for case in facts::cases(set) {
            let d = facts::check(&j, &case);
            eprintln!(
                "{label}/{}: {} ({} reasons, {} obligations, {} deadlines, {} findings, {} trace steps)",
                case.name,
                d.effect,
                d.reasons.len(),
                d.obligations.len(),
                d.deadlines.len(),
                d.findings.len(),
                d.trace.len()
            );
            let name = format!("{label}/{}", case.name);
            group.bench_function(&name, |b| b.iter(|| j.decide(black_box(&case.request))));
            let Request::Share(share) = &case.request else {
                continue;
            };
            if set != Set::Generated {
                continue;
            }
            // What the service pays for the same decision: deciding and rendering its answer
            // (the JSON with the full trace, and the pieces the log stores once).
            group.bench_function(format!("{name}/answer"), |b| {
                b.iter(|| {
                    let d = j.decide(black_box(&case.request)).unwrap();
                    datalex_service::answer::render(&d, TraceMode::Full)
                })
            });
            let at = case.request.at();
            let floor = native::share(&j.facts, &j.calendar, share, at);
            agree(&floor, &d, case.name);
            group.bench_function(format!("{name}/native"), |b| {
                let mut ran = compared.borrow_mut();
                if !ran.contains(&name) {
                    ran.push(name.clone());
                }
                drop(ran);
                b.iter(|| native::share(&j.facts, &j.calendar, black_box(share), at))
            });
        }
    }
    group.finish();
}

/// Panics unless the hand-written decision says what the policy's says: effect, reason codes,
/// and each deadline's code, party and due date.
fn agree(floor: &native::Native<'_>, d: &datalex_evaluator::Decision, case: &str) {
    let reasons: Vec<&str> = d.reasons.iter().map(|r| r.code.as_ref()).collect();
    let native_reasons: Vec<&str> = floor.reasons.iter().map(|(c, _)| *c).collect();
    let deadlines: Vec<(&str, Option<&str>, _)> = d
        .deadlines
        .iter()
        .map(|x| (x.code.as_ref(), x.party_id.as_deref(), x.due))
        .collect();
    let native_deadlines: Vec<(&str, Option<&str>, _)> = floor
        .deadlines
        .iter()
        .map(|(c, p, due)| (*c, Some(*p), *due))
        .collect();
    assert_eq!(
        (d.effect, reasons, deadlines),
        (floor.effect, native_reasons, native_deadlines),
        "{case}: the native floor disagrees with the policy"
    );
}

/// Criterion's median for `decide/<name>`, in nanoseconds.
fn median_ns(name: &str) -> Option<f64> {
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"),
        PathBuf::from,
    );
    let path = target
        .join("criterion/decide")
        .join(name.replace('/', "_"))
        .join("new/estimates.json");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
    json["median"]["point_estimate"].as_f64()
}

fn main() {
    let compared = Compared::default();
    let mut c = Criterion::default().configure_from_args();
    decide(&mut c, &compared);
    c.final_summary();
    let compared = compared.into_inner();
    if compared.is_empty() {
        return;
    }
    println!("traced share decisions against the hand-written floor (goal: at most 1 µs and 3×):");
    for name in compared {
        let (Some(d), Some(n)) = (median_ns(&name), median_ns(&format!("{name}/native"))) else {
            continue;
        };
        let ratio = d / n;
        let met = d <= 1000.0 && ratio <= 3.0;
        println!(
            "  {name}: Datalex {:.3} µs, native {:.3} µs, ratio {ratio:.2}: {}",
            d / 1000.0,
            n / 1000.0,
            if met { "met" } else { "missed" }
        );
    }
}
