//! What every name in a file stands for: the occurrences of packages, regulations, articles,
//! rules, values, params, facts, kinds, types, enum members, record fields and quantifier
//! variables, collected from one item's syntax tree.
//!
//! Occurrences are collected per item (see [`crate::document`]) with spans relative to the
//! item's start, so an edit re-collects only the items it touched. Names that depend on other
//! files (a value used in a rule, a rule named after `over`) are resolved later, against the
//! whole workspace, by [`crate::symbols`].

mod collect;

pub use collect::{collect, shape, type_sk, SCALARS};

/// A byte range relative to the start of an item's chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Rel {
    /// First byte.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
}

impl Rel {
    /// The relative range of a span of a chunk parsed on its own.
    pub fn of(span: datalex_lang::Span) -> Rel {
        Rel {
            start: span.start,
            end: span.end,
        }
    }

    /// Whether `offset` (relative) is inside, the end included (a cursor just after a name is
    /// still on it).
    pub fn contains(self, offset: u32) -> bool {
        self.start <= offset && offset <= self.end
    }
}

/// Whether an occurrence declares its target or refers to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The name of a declaration.
    Decl,
    /// A use.
    Ref,
}

/// What a name stands for, as far as one item can tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A package name (`package`, `extends`, `use`).
    Package(String),
    /// A regulation id (its declaration, a named citation, a `coverage` block).
    Regulation(String),
    /// An article, paragraph or item: declared (`regulation` is then the declaring one) or
    /// cited (`regulation` is `None` for a bare `§`, which cites the package's own).
    Cite {
        /// The regulation, if named.
        regulation: Option<String>,
        /// Article, paragraph, item; empty for `§?`.
        path: Vec<u32>,
    },
    /// A guard, rule, exception or check (declared, or named after `over`).
    Rule(String),
    /// A value's declaration.
    Value(String),
    /// A param's declaration.
    Param(String),
    /// An exception inside a value (declared, or named after `over` in the same value).
    ValueException {
        /// The value.
        value: String,
        /// The exception.
        name: String,
    },
    /// A name in an expression that is not a quantifier variable: a value, param, fact,
    /// `request` or enum member, resolved in the package.
    Name(String),
    /// A quantifier variable; `def` is the start of its binding.
    Local {
        /// Its name.
        name: String,
        /// Where it is bound (relative).
        def: u32,
        /// What it ranges over.
        ty: Sk,
    },
    /// A fact collection's declaration.
    Fact(String),
    /// A request kind.
    Kind(String),
    /// An enum or record type name.
    Type(String),
    /// An enum member: declared in `enum`, or written `Enum.member`.
    Member {
        /// The enum.
        ty: String,
        /// The member.
        name: String,
    },
    /// A record field: declared (`base` is the record) or accessed (`base` is the shape of
    /// the expression before the dot).
    Field {
        /// The record or the expression it is a field of.
        base: Sk,
        /// The field.
        name: String,
    },
}

/// The shape of an expression, for finding its type once the workspace is known: a field
/// access after a value from another file needs that value's declared type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sk {
    /// A name resolved in the package (a value, param, fact, `request`, enum member).
    Name(String),
    /// A named type: a record or enum (a record field's declaration, a typed value).
    Type(String),
    /// An element of a collection (a quantifier variable, `catalog[id]`).
    Elem(Box<Sk>),
    /// A field of a record.
    Field(Box<Sk>, String),
    /// A list of these.
    List(Box<Sk>),
    /// A built-in scalar type (`Bool`, `Int`, `Text`, `Date`, `Duration`).
    Scalar(&'static str),
    /// Not known.
    Unknown,
}

/// One name in an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence {
    /// Where the name is (relative to the item's chunk).
    pub span: Rel,
    /// What it stands for.
    pub target: Target,
    /// Declaration or use.
    pub role: Role,
}

impl Occurrence {
    /// The name as written.
    pub fn name(&self) -> &str {
        match &self.target {
            Target::Package(n)
            | Target::Regulation(n)
            | Target::Rule(n)
            | Target::Value(n)
            | Target::Param(n)
            | Target::Name(n)
            | Target::Fact(n)
            | Target::Kind(n)
            | Target::Type(n) => n,
            Target::ValueException { name, .. }
            | Target::Local { name, .. }
            | Target::Member { name, .. }
            | Target::Field { name, .. } => name,
            Target::Cite { .. } => "",
        }
    }
}
