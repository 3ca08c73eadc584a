//! `datalex fmt [--check]`: the canonical layout of policy files.

use anyhow::{Context, Result};
use datalex_lang::format::{format, FormatError};
use datalex_lang::SourceMap;
use std::path::PathBuf;
use std::process::ExitCode;

/// Formats the `.dlx` files under `paths` in place, or with `check` only reports which ones
/// are not formatted. Exit 1 if a file is not formatted (with `check`) or does not parse.
pub fn run(lang: datalex_i18n::Lang, paths: &[PathBuf], check: bool) -> Result<ExitCode> {
    let found = datalex_files::policy_files(paths)?;
    for s in &found.skipped {
        eprintln!("warning: {s}");
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
                    println!("not formatted: {}", f.display());
                } else {
                    std::fs::write(f, out).with_context(|| format!("writing {}", f.display()))?;
                    println!("formatted: {}", f.display());
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
                eprintln!("error: {}: the formatter would change what this file means; it was left alone (please report this)", f.display());
            }
        }
    }
    let verb = if check { "to format" } else { "formatted" };
    println!(
        "{} file(s), {changed} {verb}, {failed} not formattable",
        files.len()
    );
    Ok(if failed > 0 || (check && changed > 0) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
