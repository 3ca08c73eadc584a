//! Declarations: declared twice, citing nothing, missing a part, or of the wrong shape.

use super::dotted;
use datalex_lang::ast::{PartKind, RuleRole};
use datalex_lang::{Code, Diagnostic, Span};

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
}

impl Declared {
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
        }
    }

    /// The diagnostic: message, labels and help.
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
                    Declared::Article => format!("article {name}"),
                    _ => format!("{} `{name}`", kind.word()),
                };
                let d = Diagnostic::new(code, again, format!("{thing} is declared twice"))
                    .with_label(first, "first declared here");
                match kind {
                    Declared::Article => d.with_help(format!(
                        "an amended article says from when: `article {name} from DATE …`"
                    )),
                    _ => d,
                }
            }
            DeclError::TwoDefaults { kind, first, again } => Diagnostic::new(
                code,
                again,
                format!("`{kind}` requests have two `otherwise` defaults"),
            )
            .with_label(first, "first declared here")
            .with_help("keep one: when no rule applies, one default decides"),
            DeclError::TwoScopes {
                span,
                regulation,
                kind,
            } => Diagnostic::new(
                code,
                span,
                format!("`{regulation}` has two scopes for `{kind}` requests"),
            ),
            DeclError::TwoCoverageNotes { span, path } => Diagnostic::new(
                code,
                span,
                format!("§{} has two coverage notes", dotted(&path)),
            ),
            DeclError::CitesNothing { span, what } => match what {
                Uncited::Param(name) => {
                    Diagnostic::new(code, span, format!("param `{name}` cites nothing"))
                        .with_help("a param says where its number comes from: add `cites §N`")
                }
                Uncited::ValueException(name) => {
                    Diagnostic::new(code, span, format!("exception `{name}` cites nothing"))
                }
                Uncited::Scope(regulation) => Diagnostic::new(
                    code,
                    span,
                    format!("the scope of `{regulation}` cites nothing"),
                )
                .with_help("cite the article that says whom the regulation applies to"),
                Uncited::Rule(role, name) => Diagnostic::new(
                    code,
                    span,
                    format!("{} `{name}` cites nothing", role.keyword()),
                )
                .with_help(
                    "every rule cites the articles it implements: add `cites §N` after the request kinds",
                ),
            },
            DeclError::NoOtherwise { span, kind } => Diagnostic::new(
                code,
                span,
                format!("`{kind}` requests have rules but no `otherwise`"),
            )
            .with_help(format!(
                "say what happens when no rule applies, with its citation: `otherwise on {kind} cites §N => deny no_applicable_rule \"…\"`"
            )),
            DeclError::CheckWithEffect { span } => Diagnostic::new(
                code,
                span,
                "a check never decides; it has findings but no effect",
            )
            .with_help("make it a `rule`, or drop the effect"),
            DeclError::NoEffect { span, role, name } => Diagnostic::new(
                code,
                span,
                format!("{} `{name}` has no effect", role.keyword()),
            )
            .with_help("write `=> permit CODE \"text\"`, `=> deny …` or `=> review …`"),
            DeclError::OtherwiseMustDeny { span } => Diagnostic::new(
                code,
                span,
                "`otherwise` must deny: when no rule applies, the decision fails closed",
            ),
            DeclError::OverOnNonException { span, role, name } => Diagnostic::new(
                code,
                span,
                format!(
                    "only an `exception` overrides other rules; this is a {}",
                    role.keyword()
                ),
            )
            .with_help(format!("write `exception {name} over …`")),
            DeclError::PartOfCheck { span, part } => Diagnostic::new(
                code,
                span,
                format!(
                    "a check only reports findings; this {} would never reach a decision",
                    part.as_str()
                ),
            )
            .with_help("put it in the rule that decides, or make this check a rule"),
            DeclError::ExceptionWithoutOver { span, name } => Diagnostic::new(
                code,
                span,
                format!("exception `{name}` does not say what it is an exception to"),
            )
            .with_help(
                "name the rules it overrides: `exception NAME over RULE on KIND …`, or make it a `rule`",
            ),
            DeclError::TestWithoutRequest { span } => {
                Diagnostic::new(code, span, "this test has no `request`")
            }
        }
    }
}
