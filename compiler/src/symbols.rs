//! The names the compiler resolved: every declaration (its kind, name and spans) and every use
//! of one (its span and the declaration it refers to), collected where the compiler resolves
//! them. Tools (the language server) answer definition, references, rename and highlights from
//! it instead of resolving names a second time.
//!
//! The table is filled also when the compile has errors: it holds what was resolved. A name
//! resolved more than once (a rule lowered for each of its request kinds) is recorded once per
//! place: uses are keyed by their span.

use crate::types::{Ty, Types};
use datalex_lang::{FileId, Span};
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;

/// A type as tools need it: named by its declaration, not by an index into a compile's
/// arenas (the table outlives them and is kept also when a compile fails).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Shape {
    /// A record, by name.
    Record(String),
    /// An enum, by name.
    Enum(String),
    /// A list.
    List(Box<Shape>),
    /// `Bool`, `Int`, `Text`, `Date` or `Duration`.
    Scalar(&'static str),
    /// Not known (the expression had an error).
    Unknown,
}

impl Shape {
    /// The shape of a compiler type.
    pub fn of(types: &Types, ty: &Ty) -> Shape {
        match ty {
            Ty::Bool => Shape::Scalar("Bool"),
            Ty::Int => Shape::Scalar("Int"),
            Ty::Text => Shape::Scalar("Text"),
            Ty::Date => Shape::Scalar("Date"),
            Ty::Duration => Shape::Scalar("Duration"),
            Ty::Enum(e) => Shape::Enum(types.enums[*e].name.clone()),
            Ty::Record(r) => Shape::Record(types.records[*r].name.clone()),
            Ty::List(t) => Shape::List(Box::new(Shape::of(types, t))),
            Ty::Error => Shape::Unknown,
        }
    }

    /// The type as written in the language (`[Dataset]`, `ShareTier`, `?` if unknown).
    pub fn show(&self) -> String {
        match self {
            Shape::Record(n) | Shape::Enum(n) => n.clone(),
            Shape::List(t) => format!("[{}]", t.show()),
            Shape::Scalar(s) => (*s).to_string(),
            Shape::Unknown => "?".to_string(),
        }
    }
}

/// The namespaces of a package's names: rules are named apart from values and params.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Namespace {
    /// Guards, rules, exceptions and checks (named after `over`).
    Rules,
    /// Values and params (named in expressions).
    Names,
}

/// What a declaration declares, and its identity: two declarations with the same key are one.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Key {
    /// A package.
    Package(String),
    /// A regulation, by id.
    Regulation(String),
    /// An article (`[article]`), paragraph (`[article, para]`) or item (`[article, para,
    /// item]`) of a regulation, by the path as the regulation is written; `[]` is the article
    /// a `§?` citation cites, not known which (never declared).
    Article {
        /// The regulation id.
        regulation: String,
        /// The path.
        path: Vec<u32>,
    },
    /// An interpretation.
    Interpretation(String),
    /// A record or enum type.
    Type(String),
    /// A field of a record.
    Field {
        /// The record.
        record: String,
        /// The field.
        name: String,
    },
    /// A member of an enum.
    Member {
        /// The enum.
        ty: String,
        /// The member.
        name: String,
    },
    /// A fact collection.
    Fact(String),
    /// A request kind.
    Kind(String),
    /// A param of a package.
    Param {
        /// The package that declares it.
        package: String,
        /// Its name.
        name: String,
    },
    /// A derived value of a package.
    Value {
        /// The package that declares it.
        package: String,
        /// Its name.
        name: String,
    },
    /// A guard, rule, exception or check of a package.
    Rule {
        /// The package that declares it.
        package: String,
        /// Its name.
        name: String,
    },
    /// An exception inside a derived value.
    ValueException {
        /// The value's name span (where the value is declared).
        value: Span,
        /// The exception's name.
        name: String,
    },
    /// A quantifier variable, by the span of its binding.
    Local(Span),
}

impl Key {
    /// The name as written (empty for an article).
    pub fn name(&self) -> &str {
        match self {
            Key::Package(n)
            | Key::Regulation(n)
            | Key::Interpretation(n)
            | Key::Type(n)
            | Key::Fact(n)
            | Key::Kind(n) => n,
            Key::Field { name, .. }
            | Key::Member { name, .. }
            | Key::Param { name, .. }
            | Key::Value { name, .. }
            | Key::Rule { name, .. }
            | Key::ValueException { name, .. } => name,
            Key::Article { .. } | Key::Local(_) => "",
        }
    }
}

/// The id of a declaration in [`Symbols`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DeclId(u32);

