//! Something defined in terms of itself: exceptions that override each other in a cycle, values
//! that depend on themselves.

use datalex_lang::{Arg, Code, Diagnostic, Join, Message, Span};

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

    /// The diagnostic: message, labels and help, as catalog messages.
    pub fn diagnostic(self) -> Diagnostic {
        let code = self.code();
        match self {
            CycleError::OverridesItself { span, name } => Diagnostic::new(
                code,
                span,
                Message::new("E0105-overrides-itself").arg("name", name),
            ),
            CycleError::Rules {
                span,
                names,
                others,
            } => {
                let d = Diagnostic::new(
                    code,
                    span,
                    Message::new("E0105-rules").arg("names", Arg::codes(Join::Arrow, &names)),
                )
                .with_help(Message::help("E0105-rules"));
                others.into_iter().fold(d, |d, s| {
                    d.with_label(s, Message::attr("E0105-rules", "label"))
                })
            }
            CycleError::ValueExceptions { span, value, names } => Diagnostic::new(
                code,
                span,
                Message::new("E0105-value-exceptions")
                    .arg("value", value)
                    .arg("names", Arg::codes(Join::Arrow, &names)),
            ),
            CycleError::ValueDependsOnItself {
                span,
                name,
                defined,
            } => Diagnostic::new(
                code,
                span,
                Message::new("E0114-depends-on-itself").arg("name", name),
            )
            .with_label(defined, Message::attr("E0114-depends-on-itself", "label"))
            .with_help(Message::help("E0114-depends-on-itself")),
        }
    }
}
