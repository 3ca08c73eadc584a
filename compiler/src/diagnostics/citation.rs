//! Citations checked against the regulation text: unknown regulations, provisions the text does
//! not have, texts not available, provisions never in force.

use crate::ir::Period;
use datalex_lang::date::Date;
use datalex_lang::{Arg, Code, Diagnostic, Join, Message, Span};

/// Where an unknown regulation was named (the help differs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegulationRef {
    /// In a citation.
    Citation,
    /// In a `coverage` declaration.
    Coverage,
    /// In a `scope` declaration.
    Scope,
    /// In `applies REG`.
    Applies,
}

/// A citation that names no provision of a text in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CitationError {
    /// E0103: a regulation no package declares (`None`: one that vanished from the table).
    UnknownRegulation {
        /// Its id.
        span: Span,
        /// As written.
        name: Option<String>,
        /// Where it was named.
        named_in: RegulationRef,
    },
    /// E0103: a regulation declared in a package that the citing package neither is nor extends.
    RegulationOutOfScope {
        /// Its id, as written in the citation.
        span: Span,
        /// Its id.
        regulation: String,
        /// The package that declares it.
        declared_in: String,
        /// The package that cites it.
        package: String,
    },
    /// E0113: a bare `§N` in a package that declares no regulation, or several.
    NoDefaultRegulation {
        /// The citation.
        span: Span,
        /// How many the package declares.
        declared: usize,
    },
    /// E0112: an article of a regulation whose text is not available.
    TextUnavailable {
        /// The citation.
        span: Span,
        /// The regulation.
        regulation: String,
        /// Why the text is not available.
        why: String,
    },
    /// E0104: an article the regulation does not have.
    NoArticle {
        /// The citation.
        span: Span,
        /// The regulation.
        regulation: String,
        /// The article.
        article: u32,
        /// The declared-missing range it falls in, with its note.
        missing: Option<(u32, u32, String)>,
    },
    /// E0104: no version of the article starts on the date the citation names.
    NoVersionFrom {
        /// The citation.
        span: Span,
        /// The regulation.
        regulation: String,
        /// The article.
        article: u32,
        /// The date named.
        version: Option<Date>,
        /// When its versions start (`None`: with the regulation).
        starts: Vec<Option<Date>>,
    },
    /// E0104: more numbers than the article has levels.
    NoParagraphOrItem {
        /// The citation.
        span: Span,
        /// The regulation.
        regulation: String,
        /// The article.
        article: u32,
    },
    /// E0104: a paragraph the article does not have.
    NoParagraph {
        /// The citation.
        span: Span,
        /// The regulation.
        regulation: String,
        /// The article.
        article: u32,
        /// How many paragraphs it has.
        paragraphs: usize,
        /// The paragraph cited.
        paragraph: u32,
    },
    /// E0104: an item the paragraph does not have.
    NoItem {
        /// The citation.
        span: Span,
        /// The regulation.
        regulation: String,
        /// The article.
        article: u32,
        /// The item cited.
        item: u32,
        /// How many items the paragraph has.
        items: usize,
    },
    /// E0104: no version of the article has the provision.
    NoSuchProvision {
        /// The citation.
        span: Span,
    },
    /// E0126: a provision with no version in force while its regulation is.
    NotInForce {
        /// The citation.
        span: Span,
        /// The regulation.
        regulation: String,
        /// The provision as cited (`§5`).
        provision: String,
        /// The regulation's period.
        period: Period,
    },
}

impl CitationError {
    /// Its code.
    pub fn code(&self) -> Code {
        match self {
            CitationError::UnknownRegulation { .. }
            | CitationError::RegulationOutOfScope { .. } => Code::E0103,
            CitationError::NoDefaultRegulation { .. } => Code::E0113,
            CitationError::TextUnavailable { .. } => Code::E0112,
            CitationError::NoArticle { .. }
            | CitationError::NoVersionFrom { .. }
            | CitationError::NoParagraphOrItem { .. }
            | CitationError::NoParagraph { .. }
            | CitationError::NoItem { .. }
            | CitationError::NoSuchProvision { .. } => Code::E0104,
            CitationError::NotInForce { .. } => Code::E0126,
        }
    }

