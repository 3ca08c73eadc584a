//! The types of the language: built-in scalars, lists, and the enums and records that the
//! prelude declares.

//!
//! INVARIANT: every [`EnumId`], [`RecordId`] and [`FieldId`] of a compiled program (in a [`Ty`],
//! a field, a fact, a kind or an expression) was allocated in the program's [`Types`].

use crate::ir::{Arena, Idx};
use datalex_lang::Span;
use std::fmt;

/// An enum: its index in [`Types::enums`].
pub type EnumId = Idx<EnumDef>;
/// A record: its index in [`Types::records`].
pub type RecordId = Idx<RecordDef>;
/// A field: its index in [`Types::fields`].
pub type FieldId = Idx<FieldDef>;

/// A type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ty {
    /// Truth value.
    Bool,
    /// Whole number.
    Int,
    /// Text.
    Text,
    /// Calendar date.
    Date,
    /// Calendar or working days.
    Duration,
    /// An enum.
    Enum(EnumId),
    /// A record.
    Record(RecordId),
    /// A list.
    List(Box<Ty>),
    /// The type of an expression that already had an error (accepts anything).
    Error,
}

/// An enum.
#[derive(Debug, Clone)]
pub struct EnumDef {
    /// Name.
    pub name: String,
    /// Members compare by rank.
    pub ordered: bool,
    /// Members (lowest first when ordered) with their documentation.
    pub members: Vec<(String, Option<String>)>,
    /// The level of each member, by index: members of the same rank (`departmental_rule =
    /// rule`) share one. Ordered comparisons compare levels; `==` compares members.
    pub levels: Vec<usize>,
    /// Documentation.
    pub doc: Option<String>,
    /// Where declared.
    pub span: Span,
}

impl EnumDef {
    /// The index of a member.
    pub fn position(&self, member: &str) -> Option<usize> {
        self.members.iter().position(|(m, _)| m == member)
    }

    /// The level of a member: what `<`, `>=`, … compare.
    pub fn level(&self, member: &str) -> Option<usize> {
        self.levels.get(self.position(member)?).copied()
    }

    /// How `a` compares to `b` under `op`: by member for `==` and `!=`, by level otherwise.
    pub fn compare(&self, op: crate::ir::CmpOp, a: &str, b: &str) -> Option<std::cmp::Ordering> {
        use crate::ir::CmpOp;
        if matches!(op, CmpOp::Eq | CmpOp::Ne) {
            Some(self.position(a)?.cmp(&self.position(b)?))
        } else {
            Some(self.level(a)?.cmp(&self.level(b)?))
        }
    }
}

/// A record.
#[derive(Debug, Clone)]
pub struct RecordDef {
    /// Name.
    pub name: String,
    /// Its fields (indices into [`Types::fields`]).
    pub fields: Vec<FieldId>,
    /// Documentation.
    pub doc: Option<String>,
    /// Where declared.
    pub span: Span,
}

/// A field of a record.
#[derive(Debug, Clone)]
pub struct FieldDef {
    /// The record it belongs to.
    pub record: RecordId,
    /// Name.
    pub name: String,
    /// Type.
    pub ty: Ty,
    /// Documentation.
    pub doc: Option<String>,
}

/// Every enum and record.
#[derive(Debug, Clone, Default)]
pub struct Types {
    /// Enums.
    pub enums: Arena<EnumDef>,
    /// Records.
    pub records: Arena<RecordDef>,
    /// Fields of all records.
    pub fields: Arena<FieldDef>,
}

impl Types {
    /// The enum named `name`.
    pub fn enum_named(&self, name: &str) -> Option<EnumId> {
        self.enums
            .iter()
            .find(|(_, e)| e.name == name)
            .map(|(id, _)| id)
    }

    /// The record named `name`.
    pub fn record_named(&self, name: &str) -> Option<RecordId> {
        self.records
            .iter()
            .find(|(_, r)| r.name == name)
            .map(|(id, _)| id)
    }

    /// The field `name` of `record`.
    pub fn field(&self, record: RecordId, name: &str) -> Option<FieldId> {
        self.records[record]
            .fields
            .iter()
            .copied()
            .find(|&f| self.fields[f].name == name)
    }

    /// The names of `record`'s fields, in declaration order (for the help of E0102).
    pub fn field_names(&self, record: RecordId) -> Vec<String> {
        self.records[record]
            .fields
            .iter()
            .map(|f| self.fields[*f].name.clone())
            .collect()
    }

    /// The enums that have a member called `name`.
    pub fn enums_with_member(&self, name: &str) -> Vec<EnumId> {
        self.enums
            .iter()
            .filter(|(_, e)| e.position(name).is_some())
            .map(|(id, _)| id)
            .collect()
    }

    /// A type as people read it.
    pub fn show(&self, ty: &Ty) -> String {
        ShowTy(self, ty).to_string()
    }
}

struct ShowTy<'a>(&'a Types, &'a Ty);

impl fmt::Display for ShowTy<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.1 {
            Ty::Bool => f.write_str("Bool"),
            Ty::Int => f.write_str("Int"),
            Ty::Text => f.write_str("Text"),
            Ty::Date => f.write_str("Date"),
            Ty::Duration => f.write_str("Duration"),
            Ty::Enum(e) => f.write_str(&self.0.enums[*e].name),
            Ty::Record(r) => f.write_str(&self.0.records[*r].name),
            Ty::List(t) => write!(f, "[{}]", ShowTy(self.0, t)),
            Ty::Error => f.write_str("?"),
        }
    }
}
