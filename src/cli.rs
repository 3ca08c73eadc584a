//! `check`, `eval`, `explain` and `audit verify`.

use anyhow::{anyhow, bail, Result};
use datalex_compiler::PolicySet;
use datalex_evaluator::document::{self, Format};
use datalex_evaluator::json;
use datalex_evaluator::{Jurisdiction, Request};
use datalex_i18n::Lang;
use datalex_service::words::{self, say};
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
    /// A decision document for people, in a language and a format: Chinese (the default) as a
    /// 决定书; English text as the explanation with its trace (`explain::explain`).
    Document(Lang, Format),
}

/// A usage error (exit 2).
pub fn usage(msg: String) -> anyhow::Error {
    anyhow!(msg)
}

/// `--format` names no format the command writes; `expected` are the ones it does.
pub fn unknown_format(lang: Lang, format: &str, expected: &[&str]) -> anyhow::Error {
    let quoted: Vec<String> = expected.iter().map(|f| format!("`{f}`")).collect();
    let (last, rest) = match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => (last.clone(), rest.to_vec()),
        _ => (quoted.concat(), Vec::new()),
    };
    let expected = if rest.is_empty() {
        last
    } else {
        format!(
            "{}{}{last}",
            rest.join(&datalex_i18n::text(lang, "list-comma", None)),
            datalex_i18n::text(lang, "list-or", None)
        )
    };
    usage(say(
        lang,
        "cli-unknown-format",
        &[("format", format.to_string()), ("expected", expected)],
    ))
}

pub use datalex_service::words::{skipped, walk_error};

/// Reading `path` failed.
fn reading(lang: Lang, path: &str, e: &std::io::Error) -> anyhow::Error {
    anyhow!(words::reading(lang, path, e))
}

/// `datalex check`.
pub fn check(paths: &[PathBuf], lang: Lang) -> Result<ExitCode> {
    let (sources, compiled) = load::compile_paths(paths, lang)?;
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
    lang: Lang,
    policy: Arc<PolicySet>,
    calendar: Arc<datalex_evaluator::Calendar>,
    jurisdictions: Vec<Jurisdiction>,
}

impl<'p> Loaded<'p> {
    /// Loads policies and calendar; facts are loaded per jurisdiction on first use.
    pub fn new(project: &'p Project, lang: Lang) -> Result<Loaded<'p>> {
        let (sources, compiled) = project.compile(lang)?;
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
        let calendar = Arc::new(project.calendar(lang)?);
        Ok(Loaded {
            project,
            lang,
            policy: Arc::new(policy),
            calendar,
            jurisdictions: Vec::new(),
        })
    }

    /// The jurisdiction for a request that names `named` (the project's rule).
    pub fn jurisdiction(&mut self, named: Option<&str>) -> Result<&Jurisdiction> {
        let lang = self.lang;
        let available = self
            .project
            .available(&self.policy)
            .map_err(|e| field(lang, &e))?;
        let name = self
            .project
            .choose(&self.policy, named, &available, String::as_str)
            .map_err(|e| field(lang, &e))?;
        if let Some(i) = self.jurisdictions.iter().position(|j| &j.name == name) {
            return self
                .jurisdictions
                .get(i)
                .ok_or_else(|| anyhow!("internal: jurisdiction cache"));
        }
        let j = self
            .project
            .bind(&self.policy, &self.calendar, name, lang)?;
        self.jurisdictions.push(j);
        self.jurisdictions
            .last()
            .ok_or_else(|| anyhow!("internal: jurisdiction cache"))
    }
}

/// A jurisdiction error, naming the request field where it is about one.
fn field(lang: Lang, e: &datalex_service::project::JurisdictionError) -> anyhow::Error {
    let message = words::jurisdiction_error(lang, e);
    match e.field() {
        Some(field) => anyhow!(say(
            lang,
            "field-error",
            &[("field", field.to_string()), ("message", message)]
        )),
        None => anyhow!(message),
    }
}

/// Reads requests: one JSON value, or JSON Lines. Each item is the line number and the parsed
/// value or the error.
pub fn read_requests(
    file: &Path,
    lang: Lang,
) -> Result<Vec<(usize, Result<serde_json::Value, String>)>> {
    let mut text = String::new();
    if file == Path::new("-") {
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| reading(lang, &say(lang, "cli-standard-input", &[]), &e))?;
    } else {
        text = std::fs::read_to_string(file)
            .map_err(|e| reading(lang, &file.display().to_string(), &e))?;
    }
    // A request that names a member twice is refused naming it (`datalex_evaluator::json`).
    let strict = |read: json::Read| {
        read.unambiguous()
            .map_err(|e| words::request_error_line(lang, &e))
    };
    if let Ok(read) = json::read(&text) {
        return Ok(vec![(1, strict(read))]);
    }
    if text.trim().is_empty() {
        let name = if file == Path::new("-") {
            say(lang, "cli-standard-input", &[])
        } else {
            file.display().to_string()
        };
        anyhow::bail!(say(lang, "cli-no-requests", &[("path", name)]));
    }
    Ok(text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            (
                i + 1,
                json::read(l)
                    .map_err(|e: serde_json::Error| {
                        say(
                            lang,
                            "cli-not-json",
                            &[
                                ("detail", e.to_string()),
                                ("column", e.column().to_string()),
                            ],
                        )
                    })
                    .and_then(strict),
            )
        })
        .collect())
}

