//! Compiler benchmarks (criterion): compiling everything under `policies/`, compiling a
//! generated set of 10,000 rules, and parsing that set alone, so that the figures separate
//! parsing from the rest of compiling. `docs/performance.md` records the latest figures.
//!
//! `compile/scale/*` compiles generated sets of 1,000 to 40,000 rules and prints the time per
//! rule of each, and the ratio of the largest to the smallest: compiling grows linearly with the
//! number of rules when the ratio stays near 1.
//!
//! The benchmark runs on the allocator of the `datalex` binary, which compiles policies for
//! `check`, `serve` and the language server: mimalloc (`src/main.rs`).
//!
//! Run with `cargo bench --bench compile`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "benchmarks may fail loudly"
)]

/// The binary's allocator (see above).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod gen;

use criterion::{
    criterion_group, criterion_main, BenchmarkId, Criterion, SamplingMode, Throughput,
};
use datalex_lang::{diagnostic, SourceMap};
use std::cell::RefCell;
use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

/// The prelude, as the CLI embeds it.
const PRELUDE: &str = include_str!("../stdlib/prelude.dlx");

/// The prelude and every `.dlx` file under `policies/`, sorted by path, named relative to the
/// workspace root (as `datalex check policies` names them).
fn policies() -> SourceMap {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let files = datalex_files::policy_files(&[root.join("policies")])
        .unwrap_or_else(|e| panic!("{e}"))
        .files;
    let mut map = SourceMap::new();
    map.add("stdlib/prelude.dlx", PRELUDE);
    for f in files {
        let text =
            std::fs::read_to_string(&f).unwrap_or_else(|e| panic!("reading {}: {e}", f.display()));
        let name = f.strip_prefix(root).unwrap_or(&f).display().to_string();
        map.add(name, text);
    }
    map
}

/// The prelude and the generated package.
fn generated(files: &[(String, String)]) -> SourceMap {
    let mut map = SourceMap::new();
    map.add("stdlib/prelude.dlx", PRELUDE);
    for (name, text) in files {
        map.add(name.clone(), text.clone());
    }
    map
}

/// Compiles once and fails loudly, with the rendered diagnostics, if there is any error.
fn assert_compiles(what: &str, sources: &SourceMap) {
    let compiled = datalex_compiler::compile(sources);
    let errors = compiled.diagnostics.iter().filter(|d| d.is_error()).count();
    if errors > 0 || compiled.policy.is_none() {
        let shown: Vec<_> = compiled.diagnostics.iter().take(20).cloned().collect();
        panic!(
            "{what} does not compile: {errors} error(s); the first ones:\n{}",
            diagnostic::render(&shown, sources, false, datalex_i18n::Lang::En)
        );
    }
    let (mut bytes, mut lines) = (0, 0);
    for (_, src) in sources.iter() {
        bytes += src.text.len();
        lines += src.text.lines().count();
    }
    let plans: Vec<String> = compiled
        .policy
        .iter()
        .flat_map(|p| &p.packages)
        .flat_map(|p| p.plans.iter().map(move |k| (p, k)))
        .map(|(p, k)| {
            let depth = k.rules().map(|(_, r)| r.depth).max().unwrap_or(0);
            format!(
                "{}/{}: {} rules (max depth {depth}), {} values",
                p.name,
                k.kind,
                k.rules().len(),
                k.values().len()
            )
        })
        .collect();
    eprintln!(
        "{what}: {} files, {lines} lines, {bytes} bytes, {} warning(s); {}",
        sources.iter().count(),
        compiled.diagnostics.len(),
        plans.join("; ")
    );
}

fn compile_policies(c: &mut Criterion) {
    let sources = policies();
    assert_compiles("policies/", &sources);
    let mut group = c.benchmark_group("compile");
    group.bench_function("policies", |b| {
        b.iter(|| datalex_compiler::compile(black_box(&sources)))
    });
    group.finish();
}

