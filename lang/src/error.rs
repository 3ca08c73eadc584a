//! What the parser finds wrong (E00xx), as typed values; [`ParseError::diagnostic`] is the one
//! place that words them.

use crate::ast::DefectKind;
use crate::date::DateError;
use crate::diagnostic::{Code, Diagnostic};
use crate::keywords::KeywordLang;
use crate::span::Span;

/// A syntax error, or an item that was read but holds an impossible number or date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    /// The grammar expected one of `expected` (sorted, as people say them) where it found
    /// `found` (`None` at the end of the item).
    Unexpected {
        /// The offending token.
        span: Span,
        /// What would have fitted.
        expected: Vec<&'static str>,
        /// The text found, if any.
        found: Option<String>,
    },
    /// The grammar's own message.
    Grammar {
        /// Where.
        span: Span,
        /// What pest said.
        message: String,
    },
    /// A `{` never closed before the item ends.
    UnclosedBrace {
        /// The brace.
        open: Span,
        /// The end of the item.
        end: Span,
    },
    /// A part the item needs is not there.
    Expected {
        /// The item or part.
        span: Span,
        /// What is missing, as people say it: `a date`.
        what: &'static str,
    },
    /// The tree has a shape the grammar does not give: a bug in the parser.
    Unreadable {
        /// Where.
        span: Span,
        /// What could not be read.
        what: &'static str,
    },
    /// A `duplicated` run without `reads`.
    DuplicationWithoutReading {
        /// The defect.
        span: Span,
    },
    /// A `target` run without `until`.
    TargetWithoutLastDay {
        /// The defect.
        span: Span,
    },
    /// A `target` run with `reads`.
    TargetWithReading {
        /// The defect.
        span: Span,
    },
    /// `until` on a `garbled` or `duplicated` run.
    UntilOnRun {
        /// The defect.
        span: Span,
        /// Its kind.
        kind: DefectKind,
    },
    /// E0002: a number that does not fit.
    NumberTooLarge {
        /// The number.
        span: Span,
        /// As written.
        number: String,
    },
    /// E0003: a well-formed date that does not exist.
    ImpossibleDate {
        /// The date.
        span: Span,
        /// Why it does not exist.
        error: DateError,
    },
    /// E0004: `all` without a condition.
    AllWithoutCondition {
        /// The quantifier.
        span: Span,
    },
    /// A Chinese numeral that is not written as article numbers are (`十十`).
    Numeral {
        /// The numeral.
        span: Span,
        /// As written.
        numeral: String,
    },
    /// E0005: a keyword of the other keyword language than the file's first keyword.
    MixedKeywords {
        /// The keyword.
        span: Span,
        /// As written.
        keyword: String,
        /// The file's language, its first keyword's.
        file: KeywordLang,
        /// The file's first keyword, as written.
        first: String,
        /// Where it is.
        first_span: Span,
    },
}

impl ParseError {
    /// Its code.
    pub fn code(&self) -> Code {
        match self {
            ParseError::NumberTooLarge { .. } => Code::E0002,
            ParseError::ImpossibleDate { .. } => Code::E0003,
            ParseError::AllWithoutCondition { .. } => Code::E0004,
            ParseError::MixedKeywords { .. } => Code::E0005,
            _ => Code::E0001,
        }
    }

    /// The diagnostic: message, labels and help.
    pub fn diagnostic(self) -> Diagnostic {
        let code = self.code();
        match self {
            ParseError::Unexpected {
                span,
                expected,
                found,
            } => {
                let found =
                    found.map_or_else(|| "the end of the item".to_string(), |s| format!("`{s}`"));
                let message = if expected.is_empty() {
                    format!("unexpected {found}")
                } else {
                    format!("expected {}, found {found}", join_or(&expected))
                };
                Diagnostic::new(code, span, message).with_help(SKIPPED)
            }
            ParseError::Grammar { span, message } => {
                Diagnostic::new(code, span, message).with_help(SKIPPED)
            }
            ParseError::UnclosedBrace { open, end } => {
                Diagnostic::new(code, open, "this `{` is never closed")
                    .with_label(end, "the declaration ends here")
                    .with_help("close it with `}` before the next declaration")
            }
            ParseError::Expected { span, what } => {
                Diagnostic::new(code, span, format!("expected {what}"))
            }
            ParseError::Unreadable { span, what } => {
                Diagnostic::new(code, span, format!("could not read {what}")).with_help(
                    "this is a bug in the datalex parser; please report it with the file",
                )
            }
            ParseError::DuplicationWithoutReading { span } => Diagnostic::new(
                code,
                span,
                "a duplication needs its reading: `duplicated \"RUN\" reads \"FIXED\"`",
            ),
            ParseError::TargetWithoutLastDay { span } => Diagnostic::new(
                code,
                span,
                "a target needs its last day: `target \"RUN\" until 2022-12-31`",
            ),
            ParseError::TargetWithReading { span } => Diagnostic::new(
                code,
                span,
                "a target has a last day, not a reading: `target \"RUN\" until 2022-12-31`",
            ),
            ParseError::UntilOnRun { span, kind } => Diagnostic::new(
                code,
                span,
                format!(
                    "`until` belongs to a target; a {} run has a reading: `reads \"…\"`",
                    kind.keyword()
                ),
            ),
            ParseError::NumberTooLarge { span, number } => {
                Diagnostic::new(code, span, format!("number `{number}` is too large"))
            }
            ParseError::ImpossibleDate { span, error } => {
                Diagnostic::new(code, span, error.to_string())
            }
            ParseError::AllWithoutCondition { span } => {
                Diagnostic::new(code, span, "`all` needs a condition: `all x in c: …`")
            }
            ParseError::Numeral { span, numeral } => Diagnostic::new(
                code,
                span,
                format!("`{numeral}` is not a number in Chinese numerals"),
            )
            .with_help("write numbers as in 第二十条, 第一百零一条, or in digits: 第20条"),
            ParseError::MixedKeywords {
                span,
                keyword,
                file,
                first,
                first_span,
            } => {
                let (this, other) = match file {
                    KeywordLang::En => ("English", "Chinese"),
                    KeywordLang::Zh => ("Chinese", "English"),
                };
                Diagnostic::new(
                    code,
                    span,
                    format!("{other} keyword `{keyword}` in a file with {this} keywords"),
                )
                .with_label(first_span, format!("the file's first keyword, `{first}`"))
                .with_help(
                    "a file uses one keyword language; `datalex fmt --keywords zh|en` converts a file",
                )
            }
        }
    }
}

impl From<ParseError> for Diagnostic {
    fn from(e: ParseError) -> Diagnostic {
        e.diagnostic()
    }
}

/// The help of a syntax error that skips its item.
const SKIPPED: &str = "the item is skipped; the parser continues with the next declaration";

/// `a`, `a or b`, `a, b or c`.
fn join_or(words: &[&str]) -> String {
    match words {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}
