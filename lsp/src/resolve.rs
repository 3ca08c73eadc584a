//! Names across files: which packages there are and what they extend, where every rule, value,
//! param, fact, kind, type and regulation is declared, and what an occurrence of a name in some
//! file refers to ([`Symbol`]).
//!
//! Resolution follows the compiler: a name used in package `P` is looked up in `P`, then in the
//! package `P` extends, and so on, and last in `std` (the prelude). A declaration that says
//! `override` is the same symbol as the one it replaces, so renaming or finding references of
//! a rule also covers the layers that replace it.

mod symbol;
mod types;

pub use symbol::{Symbol, SymbolAt};
pub use types::{Scope, Ty};

use crate::document::Document;
use crate::workspace::{DocId, Workspace};
use datalex_lang::ast::Item;
use std::collections::HashMap;

/// Where an item is: its document and chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ItemAt {
    /// The document.
    pub doc: DocId,
    /// The chunk's index in the document.
    pub chunk: usize,
}

/// A package, gathered from its files.
#[derive(Debug, Clone, Default)]
pub struct Pkg {
    /// The package it extends.
    pub extends: Option<String>,
    /// Its files.
    pub docs: Vec<DocId>,
    /// The regulations it declares.
    pub regulations: Vec<String>,
}

/// The three kinds of declaration that layers replace with `override`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    /// Guards, rules, exceptions and checks.
    Rule,
    /// Derived values.
    Value,
    /// Params.
    Param,
}

/// Every declaration of the workspace by name.
#[derive(Debug, Clone, Default)]
pub struct Tables {
    /// Packages by name.
    pub packages: HashMap<String, Pkg>,
    /// Rules, values and params by category, package and name (a name declared twice has two).
    pub decls: HashMap<(Category, String, String), Vec<ItemAt>>,
    /// Fact collections.
    pub facts: HashMap<String, ItemAt>,
    /// Request kinds.
    pub kinds: HashMap<String, ItemAt>,
    /// Records and enums.
    pub types: HashMap<String, ItemAt>,
    /// The enums that have a member of this name.
    pub members: HashMap<String, Vec<String>>,
    /// Regulations by id.
    pub regulations: HashMap<String, ItemAt>,
}

impl Tables {
    /// The tables of the workspace's current texts.
    pub fn build(ws: &Workspace) -> Tables {
        let mut t = Tables::default();
        for (doc, d) in ws.docs() {
            let pkg = d.package().map(str::to_string);
            if let Some(p) = &pkg {
                t.packages.entry(p.clone()).or_default().docs.push(doc);
            }
            for (chunk, c) in d.chunks.iter().enumerate() {
                let Some(item) = &c.known().item else {
                    continue;
                };
                let at = ItemAt { doc, chunk };
                t.add(item, at, pkg.as_deref());
            }
        }
        t
    }

    fn add(&mut self, item: &Item, at: ItemAt, pkg: Option<&str>) {
        let mut decl = |cat: Category, name: &str| {
            if let Some(p) = pkg {
                self.decls
                    .entry((cat, p.to_string(), name.to_string()))
                    .or_default()
                    .push(at);
            }
        };
        match item {
            Item::Package(p) => {
                if let Some(b) = &p.extends {
                    let entry = self.packages.entry(p.name.name.clone()).or_default();
                    entry.extends.get_or_insert_with(|| b.name.clone());
                }
            }
            Item::Regulation(r) => {
                self.regulations.entry(r.id.name.clone()).or_insert(at);
                if let Some(p) = pkg {
                    let entry = self.packages.entry(p.to_string()).or_default();
                    entry.regulations.push(r.id.name.clone());
                }
            }
            Item::Enum(e) => {
                self.types.entry(e.name.name.clone()).or_insert(at);
                for (m, _) in &e.members {
                    self.members
                        .entry(m.name.clone())
                        .or_default()
                        .push(e.name.name.clone());
                }
            }
            Item::Record(r) => {
                self.types.entry(r.name.name.clone()).or_insert(at);
            }
            Item::Fact(f) => {
                self.facts.entry(f.name.name.clone()).or_insert(at);
            }
            Item::Kind(k) => {
                self.kinds.entry(k.name.name.clone()).or_insert(at);
            }
            Item::Param(p) => decl(Category::Param, &p.name.name),
            Item::Value(v) => decl(Category::Value, &v.name.name),
            Item::Rule(r) => {
                if let Some(n) = &r.name {
                    decl(Category::Rule, &n.name);
                }
            }
            Item::Test(_)
            | Item::Coverage(_)
            | Item::Use(_)
            | Item::Scope(_)
            | Item::Interpretation(_) => {}
        }
    }

    /// `package`, the package it extends, and so on, then `std`.
    pub fn chain(&self, package: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut next = Some(package.to_string());
        while let Some(p) = next.take() {
            if out.contains(&p) {
                break;
            }
            next = self.packages.get(&p).and_then(|x| x.extends.clone());
            out.push(p);
        }
        if !out.iter().any(|p| p == datalex_compiler::STD) {
            out.push(datalex_compiler::STD.to_string());
        }
        out
    }

    /// The declaration a name of this category refers to in `package`: its own, or the
    /// nearest base's.
    pub fn visible(&self, cat: Category, package: &str, name: &str) -> Option<(String, ItemAt)> {
        self.chain(package).into_iter().find_map(|p| {
            let at = self
                .decls
                .get(&(cat, p.clone(), name.to_string()))?
                .first()
                .copied()?;
            Some((p, at))
        })
    }

    /// The declaration that `at` (in `package`) replaces, if it says `override`.
    pub fn replaced(
        &self,
        ws: &Workspace,
        cat: Category,
        package: &str,
        at: ItemAt,
    ) -> Option<(String, ItemAt)> {
        let (replaces, name) = match item(ws, at)? {
            Item::Rule(r) => (r.replaces.is_some(), r.name.as_ref()?.name.clone()),
            Item::Value(v) => (v.replaces.is_some(), v.name.name.clone()),
            Item::Param(p) => (p.replaces.is_some(), p.name.name.clone()),
            _ => return None,
        };
        if !replaces {
            return None;
        }
        let base = self.packages.get(package)?.extends.clone();
        let base = base.unwrap_or_else(|| datalex_compiler::STD.to_string());
        if base == package {
            return None;
        }
        self.visible(cat, &base, &name)
    }

    /// The first declaration of the family `at` belongs to: following `override` down to the
    /// declaration that replaces nothing.
    pub fn root(&self, ws: &Workspace, cat: Category, package: &str, at: ItemAt) -> ItemAt {
        let (mut pkg, mut at) = (package.to_string(), at);
        for _ in 0..64 {
            match self.replaced(ws, cat, &pkg, at) {
                Some((p, a)) if a != at => (pkg, at) = (p, a),
                _ => break,
            }
        }
        at
    }

    /// The regulation a bare `§` in `package` cites: the one it declares, if exactly one.
    pub fn own_regulation(&self, package: &str) -> Option<&str> {
        match self.packages.get(package)?.regulations.as_slice() {
            [one] => Some(one.as_str()),
            _ => None,
        }
    }
}

/// The item at `at`.
pub fn item(ws: &Workspace, at: ItemAt) -> Option<&Item> {
    ws.doc(at.doc)?.chunks.get(at.chunk)?.known().item.as_ref()
}

/// The document and chunk offset of `at`.
pub fn chunk_start(ws: &Workspace, at: ItemAt) -> Option<(&Document, usize)> {
    let d = ws.doc(at.doc)?;
    Some((d, d.chunks.get(at.chunk)?.start))
}
