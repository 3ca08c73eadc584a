//! `check`, `eval` and `explain`.

use crate::{load, Setup};
use anyhow::{anyhow, bail, Context, Result};
use datalex_compiler::PolicySet;
use datalex_evaluator::{Jurisdiction, Request};
use datalex_lang::date::Date;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

/// How decisions are printed.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// One JSON decision per line.
    Json,
    /// An explanation for people.
    Text,
}

/// A usage error (exit 2).
pub fn usage(msg: String) -> anyhow::Error {
    anyhow!(msg)
}

/// `datalex check`.
pub fn check(paths: &[PathBuf]) -> Result<ExitCode> {
    let (sources, compiled) = load::compile_paths(paths)?;
    let color = std::io::stderr().is_terminal();
    eprint!(
        "{}",
        datalex_lang::diagnostic::render(&compiled.diagnostics, &sources, color)
    );
    let errors = compiled.diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = compiled.diagnostics.len() - errors;
    match &compiled.policy {
        Some(p) => {
            let rules: usize = p
                .packages
                .iter()
                .flat_map(|k| &k.plans)
                .map(|pl| pl.rules().len())
                .sum();
            println!(
                "ok: {} package(s), {} regulation(s), {} article(s), {} rule(s) in {} plan(s); {warnings} warning(s)",
                p.packages.len(),
                p.regulations.len(),
                p.regulations.values().map(|r| r.articles.len()).sum::<usize>(),
                rules,
                p.packages.iter().map(|k| k.plans.len()).sum::<usize>(),
            );
            Ok(ExitCode::SUCCESS)
        }
        None => {
            println!("failed: {errors} error(s), {warnings} warning(s)");
            Ok(ExitCode::from(1))
        }
    }
}

/// Compiles the policies and binds the jurisdiction a request names (or the default one).
pub struct Loaded {
    policy: Arc<PolicySet>,
    setup: Setup,
    calendar: Arc<datalex_evaluator::Calendar>,
    jurisdictions: Vec<Jurisdiction>,
}

impl Loaded {
    /// Loads policies and calendar; facts are loaded per jurisdiction on first use.
    pub fn new(setup: &Setup) -> Result<Loaded> {
        let (sources, compiled) = load::compile_paths(std::slice::from_ref(&setup.policies))?;
        let Some(policy) = compiled.policy else {
            eprint!(
                "{}",
                datalex_lang::diagnostic::render(
                    &compiled.diagnostics,
                    &sources,
                    std::io::stderr().is_terminal()
                )
            );
            bail!(
                "the policies in {} do not compile",
                setup.policies.display()
            );
        };
        let calendar = Arc::new(load::calendar(setup.calendar.as_deref())?);
        Ok(Loaded {
            policy: Arc::new(policy),
            setup: setup.clone(),
            calendar,
            jurisdictions: Vec::new(),
        })
    }

    /// The jurisdiction for a request.
    pub fn jurisdiction(&mut self, named: Option<&str>) -> Result<&Jurisdiction> {
        let name = match (self.setup.jurisdiction.as_deref(), named) {
            (Some(flag), Some(req)) if flag != req => bail!(
                "field `jurisdiction`: the request names `{req}` but --jurisdiction is `{flag}`"
            ),
            (Some(j), _) | (None, Some(j)) => j.to_string(),
            (None, None) => self.default_jurisdiction()?,
        };
        if let Some(i) = self.jurisdictions.iter().position(|j| j.name == name) {
            return self
                .jurisdictions
                .get(i)
                .ok_or_else(|| anyhow!("internal: jurisdiction cache"));
        }
        if self.policy.package(&name).is_none() {
            bail!(
                "field `jurisdiction`: no policy package `{name}` in {}",
                self.setup.policies.display()
            );
        }
        let dir = self
            .setup
            .data
            .clone()
            .unwrap_or_else(|| Path::new("data").join(&name));
        let facts = Arc::new(load::facts(&dir)?);
        let j = Jurisdiction::new(
            Arc::clone(&self.policy),
            &name,
            facts,
            Arc::clone(&self.calendar),
        )?;
        self.jurisdictions.push(j);
        self.jurisdictions
            .last()
            .ok_or_else(|| anyhow!("internal: jurisdiction cache"))
    }

