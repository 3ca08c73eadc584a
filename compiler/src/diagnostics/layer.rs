//! Packages and their layers: `package` lines, `extends`, `use`, `override`, and a lower-rank
//! layer deciding against a higher-rank one.

use crate::ir::Period;
use datalex_lang::ast::Effect;
use datalex_lang::{Arg, Code, Diagnostic, Message, Span};

/// Where an unknown package was named (the help differs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PackageRef {
    /// `package P extends NAME`.
    Extends,
    /// `use NAME for K`.
    Use,
}

/// How a lower-rank rule takes the place of a higher-rank one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    /// `override` in a package that extends the other's.
    Replaces,
    /// `exception … over`.
    Overrides,
}

/// One of the two rules of a rank conflict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RankSide {
    /// The rule's name as written (`otherwise` for a default).
    pub name: String,
    /// Its source and the source's rank: `《标题》, 地方政府规章`.
    pub source: Option<String>,
    /// The rule's head.
    pub head: Span,
}

/// How the lower-rank rule decides otherwise than the higher-rank one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Difference {
    /// Another effect.
    Effect {
        /// The lower rule's.
        lower: Effect,
        /// The higher rule's.
        higher: Effect,
    },
    /// Without an obligation, deadline or remedy the higher rule sets.
    LeavesOut {
        /// `obligation`, `deadline` or `remedy`.
        part: &'static str,
        /// Its code.
        code: String,
    },
}

/// What only the prelude declares: the evaluator supplies the prelude's alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PreludeOnly {
    /// `fact NAME: [Record]`.
    Fact,
    /// `kind NAME: Record`.
    Kind,
}

/// What is wrong with packages and how they build on each other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LayerError {
    /// E0111: a package that no file declares.
    UnknownPackage {
        /// The name.
        span: Span,
        /// As written.
        name: String,
        /// Where it was named.
        named_in: PackageRef,
    },
    /// E0111: packages that extend each other in a cycle.
    ExtendsCycle {
        /// An `extends` in the cycle.
        span: Span,
    },
    /// E0118: a `package` line after another declaration.
    PackageNotFirst {
        /// The `package` line.
        span: Span,
    },
    /// E0118: a file without a `package` line.
    NoPackageLine {
        /// The start of the file.
        span: Span,
    },
    /// E0118: a second `package` line in a file.
    TwoPackageLines {
        /// The second.
        span: Span,
        /// The first.
        first: Span,
    },
    /// E0118: a package that extends two different packages.
    ExtendsTwice {
        /// The second `extends`.
        span: Span,
        /// The package.
        package: String,
        /// What it already extends.
        base: String,
        /// Where that was said.
        first: Span,
    },
    /// E0130: a fact or request kind declared by a package other than the prelude.
    OnlyInPrelude {
        /// Its name.
        span: Span,
        /// What it is.
        what: PreludeOnly,
        /// Its name as written.
        name: String,
        /// The package that declares it.
        package: String,
    },
    /// E0121: a declaration that replaces a base package's without `override`.
    SilentReplacement {
        /// Its name.
        span: Span,
        /// The keyword of what it is (`param`, `value`, `rule` …).
        what: &'static str,
        /// Its name as written.
        name: String,
        /// The package whose declaration it replaces.
        base: String,
    },
    /// E0122: `override` on a declaration that replaces nothing.
    OverrideOfNothing {
        /// The `override`.
        span: Span,
        /// The keyword of what it is.
        what: &'static str,
        /// Its name as written.
        name: String,
    },
    /// E0123: `use P for K` where this package has rules of its own for `K`.
    UsesKindItDecides {
        /// `K`.
        span: Span,
        /// This package.
        package: String,
        /// The request kind.
        kind: String,
        /// `P`.
        used: String,
    },
    /// E0123: `use P for K` where `P` decides no `K` requests.
    NothingToUse {
        /// `K`.
        span: Span,
        /// `P`.
        used: String,
        /// The request kind.
        kind: String,
    },
    /// E0124: a lower-rank rule that replaces or overrides a higher-rank one while both are in
    /// force, and decides otherwise.
    RankConflict {
        /// The lower-rank rule.
        lower: RankSide,
        /// The higher-rank rule.
        higher: RankSide,
        /// How the one takes the other's place.
        verb: Verb,
        /// A period in which both are in force.
        overlap: Period,
        /// How it decides otherwise.
        differs: Difference,
    },
}

impl LayerError {
    /// Its code.
    pub fn code(&self) -> Code {
        match self {
            LayerError::UnknownPackage { .. } | LayerError::ExtendsCycle { .. } => Code::E0111,
            LayerError::PackageNotFirst { .. }
            | LayerError::NoPackageLine { .. }
            | LayerError::TwoPackageLines { .. }
            | LayerError::ExtendsTwice { .. } => Code::E0118,
            LayerError::SilentReplacement { .. } => Code::E0121,
            LayerError::OverrideOfNothing { .. } => Code::E0122,
            LayerError::UsesKindItDecides { .. } | LayerError::NothingToUse { .. } => Code::E0123,
            LayerError::RankConflict { .. } => Code::E0124,
            LayerError::OnlyInPrelude { .. } => Code::E0130,
        }
    }

