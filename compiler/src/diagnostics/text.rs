//! A regulation's own text: its rank and style, the numbering of its paragraphs and items, its
//! periods, and quotations of it.

use datalex_lang::ast::DefectKind;
use datalex_lang::date::Date;
use datalex_lang::{Arg, Code, Diagnostic, Join, Message, Span};

/// A paragraph or an item of an article, by number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provision {
    /// `para N`.
    Paragraph(u32),
    /// `item N`.
    Item(u32),
}

impl Provision {
    /// It as a message: `paragraph 2` (第二款), `item 3` (第三项).
    pub fn message(self) -> Message {
        match self {
            Provision::Paragraph(n) => {
                Message::new("provision-paragraph").arg("number", Arg::Numeral(n))
            }
            Provision::Item(n) => Message::new("provision-item").arg("number", Arg::Numeral(n)),
        }
    }
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
    /// E0129: articles in a regulation declared `text unavailable`.
    ArticlesOfUnavailableText {
        /// The first article.
        span: Span,
        /// The regulation's id.
        regulation: String,
        /// `text unavailable "…"`.
        unavailable: Span,
    },
    /// E0129: an article whose number a `missing` range also declares.
    ArticleDeclaredMissing {
        /// The article.
        span: Span,
        /// Its number.
        article: u32,
        /// The `missing` range.
        missing: Span,
    },
    /// E0129: an article without a paragraph (`article N { }`).
    EmptyArticle {
        /// The article.
        span: Span,
        /// Its number.
        article: u32,
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
            TextError::ArticlesOfUnavailableText { .. }
            | TextError::ArticleDeclaredMissing { .. }
            | TextError::EmptyArticle { .. } => Code::E0129,
        }
    }

    /// The diagnostic: message, labels and help, as catalog messages.
    pub fn diagnostic(self) -> Diagnostic {
        let code = self.code();
        match self {
            TextError::NotALegalRank { span, rank, ranks } => Diagnostic::new(
                code,
                span,
                Message::new("E0102-not-a-legal-rank").arg("rank", rank),
            )
            .with_help(
                Message::help("E0102-not-a-legal-rank")
                    .arg("ranks", Arg::codes(Join::Comma, &ranks)),
            ),
            TextError::UnknownStyle { span, style } => Diagnostic::new(
                code,
                span,
                Message::new("E0102-unknown-style").arg("style", style),
            )
            .with_help(Message::help("E0102-unknown-style")),
            TextError::RegulationEndsBeforeStart {
                span,
                regulation,
                from,
                until,
            } => Diagnostic::new(
                code,
                span,
                Message::new("E0125-regulation-ends-before-start")
                    .arg("regulation", regulation)
                    .arg("from", from)
                    .arg("until", until),
            )
            .with_help(Message::help("E0125-regulation-ends-before-start")),
            TextError::VersionOutOfOrder {
                span,
                article,
                from,
                previous,
                previous_span,
            } => Diagnostic::new(
                code,
                span,
                Message::new("E0125-version-out-of-order")
                    .arg("article", Arg::Numeral(article))
                    .arg("from", from)
                    .arg("previous", previous),
            )
            .with_label(
                previous_span,
                Message::attr("E0125-version-out-of-order", "label"),
            )
            .with_help(Message::help("E0125-version-out-of-order")),
            TextError::EndsBeforeStart {
                span,
                what,
                from,
                until,
            } => {
                let what = match what {
                    Dated::Version { article } => {
                        Message::new("E0125-this-version").arg("article", Arg::Numeral(article))
                    }
                    Dated::Part { part, article } => Message::new("E0125-part-of-article")
                        .arg("part", part.message())
                        .arg("article", Arg::Numeral(article)),
                };
                Diagnostic::new(
                    code,
                    span,
                    Message::new("E0125-ends-before-start")
                        .arg("what", what)
                        .arg("from", from)
                        .arg("until", until),
                )
            }
            TextError::ArticlesOfUnavailableText {
                span,
                regulation,
                unavailable,
            } => Diagnostic::new(
                code,
                span,
                Message::new("E0129-articles-of-unavailable-text")
                    .arg("regulation", regulation.clone()),
            )
            .with_label(
                unavailable,
                Message::attr("E0129-articles-of-unavailable-text", "label"),
            )
            .with_help(
                Message::help("E0129-articles-of-unavailable-text").arg("regulation", regulation),
            ),
            TextError::ArticleDeclaredMissing {
                span,
                article,
                missing,
            } => Diagnostic::new(
                code,
                span,
                Message::new("E0129-article-declared-missing")
                    .arg("article", Arg::Numeral(article)),
            )
            .with_label(
                missing,
                Message::attr("E0129-article-declared-missing", "label"),
            )
            .with_help(Message::help("E0129-article-declared-missing")),
            TextError::EmptyArticle { span, article } => Diagnostic::new(
                code,
                span,
                Message::new("E0129-empty-article").arg("article", Arg::Numeral(article)),
            )
            .with_help(Message::help("E0129-empty-article")),
            TextError::ParagraphOutOfOrder {
                span,
                number,
                article,
                expected,
            } => Diagnostic::new(
                code,
                span,
                Message::new("E0119-paragraph-out-of-order")
                    .arg("number", Arg::Numeral(number))
                    .arg("article", Arg::Numeral(article))
                    .arg(
                        "expected",
                        Arg::Numeral(u32::try_from(expected).unwrap_or(u32::MAX)),
                    ),
            ),
            TextError::ItemOutOfOrder {
                span,
                number,
                expected,
            } => {
                let want = match expected {
                    ItemNumber::Exactly(n) => {
                        Message::new("E0119-exactly").arg("number", Arg::Numeral(n))
                    }
                    ItemNumber::Above(n) => Message::new("E0119-above").arg("number", n),
                };
                Diagnostic::new(
                    code,
                    span,
                    Message::new("E0119-item-out-of-order")
                        .arg("number", Arg::Numeral(number))
                        .arg("want", want),
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
                Message::new("E0127-run-not-in-text")
                    .arg("kind", kind.keyword())
                    .arg("part", part.message())
                    .arg("article", Arg::Numeral(article)),
            )
            .with_label(text, Message::attr("E0127-run-not-in-text", "label"))
            .with_help(Message::help("E0127-run-not-in-text")),
            TextError::SaysNotInText {
                span,
                interpretation,
            } => Diagnostic::new(
                code,
                span,
                Message::new("E0127-says-not-in-text").arg("interpretation", interpretation),
            )
            .with_help(Message::help("E0127-says-not-in-text")),
        }
    }
}