    fn default_jurisdiction(&self) -> Result<String> {
        let candidates: Vec<&str> = self
            .policy
            .packages
            .iter()
            .map(|p| p.name.as_str())
            .filter(|n| {
                *n != datalex_compiler::STD
                    && (self.setup.data.is_some() || Path::new("data").join(n).is_dir())
            })
            .filter(|n| self.policy.package(n).is_some_and(|p| !p.plans.is_empty()))
            .collect();
        // Prefer a package that no other package extends (the most specific layer).
        let leaves: Vec<&str> = candidates
            .iter()
            .copied()
            .filter(|n| {
                !self.policy.packages.iter().any(|p| {
                    p.extends.as_deref() == Some(*n) && candidates.contains(&p.name.as_str())
                })
            })
            .collect();
        if leaves.len() > 1 {
            if let Some(d) = load::default_jurisdiction()? {
                return Ok(d);
            }
        }
        match leaves.as_slice() {
            [one] => Ok((*one).to_string()),
            [] => bail!("no jurisdiction: no policy package has a data directory; use --jurisdiction and --data"),
            many => bail!("several jurisdictions ({}); name one with --jurisdiction or the request's `jurisdiction`", many.join(", ")),
        }
    }
}

/// Today in Asia/Shanghai (UTC+8), the default `at` of a request.
pub fn today() -> Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = (secs + 8 * 3600) / 86_400;
    Date::from_days(i32::try_from(days).unwrap_or(0))
}

/// Reads requests: one JSON value, or JSON Lines. Each item is the line number and the parsed
/// value or the error.
pub fn read_requests(file: &Path) -> Result<Vec<(usize, Result<serde_json::Value, String>)>> {
    let mut text = String::new();
    if file == Path::new("-") {
        std::io::stdin()
            .read_to_string(&mut text)
            .context("reading standard input")?;
    } else {
        text =
            std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    }
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) {
        return Ok(vec![(1, Ok(v))]);
    }
    Ok(text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            (
                i + 1,
                serde_json::from_str(l).map_err(|e| format!("not JSON: {e}")),
            )
        })
        .collect())
}

/// `datalex eval` and `datalex explain`.
pub fn eval(setup: &Setup, file: &Path, output: Output) -> Result<ExitCode> {
    let requests = read_requests(file)?;
    let mut loaded = Loaded::new(setup)?;
    let many = requests.len() > 1;
    let mut bad = 0;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for (line, json) in requests {
        let at = |msg: String| {
            if many {
                format!("line {line}: {msg}")
            } else {
                msg
            }
        };
        let json = match json {
            Ok(j) => j,
            Err(e) => {
                eprintln!("error: {}", at(e));
                bad += 1;
                continue;
            }
        };
        let request = match Request::from_json(&json, today()) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("error: {}", at(e.to_string()));
                bad += 1;
                continue;
            }
        };
        let j = match loaded.jurisdiction(request.jurisdiction()) {
            Ok(j) => j,
            Err(e) => {
                eprintln!("error: {}", at(format!("{e:#}")));
                bad += 1;
                continue;
            }
        };
        let mut decision = match j.decide(&request) {
            Ok(d) => d,
            Err(e) => {
                eprintln!("error: {}", at(e.to_string()));
                bad += 1;
                continue;
            }
        };
        decision.decision_id = ulid::Ulid::new().to_string();
        match output {
            Output::Json => writeln!(out, "{}", serde_json::to_string(&decision)?)?,
            Output::Text => {
                let text = datalex_evaluator::explain::explain(
                    &decision,
                    &request,
                    &j.facts,
                    j.engine.policy(),
                    &j.calendar,
                );
                writeln!(out, "{text}")?;
            }
        }
    }
    Ok(if bad > 0 {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}
