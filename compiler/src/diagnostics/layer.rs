//! Packages and their layers: `package` lines, `extends`, `use`, `override`, and a lower-rank
//! layer deciding against a higher-rank one.

use crate::ir::Period;
use datalex_lang::ast::Effect;
use datalex_lang::{Code, Diagnostic, Span};

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
        }
    }

    /// The diagnostic: message, labels and help.
    pub fn diagnostic(self) -> Diagnostic {
        let code = self.code();
        match self {
            LayerError::UnknownPackage {
                span,
                name,
                named_in,
            } => {
                let d = Diagnostic::new(code, span, format!("unknown package `{name}`"));
                match named_in {
                    PackageRef::Extends => d.with_help(
                        "a package is the set of files that start with `package NAME`; check the paths given to the compiler",
                    ),
                    PackageRef::Use => d,
                }
            }
            LayerError::ExtendsCycle { span } => {
                Diagnostic::new(code, span, "packages extend each other in a cycle")
            }
            LayerError::PackageNotFirst { span } => Diagnostic::new(
                code,
                span,
                "`package` must be the first declaration of the file",
            )
            .with_help(
                "move this line to the top, so a reader knows from the start which package the file belongs to",
            ),
            LayerError::NoPackageLine { span } => Diagnostic::new(
                code,
                span,
                "this file does not say which package it belongs to",
            )
            .with_help("start the file with `package NAME`"),
            LayerError::TwoPackageLines { span, first } => {
                Diagnostic::new(code, span, "a file belongs to one package")
                    .with_label(first, "declared here")
            }
            LayerError::ExtendsTwice {
                span,
                package,
                base,
                first,
            } => Diagnostic::new(
                code,
                span,
                format!("package `{package}` already extends `{base}`"),
            )
            .with_label(first, "declared here"),
            LayerError::SilentReplacement {
                span,
                what,
                name,
                base,
            } => Diagnostic::new(
                code,
                span,
                format!("{what} `{name}` replaces the one of package `{base}` without saying so"),
            )
            .with_help(format!(
                "write `override {what} {name}` if it is meant to replace it, or give it another name"
            )),
            LayerError::OverrideOfNothing { span, what, name } => Diagnostic::new(
                code,
                span,
                format!("`override`, but no package this one extends has a {what} `{name}`"),
            )
            .with_help("drop `override`, or check the name and the `extends` of the package"),
            LayerError::UsesKindItDecides {
                span,
                package,
                kind,
                used,
            } => Diagnostic::new(
                code,
                span,
                format!(
                    "`{package}` has rules of its own for `{kind}` requests and also uses `{used}` for them"
                ),
            )
            .with_help(
                "decide a kind of request in one place: remove its rules here, or the `use`",
            ),
            LayerError::NothingToUse { span, used, kind } => Diagnostic::new(
                code,
                span,
                format!("`{used}` has no rules for `{kind}` requests to use"),
            )
            .with_help("name a request kind that package decides"),
            LayerError::RankConflict {
                lower,
                higher,
                verb,
                overlap,
                differs,
            } => {
                let verb = match verb {
                    Verb::Replaces => "replaces",
                    Verb::Overrides => "overrides",
                };
                let differs = match differs {
                    Difference::Effect {
                        lower: a,
                        higher: b,
                    } => format!(
                        "it decides `{}` where `{}` decides `{}`",
                        a.as_str(),
                        higher.name,
                        b.as_str()
                    ),
                    Difference::LeavesOut { part, code } => format!(
                        "it leaves out the {part} `{code}` that `{}` sets",
                        higher.name
                    ),
                };
                Diagnostic::new(
                    code,
                    lower.head,
                    format!(
                        "`{}` ({}) {verb} `{}` ({}) while both are in force ({}): {differs}",
                        lower.name,
                        lower.source.as_deref().unwrap_or("?"),
                        higher.name,
                        higher.source.as_deref().unwrap_or("?"),
                        overlap.label()
                    ),
                )
                .with_label(higher.head, "the higher-rank rule")
                .with_help("上位法优先: decide as the higher-rank rule does, keep its duties, ground this rule in a period or scope where that rule does not apply, or say `consistent with REG §N \"why\"` if it only adds a stricter requirement that does not contradict it")
            }
        }
    }
}
