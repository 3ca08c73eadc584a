//! A regulation's own text: its rank and style, the numbering of its paragraphs and items, its
//! periods, and quotations of it.

use super::quoted;
use datalex_lang::ast::DefectKind;
use datalex_lang::date::Date;
use datalex_lang::{Code, Diagnostic, Span};

/// A paragraph or an item of an article, by number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provision {
    /// `para N`.
    Paragraph(u32),
    /// `item N`.
    Item(u32),
}

impl std::fmt::Display for Provision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Provision::Paragraph(n) => write!(f, "paragraph {n}"),
            Provision::Item(n) => write!(f, "item {n}"),
        }
    }
}

/// What has a period of its own that can end before it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dated {
    /// A version of an article (`article N from DATE until DATE`).
    Version {
        /// The article.
        article: u32,
    },
    /// A paragraph or item of an article (a dated target).
    Part {
        /// Which one.
        part: Provision,
        /// Of what article.
        article: u32,
    },
}

/// The number an item should have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemNumber {
    /// In a law, items count 1, 2, 3… in each paragraph.
    Exactly(u32),
    /// In a plan, tasks are numbered through the document: above the one before.
    Above(u32),
}

/// What is wrong in the text of a regulation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextError {
    /// E0102: a rank that is not a member of the prelude's `LegalRank`.
    NotALegalRank {
        /// The rank.
        span: Span,
        /// As written.
        rank: String,
        /// The members of `LegalRank`, lowest first.
        ranks: Vec<String>,
    },
    /// E0102: a numbering style other than `law` or `plan`.
    UnknownStyle {
        /// The style.
        span: Span,
        /// As written.
        style: String,
    },
    /// E0125: a regulation in force until a day before it starts.
    RegulationEndsBeforeStart {
        /// `in force from … until …`.
        span: Span,
        /// The regulation's id.
        regulation: String,
        /// Its first day.
        from: Date,
        /// Its last day.
        until: Date,
    },
    /// E0125: a version of an article that does not start after the version before it.
    VersionOutOfOrder {
        /// The version's `from` date.
        span: Span,
        /// The article.
        article: u32,
        /// When this version starts.
        from: Date,
        /// When the version before starts.
        previous: Date,
        /// The version before.
        previous_span: Span,
    },
    /// E0125: a version of an article, a paragraph or an item that ends before it starts.
    EndsBeforeStart {
        /// Its `until` date.
        span: Span,
        /// What it is.
        what: Dated,
        /// When it starts.
        from: Date,
        /// When it ends.
        until: Date,
    },
    /// E0119: a paragraph numbered out of order.
    ParagraphOutOfOrder {
        /// The paragraph.
        span: Span,
        /// Its number.
        number: u32,
        /// Of what article.
        article: u32,
        /// The number it should have.
        expected: usize,
    },
    /// E0119: an item numbered out of order.
    ItemOutOfOrder {
        /// The item.
        span: Span,
        /// Its number.
        number: u32,
        /// The number it should have.
        expected: ItemNumber,
    },
    /// E0127: a `garbled`, `duplicated` or `target` run that is not in the text it marks.
    RunNotInText {
        /// The run.
        span: Span,
        /// What kind of run.
        kind: DefectKind,
        /// The paragraph or item it marks.
        part: Provision,
        /// Of what article.
        article: u32,
        /// The text it marks.
        text: Span,
    },
    /// E0127: what an interpretation `says` is not in the text it reads.
    SaysNotInText {
        /// The `says` text.
        span: Span,
        /// The interpretation.
        interpretation: String,
    },
}

impl TextError {
    /// Its code.
    pub fn code(&self) -> Code {
        match self {
            TextError::NotALegalRank { .. } | TextError::UnknownStyle { .. } => Code::E0102,
            TextError::RegulationEndsBeforeStart { .. }
            | TextError::VersionOutOfOrder { .. }
            | TextError::EndsBeforeStart { .. } => Code::E0125,
            TextError::ParagraphOutOfOrder { .. } | TextError::ItemOutOfOrder { .. } => Code::E0119,
            TextError::RunNotInText { .. } | TextError::SaysNotInText { .. } => Code::E0127,
        }
    }

    /// The diagnostic: message, labels and help.
    pub fn diagnostic(self) -> Diagnostic {
        let code = self.code();
        match self {
            TextError::NotALegalRank { span, rank, ranks } => {
                Diagnostic::new(code, span, format!("`{rank}` is not a `LegalRank`"))
                    .with_help(format!("the ranks, lowest first: {}", quoted(&ranks, ", ")))
            }
            TextError::UnknownStyle { span, style } => {
                Diagnostic::new(code, span, format!("unknown style `{style}`")).with_help(
                    "a regulation is numbered like a `law` (the default: 第二十条第二款第二项) or like a `plan` (二、（一）2)",
                )
            }
            TextError::RegulationEndsBeforeStart {
                span,
                regulation,
                from,
                until,
            } => Diagnostic::new(
                code,
                span,
                format!("`{regulation}` is in force until {until}, before it starts on {from}"),
            )
            .with_help("a period runs from its first day to its last, both included"),
            TextError::VersionOutOfOrder {
                span,
                article,
                from,
                previous,
                previous_span,
            } => Diagnostic::new(
                code,
                span,
                format!(
                    "this version of article {article} starts on {from}, not after the version before it ({previous})"
                ),
            )
            .with_label(previous_span, "the version before")
            .with_help("declare the versions of an article in the order they took effect"),
            TextError::EndsBeforeStart {
                span,
                what,
                from,
                until,
            } => {
                let what = match what {
                    Dated::Version { article } => format!("this version of article {article}"),
                    Dated::Part { part, article } => format!("{part} of article {article}"),
                };
                Diagnostic::new(
                    code,
                    span,
                    format!("{what} ends on {until}, before it starts on {from}"),
                )
            }
            TextError::ParagraphOutOfOrder {
                span,
                number,
                article,
                expected,
            } => Diagnostic::new(
                code,
                span,
                format!("paragraph {number} of article {article} should be numbered {expected}"),
            ),
            TextError::ItemOutOfOrder {
                span,
                number,
                expected,
            } => {
                let want = match expected {
                    ItemNumber::Exactly(n) => n.to_string(),
                    ItemNumber::Above(n) => format!("a number above {n}"),
                };
                Diagnostic::new(
                    code,
                    span,
                    format!("item {number} should be numbered {want}"),
                )
            }
            TextError::RunNotInText {
                span,
                kind,
                part,
                article,
                text,
            } => Diagnostic::new(
                code,
                span,
                format!(
                    "the {} run is not in the text of {part} of article {article}",
                    kind.keyword()
                ),
            )
            .with_label(text, "the text it marks")
            .with_help("copy the run exactly as the text has it"),
            TextError::SaysNotInText {
                span,
                interpretation,
            } => Diagnostic::new(
                code,
                span,
                format!(
                    "what interpretation `{interpretation}` says the text says is not in the text it reads"
                ),
            )
            .with_help("`says` quotes the provision verbatim: copy the words the reading rests on"),
        }
    }
}
