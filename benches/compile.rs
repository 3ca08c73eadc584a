//! Compiler benchmarks (criterion): compiling everything under `policies/`, compiling a
//! generated set of 10,000 rules, and parsing that set alone, so that the figures separate
//! parsing from the rest of compiling. `docs/performance.md` records the latest figures.
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

mod gen;

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode};
use datalex_lang::{diagnostic, SourceMap};
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

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

criterion_group!(
    benches,
    compile_policies,
    compile_generated,
    parse_generated
);
criterion_main!(benches);
