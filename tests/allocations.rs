//! The decision budget says "no allocation proportional to catalog size"
//! (`../shared/design/architecture.md`, "Performance budgets"). This test counts, with dhat as
//! the global allocator, the heap blocks and bytes that ONE `Jurisdiction::decide` allocates
//! (after a warm-up call), for each request kind the decision benchmark times, against
//! generated facts of three sizes:
//!
//! - 10 datasets, 1,000 institutions;
//! - 10,000 datasets, 1,000 institutions (the benchmark's `10k` facts): only the catalog grows;
//! - 10 datasets, 10 institutions: only the institutions shrink.
//!
//! All have the same 5 emergencies and 5 developers, and the same anchor records the requests
//! name (`benches/facts/gen.rs`), so the decisions are the same and so must the counts be: the
//! evaluator looks datasets, institutions and developers up by id in hash maps.
//!
//! dhat allows one profiler at a time, so everything is measured in one `#[test]`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "tests may fail loudly"
)]

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

// The benchmark's setup; this test uses only the generated facts.
#[allow(
    dead_code,
    reason = "the benchmark module holds setup this test does not use"
)]
#[path = "../benches/facts/mod.rs"]
mod facts;

use facts::gen::Shape;
use facts::Set;

/// Blocks and bytes allocated by one call of `f`.
fn allocated<T>(f: impl FnOnce() -> T) -> (u64, u64, T) {
    let before = dhat::HeapStats::get();
    let out = f();
    let after = dhat::HeapStats::get();
    (
        after.total_blocks - before.total_blocks,
        after.total_bytes - before.total_bytes,
        out,
    )
}

#[test]
fn one_decision_allocates_the_same_whatever_the_catalog_size() {
    let policy = facts::policy();
    let calendar = facts::calendar();
    let shapes = [
        (
            "10 datasets, 1,000 institutions",
            Shape {
                datasets: 10,
                ..Shape::TEN_K
            },
        ),
        ("10,000 datasets, 1,000 institutions", Shape::TEN_K),
        (
            "10 datasets, 10 institutions",
            Shape {
                datasets: 10,
                institutions: 10,
                ..Shape::TEN_K
            },
        ),
    ];
    // Everything is loaded before the profiler starts (it records a backtrace per allocation).
    let bound: Vec<_> = shapes
        .iter()
        .map(|(label, shape)| {
            let facts = facts::generated_facts(*shape);
            assert_eq!(facts.catalog.len(), shape.datasets, "{label}");
            assert_eq!(facts.institutions.len(), shape.institutions, "{label}");
            (*label, facts::bind(&policy, &calendar, facts))
        })
        .collect();
    let cases = facts::cases(Set::Generated);

    // counts[shape][case] = (blocks, bytes)
    let mut counts: Vec<Vec<(u64, u64)>> = Vec::new();
    {
        let _profiler = dhat::Profiler::builder().testing().build();
        for (_, j) in &bound {
            let mut row = Vec::new();
            for case in &cases {
                // Warm-up: the decision is checked, and anything done once is done.
                drop(facts::check(j, case));
                let (blocks, bytes, decision) = allocated(|| j.decide(&case.request));
                let decision = decision.unwrap_or_else(|e| panic!("{}: {e}", case.name));
                assert_eq!(decision.effect, case.effect, "{}", case.name);
                row.push((blocks, bytes));
            }
            counts.push(row);
        }
    }

    println!("heap blocks / bytes allocated by one decide call:");
    print!("{:<16}", "request");
    for (label, _) in &shapes {
        print!(" | {label:>38}");
    }
    println!();
    for (n, case) in cases.iter().enumerate() {
        print!("{:<16}", case.name);
        for row in &counts {
            let (blocks, bytes) = row[n];
            print!(" | {:>38}", format!("{blocks} blocks, {bytes} bytes"));
        }
        println!();
    }
    for (n, case) in cases.iter().enumerate() {
        for (s, row) in counts.iter().enumerate().skip(1) {
            assert_eq!(
                row[n], counts[0][n],
                "{}: one decision allocates (blocks, bytes) {:?} with {} but {:?} with {}",
                case.name, row[n], shapes[s].0, counts[0][n], shapes[0].0
            );
        }
        assert!(counts[0][n].0 > 0, "{}: dhat counted nothing", case.name);
    }
}
