//! What compiles but is worth a look (W0xxx): declarations nothing uses, coverage notes that
//! contradict the rules, and the findings of the conflict and gap analysis.

use super::dotted;
use crate::ir::Period;
use datalex_lang::{Code, Diagnostic, Span};

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
    /// The word for it.
    pub fn word(self) -> &'static str {
        match self {
            Unlabelled::Enum => "enum",
            Unlabelled::Member => "enum member",
            Unlabelled::Record => "record",
            Unlabelled::Field => "field",
            Unlabelled::Kind => "request kind",
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

    /// The diagnostic: message, labels and help.
    pub fn diagnostic(self) -> Diagnostic {
        let code = self.code();
        match self {
            LintWarning::UnusedParam { span, name } => {
                Diagnostic::new(code, span, format!("param `{name}` is never used"))
                    .with_help("use it in a rule or value, or remove it")
            }
            LintWarning::UnusedValue { span, name } => {
                Diagnostic::new(code, span, format!("value `{name}` is never used"))
                    .with_help("use it in a rule, report it with `reported as`, or remove it")
            }
            LintWarning::NeverInForce {
                span,
                rule,
                package,
                period,
            } => Diagnostic::new(
                code,
                span,
                format!(
                    "`{rule}` is grounded in nothing in force while `{package}` is ({}): it never applies",
                    period.label()
                ),
            )
            .with_help("cite a provision in force in the package's period, or remove the rule"),
            LintWarning::UncitedInterpretation { span, name } => {
                Diagnostic::new(code, span, format!("interpretation `{name}` is cited by nothing"))
                    .with_help(format!(
                        "cite it from the rules that rest on it: `cites reading {name}`"
                    ))
            }
            LintWarning::Unlabelled { span, what, name } => {
                let help = match what {
                    Unlabelled::Enum | Unlabelled::Record | Unlabelled::Kind => {
                        "write its label after its declaration's name, in quotes".to_string()
                    }
                    Unlabelled::Member | Unlabelled::Field => {
                        "write its label after it, in quotes".to_string()
                    }
                    Unlabelled::Role => {
                        format!("label it in the package or the prelude: `labels role {{ {name} \"…\" }}`")
                    }
                    Unlabelled::Scenario => format!(
                        "label it in the package or the prelude: `labels scenario {{ {name} \"…\" }}`"
                    ),
                };
                Diagnostic::new(
                    code,
                    span,
                    format!(
                        "{} `{name}` has no label: a decision document would show its code",
                        what.word()
                    ),
                )
                .with_help(help)
            }
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

    /// The diagnostic: message, labels and help.
    pub fn diagnostic(self) -> Diagnostic {
        let code = self.code();
        match self {
            CoverageWarning::NotedButCited { span, path } => Diagnostic::new(
                code,
                span,
                format!(
                    "§{} is cited by rules, but the coverage note says it is not encoded",
                    dotted(&path)
                ),
            )
            .with_help("drop the note, or the citations if the note is right"),
            CoverageWarning::BlamesTheSchema { span } => Diagnostic::new(
                code,
                span,
                "this `not_decidable` note gives a missing field or fact as the reason",
            )
            .with_help(
                "say what the provision is (a duty of management, a goal, a dated milestone); if it decides requests once a field exists, add the field and encode it, or say `not_encoded` and what is missing",
            ),
        }
    }
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
        /// A request where both apply, described.
        example: String,
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
        /// One of them, described.
        example: String,
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

    /// The diagnostic: message, labels and help.
    pub fn diagnostic(self) -> Diagnostic {
        let code = self.code();
        match self {
            AnalysisWarning::Conflict {
                span,
                other,
                first,
                second,
                kind,
                example,
            } => Diagnostic::new(
                code,
                span,
                format!("`{first}` and `{second}` can both decide a `{kind}` request, with different effects, and neither overrides the other"),
            )
            .with_label(other, "the other rule")
            .with_help(format!(
                "for example a request where {example}; decide which is the exception (`exception … over …`), or make their conditions exclusive"
            )),
            AnalysisWarning::Gap {
                span,
                kind,
                gaps,
                total,
                example,
            } => Diagnostic::new(
                code,
                span,
                format!("some `{kind}` requests are decided by no rule and fall to `otherwise` ({gaps} of {total} combinations)"),
            )
            .with_help(format!("for example a request where {example}")),
            AnalysisWarning::NeverHolds { span, rule } => {
                Diagnostic::new(code, span, format!("the condition of `{rule}` can never hold"))
                    .with_help("no combination of the values it tests satisfies it (or guards always decide first)")
            }
            AnalysisWarning::AlwaysOverridden { span, rule } => Diagnostic::new(
                code,
                span,
                format!("`{rule}` never decides: wherever it applies, an exception overrides it"),
            )
            .with_help("its exceptions cover every case it applies to; drop it or narrow them"),
            AnalysisWarning::TooManyConditions {
                span,
                kind,
                enums,
                others,
                max,
            } => Diagnostic::new(
                code,
                span,
                format!("`{kind}` requests were not checked for conflicts and gaps: their rules depend on too many conditions"),
            )
            .with_help(format!(
                "{enums} enum conditions and {others} other conditions; at most {max} combinations are enumerated"
            )),
        }
    }
}
