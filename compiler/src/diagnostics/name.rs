//! Names that resolve to nothing, or to something that cannot stand there: values, fields,
//! enum members, request kinds, types, the targets of `over`, interpretations.

use datalex_lang::{Arg, Code, Diagnostic, Join, Message, Span};

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

    /// The diagnostic: message, labels and help, as catalog messages.
    pub fn diagnostic(self) -> Diagnostic {
        let code = self.code();
        match self {
            NameError::UnknownName { span, name } => Diagnostic::new(
                code,
                span,
                Message::new("E0101-unknown-name").arg("name", name),
            )
            .with_help(Message::help("E0101-unknown-name")),
            NameError::UnknownFact { span } => {
                Diagnostic::new(code, span, Message::new("E0101-unknown-fact"))
            }
            NameError::UnknownValue { span, name } => Diagnostic::new(
                code,
                span,
                Message::new("E0101-unknown-value").arg("name", name),
            )
            .with_help(Message::help("E0101-unknown-value")),
            NameError::NoMember {
                span,
                enum_name,
                member,
            } => Diagnostic::new(
                code,
                span,
                Message::new("E0102-no-member")
                    .arg("enum", enum_name)
                    .arg("member", member),
            ),
            NameError::NoField {
                span,
                record,
                field,
                fields,
            } => Diagnostic::new(
                code,
                span,
                Message::new("E0102-no-field")
                    .arg("record", record)
                    .arg("field", field),
            )
            .with_help(
                Message::help("E0102-no-field").arg("fields", Arg::codes(Join::Comma, &fields)),
            ),
            NameError::NoKeyField { span, field } => Diagnostic::new(
                code,
                span,
                Message::new("E0102-no-key-field").arg("field", field),
            ),
            NameError::TieToLaterMember { span, tie, member } => Diagnostic::new(
                code,
                span,
                Message::new("E0102-tie-to-later-member")
                    .arg("tie", tie)
                    .arg("member", member),
            )
            .with_help(Message::new("E0102-tie-help")),
            NameError::TieInUnorderedEnum { span, tie } => Diagnostic::new(
                code,
                span,
                Message::new("E0102-tie-in-unordered-enum").arg("tie", tie),
            )
            .with_help(Message::new("E0102-tie-help")),
            NameError::UnknownKind { span, name, kinds } => Diagnostic::new(
                code,
                span,
                Message::new("E0108-unknown-kind").arg("name", name),
            )
            .with_help(
                Message::help("E0108-unknown-kind").arg("kinds", Arg::codes(Join::Comma, &kinds)),
            ),
            NameError::UnknownType { span, name } => Diagnostic::new(
                code,
                span,
                Message::new("E0109-unknown-type").arg("name", name),
            ),
            NameError::UnknownRecord { span, name } => Diagnostic::new(
                code,
                span,
                Message::new("E0109-unknown-record").arg("name", name),
            ),
            NameError::NotOverridable { span, name } => Diagnostic::new(
                code,
                span,
                Message::new("E0110-not-overridable").arg("name", name),
            )
            .with_help(Message::help("E0110-not-overridable")),
            NameError::NotARuleHere { span, name, kind } => Diagnostic::new(
                code,
                span,
                Message::new("E0110-not-a-rule-here")
                    .arg("name", name)
                    .arg("kind", kind),
            )
            .with_help(Message::help("E0110-not-a-rule-here")),
            NameError::NoValueException { span, value, name } => Diagnostic::new(
                code,
                span,
                Message::new("E0110-no-value-exception")
                    .arg("value", value)
                    .arg("name", name),
            ),
            NameError::UnknownInterpretation { span, name } => Diagnostic::new(
                code,
                span,
                Message::new("E0128-unknown-interpretation").arg("name", name),
            )
            .with_help(Message::help("E0128-unknown-interpretation")),
            NameError::ReadsAnInterpretation { span, name } => Diagnostic::new(
                code,
                span,
                Message::new("E0128-reads-an-interpretation").arg("name", name),
            )
            .with_help(Message::help("E0128-reads-an-interpretation")),
        }
    }
}
