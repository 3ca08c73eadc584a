//! `datalex lsp`: the language server on stdin and stdout, with the prelude this binary embeds
//! (a project's own `stdlib/prelude.dlx` takes precedence).

use anyhow::Result;
use datalex_service::load::PRELUDE;
use datalex_service::project::Clock;
use std::process::ExitCode;

/// Serves until the client says `exit`; hover dates what is in force by `clock`'s today.
pub fn run(clock: &dyn Clock) -> Result<ExitCode> {
    let config = datalex_lsp::Config {
        prelude: PRELUDE.to_string(),
        today: Some(clock.today()),
    };
    datalex_lsp::stdio(&config)?;
    Ok(ExitCode::SUCCESS)
}
