//! `datalex coverage`: for every paragraph and item of a regulation, the rules that cite it
//! (directly or through an interpretation) or why none does; with `--at DATE`, what is in force
//! on that day.

use anyhow::{bail, Result};
use datalex_compiler::coverage::{
    coverage_at, notes_blaming_the_schema, regulations_markdown, to_markdown_at,
    ungrounded_markdown, Status,
};
use datalex_lang::date::Date;
use datalex_service::load;
use datalex_service::words::say;
use std::path::PathBuf;
use std::process::ExitCode;

/// Prints the coverage of `regulation` (default: every regulation with article text) as
/// Markdown, each table under its regulation's rank and period. With `at`, first every
/// regulation and whether it is in force that day, the rows marked where another version than
/// the first (or none) is in force, and last the rules of each package that nothing in force
/// grounds that day. With `strict`, exits 1 if a paragraph or item is unaccounted for, or a
/// `not_decidable` note blames a missing field (W0108).
pub fn run(
    lang: datalex_i18n::Lang,

    paths: &[PathBuf],
    regulation: Option<&str>,
    strict: bool,
    at: Option<&str>,
) -> Result<ExitCode> {
    let at = match at {
        Some(s) => match Date::parse(s) {
            Ok(d) => Some(d),
            Err(e) => bail!(say(
                lang,
                "cli-option-error",
                &[
                    ("option", "--at".to_string()),
                    ("message", e.message().text(lang))
                ]
            )),
        },
        None => None,
    };
    let (sources, compiled) = load::compile_paths(paths, lang)?;
    let Some(policy) = compiled.policy else {
        eprint!(
            "{}",
            datalex_lang::diagnostic::render(&compiled.diagnostics, &sources, false, lang)
        );
        return Ok(ExitCode::from(1));
    };
    let ids: Vec<String> = match regulation {
        Some(id) => {
            if policy.regulation(id).is_none() {
                let known: Vec<String> =
                    policy.regulations.values().map(|r| r.id.clone()).collect();
                let sep = datalex_i18n::text(lang, "list-comma", None);
                bail!(say(
                    lang,
                    "cli-no-regulation",
                    &[("id", id.to_string()), ("known", known.join(&sep))]
                ));
            }
            vec![id.to_string()]
        }
        None => policy
            .regulations
            .values()
            .filter(|r| !r.articles.is_empty())
            .map(|r| r.id.clone())
            .collect(),
    };
    if let Some(d) = at {
        // Every regulation, also those whose text is not in the policies.
        let all: Vec<String> = match regulation {
            Some(_) => ids.clone(),
            None => policy.regulations.values().map(|r| r.id.clone()).collect(),
        };
        println!("{}", regulations_markdown(&policy, &all, d));
    }
    let mut unaccounted = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        let rows = coverage_at(&policy, id, at).unwrap_or_default();
        unaccounted.extend(
            rows.iter()
                .filter(|r| r.status == Status::Unaccounted)
                .map(|r| format!("{id} {}", r.label)),
        );
        if i > 0 {
            println!();
        }
        print!("{}", to_markdown_at(&policy, id, &rows, at));
    }
    if let Some(d) = at {
        println!();
        print!("{}", ungrounded_markdown(&policy, d));
    }
    if !strict {
        return Ok(ExitCode::SUCCESS);
    }
    let blaming = notes_blaming_the_schema(&policy);
    if !blaming.is_empty() {
        eprint!(
            "{}",
            datalex_lang::diagnostic::render(&blaming, &sources, false, lang)
        );
    }
    if !unaccounted.is_empty() {
        eprintln!(
            "{}{}",
            datalex_i18n::text(lang, "cli-error-prefix", None),
            say(
                lang,
                "cli-coverage-unaccounted",
                &[
                    ("count", unaccounted.len().to_string()),
                    (
                        "provisions",
                        unaccounted.join(&datalex_i18n::text(lang, "list-comma", None))
                    ),
                ],
            )
        );
    }
    Ok(if unaccounted.is_empty() && blaming.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
