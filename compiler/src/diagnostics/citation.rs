//! Citations checked against the regulation text: unknown regulations, provisions the text does
//! not have, texts not available, provisions never in force.

use datalex_lang::date::Date;
use datalex_lang::{Code, Diagnostic, Span};

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
        /// The regulation's period, as a label.
        period: String,
    },
}

impl CitationError {
    /// Its code.
    pub fn code(&self) -> Code {
        match self {
            CitationError::UnknownRegulation { .. } => Code::E0103,
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

    /// The diagnostic: message, labels and help.
    pub fn diagnostic(self) -> Diagnostic {
        let code = self.code();
        match self {
            CitationError::UnknownRegulation {
                span,
                name: None,
                ..
            } => Diagnostic::new(code, span, "unknown regulation"),
            CitationError::UnknownRegulation {
                span,
                name: Some(name),
                named_in,
            } => {
                let d = Diagnostic::new(code, span, format!("unknown regulation `{name}`"));
                match named_in {
                    RegulationRef::Citation => d.with_help(
                        "declare it with `regulation ID \"title\" { … }` in this package or one it extends",
                    ),
                    RegulationRef::Coverage => d,
                    RegulationRef::Scope => {
                        d.with_help("a scope says whom a declared regulation applies to")
                    }
                    RegulationRef::Applies => {
                        d.with_help("`applies` names a regulation declared in some package")
                    }
                }
            }
            CitationError::NoDefaultRegulation { span, declared } => {
                let help = if declared == 0 {
                    "a bare `§N` cites the regulation declared in the same package; this package declares none, so write `REGULATION §N`".to_string()
                } else {
                    format!(
                        "this package declares {declared} regulations, so a bare `§N` is ambiguous: write `REGULATION §N`"
                    )
                };
                Diagnostic::new(code, span, "this citation does not name a regulation")
                    .with_help(help)
            }
            CitationError::TextUnavailable {
                span,
                regulation,
                why,
            } => Diagnostic::new(
                code,
                span,
                format!(
                    "the text of `{regulation}` is not available, so its articles cannot be checked"
                ),
            )
            .with_help(format!(
                "cite it as `{regulation} §?` (article unknown): {why}"
            )),
            CitationError::NoArticle {
                span,
                regulation,
                article,
                missing,
            } => {
                let d = Diagnostic::new(
                    code,
                    span,
                    format!("`{regulation}` has no article {article}"),
                );
                match missing {
                    Some((a, b, note)) => {
                        let which = if a == b {
                            format!("article {a} is")
                        } else {
                            format!("articles {a}–{b} are")
                        };
                        d.with_help(format!(
                            "{which} declared missing ({note}); cite `{regulation} §?` instead"
                        ))
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
                let starts: Vec<String> = starts
                    .iter()
                    .map(|d| d.map_or_else(|| "the start".to_string(), |d| d.to_string()))
                    .collect();
                Diagnostic::new(
                    code,
                    span,
                    format!(
                        "article {article} of `{regulation}` has no version in force from {}",
                        version.map(|d| d.to_string()).unwrap_or_default()
                    ),
                )
                .with_help(format!("its versions start on {}", starts.join(", ")))
            }
            CitationError::NoParagraphOrItem {
                span,
                regulation,
                article,
            } => Diagnostic::new(
                code,
                span,
                format!("article {article} of `{regulation}` has no such paragraph or item"),
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
                format!(
                    "article {article} of `{regulation}` has {paragraphs} paragraph(s), not {paragraph}"
                ),
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
                format!("article {article} of `{regulation}` has no item {item} there"),
            )
            .with_help(format!("that paragraph has {items} item(s)")),
            CitationError::NoSuchProvision { span } => {
                Diagnostic::new(code, span, "no such provision")
            }
            CitationError::NotInForce {
                span,
                regulation,
                provision,
                period,
            } => Diagnostic::new(
                code,
                span,
                format!(
                    "`{regulation}` {provision} has no version in force while `{regulation}` is ({period})"
                ),
            )
            .with_help(
                "cite a version of the article that is in force, or correct the versions' dates",
            ),
        }
    }
}
