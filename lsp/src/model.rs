//! The compiler's model of a project, as hover and completion ask it: which names a package
//! sees, their types, the fields of a record and the members of an enum, and the syntax tree
//! of a declaration — every answer read from what the compiler resolved
//! ([`datalex_compiler::Symbols`]), none worked out again here.
//!
//! The one thing the server still reads itself is the text being typed: an item that does not
//! parse yet has no tree, so completion reads the path before the cursor from tokens
//! (`completion/context.rs`) and asks this module for its type.

use crate::symbols::Analysis;
use crate::workspace::{DocId, Workspace};
use datalex_compiler::symbols::{Decl, DeclId, Key, Namespace, Shape, Symbols};
use datalex_lang::ast::Item;
use datalex_lang::Span;

/// A type as the server shows it: a compiler type, except that `request` in an item for
/// several request kinds is one of several records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ty {
    /// One of these records.
    Records(Vec<String>),
    /// An enum.
    Enum(String),
    /// A list.
    List(Box<Ty>),
    /// `Bool`, `Int`, `Text`, `Date` or `Duration`.
    Scalar(&'static str),
    /// Not known.
    Unknown,
}

impl Ty {
    /// The type of a compiler shape.
    pub fn of(shape: &Shape) -> Ty {
        match shape {
            Shape::Record(r) => Ty::Records(vec![r.clone()]),
            Shape::Enum(e) => Ty::Enum(e.clone()),
            Shape::List(t) => Ty::List(Box::new(Ty::of(t))),
            Shape::Scalar(s) => Ty::Scalar(s),
            Shape::Unknown => Ty::Unknown,
        }
    }

    /// The type as written in the language.
    pub fn show(&self) -> String {
        match self {
            Ty::Records(rs) => rs.join(" | "),
            Ty::Enum(e) => e.clone(),
            Ty::List(t) => format!("[{}]", t.show()),
            Ty::Scalar(s) => (*s).to_string(),
            Ty::Unknown => "?".into(),
        }
    }
}

/// A path typed before the cursor: `a`, `a.b`, `a[…]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Path {
    /// A name, looked up in the package.
    Name(String),
    /// A field of a path.
    Field(Box<Path>, String),
    /// An element of a path's list (a quantifier variable, `catalog[id]`).
    Elem(Box<Path>),
}

/// Where a name is looked up: the compile of a document, its package, and the request kinds
/// of the item it is in (`request` is their request record).
#[derive(Debug, Clone)]
pub struct Scope<'a> {
    /// The workspace.
    pub ws: &'a Workspace,
    /// The compile the document is in.
    pub analysis: &'a Analysis,
    /// The document's package (`std` for the prelude).
    pub package: String,
    /// The request kinds of the item.
    pub kinds: Vec<String>,
}

impl<'a> Scope<'a> {
    /// The scope of document `doc` in an item for `kinds`.
    pub fn new(ws: &'a Workspace, doc: DocId, kinds: Vec<String>) -> Scope<'a> {
        let package = ws
            .doc(doc)
            .and_then(|d| d.package())
            .unwrap_or(datalex_compiler::STD)
            .to_string();
        Scope {
            ws,
            analysis: ws.analysis_for(doc),
            package,
            kinds,
        }
    }

    /// The compiler's names.
    pub fn symbols(&self) -> &'a Symbols {
        &self.analysis.symbols
    }

