//! `datalex lsp`: the language server on stdin and stdout, with the prelude this binary embeds
//! (a project's own `stdlib/prelude.dlx` takes precedence).

use anyhow::Result;
use std::process::ExitCode;

/// Serves until the client says `exit`.
pub fn run() -> Result<ExitCode> {
    let config = datalex_lsp::Config {
        prelude: crate::load::PRELUDE.to_string(),
        today: Some(crate::cli::today()),
    };
    datalex_lsp::stdio(&config)?;
    Ok(ExitCode::SUCCESS)
}
