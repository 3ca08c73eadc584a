//! The Datalex policy language: grammar, syntax tree, the one [`Diagnostic`] type and its
//! renderer, spans and dates.
//!
//! This crate knows nothing of graphs, evaluation, files, HTTP or LSP. Parsing never fails: it
//! returns the best tree it can and every diagnostic it found.

pub mod ast;
pub mod date;
pub mod diagnostic;
pub mod error;
pub mod format;
pub mod keywords;
pub mod message;
pub mod numerals;
pub mod parser;
pub mod rebase;
pub mod span;

pub use diagnostic::{Category, Code, Diagnostic, Label, Severity};
pub use error::ParseError;
pub use message::{Arg, Join, Message};
pub use parser::parse;
pub use span::{FileId, SourceMap, Span};
