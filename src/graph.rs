//! `datalex graph`: the compiled policy graph as DOT, Mermaid or JSON.

use anyhow::Result;
use datalex_compiler::export;
use datalex_service::load;
use std::path::PathBuf;
use std::process::ExitCode;

/// Prints the graph of the policies under `paths`.
pub fn run(lang: datalex_i18n::Lang, paths: &[PathBuf], format: &str) -> Result<ExitCode> {
    if !matches!(format, "dot" | "mermaid" | "json") {
        return Err(crate::cli::unknown_format(
            lang,
            format,
            &["dot", "mermaid", "json"],
        ));
    }
    let (sources, compiled) = load::compile_paths(paths, lang)?;
    let Some(policy) = compiled.policy else {
        eprint!(
            "{}",
            datalex_lang::diagnostic::render(&compiled.diagnostics, &sources, false, lang)
        );
        return Ok(ExitCode::from(1));
    };
    let view = export::view(&policy);
    match format {
        "dot" => print!("{}", export::to_dot(&view)),
        "mermaid" => print!("{}", export::to_mermaid(&view)),
        _ => println!("{}", serde_json::to_string_pretty(&view)?),
    }
    Ok(ExitCode::SUCCESS)
}
