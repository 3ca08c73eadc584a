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
//! Run with `cargo bench --bench decide`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "benchmarks may fail loudly"
)]

mod facts;

use criterion::{criterion_group, criterion_main, Criterion};
use facts::{gen, Set};
use std::hint::black_box;

fn decide(c: &mut Criterion) {
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
            group.bench_function(format!("{label}/{}", case.name), |b| {
                b.iter(|| j.decide(black_box(&case.request)))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, decide);
criterion_main!(benches);
