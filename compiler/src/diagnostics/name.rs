//! Names that resolve to nothing, or to something that cannot stand there: values, fields,
//! enum members, request kinds, types, the targets of `over`, interpretations.

use super::quoted;
use datalex_lang::{Code, Diagnostic, Span};

/// The help of an enum member tied to a member that cannot give it its rank.
const TIE_HELP: &str =
    "write `member = earlier_member` to give a member the rank of one declared before it";

/// A name that does not resolve, or resolves to the wrong kind of thing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameError {
    /// E0101: a name that is no value, param, fact, variable or enum member.
    UnknownName {
        /// The name.
        span: Span,
        /// As written.
        name: String,
    },
    /// E0101: a lookup in a fact that does not exist.
    UnknownFact {
        /// The fact.
        span: Span,
    },
    /// E0101: `as VALUE` naming no value.
    UnknownValue {
        /// The name.
        span: Span,
        /// As written.
        name: String,
    },
    /// E0102: `Enum.member` with no such member.
    NoMember {
        /// The member.
        span: Span,
        /// The enum.
        enum_name: String,
        /// The member as written.
        member: String,
    },
    /// E0102: a field that the record does not have.
    NoField {
        /// The field.
        span: Span,
        /// The record.
        record: String,
        /// The field as written.
        field: String,
        /// The record's fields.
        fields: Vec<String>,
    },
    /// E0102: a fact keyed by a field its records do not have.
    NoKeyField {
        /// The key.
        span: Span,
        /// The key as written.
        field: String,
    },
    /// E0102: `member = other` where `other` is not a member declared before.
    TieToLaterMember {
        /// The tie.
        span: Span,
        /// The member named.
        tie: String,
        /// The member that names it.
        member: String,
    },
    /// E0102: `member = other` in an enum that is not `ordered`.
    TieInUnorderedEnum {
        /// The tie.
        span: Span,
        /// The member named.
        tie: String,
    },
    /// E0108: an unknown request kind.
    UnknownKind {
        /// The kind.
        span: Span,
        /// As written.
        name: String,
        /// The kinds there are, sorted.
        kinds: Vec<String>,
    },
    /// E0109: an unknown type.
    UnknownType {
        /// The type.
        span: Span,
        /// As written.
        name: String,
    },
    /// E0109: a request kind whose record is unknown.
    UnknownRecord {
        /// The record.
        span: Span,
        /// As written.
        name: String,
    },
    /// E0110: `over` a guard or check.
    NotOverridable {
        /// The name after `over`.
        span: Span,
        /// As written.
        name: String,
    },
    /// E0110: `over` a name that is no rule of this request kind.
    NotARuleHere {
        /// The name after `over`.
        span: Span,
        /// As written.
        name: String,
        /// The request kind.
        kind: String,
    },
    /// E0110: `over` in a value naming none of its exceptions.
    NoValueException {
        /// The name after `over`.
        span: Span,
        /// The value.
        value: String,
        /// As written.
        name: String,
    },
    /// E0128: `reading NAME` naming no interpretation.
    UnknownInterpretation {
        /// The name.
        span: Span,
        /// As written.
        name: String,
    },
    /// E0128: an interpretation of an interpretation.
    ReadsAnInterpretation {
        /// The interpretation.
        span: Span,
        /// Its name.
        name: String,
    },
}

impl NameError {
    /// Its code.
    pub fn code(&self) -> Code {
        match self {
            NameError::UnknownName { .. }
            | NameError::UnknownFact { .. }
            | NameError::UnknownValue { .. } => Code::E0101,
            NameError::NoMember { .. }
            | NameError::NoField { .. }
            | NameError::NoKeyField { .. }
            | NameError::TieToLaterMember { .. }
            | NameError::TieInUnorderedEnum { .. } => Code::E0102,
            NameError::UnknownKind { .. } => Code::E0108,
            NameError::UnknownType { .. } | NameError::UnknownRecord { .. } => Code::E0109,
            NameError::NotOverridable { .. }
            | NameError::NotARuleHere { .. }
            | NameError::NoValueException { .. } => Code::E0110,
            NameError::UnknownInterpretation { .. } | NameError::ReadsAnInterpretation { .. } => {
                Code::E0128
            }
        }
    }

    /// The diagnostic: message, labels and help.
    pub fn diagnostic(self) -> Diagnostic {
        let code = self.code();
        match self {
            NameError::UnknownName { span, name } => {
                Diagnostic::new(code, span, format!("unknown name `{name}`")).with_help(
                    "a name must be a value, param, fact, `request`, a quantifier variable in scope, or an enum member",
                )
            }
            NameError::UnknownFact { span } => Diagnostic::new(code, span, "unknown fact"),
            NameError::UnknownValue { span, name } => {
                Diagnostic::new(code, span, format!("unknown value `{name}`"))
                    .with_help("`as VALUE` names a derived value that gives the party's institution")
            }
            NameError::NoMember {
                span,
                enum_name,
                member,
            } => Diagnostic::new(code, span, format!("`{enum_name}` has no member `{member}`")),
            NameError::NoField {
                span,
                record,
                field,
                fields,
            } => Diagnostic::new(code, span, format!("`{record}` has no field `{field}`"))
                .with_help(format!("its fields are {}", quoted(&fields, ", "))),
            NameError::NoKeyField { span, field } => {
                Diagnostic::new(code, span, format!("the record has no field `{field}`"))
            }
            NameError::TieToLaterMember { span, tie, member } => Diagnostic::new(
                code,
                span,
                format!("`{tie}` is not a member declared before `{member}`"),
            )
            .with_help(TIE_HELP),
            NameError::TieInUnorderedEnum { span, tie } => Diagnostic::new(
                code,
                span,
                format!("`= {tie}`: only members of an `ordered` enum share a rank"),
            )
            .with_help(TIE_HELP),
            NameError::UnknownKind { span, name, kinds } => {
                Diagnostic::new(code, span, format!("unknown request kind `{name}`"))
                    .with_help(format!("the kinds are {}", quoted(&kinds, ", ")))
            }
            NameError::UnknownType { span, name } => {
                Diagnostic::new(code, span, format!("unknown type `{name}`"))
            }
            NameError::UnknownRecord { span, name } => {
                Diagnostic::new(code, span, format!("unknown record `{name}`"))
            }
            NameError::NotOverridable { span, name } => Diagnostic::new(
                code,
                span,
                format!("`{name}` is not a rule or exception, so nothing can be an exception to it"),
            )
            .with_help(
                "guards decide first and checks never decide; exceptions override rules and other exceptions",
            ),
            NameError::NotARuleHere { span, name, kind } => Diagnostic::new(
                code,
                span,
                format!("`{name}` is not a rule of `{kind}` requests here"),
            )
            .with_help(
                "an exception names a rule or another exception of the same request kind, in its package or one it extends",
            ),
            NameError::NoValueException { span, value, name } => Diagnostic::new(
                code,
                span,
                format!("value `{value}` has no exception `{name}`"),
            ),
            NameError::UnknownInterpretation { span, name } => {
                Diagnostic::new(code, span, format!("unknown interpretation `{name}`")).with_help(
                    "declare it with `interpretation NAME of §… { says \"…\" means \"…\" adopted by \"…\" on DATE }`",
                )
            }
            NameError::ReadsAnInterpretation { span, name } => Diagnostic::new(
                code,
                span,
                format!("interpretation `{name}` reads another interpretation"),
            )
            .with_help("an interpretation reads provisions: `of §N.P.I`"),
        }
    }
}
