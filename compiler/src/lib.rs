//! The Datalex compiler: resolves names, types and citations, builds the policy graph, and
//! returns a [`PolicySet`] or diagnostics. It does no IO: it gets source texts with file ids.

pub mod analysis;
pub mod cite;
pub mod compile;
pub mod coverage;
pub mod diagnostics;
pub mod export;
pub mod graph;
pub mod ir;
pub mod lower;
pub mod source;
pub mod symbols;
pub mod types;

pub use compile::{check_parsed, compile, compile_parsed, Checked, Compiled, Leftover, STD};
pub use ir::PolicySet;
pub use symbols::Symbols;
