//! Type errors (E0107). Types are carried as they are shown to people (`ShareTier`, `[Dataset]`):
//! the conversion has no type table to show them with.

use datalex_lang::ast::BinOp;
use datalex_lang::{Arg, Code, Diagnostic, Join, Message, Span};

/// An expression or declaration of the wrong type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeError {
    /// A type where another was expected.
    Mismatch {
        /// The expression.
        span: Span,
        /// The type expected.
        expected: String,
        /// The type found.
        found: String,
    },
    /// A bare member of several enums, where no type says which.
    AmbiguousMember {
        /// The member.
        span: Span,
        /// As written.
        name: String,
        /// The enums that have it.
        enums: Vec<String>,
    },
    /// A field of something that is not a record.
    NoFields {
        /// The field.
        span: Span,
        /// The type of what it is a field of.
        ty: String,
        /// The field as written.
        field: String,
    },
    /// `[…]` on something that is not a fact.
    LookupOutsideFact {
        /// What was looked up in.
        span: Span,
    },
    /// `[…]` on a fact that is not keyed.
    FactNotKeyed {
        /// The fact.
        span: Span,
        /// Its name.
        fact: String,
    },
    /// `in` over something that is not a list.
    InNeedsList {
        /// The collection.
        span: Span,
        /// Its type.
        found: String,
    },
    /// A quantifier or `each` over something that is not a list.
    RangeNeedsList {
        /// The collection.
        span: Span,
        /// Its type.
        found: String,
    },
    /// `+` or `-` on types other than date ± duration and number ± number.
    Arithmetic {
        /// The expression.
        span: Span,
        /// `+` or `-`.
        op: BinOp,
        /// The left operand's type.
        left: String,
        /// The right operand's type.
        right: String,
    },
    /// A comparison of two different types.
    Incomparable {
        /// The comparison.
        span: Span,
        /// The left side's type.
        left: String,
        /// The right side's type.
        right: String,
    },
    /// A comparison of a count of working days with a count of calendar days.
    DayCounts {
        /// The comparison.
        span: Span,
        /// Whether the left side counts working days.
        left: bool,
        /// Whether the right side counts working days.
        right: bool,
    },
    /// `<` and the like on a type without an order.
    Unordered {
        /// The comparison.
        span: Span,
        /// The type.
        ty: String,
    },
    /// A fact whose type is not a list of records.
    FactNotListOfRecords {
        /// Its type.
        span: Span,
    },
    /// A party's value that is not an institution or a list of them.
    NotAnInstitution {
        /// The value's name.
        span: Span,
        /// The value.
        name: String,
        /// Its type.
        ty: String,
    },
}

impl TypeError {
    /// Its code.
    pub fn code(&self) -> Code {
        Code::E0107
    }

    /// The diagnostic: message, labels and help, as catalog messages.
    pub fn diagnostic(self) -> Diagnostic {
        let code = self.code();
        match self {
            TypeError::Mismatch {
                span,
                expected,
                found,
            } => Diagnostic::new(
                code,
                span,
                Message::new("E0107-mismatch")
                    .arg("expected", expected)
                    .arg("found", found),
            ),
            TypeError::AmbiguousMember { span, name, enums } => {
                let written: Vec<String> = enums.iter().map(|e| format!("{e}.{name}")).collect();
                Diagnostic::new(
                    code,
                    span,
                    Message::new("E0107-ambiguous-member").arg("name", name),
                )
                .with_help(
                    Message::help("E0107-ambiguous-member")
                        .arg("written", Arg::codes(Join::EachOr, &written)),
                )
            }
            TypeError::NoFields { span, ty, field } => Diagnostic::new(
                code,
                span,
                Message::new("E0107-no-fields")
                    .arg("type", ty)
                    .arg("field", field),
            ),
            TypeError::LookupOutsideFact { span } => {
                Diagnostic::new(code, span, Message::new("E0107-lookup-outside-fact"))
                    .with_help(Message::help("E0107-lookup-outside-fact"))
            }
            TypeError::FactNotKeyed { span, fact } => Diagnostic::new(
                code,
                span,
                Message::new("E0107-fact-not-keyed").arg("fact", fact),
            ),
            TypeError::InNeedsList { span, found } => Diagnostic::new(
                code,
                span,
                Message::new("E0107-in-needs-list").arg("found", found),
            ),
            TypeError::RangeNeedsList { span, found } => Diagnostic::new(
                code,
                span,
                Message::new("E0107-range-needs-list").arg("found", found),
            ),
            TypeError::Arithmetic {
                span,
                op,
                left,
                right,
            } => Diagnostic::new(
                code,
                span,
                Message::new("E0107-arithmetic")
                    .arg("op", op.as_str())
                    .arg("left", left)
                    .arg("right", right),
            )
            .with_help(Message::help("E0107-arithmetic")),
            TypeError::Incomparable { span, left, right } => Diagnostic::new(
                code,
                span,
                Message::new("E0107-incomparable")
                    .arg("left", left)
                    .arg("right", right),
            )
            .with_help(Message::help("E0107-incomparable")),
            TypeError::DayCounts { span, left, right } => {
                let days = |working: bool| if working { "working" } else { "calendar" };
                Diagnostic::new(
                    code,
                    span,
                    Message::new("E0107-day-counts")
                        .arg("left", days(left))
                        .arg("right", days(right)),
                )
                .with_help(Message::help("E0107-day-counts"))
            }
            TypeError::Unordered { span, ty } => {
                Diagnostic::new(code, span, Message::new("E0107-unordered").arg("type", ty))
                    .with_help(Message::help("E0107-unordered"))
            }
            TypeError::FactNotListOfRecords { span } => {
                Diagnostic::new(code, span, Message::new("E0107-fact-not-list-of-records"))
            }
            TypeError::NotAnInstitution { span, name, ty } => Diagnostic::new(
                code,
                span,
                Message::new("E0107-not-an-institution")
                    .arg("name", name)
                    .arg("type", ty),
            ),
        }
    }
}