/// One declaration.
#[derive(Debug, Clone)]
pub struct Decl {
    /// What it declares.
    pub key: Key,
    /// The span of its name; `None` for a name used but never declared (seen as used first,
    /// or declared in no file).
    pub name: Option<Span>,
    /// The span of the whole declaration.
    pub item: Option<Span>,
    /// The declaration it replaces (`override`).
    pub replaces: Option<DeclId>,
    /// The names of its other declarations: a package's in each of its files, a name
    /// declared twice (an error), a quantifier variable bound once per request kind.
    pub again: Vec<Span>,
    /// Its type, as the compiler resolved or inferred it: of a field, fact, param, value or
    /// quantifier variable; of a kind, its request record.
    pub ty: Option<Shape>,
    /// Its documentation string, if it has one (a field's or an enum member's).
    pub doc: Option<String>,
}

/// Every declaration and every resolved use of a compile.
///
/// The names (uses and declarations' names) are kept sorted by file and place, so that the
/// name at an offset is found by binary search ([`Symbols::at`]).
#[derive(Debug, Clone, Default)]
pub struct Symbols {
    decls: Vec<Decl>,
    by_key: FxHashMap<Key, DeclId>,
    /// Uses by span (file, then start, then end).
    uses: BTreeMap<Span, DeclId>,
    /// The declarations' names (first and again), by span.
    names: BTreeMap<Span, DeclId>,
    /// The length of the longest span in `uses` or `names`: how far before an offset a name
    /// containing it can start.
    longest: u32,
    /// What each package sees, by namespace and name, once its layers are applied: its own
    /// rules, values and params and those of the packages it extends that it does not
    /// replace (the declarations the compiler resolves a name to in that package).
    scopes: FxHashMap<String, BTreeMap<(Namespace, String), DeclId>>,
    /// The regulation a bare `§` cites in each package (the one regulation it declares).
    own_regulation: FxHashMap<String, String>,
    /// Each package and the package it extends (`None`: only the prelude).
    packages: BTreeMap<String, Option<String>>,
}

impl Symbols {
    /// The id of `key`, added (undeclared) if new.
    fn id(&mut self, key: Key) -> DeclId {
        if let Some(id) = self.by_key.get(&key) {
            return *id;
        }
        let id = DeclId(u32::try_from(self.decls.len()).unwrap_or(u32::MAX));
        self.decls.push(Decl {
            key: key.clone(),
            name: None,
            item: None,
            replaces: None,
            again: Vec::new(),
            ty: None,
            doc: None,
        });
        self.by_key.insert(key, id);
        id
    }

    /// Records a declaration of `key`: its name at `name`, the whole at `item`. The first
    /// declaration of a key is its [`Decl::name`]; the names of later ones are in
    /// [`Decl::again`].
    pub fn declare(&mut self, key: Key, name: Span, item: Span) -> DeclId {
        let id = self.id(key);
        self.index_name(name, id);
        if let Some(d) = self.decl_mut(id) {
            match d.name {
                None => {
                    d.name = Some(name);
                    d.item = Some(item);
                }
                Some(first) if first != name && !d.again.contains(&name) => d.again.push(name),
                Some(_) => {}
            }
        }
        id
    }

    /// Records that the name at `span` refers to `key` (an empty span, of a name the compiler
    /// looks up itself rather than one written, is not a use).
    pub fn record_use(&mut self, span: Span, key: Key) {
        if span.start == span.end {
            return;
        }
        let id = self.id(key);
        self.longest = self.longest.max(span.end.saturating_sub(span.start));
        self.uses.insert(span, id);
    }

    /// Keeps a declaration's name in the index of names (the first declaration of a span
    /// keeps it).
    fn index_name(&mut self, name: Span, id: DeclId) {
        self.longest = self.longest.max(name.end.saturating_sub(name.start));
        self.names.entry(name).or_insert(id);
    }

    /// Records that the declaration of `key` replaces that of `base` (`override`): its name is
    /// also a use of `base`.
    pub fn record_replaces(&mut self, key: Key, base: Key) {
        let id = self.id(key);
        let base = self.id(base);
        if id == base {
            return;
        }
        if let Some(d) = self.decl_mut(id) {
            d.replaces = Some(base);
        }
    }

    /// Records the type of the declaration of `key` (the first type recorded stays: a value
    /// lowered once per request kind has one type).
    pub fn record_type(&mut self, key: Key, ty: Shape) {
        let id = self.id(key);
        if let Some(d) = self.decl_mut(id) {
            d.ty.get_or_insert(ty);
        }
    }

    /// Records the documentation string of the declaration of `key`.
    pub fn record_doc(&mut self, key: Key, doc: &str) {
        let id = self.id(key);
        if let Some(d) = self.decl_mut(id) {
            d.doc.get_or_insert_with(|| doc.to_string());
        }
    }

    /// Records that, in `package`, `name` of namespace `ns` resolves to the declaration of
    /// `key`.
    pub fn record_visible(&mut self, package: &str, ns: Namespace, name: &str, key: Key) {
        let id = self.id(key);
        self.scopes
            .entry(package.to_string())
            .or_default()
            .insert((ns, name.to_string()), id);
    }