/// `datalex eval` and `datalex explain`.
pub fn eval(project: &Project, file: &Path, output: Output, lang: Lang) -> Result<ExitCode> {
    let requests = read_requests(file, lang)?;
    let prefix = datalex_i18n::text(lang, "cli-error-prefix", None);
    let mut loaded = Loaded::new(project, lang)?;
    let many = requests.len() > 1;
    let mut bad = 0;
    let mut text = String::new();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for (line, json) in requests {
        let at = |msg: String| {
            if many {
                say(
                    lang,
                    "cli-at-line",
                    &[("line", line.to_string()), ("message", msg)],
                )
            } else {
                msg
            }
        };
        let json = match json {
            Ok(j) => j,
            Err(e) => {
                eprintln!("{prefix}{}", at(e));
                bad += 1;
                continue;
            }
        };
        let request = match Request::from_json(&json, project.clock().today()) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("{prefix}{}", at(words::request_error_line(lang, &e)));
                bad += 1;
                continue;
            }
        };
        let j = match loaded.jurisdiction(request.jurisdiction()) {
            Ok(j) => j,
            Err(e) => {
                eprintln!("{prefix}{}", at(format!("{e:#}")));
                bad += 1;
                continue;
            }
        };
        let mut decision = match j.decide(&request) {
            Ok(d) => d,
            Err(e) => {
                eprintln!("{prefix}{}", at(words::eval_error(lang, &e)));
                bad += 1;
                continue;
            }
        };
        decision.decision_id = ulid::Ulid::new().to_string();
        match output {
            Output::Json => {
                // The decision's JSON as the service answers it (`serde_json::to_string` of it,
                // written directly).
                text.clear();
                decision.write_json(&mut text);
                writeln!(out, "{text}")?;
            }
            Output::Document(Lang::En, Format::Text) => {
                let text = datalex_evaluator::explain::explain(
                    &decision,
                    &request,
                    &j.facts,
                    j.engine.policy(),
                    &j.calendar,
                );
                writeln!(out, "{text}")?;
            }
            Output::Document(lang, format) => {
                let input = document::Input {
                    decision: &decision,
                    request: &request,
                    facts: &j.facts,
                    policy: j.engine.policy(),
                    calendar: &j.calendar,
                };
                writeln!(out, "{}", document::document(&input, lang, format)?)?;
            }
        }
    }
    Ok(if bad > 0 {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

/// `datalex audit verify [--log PATH | --store postgres://…] [--checkpoint FILE]
/// [--public-key K]… [--key-file F]`: prints the [report](decision_log::Verification::report)
/// in `lang` — exit 0 if every chain and checkpoint holds, 1 if not; a missing or unreadable
/// file, key or database is bad input (exit 2, via `Err`).
pub fn audit_verify(
    log: &Path,
    postgres: Option<&str>,
    options: &decision_log::VerifyOptions,
    lang: Lang,
) -> Result<ExitCode> {
    let verification = match postgres {
        Some(url) => decision_log::verify_store(url, options)?,
        None => decision_log::verify(log, options)?,
    };
    print!("{}", verification.report(lang));
    Ok(if verification.is_intact() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// `datalex migrate --store postgres://…`: applies the embedded migrations and says which (or
/// that the schema is current).
pub fn migrate(store: &str) -> Result<ExitCode> {
    if !datalex_service::pg::is_url(store) {
        bail!(
            "`--store {store}`: `datalex migrate` migrates a PostgreSQL database \
             (`postgres://…`); an SQLite log needs no migration"
        );
    }
    let applied = datalex_service::pg::migrate_url(store)?;
    let at = datalex_service::pg::redact(store);
    if applied.is_empty() {
        println!("{at}: the schema is current");
    } else {
        for name in &applied {
            println!("{at}: applied {name}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
