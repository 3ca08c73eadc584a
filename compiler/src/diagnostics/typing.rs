//! Type errors (E0107). Types are carried as they are shown to people (`ShareTier`, `[Dataset]`):
//! the conversion has no type table to show them with.

use super::quoted;
use datalex_lang::ast::BinOp;
use datalex_lang::{Code, Diagnostic, Span};

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

    /// The diagnostic: message, labels and help.
    pub fn diagnostic(self) -> Diagnostic {
        let code = self.code();
        match self {
            TypeError::Mismatch {
                span,
                expected,
                found,
            } => Diagnostic::new(code, span, format!("expected {expected}, found {found}")),
            TypeError::AmbiguousMember { span, name, enums } => {
                let written: Vec<String> = enums.iter().map(|e| format!("{e}.{name}")).collect();
                Diagnostic::new(code, span, format!("`{name}` is a member of several enums"))
                    .with_help(format!("write {}", quoted(&written, " or ")))
            }
            TypeError::NoFields { span, ty, field } => Diagnostic::new(
                code,
                span,
                format!("a value of type {ty} has no field `{field}`"),
            ),
            TypeError::LookupOutsideFact { span } => Diagnostic::new(
                code,
                span,
                "only a fact collection keyed by a field can be looked up with `[…]`",
            )
            .with_help("for example `catalog[request.dataset]`"),
            TypeError::FactNotKeyed { span, fact } => Diagnostic::new(
                code,
                span,
                format!("`{fact}` is not keyed; it cannot be looked up with `[…]`"),
            ),
            TypeError::InNeedsList { span, found } => {
                Diagnostic::new(code, span, format!("`in` needs a list, found {found}"))
            }
            TypeError::RangeNeedsList { span, found } => Diagnostic::new(
                code,
                span,
                format!("expected a list to range over, found {found}"),
            ),
            TypeError::Arithmetic {
                span,
                op,
                left,
                right,
            } => Diagnostic::new(
                code,
                span,
                format!("cannot apply `{}` to {left} and {right}", op.as_str()),
            )
            .with_help(
                "dates move by durations (`request.at - 365 days`); whole numbers add and subtract",
            ),
            TypeError::Incomparable { span, left, right } => {
                Diagnostic::new(code, span, format!("cannot compare {left} with {right}")).with_help(
                    "both sides of a comparison have the same type; a text is not a number, a date is not a duration",
                )
            }
            TypeError::Unordered { span, ty } => {
                Diagnostic::new(code, span, format!("values of type {ty} have no order")).with_help(
                    "`<`, `<=`, `>`, `>=` compare numbers, dates, durations and members of `ordered` enums",
                )
            }
            TypeError::FactNotListOfRecords { span } => Diagnostic::new(
                code,
                span,
                "a fact is a list of records, such as `[Dataset]`",
            ),
            TypeError::NotAnInstitution { span, name, ty } => Diagnostic::new(
                code,
                span,
                format!("`{name}` is {ty}, not an institution or a list of them"),
            ),
        }
    }
}
