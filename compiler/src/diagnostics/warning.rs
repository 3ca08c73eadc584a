//! What compiles but is worth a look (W0xxx): declarations nothing uses, coverage notes that
//! contradict the rules, and the findings of the conflict and gap analysis.

use super::provision;
use crate::ir::Period;
use datalex_lang::{Arg, Code, Diagnostic, Join, Message, Span};

/// Something declared that nothing uses, or that never applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LintWarning {
    /// W0001: a param nothing uses.
    UnusedParam {
        /// Its name.
        span: Span,
        /// As written.
        name: String,
    },
    /// W0002: a value nothing uses and the decision does not report.
    UnusedValue {
        /// Its name.
        span: Span,
        /// As written.
        name: String,
    },
    /// W0105: a rule grounded in nothing in force while its package's regulation is.
    NeverInForce {
        /// Its head.
        span: Span,
        /// The rule.
        rule: String,
        /// Its package.
        package: String,
        /// The period of the package's regulation.
        period: Period,
    },
    /// W0107: an interpretation nothing cites.
    UncitedInterpretation {
        /// The interpretation.
        span: Span,
        /// Its name.
        name: String,
    },
    /// W0109: something a decision document can show that has no label, so the document would
    /// show its code.
    Unlabelled {
        /// Where it is declared or used.
        span: Span,
        /// What it is.
        what: Unlabelled,
        /// Its name (`Enum.member`, `Record.field` for members and fields).
        name: String,
    },
}

/// What lacks a label (W0109).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unlabelled {
    /// An enum.
    Enum,
    /// A member of an enum.
    Member,
    /// A record.
    Record,
    /// A field of a record.
    Field,
    /// A request kind.
    Kind,
    /// The party of an obligation or deadline.
    Role,
    /// A scenario of a test's request.
    Scenario,
}

impl Unlabelled {
    /// Its code in the catalogs' selectors (`W0109-unlabelled` words it in each language).
    pub fn code(self) -> &'static str {
        match self {
            Unlabelled::Enum => "enum",
            Unlabelled::Member => "member",
            Unlabelled::Record => "record",
            Unlabelled::Field => "field",
            Unlabelled::Kind => "kind",
            Unlabelled::Role => "role",
            Unlabelled::Scenario => "scenario",
        }
    }
}

impl LintWarning {
    /// Its code.
    pub fn code(&self) -> Code {
        match self {
            LintWarning::UnusedParam { .. } => Code::W0001,
            LintWarning::UnusedValue { .. } => Code::W0002,
            LintWarning::NeverInForce { .. } => Code::W0105,
            LintWarning::UncitedInterpretation { .. } => Code::W0107,
            LintWarning::Unlabelled { .. } => Code::W0109,
        }
    }

    /// The diagnostic: message, labels and help, as catalog messages.
    pub fn diagnostic(self) -> Diagnostic {
        let code = self.code();
        match self {
            LintWarning::UnusedParam { span, name } => Diagnostic::new(
                code,
                span,
                Message::new("W0001-unused-param").arg("name", name),
            )
            .with_help(Message::help("W0001-unused-param")),
            LintWarning::UnusedValue { span, name } => Diagnostic::new(
                code,
                span,
                Message::new("W0002-unused-value").arg("name", name),
            )
            .with_help(Message::help("W0002-unused-value")),
            LintWarning::NeverInForce {
                span,
                rule,
                package,
                period,
            } => Diagnostic::new(
                code,
                span,
                Message::new("W0105-never-in-force")
                    .arg("rule", rule)
                    .arg("package", package)
                    .arg("period", super::period(&period)),
            )
            .with_help(Message::help("W0105-never-in-force")),
            LintWarning::UncitedInterpretation { span, name } => Diagnostic::new(
                code,
                span,
                Message::new("W0107-uncited-interpretation").arg("name", &name),
            )
            .with_help(Message::help("W0107-uncited-interpretation").arg("name", name)),
            LintWarning::Unlabelled { span, what, name } => Diagnostic::new(
                code,
                span,
                Message::new("W0109-unlabelled")
                    .arg("what", what.code())
                    .arg("name", &name),
            )
            .with_help(
                Message::help("W0109-unlabelled")
                    .arg("what", what.code())
                    .arg("name", name),
            ),
        }
    }
}

/// A `coverage` note that hides what is encoded, or blames the schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CoverageWarning {
    /// W0003: a note on a provision that rules cite.
    NotedButCited {
        /// The note's provision.
        span: Span,
        /// Article, paragraph, item.
        path: Vec<u32>,
    },
    /// W0108: a `not_decidable` note whose reason is a missing field or fact.
    BlamesTheSchema {
        /// The note's provision.
        span: Span,
    },
}

impl CoverageWarning {
    /// Its code.
    pub fn code(&self) -> Code {
        match self {
            CoverageWarning::NotedButCited { .. } => Code::W0003,
            CoverageWarning::BlamesTheSchema { .. } => Code::W0108,
        }
    }

