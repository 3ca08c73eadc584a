//! Declarations: declared twice, citing nothing, missing a part, or of the wrong shape.

use super::{provision, role};
use datalex_lang::ast::{PartKind, RuleRole};
use datalex_lang::{Arg, Code, Diagnostic, Join, Message, Span};

/// What kind of thing is declared twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Declared {
    /// A `regulation`.
    Regulation,
    /// An `article` of a regulation (without `from`: not an amendment).
    Article,
    /// An `enum` or `record`.
    Type,
    /// A `param`.
    Param,
    /// A `value`, for one request kind.
    Value,
    /// A guard, rule, exception or check, for one request kind.
    Rule,
    /// An `interpretation`.
    Interpretation,
    /// A name in `labels` (in one package).
    Label,
    /// A field of a test's request, or of an object in it.
    Field,
}

impl Declared {
    /// The word for it, as a message.
    pub fn message(self) -> Message {
        Message::new(match self {
            Declared::Regulation => "declared-regulation",
            Declared::Article => "declared-article",
            Declared::Type => "declared-type",
            Declared::Param => "declared-param",
            Declared::Value => "declared-value",
            Declared::Rule => "declared-rule",
            Declared::Interpretation => "declared-interpretation",
            Declared::Label => "declared-label",
            Declared::Field => "declared-field",
        })
    }

    /// The word for it.
    pub fn word(self) -> &'static str {
        match self {
            Declared::Regulation => "regulation",
            Declared::Article => "article",
            Declared::Type => "type",
            Declared::Param => "param",
            Declared::Value => "value",
            Declared::Rule => "rule",
            Declared::Interpretation => "interpretation",
            Declared::Label => "label",
            Declared::Field => "field",
        }
    }
}

/// What cites nothing (E0115).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Uncited {
    /// A param, by name.
    Param(String),
    /// An exception of a value, by name.
    ValueException(String),
    /// The scope of a regulation, by the regulation's id.
    Scope(String),
    /// A guard, rule, exception, check or otherwise, as written (`otherwise on share`).
    Rule(RuleRole, String),
}

/// A declaration that is twice, cites nothing, or has the wrong shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeclError {
    /// E0106: the same thing declared twice (in one package; a regulation or type anywhere).
    DeclaredTwice {
        /// What kind of thing.
        kind: Declared,
        /// Its name (an article's number).
        name: String,
        /// The first declaration.
        first: Span,
        /// This one.
        again: Span,
    },
    /// E0106: two `otherwise` for one request kind in one package.
    TwoDefaults {
        /// The request kind.
        kind: String,
        /// The first.
        first: Span,
        /// This one.
        again: Span,
    },
    /// E0106: two scopes of one regulation for one request kind.
    TwoScopes {
        /// The second scope.
        span: Span,
        /// The regulation.
        regulation: String,
        /// The request kind.
        kind: String,
    },
    /// E0106: two coverage notes on one provision.
    TwoCoverageNotes {
        /// The second note's provision.
        span: Span,
        /// Article, paragraph, item.
        path: Vec<u32>,
    },
    /// E0115: a declaration that must cite its source cites nothing.
    CitesNothing {
        /// Its name.
        span: Span,
        /// What it is.
        what: Uncited,
    },
    /// E0116: a request kind with rules but no `otherwise`.
    NoOtherwise {
        /// A rule of the kind.
        span: Span,
        /// The request kind.
        kind: String,
    },
    /// E0117: a check with an effect.
    CheckWithEffect {
        /// The effect's code.
        span: Span,
    },
    /// E0117: a guard, rule, exception or otherwise without an effect.
    NoEffect {
        /// Its head.
        span: Span,
        /// What it is.
        role: RuleRole,
        /// Its name as written.
        name: String,
    },
    /// E0117: an `otherwise` that does not deny.
    OtherwiseMustDeny {
        /// The effect's code.
        span: Span,
    },
    /// E0117: `over` on something other than an exception.
    OverOnNonException {
        /// The first name after `over`.
        span: Span,
        /// What it is.
        role: RuleRole,
        /// Its name as written.
        name: String,
    },
    /// E0117: a reason, obligation, deadline or remedy in a check.
    PartOfCheck {
        /// The part's code.
        span: Span,
        /// What part.
        part: PartKind,
    },
    /// E0117: an exception without `over`.
    ExceptionWithoutOver {
        /// Its head.
        span: Span,
        /// Its name.
        name: String,
    },
    /// E0120: a test without a `request`.
    TestWithoutRequest {
        /// The test's name.
        span: Span,
    },
    /// E0131: a test expects an effect no rule of the package decides on its kind.
    ExpectsNoEffect {
        /// The expectation.
        span: Span,
        /// The effect.
        effect: &'static str,
        /// The package.
        package: String,
        /// The request kind.
        kind: String,
    },
    /// E0131: a test expects (or expects absent) a code nothing of the package produces on its
    /// kind.
    ExpectsNoCode {
        /// The code.
        span: Span,
        /// What part it would be.
        part: PartKind,
        /// As written.
        code: String,
        /// The package.
        package: String,
        /// The request kind.
        kind: String,
        /// The codes of that part the package does produce on the kind, sorted.
        produced: Vec<String>,
    },
}