    /// The diagnostic: message, labels and help, as catalog messages.
    pub fn diagnostic(self) -> Diagnostic {
        let code = self.code();
        match self {
            LayerError::UnknownPackage {
                span,
                name,
                named_in,
            } => {
                let d = Diagnostic::new(
                    code,
                    span,
                    Message::new("E0111-unknown-package").arg("name", name),
                );
                match named_in {
                    PackageRef::Extends => d.with_help(Message::help("E0111-unknown-package")),
                    PackageRef::Use => d,
                }
            }
            LayerError::ExtendsCycle { span } => {
                Diagnostic::new(code, span, Message::new("E0111-extends-cycle"))
            }
            LayerError::OnlyInPrelude {
                span,
                what,
                name,
                package,
            } => {
                let what = match what {
                    PreludeOnly::Fact => "fact",
                    PreludeOnly::Kind => "kind",
                };
                Diagnostic::new(
                    code,
                    span,
                    Message::new("E0130-only-in-prelude")
                        .arg("what", what)
                        .arg("name", name)
                        .arg("package", package),
                )
                .with_help(Message::help("E0130-only-in-prelude").arg("what", what))
            }
            LayerError::PackageNotFirst { span } => {
                Diagnostic::new(code, span, Message::new("E0118-package-not-first"))
                    .with_help(Message::help("E0118-package-not-first"))
            }
            LayerError::NoPackageLine { span } => {
                Diagnostic::new(code, span, Message::new("E0118-no-package-line"))
                    .with_help(Message::help("E0118-no-package-line"))
            }
            LayerError::TwoPackageLines { span, first } => {
                Diagnostic::new(code, span, Message::new("E0118-two-package-lines"))
                    .with_label(first, Message::new("E0118-declared-here"))
            }
            LayerError::ExtendsTwice {
                span,
                package,
                base,
                first,
            } => Diagnostic::new(
                code,
                span,
                Message::new("E0118-extends-twice")
                    .arg("package", package)
                    .arg("base", base),
            )
            .with_label(first, Message::new("E0118-declared-here")),
            LayerError::SilentReplacement {
                span,
                what,
                name,
                base,
            } => Diagnostic::new(
                code,
                span,
                Message::new("E0121-silent-replacement")
                    .arg("what", what_word(what))
                    .arg("name", &name)
                    .arg("base", base),
            )
            .with_help(
                Message::help("E0121-silent-replacement")
                    .arg("what", what)
                    .arg("name", name),
            ),
            LayerError::OverrideOfNothing { span, what, name } => Diagnostic::new(
                code,
                span,
                Message::new("E0122-override-of-nothing")
                    .arg("what", what_word(what))
                    .arg("name", name),
            )
            .with_help(Message::help("E0122-override-of-nothing")),
            LayerError::UsesKindItDecides {
                span,
                package,
                kind,
                used,
            } => Diagnostic::new(
                code,
                span,
                Message::new("E0123-uses-kind-it-decides")
                    .arg("package", package)
                    .arg("kind", kind)
                    .arg("used", used),
            )
            .with_help(Message::help("E0123-uses-kind-it-decides")),
            LayerError::NothingToUse { span, used, kind } => Diagnostic::new(
                code,
                span,
                Message::new("E0123-nothing-to-use")
                    .arg("used", used)
                    .arg("kind", kind),
            )
            .with_help(Message::help("E0123-nothing-to-use")),
            LayerError::RankConflict {
                lower,
                higher,
                verb,
                overlap,
                differs,
            } => {
                let verb = Message::new(match verb {
                    Verb::Replaces => "E0124-replaces",
                    Verb::Overrides => "E0124-overrides",
                });
                let differs = match differs {
                    Difference::Effect {
                        lower: a,
                        higher: b,
                    } => Message::new("E0124-other-effect")
                        .arg("effect", effect_word(a))
                        .arg("higher", &higher.name)
                        .arg("higher-effect", effect_word(b)),
                    Difference::LeavesOut { part, code } => Message::new("E0124-leaves-out")
                        .arg("part", what_word(part))
                        .arg("code", code)
                        .arg("higher", &higher.name),
                };
                Diagnostic::new(
                    code,
                    lower.head,
                    Message::new("E0124-rank-conflict")
                        .arg("lower", lower.name)
                        .arg(
                            "lower-source",
                            lower.source.unwrap_or_else(|| "?".to_string()),
                        )
                        .arg("verb", verb)
                        .arg("higher", higher.name)
                        .arg(
                            "higher-source",
                            higher.source.unwrap_or_else(|| "?".to_string()),
                        )
                        .arg("period", super::period(&overlap))
                        .arg("differs", differs),
                )
                .with_label(higher.head, Message::attr("E0124-rank-conflict", "label"))
                .with_help(Message::help("E0124-rank-conflict"))
            }
        }
    }
}

/// The word for a kind of declaration or part given by its keyword (`param`, `rule`,
/// `obligation` …), as a message; a keyword with no word of its own stays as written.
fn what_word(keyword: &str) -> Arg {
    let id = match keyword {
        "param" => "declared-param",
        "value" => "declared-value",
        "rule" => "role-rule",
        "guard" => "role-guard",
        "exception" => "role-exception",
        "check" => "role-check",
        "otherwise" => "role-otherwise",
        "regulation" => "declared-regulation",
        "interpretation" => "declared-interpretation",
        "obligation" => "part-obligation",
        "deadline" => "part-deadline",
        "remedy" => "part-remedy",
        "reason" => "part-reason",
        "finding" => "part-finding",
        _ => return Arg::Text(keyword.to_string()),
    };
    Message::new(id).into()
}

/// An effect as a message: `permit`, `deny`, `review` (准予, 不予, 审核).
fn effect_word(e: Effect) -> Message {
    Message::new(match e {
        Effect::Permit => "effect-permit",
        Effect::Deny => "effect-deny",
        Effect::Review => "effect-review",
    })
}
