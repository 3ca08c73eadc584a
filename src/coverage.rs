//! `datalex coverage`: for every article of a regulation, the rules that cite it or why none
//! does.

use crate::load;
use anyhow::{bail, Result};
use datalex_compiler::coverage::{coverage, to_markdown, Status};
use std::path::PathBuf;
use std::process::ExitCode;

/// Prints the coverage of `regulation` (default: every regulation with article text) as
/// Markdown. With `strict`, exits 1 if an article is unaccounted for.
pub fn run(paths: &[PathBuf], regulation: Option<&str>, strict: bool) -> Result<ExitCode> {
    let (sources, compiled) = load::compile_paths(paths)?;
    let Some(policy) = compiled.policy else {
        eprint!(
            "{}",
            datalex_lang::diagnostic::render(&compiled.diagnostics, &sources, false)
        );
        return Ok(ExitCode::from(1));
    };
    let ids: Vec<String> = match regulation {
        Some(id) => {
            if policy.regulation(id).is_none() {
                let known: Vec<&str> = policy.regulations.iter().map(|r| r.id.as_str()).collect();
                bail!(
                    "--regulation: no regulation `{id}`; the policies declare {}",
                    known.join(", ")
                );
            }
            vec![id.to_string()]
        }
        None => policy
            .regulations
            .iter()
            .filter(|r| !r.articles.is_empty())
            .map(|r| r.id.clone())
            .collect(),
    };
    let mut unaccounted = 0;
    for (i, id) in ids.iter().enumerate() {
        let rows = coverage(&policy, id).unwrap_or_default();
        unaccounted += rows
            .iter()
            .filter(|r| r.status == Status::Unaccounted)
            .count();
        if i > 0 {
            println!();
        }
        print!("{}", to_markdown(&policy, id, &rows));
    }
    Ok(if strict && unaccounted > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