    /// The diagnostic: message, labels and help, as catalog messages.
    pub fn diagnostic(self) -> Diagnostic {
        let code = self.code();
        match self {
            CoverageWarning::NotedButCited { span, path } => Diagnostic::new(
                code,
                span,
                Message::new("W0003-noted-but-cited").arg("provision", provision(&path)),
            )
            .with_help(Message::help("W0003-noted-but-cited")),
            CoverageWarning::BlamesTheSchema { span } => {
                Diagnostic::new(code, span, Message::new("W0108-blames-the-schema"))
                    .with_help(Message::help("W0108-blames-the-schema"))
            }
        }
    }
}

/// A request the analysis found, described by the conditions it tests: each enum condition
/// with the member it has, each other condition true or false. Empty: any request.
pub type Example = Vec<Condition>;

/// One condition of an [`Example`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    /// An enum-valued expression and its member.
    Is {
        /// The expression, as `fmt` writes it.
        name: String,
        /// The member.
        member: String,
    },
    /// A condition that holds or not.
    Holds {
        /// The condition, as `fmt` writes it.
        name: String,
        /// Whether it holds.
        holds: bool,
    },
}

/// An example as a message: `` `a` is `x`, `b` is true `` (`any request`).
fn example(conditions: Example) -> Message {
    if conditions.is_empty() {
        return Message::new("example-any-request");
    }
    let parts = conditions
        .into_iter()
        .map(|c| match c {
            Condition::Is { name, member } => Message::new("example-is")
                .arg("name", name)
                .arg("member", member)
                .into(),
            Condition::Holds { name, holds } => Message::new(if holds {
                "example-true"
            } else {
                "example-false"
            })
            .arg("name", name)
            .into(),
        })
        .collect();
    Message::new("example").arg("conditions", Arg::List(Join::Comma, parts))
}

/// A finding of the conflict and gap analysis of one request kind's plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnalysisWarning {
    /// W0101: two rules that neither overrides can both decide a request, with different
    /// effects.
    Conflict {
        /// The second rule's head.
        span: Span,
        /// The first rule's head.
        other: Span,
        /// The first rule, without its package.
        first: String,
        /// The second rule, without its package.
        second: String,
        /// The request kind.
        kind: String,
        /// A request where both apply.
        example: Example,
    },
    /// W0102: requests that no rule decides.
    Gap {
        /// The first deciding rule's head.
        span: Span,
        /// The request kind.
        kind: String,
        /// How many combinations no rule decides.
        gaps: u64,
        /// Of how many.
        total: u64,
        /// One of them.
        example: Example,
    },
    /// W0103: a rule whose condition can never hold.
    NeverHolds {
        /// Its head.
        span: Span,
        /// The rule, without its package.
        rule: String,
    },
    /// W0104: a rule that exceptions override wherever it applies.
    AlwaysOverridden {
        /// Its head.
        span: Span,
        /// The rule, without its package.
        rule: String,
    },
    /// W0106: a request kind with too many conditions to enumerate.
    TooManyConditions {
        /// The first deciding rule's head.
        span: Span,
        /// The request kind.
        kind: String,
        /// How many enum conditions.
        enums: usize,
        /// How many other conditions.
        others: usize,
        /// The most combinations enumerated.
        max: u64,
    },
}

impl AnalysisWarning {
    /// Its code.
    pub fn code(&self) -> Code {
        match self {
            AnalysisWarning::Conflict { .. } => Code::W0101,
            AnalysisWarning::Gap { .. } => Code::W0102,
            AnalysisWarning::NeverHolds { .. } => Code::W0103,
            AnalysisWarning::AlwaysOverridden { .. } => Code::W0104,
            AnalysisWarning::TooManyConditions { .. } => Code::W0106,
        }
    }

    /// The diagnostic: message, labels and help, as catalog messages.
    pub fn diagnostic(self) -> Diagnostic {
        let code = self.code();
        match self {
            AnalysisWarning::Conflict {
                span,
                other,
                first,
                second,
                kind,
                example: e,
            } => Diagnostic::new(
                code,
                span,
                Message::new("W0101-conflict")
                    .arg("first", first)
                    .arg("second", second)
                    .arg("kind", kind),
            )
            .with_label(other, Message::attr("W0101-conflict", "label"))
            .with_help(Message::help("W0101-conflict").arg("example", example(e))),
            AnalysisWarning::Gap {
                span,
                kind,
                gaps,
                total,
                example: e,
            } => Diagnostic::new(
                code,
                span,
                Message::new("W0102-gap")
                    .arg("kind", kind)
                    .arg("gaps", gaps)
                    .arg("total", total),
            )
            .with_help(Message::help("W0102-gap").arg("example", example(e))),
            AnalysisWarning::NeverHolds { span, rule } => Diagnostic::new(
                code,
                span,
                Message::new("W0103-never-holds").arg("rule", rule),
            )
            .with_help(Message::help("W0103-never-holds")),
            AnalysisWarning::AlwaysOverridden { span, rule } => Diagnostic::new(
                code,
                span,
                Message::new("W0104-always-overridden").arg("rule", rule),
            )
            .with_help(Message::help("W0104-always-overridden")),
            AnalysisWarning::TooManyConditions {
                span,
                kind,
                enums,
                others,
                max,
            } => Diagnostic::new(
                code,
                span,
                Message::new("W0106-too-many-conditions").arg("kind", kind),
            )
            .with_help(
                Message::help("W0106-too-many-conditions")
                    .arg("enums", enums)
                    .arg("others", others)
                    .arg("max", max),
            ),
        }
    }
}
