//! Something defined in terms of itself: exceptions that override each other in a cycle, values
//! that depend on themselves.

use super::quoted;
use datalex_lang::{Code, Diagnostic, Span};

/// A cycle among overrides or values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CycleError {
    /// E0105: an exception over itself.
    OverridesItself {
        /// The name after `over`.
        span: Span,
        /// As written.
        name: String,
    },
    /// E0105: exceptions of a request kind that override each other in a cycle.
    Rules {
        /// The `over` that closes the cycle at its first exception.
        span: Span,
        /// The exceptions, in the order of the cycle.
        names: Vec<String>,
        /// The `over` names of the others in the cycle.
        others: Vec<Span>,
    },
    /// E0105: exceptions of a value that override each other in a cycle.
    ValueExceptions {
        /// The first `over` of the cycle.
        span: Span,
        /// The value.
        value: String,
        /// The exceptions, in the order of the cycle.
        names: Vec<String>,
    },
    /// E0114: a value that depends on itself.
    ValueDependsOnItself {
        /// The use that closes the cycle.
        span: Span,
        /// The value.
        name: String,
        /// Its definition.
        defined: Span,
    },
}

impl CycleError {
    /// Its code.
    pub fn code(&self) -> Code {
        match self {
            CycleError::ValueDependsOnItself { .. } => Code::E0114,
            _ => Code::E0105,
        }
    }

    /// The diagnostic: message, labels and help.
    pub fn diagnostic(self) -> Diagnostic {
        let code = self.code();
        match self {
            CycleError::OverridesItself { span, name } => {
                Diagnostic::new(code, span, format!("`{name}` overrides itself"))
            }
            CycleError::Rules {
                span,
                names,
                others,
            } => {
                let d = Diagnostic::new(
                    code,
                    span,
                    format!(
                        "exceptions override each other in a cycle: {}",
                        quoted(&names, " → ")
                    ),
                )
                .with_help(
                    "the override relation must be acyclic: decide which exception is the more specific one",
                );
                others
                    .into_iter()
                    .fold(d, |d, s| d.with_label(s, "part of the cycle"))
            }
            CycleError::ValueExceptions { span, value, names } => Diagnostic::new(
                code,
                span,
                format!(
                    "exceptions of `{value}` override each other in a cycle: {}",
                    quoted(&names, " → ")
                ),
            ),
            CycleError::ValueDependsOnItself {
                span,
                name,
                defined,
            } => Diagnostic::new(code, span, format!("value `{name}` depends on itself"))
                .with_label(defined, "defined here")
                .with_help("values cannot be recursive: every evaluation must terminate"),
        }
    }
}
