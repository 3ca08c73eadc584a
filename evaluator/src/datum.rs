//! Owned values: what an expression evaluated to, detached from the facts and the request it
//! borrowed from. The decision path never builds these; interop does (the Cedar export turns
//! facts into entities and precomputes what Cedar cannot compute).

use datalex_lang::date::Date;

/// An owned value.
#[derive(Debug, Clone, PartialEq)]
pub enum Datum {
    /// Absent in the facts or the request, or an unknown id.
    Missing,
    /// Truth value.
    Bool(bool),
    /// Whole number.
    Int(i64),
    /// Text.
    Text(String),
    /// Date.
    Date(Date),
    /// Duration.
    Duration {
        /// How many days.
        count: i64,
        /// Working days (else calendar days).
        working: bool,
    },
    /// An enum member, by name.
    Enum(String),
    /// A record: the prelude's record name and every field it declares, in declaration order.
    Record {
        /// Record name, e.g. `Dataset`.
        record: String,
        /// Fields (missing ones as [`Datum::Missing`]).
        fields: Vec<(String, Datum)>,
    },
    /// A list.
    List(Vec<Datum>),
}

impl Datum {
    /// The field `name` of a record (Missing for anything else).
    pub fn field(&self, name: &str) -> &Datum {
        match self {
            Datum::Record { fields, .. } => fields
                .iter()
                .find(|(n, _)| n == name)
                .map_or(&Datum::Missing, |(_, d)| d),
            _ => &Datum::Missing,
        }
    }
}
