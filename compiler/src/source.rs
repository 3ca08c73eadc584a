//! Printing expressions back as source text, for traces and explanations: the formatter's
//! printer, so a trace shows a condition exactly as `datalex fmt` writes it.

pub use datalex_lang::format::{expr_to_string, expr_to_string_in_and};
