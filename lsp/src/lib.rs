//! The Datalex language server: diagnostics as you type, hover, go to definition, references,
//! document highlights, completion, document symbols, formatting and rename, over the Language
//! Server Protocol.
//!
//! Depends on `lang` and `compiler` only, never on the evaluator or the service. The binary
//! runs it with `datalex lsp` ([`stdio`]); tests drive it over an in-memory connection
//! ([`run`] with `lsp_server::Connection::memory`).
//!
//! How it is put together:
//! - [`project`]: finding the project of a folder or a file (its root and policy folder);
//!   [`projects`]: every project served, and which one a document belongs to;
//! - [`workspace`]: the files of one project (prelude, policies, open documents) and compiling
//!   them for diagnostics;
//! - [`document`]: one file, parsed item by item so that an edit parses only what it touched;
//! - [`symbols`]: the names the compiler resolved (definition, references, rename, document
//!   highlights and hover's declarations answer from them); [`index`]: the names in one item;
//!   [`resolve`]: what they refer to across files (hover on other names, completion, rename's
//!   clash check, and the fallback where the compiler's symbols say nothing: `request`, an
//!   item that does not parse);
//! - the features: [`hover`], [`navigate`] (definition, references, highlights), [`completion`],
//!   [`outline`] (document symbols), [`formatting`], [`rename`];
//! - [`server`]: the protocol loop.

pub mod cite;
pub mod completion;
pub mod document;
pub mod error;
pub mod formatting;
pub mod hover;
pub mod index;
pub mod navigate;
pub mod outline;
pub mod project;
pub mod projects;
pub mod rename;
pub mod resolve;
pub mod server;
pub mod symbols;
pub mod text;
pub mod uri;
pub mod workspace;

pub use error::{RequestError, ServerError};
pub use projects::Projects;
pub use server::{run, stdio};
pub use workspace::Workspace;

/// What the server needs from the program that runs it.
#[derive(Debug, Clone)]
pub struct Config {
    /// The prelude's text, used when a project has no `stdlib/prelude.dlx` (the binary passes
    /// the prelude it embeds).
    pub prelude: String,
    /// Today, which the server does not read from the clock: hover shows the text of a cited
    /// article in force on it (`None`: the latest version).
    pub today: Option<datalex_lang::date::Date>,
}
