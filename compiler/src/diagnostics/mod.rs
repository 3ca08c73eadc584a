//! What the compiler finds wrong, as typed values: one enum per phase, with the names, numbers,
//! dates and spans of the problem as fields. Each enum has a `code()` and a `diagnostic()`, the
//! one place where its variants are worded (message, labels, help) and turned into a
//! [`Diagnostic`]; the code that finds a problem only builds the variant.
//!
//! | enum | phase | codes |
//! |---|---|---|
//! | [`LayerError`] | packages and their layers | E0111, E0118, E0121–E0124, E0130 |
//! | [`DeclError`] | declarations: twice, citing nothing, the wrong shape | E0106, E0115–E0117, E0120 |
//! | [`TextError`] | a regulation's text: rank, numbering, periods, quotations, contradictions | E0102, E0119, E0125, E0127, E0129 |
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
pub use layer::{Difference, LayerError, PackageRef, PreludeOnly, RankSide, Verb};
pub use name::NameError;
pub use text::{Dated, ItemNumber, Provision, TextError};
pub use typing::TypeError;
pub use warning::{AnalysisWarning, Condition, CoverageWarning, Example, LintWarning, Unlabelled};

use crate::ir::Period;
use datalex_lang::ast::RuleRole;
use datalex_lang::{Arg, Diagnostic, Message};

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

/// A provision by its numbers: `§2.1.3` in English, 第二条第一款第三项 in Chinese.
fn provision(path: &[u32]) -> Arg {
    Arg::Provision(path.to_vec())
}

/// A period as a message: `2023-03-01..2025-07-31`, `always` (自2023年3月1日至2025年7月31日,
/// 始终).
pub(crate) fn period(p: &Period) -> Message {
    match (p.from, p.until) {
        (None, None) => Message::new("period-always"),
        (Some(f), None) => Message::new("period-from").arg("from", f),
        (None, Some(u)) => Message::new("period-until").arg("until", u),
        (Some(f), Some(u)) => Message::new("period-from-until")
            .arg("from", f)
            .arg("until", u),
    }
}

/// The word for a rule's role (`rule`, `exception` …) as a message.
fn role(r: RuleRole) -> Message {
    Message::new(match r {
        RuleRole::Guard => "role-guard",
        RuleRole::Rule => "role-rule",
        RuleRole::Exception => "role-exception",
        RuleRole::Check => "role-check",
        RuleRole::Otherwise => "role-otherwise",
    })
}