impl DeclError {
    /// Its code.
    pub fn code(&self) -> Code {
        match self {
            DeclError::DeclaredTwice { .. }
            | DeclError::TwoDefaults { .. }
            | DeclError::TwoScopes { .. }
            | DeclError::TwoCoverageNotes { .. } => Code::E0106,
            DeclError::CitesNothing { .. } => Code::E0115,
            DeclError::NoOtherwise { .. } => Code::E0116,
            DeclError::CheckWithEffect { .. }
            | DeclError::NoEffect { .. }
            | DeclError::OtherwiseMustDeny { .. }
            | DeclError::OverOnNonException { .. }
            | DeclError::PartOfCheck { .. }
            | DeclError::ExceptionWithoutOver { .. } => Code::E0117,
            DeclError::TestWithoutRequest { .. } => Code::E0120,
            DeclError::ExpectsNoEffect { .. } | DeclError::ExpectsNoCode { .. } => Code::E0131,
        }
    }

    /// The diagnostic: message, labels and help, as catalog messages.
    pub fn diagnostic(self) -> Diagnostic {
        let code = self.code();
        match self {
            DeclError::DeclaredTwice {
                kind,
                name,
                first,
                again,
            } => {
                let thing = match kind {
                    Declared::Article => Message::new("E0106-article")
                        .arg("article", Arg::Numeral(name.parse().unwrap_or_default()))
                        .arg("name", &name),
                    _ => Message::new("E0106-named")
                        .arg("kind", kind.message())
                        .arg("name", &name),
                };
                let d = Diagnostic::new(
                    code,
                    again,
                    Message::new("E0106-declared-twice").arg("thing", thing),
                )
                .with_label(first, Message::new("E0106-first-declared-here"));
                match kind {
                    Declared::Article => {
                        d.with_help(Message::new("E0106-amended-article").arg("name", name))
                    }
                    _ => d,
                }
            }
            DeclError::TwoDefaults { kind, first, again } => Diagnostic::new(
                code,
                again,
                Message::new("E0106-two-defaults").arg("kind", kind),
            )
            .with_label(first, Message::new("E0106-first-declared-here"))
            .with_help(Message::help("E0106-two-defaults")),
            DeclError::TwoScopes {
                span,
                regulation,
                kind,
            } => Diagnostic::new(
                code,
                span,
                Message::new("E0106-two-scopes")
                    .arg("regulation", regulation)
                    .arg("kind", kind),
            ),
            DeclError::TwoCoverageNotes { span, path } => Diagnostic::new(
                code,
                span,
                Message::new("E0106-two-coverage-notes").arg("provision", provision(&path)),
            ),
            DeclError::CitesNothing { span, what } => match what {
                Uncited::Param(name) => {
                    Diagnostic::new(code, span, Message::new("E0115-param").arg("name", name))
                        .with_help(Message::help("E0115-param"))
                }
                Uncited::ValueException(name) => Diagnostic::new(
                    code,
                    span,
                    Message::new("E0115-value-exception").arg("name", name),
                ),
                Uncited::Scope(regulation) => Diagnostic::new(
                    code,
                    span,
                    Message::new("E0115-scope").arg("regulation", regulation),
                )
                .with_help(Message::help("E0115-scope")),
                Uncited::Rule(r, name) => Diagnostic::new(
                    code,
                    span,
                    Message::new("E0115-rule")
                        .arg("role", role(r))
                        .arg("name", name),
                )
                .with_help(Message::help("E0115-rule")),
            },
            DeclError::NoOtherwise { span, kind } => Diagnostic::new(
                code,
                span,
                Message::new("E0116-no-otherwise").arg("kind", &kind),
            )
            .with_help(Message::help("E0116-no-otherwise").arg("kind", kind)),
            DeclError::CheckWithEffect { span } => {
                Diagnostic::new(code, span, Message::new("E0117-check-with-effect"))
                    .with_help(Message::help("E0117-check-with-effect"))
            }
            DeclError::NoEffect {
                span,
                role: r,
                name,
            } => Diagnostic::new(
                code,
                span,
                Message::new("E0117-no-effect")
                    .arg("role", role(r))
                    .arg("name", name),
            )
            .with_help(Message::help("E0117-no-effect")),
            DeclError::OtherwiseMustDeny { span } => {
                Diagnostic::new(code, span, Message::new("E0117-otherwise-must-deny"))
            }
            DeclError::OverOnNonException {
                span,
                role: r,
                name,
            } => Diagnostic::new(
                code,
                span,
                Message::new("E0117-over-on-non-exception").arg("role", role(r)),
            )
            .with_help(Message::help("E0117-over-on-non-exception").arg("name", name)),
            DeclError::PartOfCheck { span, part } => Diagnostic::new(
                code,
                span,
                Message::new("E0117-part-of-check").arg("part", part_word(part)),
            )
            .with_help(Message::help("E0117-part-of-check")),
            DeclError::ExceptionWithoutOver { span, name } => Diagnostic::new(
                code,
                span,
                Message::new("E0117-exception-without-over").arg("name", name),
            )
            .with_help(Message::help("E0117-exception-without-over")),
            DeclError::TestWithoutRequest { span } => {
                Diagnostic::new(code, span, Message::new("E0120-test-without-request"))
            }
            DeclError::ExpectsNoEffect {
                span,
                effect,
                package,
                kind,
            } => Diagnostic::new(
                code,
                span,
                Message::new("E0131-no-effect")
                    .arg("effect", effect)
                    .arg("package", package)
                    .arg("kind", kind),
            )
            .with_help(Message::help("E0131-no-effect")),
            DeclError::ExpectsNoCode {
                span,
                part,
                code: expected,
                package,
                kind,
                produced,
            } => {
                let d = Diagnostic::new(
                    code,
                    span,
                    Message::new("E0131-no-code")
                        .arg("part", part_word(part))
                        .arg("code", expected)
                        .arg("package", package)
                        .arg("kind", kind),
                );
                if produced.is_empty() {
                    d.with_help(Message::new("E0131-none-produced").arg("part", part_word(part)))
                } else {
                    d.with_help(
                        Message::help("E0131-no-code")
                            .arg("codes", Arg::codes(Join::Comma, &produced)),
                    )
                }
            }
        }
    }
}

/// The word for a part of an outcome, as a message.
fn part_word(part: PartKind) -> Message {
    Message::new(match part {
        PartKind::Reason => "part-reason",
        PartKind::Obligation => "part-obligation",
        PartKind::Finding => "part-finding",
        PartKind::Deadline => "part-deadline",
        PartKind::Remedy => "part-remedy",
        PartKind::Source => "part-source",
    })
}
