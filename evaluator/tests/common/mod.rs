//! The bundled policies and calendar, compiled once per test binary.

#![allow(dead_code, reason = "each test binary uses a different subset")]

use datalex_compiler::PolicySet;
use datalex_evaluator::{Calendar, Facts, Jurisdiction};
use datalex_lang::SourceMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

pub fn policy() -> Arc<PolicySet> {
    let mut files = Vec::new();
    let mut dirs = vec![root().join("policies")];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "dlx") {
                files.push(p);
            }
        }
    }
    files.sort();
    let mut sources = SourceMap::new();
    sources.add(
        "stdlib/prelude.dlx",
        std::fs::read_to_string(root().join("stdlib/prelude.dlx")).unwrap(),
    );
    for f in files {
        sources.add(
            f.display().to_string(),
            std::fs::read_to_string(&f).unwrap(),
        );
    }
    let compiled = datalex_compiler::compile(&sources);
    let rendered = datalex_lang::diagnostic::render(
        &compiled.diagnostics,
        &sources,
        false,
        datalex_i18n::Lang::En,
    );
    Arc::new(
        compiled
            .policy
            .unwrap_or_else(|| panic!("policies do not compile:\n{rendered}")),
    )
}

pub fn calendar() -> Arc<Calendar> {
    let mut cal = Calendar::new();
    for year in 2023..=2026 {
        let name = format!("stdlib/calendar/{year}.toml");
        cal.add_year_toml(&name, &std::fs::read_to_string(root().join(&name)).unwrap())
            .unwrap();
    }
    Arc::new(cal)
}

pub fn example_facts() -> Arc<Facts> {
    let dir = root().join("data/binzhou");
    let texts: Vec<(&str, String)> = datalex_evaluator::facts::FACT_FILES
        .iter()
        .filter_map(|n| std::fs::read_to_string(dir.join(n)).ok().map(|t| (*n, t)))
        .collect();
    let borrowed: Vec<(&str, &str)> = texts.iter().map(|(n, t)| (*n, t.as_str())).collect();
    Arc::new(Facts::from_files(&borrowed).unwrap())
}

pub fn binzhou(policy: &Arc<PolicySet>, facts: Arc<Facts>) -> Jurisdiction {
    Jurisdiction::new(Arc::clone(policy), "binzhou", facts, calendar()).unwrap()
}

/// xorshift64*: a small, fast, reproducible generator for the property and differential tests.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// A number below `n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    pub fn coin(&mut self) -> bool {
        self.below(2) == 0
    }
    pub fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
    /// Each element with probability 1/3.
    pub fn some<'a>(&mut self, xs: &[&'a str]) -> Vec<&'a str> {
        xs.iter().copied().filter(|_| self.below(3) == 0).collect()
    }
    /// Each element with probability 2/3.
    pub fn most<'a>(&mut self, xs: &[&'a str]) -> Vec<&'a str> {
        xs.iter().copied().filter(|_| self.below(3) != 0).collect()
    }
    /// A day among the `days` from `first`.
    pub fn day(
        &mut self,
        first: datalex_lang::date::Date,
        days: usize,
    ) -> datalex_lang::date::Date {
        first.add_days(self.below(days) as i32)
    }
}