    /// The diagnostic: message, labels and help, as catalog messages.
    pub fn diagnostic(self) -> Diagnostic {
        let code = self.code();
        match self {
            CitationError::UnknownRegulation {
                span, name: None, ..
            } => Diagnostic::new(code, span, Message::new("E0103-unknown-regulation")),
            CitationError::UnknownRegulation {
                span,
                name: Some(name),
                named_in,
            } => {
                let d = Diagnostic::new(
                    code,
                    span,
                    Message::new("E0103-unknown-regulation-named").arg("name", name),
                );
                match named_in {
                    RegulationRef::Citation => {
                        d.with_help(Message::help("E0103-unknown-regulation-named"))
                    }
                    RegulationRef::Coverage => d,
                    RegulationRef::Scope => d.with_help(Message::new("E0103-in-scope")),
                    RegulationRef::Applies => d.with_help(Message::new("E0103-in-applies")),
                }
            }
            CitationError::RegulationOutOfScope {
                span,
                regulation,
                declared_in,
                package,
            } => Diagnostic::new(
                code,
                span,
                Message::new("E0103-out-of-scope")
                    .arg("regulation", regulation)
                    .arg("declared_in", declared_in.clone())
                    .arg("package", package.clone()),
            )
            .with_help(
                Message::help("E0103-out-of-scope")
                    .arg("declared_in", declared_in)
                    .arg("package", package),
            ),
            CitationError::NoDefaultRegulation { span, declared } => {
                let help = if declared == 0 {
                    Message::new("E0113-none-declared")
                } else {
                    Message::new("E0113-several-declared").arg("declared", declared)
                };
                Diagnostic::new(code, span, Message::new("E0113-no-regulation")).with_help(help)
            }
            CitationError::TextUnavailable {
                span,
                regulation,
                why,
            } => Diagnostic::new(
                code,
                span,
                Message::new("E0112-text-unavailable").arg("regulation", &regulation),
            )
            .with_help(
                Message::help("E0112-text-unavailable")
                    .arg("regulation", regulation)
                    .arg("why", why),
            ),
            CitationError::NoArticle {
                span,
                regulation,
                article,
                missing,
            } => {
                let d = Diagnostic::new(
                    code,
                    span,
                    Message::new("E0104-no-article")
                        .arg("regulation", &regulation)
                        .arg("article", Arg::Numeral(article)),
                );
                match missing {
                    Some((a, b, note)) => {
                        let which = if a == b {
                            Message::new("E0104-article-is").arg("article", Arg::Numeral(a))
                        } else {
                            Message::new("E0104-articles-are")
                                .arg("first", Arg::Numeral(a))
                                .arg("last", Arg::Numeral(b))
                        };
                        d.with_help(
                            Message::help("E0104-no-article")
                                .arg("which", which)
                                .arg("note", note)
                                .arg("regulation", regulation),
                        )
                    }
                    None => d,
                }
            }
            CitationError::NoVersionFrom {
                span,
                regulation,
                article,
                version,
                starts,
            } => {
                let starts = starts
                    .iter()
                    .map(|d| d.map_or_else(|| Message::new("E0104-the-start").into(), Arg::Date))
                    .collect();
                Diagnostic::new(
                    code,
                    span,
                    Message::new("E0104-no-version-from")
                        .arg("article", Arg::Numeral(article))
                        .arg("regulation", regulation)
                        .arg(
                            "version",
                            version.map_or_else(|| Arg::Text(String::new()), Arg::Date),
                        ),
                )
                .with_help(
                    Message::help("E0104-no-version-from")
                        .arg("starts", Arg::List(Join::Comma, starts)),
                )
            }
            CitationError::NoParagraphOrItem {
                span,
                regulation,
                article,
            } => Diagnostic::new(
                code,
                span,
                Message::new("E0104-no-paragraph-or-item")
                    .arg("article", Arg::Numeral(article))
                    .arg("regulation", regulation),
            ),
            CitationError::NoParagraph {
                span,
                regulation,
                article,
                paragraphs,
                paragraph,
            } => Diagnostic::new(
                code,
                span,
                Message::new("E0104-no-paragraph")
                    .arg("article", Arg::Numeral(article))
                    .arg("regulation", regulation)
                    .arg("paragraphs", paragraphs)
                    .arg("paragraph", Arg::Numeral(paragraph)),
            ),
            CitationError::NoItem {
                span,
                regulation,
                article,
                item,
                items,
            } => Diagnostic::new(
                code,
                span,
                Message::new("E0104-no-item")
                    .arg("article", Arg::Numeral(article))
                    .arg("regulation", regulation)
                    .arg("item", Arg::Numeral(item)),
            )
            .with_help(Message::help("E0104-no-item").arg("items", items)),
            CitationError::NoSuchProvision { span } => {
                Diagnostic::new(code, span, Message::new("E0104-no-such-provision"))
            }
            CitationError::NotInForce {
                span,
                regulation,
                provision,
                period,
            } => Diagnostic::new(
                code,
                span,
                Message::new("E0126-not-in-force")
                    .arg("regulation", regulation)
                    .arg("provision", provision)
                    .arg("period", super::period(&period)),
            )
            .with_help(Message::help("E0126-not-in-force")),
        }
    }
}
