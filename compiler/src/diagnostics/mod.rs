//! What the compiler finds wrong, as typed values: one enum per phase, with the names, numbers,
//! dates and spans of the problem as fields. Each enum has a `code()` and a `diagnostic()`, the
//! one place where its variants are worded (message, labels, help) and turned into a
//! [`Diagnostic`]; the code that finds a problem only builds the variant.
//!
//! | enum | phase | codes |
//! |---|---|---|
//! | [`LayerError`] | packages and their layers | E0111, E0118, E0121–E0124 |
//! | [`DeclError`] | declarations: twice, citing nothing, the wrong shape | E0106, E0115–E0117, E0120 |
//! | [`TextError`] | a regulation's text: rank, numbering, periods, quotations | E0102, E0119, E0125, E0127 |
//! | [`NameError`] | names, fields, kinds, types, `over`, readings | E0101, E0102, E0108–E0110, E0128 |
//! | [`TypeError`] | expressions and facts | E0107 |
//! | [`CitationError`] | citations against the text | E0103, E0104, E0112, E0113, E0126 |
//! | [`CycleError`] | overrides and values in a cycle | E0105, E0114 |
//! | [`LintWarning`], [`CoverageWarning`], [`AnalysisWarning`] | what compiles but is worth a look | W0xxx |
//!
//! The parser's errors are [`datalex_lang::ParseError`].

mod citation;
mod cycle;
mod decl;
mod layer;
mod name;
mod text;
mod typing;
mod warning;

pub use citation::{CitationError, RegulationRef};
pub use cycle::CycleError;
pub use decl::{DeclError, Declared, Uncited};
pub use layer::{Difference, LayerError, PackageRef, RankSide, Verb};
pub use name::NameError;
pub use text::{Dated, ItemNumber, Provision, TextError};
pub use typing::TypeError;
pub use warning::{AnalysisWarning, CoverageWarning, LintWarning, Unlabelled};

use datalex_lang::Diagnostic;

/// `From<E> for Diagnostic` for each error enum, through its `diagnostic()`.
macro_rules! into_diagnostic {
    ($($e:ty),*) => {
        $(impl From<$e> for Diagnostic {
            fn from(e: $e) -> Diagnostic {
                e.diagnostic()
            }
        })*
    };
}

into_diagnostic!(
    CitationError,
    CycleError,
    DeclError,
    LayerError,
    NameError,
    TextError,
    TypeError,
    LintWarning,
    CoverageWarning,
    AnalysisWarning
);

/// Names in backticks, joined: `` `a`, `b` `` with `", "`.
fn quoted<S: AsRef<str>>(names: &[S], sep: &str) -> String {
    names
        .iter()
        .map(|n| format!("`{}`", n.as_ref()))
        .collect::<Vec<_>>()
        .join(sep)
}

/// A provision's numbers as written after `§`: `2.1.3`.
fn dotted(path: &[u32]) -> String {
    path.iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(".")
}