    /// Records a package and the package it extends.
    pub fn record_package(&mut self, package: &str, extends: Option<&str>) {
        self.packages
            .insert(package.to_string(), extends.map(str::to_string));
    }

    /// Records the regulation a bare `§` cites in `package`.
    pub fn record_own_regulation(&mut self, package: &str, regulation: &str) {
        self.own_regulation
            .insert(package.to_string(), regulation.to_string());
    }

    /// The declaration `name` of namespace `ns` resolves to in `package`.
    pub fn visible(&self, package: &str, ns: Namespace, name: &str) -> Option<DeclId> {
        self.scopes
            .get(package)?
            .get(&(ns, name.to_string()))
            .copied()
    }

    /// Every name of namespace `ns` that `package` sees, with its declaration, by name.
    pub fn in_scope(&self, package: &str, ns: Namespace) -> Vec<(&str, DeclId)> {
        self.scopes
            .get(package)
            .map(|m| {
                m.iter()
                    .filter(|((n, _), _)| *n == ns)
                    .map(|((_, name), id)| (name.as_str(), *id))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The regulation a bare `§` cites in `package`.
    pub fn own_regulation(&self, package: &str) -> Option<&str> {
        self.own_regulation.get(package).map(String::as_str)
    }

    /// Every package, with the package it extends.
    pub fn packages(&self) -> impl Iterator<Item = (&str, Option<&str>)> {
        self.packages
            .iter()
            .map(|(p, e)| (p.as_str(), e.as_deref()))
    }

    fn decl_mut(&mut self, id: DeclId) -> Option<&mut Decl> {
        self.decls.get_mut(id.0 as usize)
    }

    /// A declaration.
    pub fn decl(&self, id: DeclId) -> Option<&Decl> {
        self.decls.get(id.0 as usize)
    }

    /// The declaration of `key`, if known.
    pub fn find(&self, key: &Key) -> Option<DeclId> {
        self.by_key.get(key).copied()
    }

    /// Every declaration with its id.
    pub fn decls(&self) -> impl Iterator<Item = (DeclId, &Decl)> {
        self.decls
            .iter()
            .enumerate()
            .map(|(i, d)| (DeclId(u32::try_from(i).unwrap_or(u32::MAX)), d))
    }

    /// Every use: its span and what it refers to.
    pub fn uses(&self) -> impl Iterator<Item = (Span, DeclId)> + '_ {
        self.uses.iter().map(|(s, d)| (*s, *d))
    }

    /// The uses inside `span` (of its file), in source order.
    pub fn uses_within(&self, span: Span) -> impl Iterator<Item = (Span, DeclId)> + '_ {
        let from = Span {
            file: span.file,
            start: span.start,
            end: 0,
        };
        let to = Span {
            file: span.file,
            start: span.end,
            end: u32::MAX,
        };
        self.uses
            .range(from..=to)
            .filter(move |(s, _)| s.end <= span.end)
            .map(|(s, d)| (*s, *d))
    }

    /// The innermost name at byte `offset` of `file` (the end included: a cursor just after a
    /// name is on it), a use or a declaration's name, with the declaration it stands for.
    pub fn at(&self, file: FileId, offset: u32) -> Option<(Span, DeclId)> {
        // The names of `file` that start at most `longest` bytes before `offset` and not
        // after it: the only ones that can contain it.
        let from = Span {
            file,
            start: offset.saturating_sub(self.longest),
            end: 0,
        };
        let to = Span {
            file,
            start: offset,
            end: u32::MAX,
        };
        let on = |(s, _): &(&Span, &DeclId)| offset <= s.end;
        let uses = self.uses.range(from..=to).filter(on);
        let names = self.names.range(from..=to).filter(on);
        uses.chain(names)
            .map(|(s, d)| (*s, *d))
            .min_by_key(|(s, _)| (s.end.saturating_sub(s.start), s.start))
    }

    /// The first declaration of `id`'s `override` family: following what it replaces down to
    /// the declaration that replaces nothing.
    pub fn root(&self, id: DeclId) -> DeclId {
        let mut at = id;
        for _ in 0..64 {
            match self.decl(at).and_then(|d| d.replaces) {
                Some(next) if next != at => at = next,
                _ => break,
            }
        }
        at
    }

    /// Every declaration of the `override` family of `id` (the declarations that replace it,
    /// directly or not, those it replaces, and itself).
    pub fn family(&self, id: DeclId) -> Vec<DeclId> {
        let root = self.root(id);
        self.decls()
            .map(|(i, _)| i)
            .filter(|i| self.root(*i) == root)
            .collect()
    }

    /// The spans of every use of `id`, in file and source order.
    pub fn uses_of(&self, id: DeclId) -> Vec<Span> {
        let mut out: Vec<Span> = self
            .uses()
            .filter(|(_, d)| *d == id)
            .map(|(s, _)| s)
            .collect();
        out.sort();
        out
    }
}
