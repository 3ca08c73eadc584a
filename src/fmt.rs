//! `datalex fmt [--check]`: the canonical layout of policy files.

use anyhow::Result;
use datalex_lang::format::{format, FormatError};
use datalex_lang::SourceMap;
use datalex_service::words::say;
use std::path::PathBuf;
use std::process::ExitCode;

/// Formats the `.dlx` files under `paths` in place, or with `check` only reports which ones
/// are not formatted. Exit 1 if a file is not formatted (with `check`) or does not parse.
pub fn run(lang: datalex_i18n::Lang, paths: &[PathBuf], check: bool) -> Result<ExitCode> {
    let found = datalex_files::policy_files(paths)?;
    let warning = datalex_i18n::text(lang, "cli-warning-prefix", None);
    for s in &found.skipped {
        eprintln!("{warning}{}", crate::cli::skipped(lang, s));
    }
    let files = found.files;
    let mut failed = 0;
    let mut changed = 0;
    for f in &files {
        let text = datalex_files::read_policy(f)?;
        match format(&text) {
            Ok(out) if out == text => {}
            Ok(out) => {
                changed += 1;
                if check {
                    println!(
                        "{}",
                        say(lang, "cli-fmt-not-formatted", &[("path", path(f))])
                    );
                } else {
                    std::fs::write(f, out).map_err(|e| {
                        anyhow::anyhow!(say(
                            lang,
                            "cli-writing",
                            &[("path", path(f)), ("reason", e.to_string())]
                        ))
                    })?;
                    println!("{}", say(lang, "cli-fmt-formatted", &[("path", path(f))]));
                }
            }
            Err(FormatError::Syntax(diags)) => {
                failed += 1;
                let mut sources = SourceMap::new();
                sources.add(f.display().to_string(), text);
                eprint!(
                    "{}",
                    datalex_lang::diagnostic::render(&diags, &sources, false, lang)
                );
            }
            Err(FormatError::Changed) => {
                failed += 1;
                eprintln!(
                    "{}{}",
                    datalex_i18n::text(lang, "cli-error-prefix", None),
                    say(lang, "cli-fmt-would-change-meaning", &[("path", path(f))])
                );
            }
        }
    }
    let summary = if check {
        "cli-fmt-summary-check"
    } else {
        "cli-fmt-summary"
    };
    println!(
        "{}",
        say(
            lang,
            summary,
            &[
                ("files", files.len().to_string()),
                ("changed", changed.to_string()),
                ("failed", failed.to_string()),
            ],
        )
    );
    Ok(if failed > 0 || (check && changed > 0) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// A path as the messages show it.
fn path(p: &std::path::Path) -> String {
    p.display().to_string()
}