fn compile_generated(c: &mut Criterion) {
    let files = gen::generate(gen::Shape::TEN_K);
    let sources = generated(&files);
    assert_compiles("the generated 10k-rule set", &sources);
    let mut group = c.benchmark_group("compile");
    // Hundreds of milliseconds an iteration: the same few iterations in every sample.
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(30));
    group.bench_function("generated_10k", |b| {
        b.iter(|| datalex_compiler::compile(black_box(&sources)))
    });
    group.finish();
}

/// Parses the generated files (not the prelude) and nothing else; returns the number of items,
/// so the work cannot be optimised away.
fn parse_only(files: &[(String, String)]) -> usize {
    let mut items = 0;
    for (id, (_, text)) in files.iter().enumerate() {
        let (file, diags) = datalex_lang::parse(id as u32 + 1, text);
        items += file.items.len() + diags.len();
    }
    items
}

fn parse_generated(c: &mut Criterion) {
    let files = gen::generate(gen::Shape::TEN_K);
    let mut group = c.benchmark_group("parse");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("generated_10k", |b| {
        b.iter(|| parse_only(black_box(&files)))
    });
    group.finish();
}

/// The sizes of `compile/scale`, in rules.
const SCALE: [usize; 5] = [1_000, 5_000, 10_000, 20_000, 40_000];
/// Samples of each size of `compile/scale` (criterion's least).
const SAMPLES: usize = 10;

/// Compiles generated sets of every size of [`SCALE`] (`gen::Shape::scaled`), then prints a
/// table of the median time of an iteration and the time per rule, and the ratio of the
/// largest time per rule to the smallest.
fn compile_scale(c: &mut Criterion) {
    let mut group = c.benchmark_group("compile/scale");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(SAMPLES);
    group.warm_up_time(Duration::from_secs(1));
    let mut rows = Vec::new();
    for rules in SCALE {
        let files = gen::generate(gen::Shape::scaled(rules));
        let sources = generated(&files);
        assert_compiles(&format!("the generated {rules}-rule set"), &sources);
        // Every sample's time per iteration, as criterion measures it, for the table below.
        let samples: RefCell<Vec<f64>> = RefCell::new(Vec::new());
        group.throughput(Throughput::Elements(rules as u64));
        // Tens of milliseconds (1k) to seconds (40k) an iteration.
        group.measurement_time(Duration::from_millis(rules as u64 / 2).max(Duration::from_secs(5)));
        group.bench_with_input(BenchmarkId::from_parameter(rules), &sources, |b, s| {
            b.iter_custom(|iters| {
                let start = Instant::now();
                for _ in 0..iters {
                    black_box(datalex_compiler::compile(black_box(s)));
                }
                let took = start.elapsed();
                samples
                    .borrow_mut()
                    .push(took.as_secs_f64() / iters.max(1) as f64);
                took
            })
        });
        // The warm-up's calls come first; the last `SAMPLES` are the measurement's.
        let mut all = samples.into_inner();
        let mut measured = all.split_off(all.len().saturating_sub(SAMPLES));
        measured.sort_by(f64::total_cmp);
        if let Some(&median) = measured.get(measured.len() / 2) {
            rows.push((rules, median));
        }
    }
    group.finish();
    eprintln!("\ncompile/scale: median time of a compile, and per rule");
    eprintln!("{:>8} {:>12} {:>12}", "rules", "compile", "per rule");
    for (rules, t) in &rows {
        eprintln!(
            "{rules:>8} {:>9.1} ms {:>9.2} µs",
            t * 1e3,
            t * 1e6 / *rules as f64
        );
    }
    let per_rule = rows.iter().map(|(n, t)| t / *n as f64);
    let (lo, hi) = per_rule.fold((f64::INFINITY, 0.0_f64), |(lo, hi), x| {
        (lo.min(x), hi.max(x))
    });
    if hi > 0.0 {
        eprintln!("largest / smallest time per rule: {:.2}\n", hi / lo);
    }
}

criterion_group!(
    benches,
    compile_policies,
    compile_generated,
    parse_generated,
    compile_scale
);
criterion_main!(benches);
