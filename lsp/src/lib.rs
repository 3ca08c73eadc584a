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
//! - [`symbols`]: the names the compiler resolved, placed in the workspace's documents
//!   (definition, references, rename and document highlights answer from them); [`model`]:
//!   what the compiler knows of them — what a package sees, types, fields, members, the
//!   declaring item — for hover and completion. The server resolves no name itself: it has
//!   no second resolver to keep in step with the compiler;
//! - the features: [`hover`], [`navigate`] (definition, references, highlights), [`completion`],
//!   [`outline`] (document symbols), [`formatting`], [`rename`];
//! - [`server`]: the protocol loop.

pub mod cite;
pub mod completion;
pub mod document;
pub mod error;
pub mod formatting;
pub mod hover;
pub mod model;
pub mod navigate;
pub mod outline;
pub mod project;
pub mod projects;
pub mod rename;
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
