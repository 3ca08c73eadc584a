//! The type of an expression's shape ([`Sk`]), once the workspace's declarations are known: for
//! hovering over a field, completing after a dot, and the members of an enum after `==`.

use super::{item, Category, Tables};
use crate::index::{shape, type_sk, Sk};
use crate::workspace::Workspace;
use datalex_lang::ast::{EnumDecl, FieldDecl, Item, RecordDecl, ValueBody};

/// A type, as far as the server needs one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ty {
    /// A record; `request` in a rule for several kinds may be any of several.
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

/// Where an expression is: its package and the request kinds of its item.
#[derive(Debug, Clone)]
pub struct Scope<'a> {
    /// The workspace.
    pub ws: &'a Workspace,
    /// Its tables.
    pub tables: &'a Tables,
    /// The package of the file.
    pub package: String,
    /// The kinds of the rule, value or test (`request` is their request record).
    pub kinds: Vec<String>,
}

impl Scope<'_> {
    /// The record declaration named `name`.
    pub fn record(&self, name: &str) -> Option<&RecordDecl> {
        match item(self.ws, *self.tables.types.get(name)?)? {
            Item::Record(r) => Some(r),
            _ => None,
        }
    }

    /// The enum declaration named `name`.
    pub fn enum_decl(&self, name: &str) -> Option<&EnumDecl> {
        match item(self.ws, *self.tables.types.get(name)?)? {
            Item::Enum(e) => Some(e),
            _ => None,
        }
    }

    /// The field `name` of the first of `records` that has one.
    pub fn field(&self, records: &[String], name: &str) -> Option<(String, &FieldDecl)> {
        records.iter().find_map(|r| {
            let f = self
                .record(r)?
                .fields
                .iter()
                .find(|f| f.name.name == name)?;
            Some((r.clone(), f))
        })
    }

    /// The request records of the kinds.
    pub fn request(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for k in &self.kinds {
            if let Some(Item::Kind(kd)) = self.tables.kinds.get(k).and_then(|at| item(self.ws, *at))
            {
                if !out.contains(&kd.request.name) {
                    out.push(kd.request.name.clone());
                }
            }
        }
        out
    }

    /// Whether `name` names an enum type (and nothing a name in an expression would find
    /// first).
    pub fn is_enum_type(&self, name: &str) -> bool {
        self.enum_decl(name).is_some()
            && self
                .tables
                .visible(Category::Value, &self.package, name)
                .is_none()
            && self
                .tables
                .visible(Category::Param, &self.package, name)
                .is_none()
    }

    /// The type of a shape.
    pub fn ty(&self, sk: &Sk) -> Ty {
        self.ty_at(sk, 0)
    }

    fn ty_at(&self, sk: &Sk, depth: usize) -> Ty {
        if depth > 24 {
            return Ty::Unknown;
        }
        match sk {
            Sk::Name(n) => self.name_ty(n, depth),
            Sk::Type(n) => {
                if self.enum_decl(n).is_some() {
                    Ty::Enum(n.clone())
                } else if self.record(n).is_some() {
                    Ty::Records(vec![n.clone()])
                } else {
                    Ty::Unknown
                }
            }
            Sk::Elem(x) => match self.ty_at(x, depth + 1) {
                Ty::List(t) => *t,
                _ => Ty::Unknown,
            },
            Sk::Field(b, f) => {
                if let Sk::Name(n) = b.as_ref() {
                    if self.is_enum_type(n) {
                        return Ty::Enum(n.clone());
                    }
                }
                match self.ty_at(b, depth + 1) {
                    Ty::Records(rs) => match self.field(&rs, f) {
                        Some((_, fd)) => self.ty_at(&type_sk(&fd.ty), depth + 1),
                        None => Ty::Unknown,
                    },
                    _ => Ty::Unknown,
                }
            }
            Sk::List(x) => Ty::List(Box::new(self.ty_at(x, depth + 1))),
            Sk::Scalar(s) => Ty::Scalar(s),
            Sk::Unknown => Ty::Unknown,
        }
    }

    fn name_ty(&self, n: &str, depth: usize) -> Ty {
        if n == "request" {
            let rs = self.request();
            return if rs.is_empty() {
                Ty::Unknown
            } else {
                Ty::Records(rs)
            };
        }
        if let Some((_, at)) = self.tables.visible(Category::Value, &self.package, n) {
            if let Some(Item::Value(v)) = item(self.ws, at) {
                let inner = Scope {
                    kinds: v.kinds.iter().map(|k| k.name.clone()).collect(),
                    ..self.clone()
                };
                let sk = match (&v.ty, &v.body) {
                    (Some(t), _) => type_sk(t),
                    (None, ValueBody::Expr(e)) => shape(e),
                    (None, ValueBody::Block { default, .. }) => shape(&default.0),
                };
                return inner.ty_at(&sk, depth + 1);
            }
        }
        if let Some((_, at)) = self.tables.visible(Category::Param, &self.package, n) {
            if let Some(Item::Param(p)) = item(self.ws, at) {
                return self.ty_at(&shape(&p.value), depth + 1);
            }
        }
        if let Some(Item::Fact(f)) = self.tables.facts.get(n).and_then(|at| item(self.ws, *at)) {
            return self.ty_at(&type_sk(&f.ty), depth + 1);
        }
        match self.tables.members.get(n).map(Vec::as_slice) {
            Some([one]) => Ty::Enum(one.clone()),
            _ => Ty::Unknown,
        }
    }
}
