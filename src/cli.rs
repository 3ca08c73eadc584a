//! `check`, `eval`, `explain` and `audit verify`.

use anyhow::{anyhow, bail, Context, Result};
use datalex_compiler::PolicySet;
use datalex_evaluator::{Jurisdiction, Request};
use datalex_i18n::Lang;
use datalex_service::{decision_log, load, Project};
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
pub fn check(paths: &[PathBuf], lang: Lang) -> Result<ExitCode> {
    let (sources, compiled) = load::compile_paths(paths)?;
    let color = std::io::stderr().is_terminal();
    eprint!(
        "{}",
        datalex_lang::diagnostic::render(&compiled.diagnostics, &sources, color, lang)
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
            let mut args = datalex_i18n::Args::new();
            args.set("packages", p.packages.len().to_string());
            args.set("regulations", p.regulations.len().to_string());
            args.set(
                "articles",
                p.regulations
                    .values()
                    .map(|r| r.articles.len())
                    .sum::<usize>()
                    .to_string(),
            );
            args.set("rules", rules.to_string());
            args.set(
                "plans",
                p.packages
                    .iter()
                    .map(|k| k.plans.len())
                    .sum::<usize>()
                    .to_string(),
            );
            args.set("warnings", warnings.to_string());
            println!("{}", datalex_i18n::text(lang, "cli-check-ok", Some(&args)));
            Ok(ExitCode::SUCCESS)
        }
        None => {
            let mut args = datalex_i18n::Args::new();
            args.set("errors", errors.to_string());
            args.set("warnings", warnings.to_string());
            println!(
                "{}",
                datalex_i18n::text(lang, "cli-check-failed", Some(&args))
            );
            Ok(ExitCode::from(1))
        }
    }
}

/// Compiles the policies and binds the jurisdiction a request names (or the default one), each
/// on first use.
pub struct Loaded<'p> {
    project: &'p Project,
    policy: Arc<PolicySet>,
    calendar: Arc<datalex_evaluator::Calendar>,
    jurisdictions: Vec<Jurisdiction>,
}

impl<'p> Loaded<'p> {
    /// Loads policies and calendar; facts are loaded per jurisdiction on first use.
    pub fn new(project: &'p Project, lang: Lang) -> Result<Loaded<'p>> {
        let (sources, compiled) = project.compile()?;
        let Some(policy) = compiled.policy else {
            eprint!(
                "{}",
                datalex_lang::diagnostic::render(
                    &compiled.diagnostics,
                    &sources,
                    std::io::stderr().is_terminal(),
                    lang
                )
            );
            let mut args = datalex_i18n::Args::new();
            args.set("path", project.policies().display().to_string());
            bail!(datalex_i18n::text(
                lang,
                "cli-policies-do-not-compile",
                Some(&args)
            ));
        };
        let calendar = Arc::new(project.calendar()?);
        Ok(Loaded {
            project,
            policy: Arc::new(policy),
            calendar,
            jurisdictions: Vec::new(),
        })
    }

    /// The jurisdiction for a request that names `named` (the project's rule).
    pub fn jurisdiction(&mut self, named: Option<&str>) -> Result<&Jurisdiction> {
        let available = self.project.available(&self.policy).map_err(field)?;
        let name = self
            .project
            .choose(&self.policy, named, &available, String::as_str)
            .map_err(field)?;
        if let Some(i) = self.jurisdictions.iter().position(|j| &j.name == name) {
            return self
                .jurisdictions
                .get(i)
                .ok_or_else(|| anyhow!("internal: jurisdiction cache"));
        }
        let j = self.project.bind(&self.policy, &self.calendar, name)?;
        self.jurisdictions.push(j);
        self.jurisdictions
            .last()
            .ok_or_else(|| anyhow!("internal: jurisdiction cache"))
    }
}

/// A jurisdiction error, naming the request field where it is about one.
fn field(e: datalex_service::project::JurisdictionError) -> anyhow::Error {
    match e.field() {
        Some(field) => anyhow!("field `{field}`: {e}"),
        None => anyhow!(e),
    }
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
pub fn eval(project: &Project, file: &Path, output: Output, lang: Lang) -> Result<ExitCode> {
    let requests = read_requests(file)?;
    let mut loaded = Loaded::new(project, lang)?;
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
        let request = match Request::from_json(&json, project.clock().today()) {
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

/// `datalex audit verify [--log PATH]`: prints the [report](decision_log::Verification) — exit 0
/// if the chain is intact, 1 if it is broken; a missing or unreadable file is bad input (exit 2,
/// via `Err`).
pub fn audit_verify(log: &Path) -> Result<ExitCode> {
    let verification = decision_log::verify(log)?;
    print!("{verification}");
    Ok(if verification.is_intact() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