    /// The declaration of `key`, if it is declared.
    pub fn decl(&self, key: &Key) -> Option<&'a Decl> {
        let s = self.symbols();
        s.find(key)
            .and_then(|id| s.decl(id))
            .filter(|d| d.name.is_some())
    }

    /// The declared names whose key `pick` accepts, in declaration order.
    fn declared<T>(&self, pick: impl Fn(&'a Key) -> Option<T>) -> Vec<(T, &'a Decl)> {
        self.symbols()
            .decls()
            .filter(|(_, d)| d.name.is_some())
            .filter_map(|(_, d)| pick(&d.key).map(|t| (t, d)))
            .collect()
    }

    /// The fields of a record, in declaration order.
    pub fn fields(&self, record: &str) -> Vec<(&'a str, &'a Decl)> {
        self.declared(|k| match k {
            Key::Field { record: r, name } if r == record => Some(name.as_str()),
            _ => None,
        })
    }

    /// The members of an enum, in declaration order.
    pub fn members(&self, ty: &str) -> Vec<(&'a str, &'a Decl)> {
        self.declared(|k| match k {
            Key::Member { ty: t, name } if t == ty => Some(name.as_str()),
            _ => None,
        })
    }

    /// Every enum member by name, with the enums that have it.
    pub fn member_owners(&self) -> Vec<(&'a str, Vec<&'a str>)> {
        let mut out: Vec<(&str, Vec<&str>)> = Vec::new();
        for ((ty, name), _) in self.declared(|k| match k {
            Key::Member { ty, name } => Some((ty.as_str(), name.as_str())),
            _ => None,
        }) {
            match out.iter_mut().find(|(n, _)| *n == name) {
                Some((_, owners)) => owners.push(ty),
                None => out.push((name, vec![ty])),
            }
        }
        out
    }

    /// The fact collections.
    pub fn facts(&self) -> Vec<(&'a str, &'a Decl)> {
        self.declared(|k| match k {
            Key::Fact(n) => Some(n.as_str()),
            _ => None,
        })
    }

    /// The request kinds.
    pub fn kinds(&self) -> Vec<(&'a str, &'a Decl)> {
        self.declared(|k| match k {
            Key::Kind(n) => Some(n.as_str()),
            _ => None,
        })
    }

    /// The names of `ns` the package sees, with the package that declares each and its
    /// declaration, by name.
    pub fn visible(&self, ns: Namespace) -> Vec<(&'a str, &'a str, &'a Decl)> {
        let s = self.symbols();
        s.in_scope(&self.package, ns)
            .into_iter()
            .filter_map(|(name, id)| {
                let d = s.decl(id)?;
                let package = match &d.key {
                    Key::Rule { package, .. }
                    | Key::Value { package, .. }
                    | Key::Param { package, .. } => package.as_str(),
                    _ => return None,
                };
                Some((name, package, d))
            })
            .collect()
    }

    /// Whether `name` is an enum type, and nothing a name in an expression finds first.
    pub fn is_enum_type(&self, name: &str) -> bool {
        matches!(
            self.decl(&Key::Type(name.to_string()))
                .and_then(|d| d.ty.as_ref()),
            Some(Shape::Enum(_))
        ) && self
            .symbols()
            .visible(&self.package, Namespace::Names, name)
            .is_none()
    }

    /// The request records of the item's kinds.
    pub fn request(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for k in &self.kinds {
            if let Some(Shape::Record(r)) =
                self.decl(&Key::Kind(k.clone())).and_then(|d| d.ty.as_ref())
            {
                if !out.contains(r) {
                    out.push(r.clone());
                }
            }
        }
        out
    }

    /// The type of `name` in an expression of the package, looked up as the compiler looks
    /// it up: `request`, a value or param the package sees, a fact, an enum member of one
    /// enum.
    pub fn name_ty(&self, name: &str) -> Ty {
        if name == "request" {
            let rs = self.request();
            return if rs.is_empty() {
                Ty::Unknown
            } else {
                Ty::Records(rs)
            };
        }
        let s = self.symbols();
        if let Some(d) = s
            .visible(&self.package, Namespace::Names, name)
            .and_then(|id| s.decl(id))
        {
            return d.ty.as_ref().map_or(Ty::Unknown, Ty::of);
        }
        if let Some(d) = self.decl(&Key::Fact(name.to_string())) {
            return d.ty.as_ref().map_or(Ty::Unknown, Ty::of);
        }
        match self
            .member_owners()
            .into_iter()
            .find(|(n, _)| *n == name)
            .map(|(_, o)| o)
            .as_deref()
        {
            Some([one]) => Ty::Enum((*one).to_string()),
            _ => Ty::Unknown,
        }
    }

    /// The field `name` of the first of `records` that has one: the record and the field's
    /// declaration.
    pub fn field(&self, records: &[String], name: &str) -> Option<(String, &'a Decl)> {
        records.iter().find_map(|r| {
            let d = self.decl(&Key::Field {
                record: r.clone(),
                name: name.to_string(),
            })?;
            Some((r.clone(), d))
        })
    }

    /// The type of a path.
    pub fn path_ty(&self, path: &Path) -> Ty {
        match path {
            Path::Name(n) => self.name_ty(n),
            Path::Elem(p) => match self.path_ty(p) {
                Ty::List(t) => *t,
                _ => Ty::Unknown,
            },
            Path::Field(base, f) => {
                if let Path::Name(n) = base.as_ref() {
                    if self.is_enum_type(n) {
                        return Ty::Enum(n.clone());
                    }
                }
                match self.path_ty(base) {
                    Ty::Records(rs) => self
                        .field(&rs, f)
                        .and_then(|(_, d)| d.ty.as_ref())
                        .map_or(Ty::Unknown, Ty::of),
                    _ => Ty::Unknown,
                }
            }
        }
    }
}

impl Workspace {
    /// The item that holds `span` of the compile `a`: its document, its chunk's start (the
    /// item's spans are relative to it) and the item.
    pub fn item_of(&self, a: &Analysis, span: Span) -> Option<(DocId, usize, &Item)> {
        let (doc, start, _) = a.place(span)?;
        let (chunk, item) = self.doc(doc)?.item_at(start)?;
        Some((doc, chunk, item))
    }

    /// The item that declares `id` in the compile `a` (see [`Workspace::item_of`]).
    pub fn declaring_item(&self, a: &Analysis, id: DeclId) -> Option<(DocId, usize, &Item)> {
        let decl = a.symbols.decl(id)?;
        self.item_of(a, decl.item.or(decl.name)?)
    }
}
