//! What the parser finds wrong (E00xx), as typed values; [`ParseError::diagnostic`] is the one
//! place that words them.

use crate::ast::DefectKind;
use crate::date::DateError;
use crate::diagnostic::{Code, Diagnostic};
use crate::keywords::{KeywordLang, Kw};
use crate::message::{Arg, Join, Message};
use crate::span::Span;

/// A syntax error, or an item that was read but holds an impossible number or date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    /// The grammar expected one of `expected` (sorted, as people say them) where it found
    /// `found` (`None` at the end of the item).
    Unexpected {
        /// The offending token.
        span: Span,
        /// What would have fitted, sorted as English readers have it and without repeats.
        expected: Vec<Expected>,
        /// The text found, if any.
        found: Option<String>,
        /// The keyword language of the item (that of its first keyword): the keywords
        /// expected are named in it, whatever the language of the message.
        keywords: KeywordLang,
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
    /// E0006: an expression nested deeper than [`crate::parser::MAX_NESTING`] levels
    /// (parentheses, brackets, `not`, quantifiers, `each`, field accesses and indexes), or one
    /// the grammar could not read for nesting too deep for it.
    TooDeep {
        /// Where the limit is passed.
        span: Span,
        /// The limit.
        limit: usize,
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

/// One thing the grammar would have accepted, as the parser describes it. Keywords are named
/// from the one table of keywords ([`Kw`]) in the item's keyword language, never from words of
/// the catalogs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expected {
    /// Words, by their English text: worded by the `phrase-*` message whose English text it is
    /// (`a date`).
    Phrase(&'static str),
    /// One of these keywords (`days` or `day`; in Chinese `日`).
    Keywords(Vec<Kw>),
    /// A keyword and a placeholder, as code, in the message `id`'s frame: `on KIND`, `针对 KIND`.
    Pattern {
        /// The `phrase-*` message, with the argument `$code`.
        id: &'static str,
        /// The keyword.
        kw: Kw,
        /// What follows it.
        rest: &'static str,
    },
    /// A description listing keywords, the message `id` with the argument `$keywords`: an
    /// effect (`permit`, `deny`, `review`).
    Described {
        /// The `phrase-*` message.
        id: &'static str,
        /// The keywords it lists.
        kws: &'static [Kw],
        /// Its English text, for ordering.
        sort: &'static str,
    },
    /// A citation, with an example written as the item's keyword language cites (`§20.2`,
    /// `第二十条第二款`): the message `id` with the argument `$example`.
    Citation {
        /// The `phrase-*` message.
        id: &'static str,
        /// The example provision's numbers.
        example: &'static [u32],
        /// Its English text, for ordering.
        sort: &'static str,
    },
}

impl Expected {
    /// The English description, for ordering the alternatives of a message the same way in
    /// every language.
    pub fn sort_key(&self) -> String {
        match self {
            Expected::Phrase(p) => (*p).to_string(),
            Expected::Keywords(kws) => {
                let words: Vec<String> = kws.iter().map(|k| format!("`{}`", k.en())).collect();
                words.join(" or ")
            }
            Expected::Pattern { kw, rest, .. } => format!("`{} {rest}`", kw.en()),
            Expected::Described { sort, .. } | Expected::Citation { sort, .. } => {
                (*sort).to_string()
            }
        }
    }

    /// The argument that names it, its keywords in `keywords`.
    pub fn arg(&self, keywords: KeywordLang) -> Arg {
        let code = |k: &Kw| Arg::Code(k.text(keywords).to_string());
        match self {
            Expected::Phrase(p) => Arg::Phrase((*p).to_string()),
            Expected::Keywords(kws) => {
                // Forms that coincide in one language are named once (`日` is `day` and `days`).
                let mut forms: Vec<&Kw> = Vec::new();
                for k in kws {
                    if !forms.iter().any(|f| f.text(keywords) == k.text(keywords)) {
                        forms.push(k);
                    }
                }
                match forms.as_slice() {
                    [one] => code(one),
                    many => Arg::List(Join::Or, many.iter().map(|k| code(k)).collect()),
                }
            }
            Expected::Pattern { id, kw, rest } => {
                Arg::from(Message::new(id).code("code", format!("{} {rest}", kw.text(keywords))))
            }
            Expected::Described { id, kws, .. } => Arg::from(Message::new(id).arg(
                "keywords",
                Arg::List(Join::Comma, kws.iter().map(code).collect()),
            )),
            Expected::Citation { id, example, .. } => {
                let lang = match keywords {
                    KeywordLang::En => datalex_i18n::Lang::En,
                    KeywordLang::Zh => datalex_i18n::Lang::Zh,
                };
                Arg::from(
                    Message::new(id).code("example", crate::message::provision(example, lang)),
                )
            }
        }
    }
}

impl ParseError {
    /// Its code.
    pub fn code(&self) -> Code {
        match self {
            ParseError::NumberTooLarge { .. } => Code::E0002,
            ParseError::ImpossibleDate { .. } => Code::E0003,
            ParseError::AllWithoutCondition { .. } => Code::E0004,
            ParseError::MixedKeywords { .. } => Code::E0005,
            ParseError::TooDeep { .. } => Code::E0006,
            _ => Code::E0001,
        }
    }

    /// The diagnostic: message, labels and help, as catalog messages
    /// (`i18n/locales/*/diagnostics.ftl`, ids `E000N-…`).
    pub fn diagnostic(self) -> Diagnostic {
        let code = self.code();
        match self {
            ParseError::Unexpected {
                span,
                expected,
                found,
                keywords,
            } => {
                let found =
                    found.map_or_else(|| Arg::from(Message::new("E0001-end-of-item")), Arg::Code);
                let message = if expected.is_empty() {
                    Message::new("E0001-unexpected").arg("found", found)
                } else {
                    let expected = expected.iter().map(|e| e.arg(keywords)).collect();
                    Message::new("E0001-expected-found")
                        .arg("expected", Arg::List(Join::Or, expected))
                        .arg("found", found)
                };
                Diagnostic::new(code, span, message).with_help(Message::new("E0001-skipped"))
            }
            ParseError::Grammar { span, message } => Diagnostic::new(
                code,
                span,
                Message::new("E0001-grammar").arg("message", message),
            )
            .with_help(Message::new("E0001-skipped")),
            ParseError::UnclosedBrace { open, end } => {
                Diagnostic::new(code, open, Message::new("E0001-unclosed-brace"))
                    .with_label(end, Message::attr("E0001-unclosed-brace", "label"))
                    .with_help(Message::help("E0001-unclosed-brace"))
            }
            ParseError::Expected { span, what } => Diagnostic::new(
                code,
                span,
                Message::new("E0001-expected").arg("what", Arg::Phrase(what.to_string())),
            ),
            ParseError::Unreadable { span, what } => Diagnostic::new(
                code,
                span,
                Message::new("E0001-unreadable").arg("what", Arg::Phrase(what.to_string())),
            )
            .with_help(Message::help("E0001-unreadable")),
            ParseError::DuplicationWithoutReading { span } => Diagnostic::new(
                code,
                span,
                Message::new("E0001-duplication-without-reading"),
            ),
            ParseError::TargetWithoutLastDay { span } => {
                Diagnostic::new(code, span, Message::new("E0001-target-without-last-day"))
            }
            ParseError::TargetWithReading { span } => {
                Diagnostic::new(code, span, Message::new("E0001-target-with-reading"))
            }
            ParseError::UntilOnRun { span, kind } => Diagnostic::new(
                code,
                span,
                Message::new("E0001-until-on-run").arg("kind", kind.keyword()),
            ),
            ParseError::NumberTooLarge { span, number } => Diagnostic::new(
                code,
                span,
                Message::new("E0002-number-too-large").arg("number", number),
            ),
            ParseError::ImpossibleDate { span, error } => Diagnostic::new(
                code,
                span,
                Message::new("E0003-impossible-date").arg("error", error.message()),
            ),
            ParseError::AllWithoutCondition { span } => {
                Diagnostic::new(code, span, Message::new("E0004-all-without-condition"))
            }
            ParseError::Numeral { span, numeral } => Diagnostic::new(
                code,
                span,
                Message::new("E0001-numeral").arg("numeral", numeral),
            )
            .with_help(Message::help("E0001-numeral")),
            ParseError::TooDeep { span, limit } => Diagnostic::new(
                code,
                span,
                Message::new("E0006-too-deep").arg("limit", limit.to_string()),
            )
            .with_help(Message::help("E0006-too-deep")),
            ParseError::MixedKeywords {
                span,
                keyword,
                file,
                first,
                first_span,
            } => Diagnostic::new(
                code,
                span,
                Message::new("E0005-mixed-keywords")
                    .arg("file", file.as_str())
                    .arg("keyword", keyword),
            )
            .with_label(
                first_span,
                Message::attr("E0005-mixed-keywords", "label").arg("first", first),
            )
            .with_help(Message::help("E0005-mixed-keywords")),
        }
    }
}

impl From<ParseError> for Diagnostic {
    fn from(e: ParseError) -> Diagnostic {
        e.diagnostic()
    }
}
