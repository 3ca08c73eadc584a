//! What an occurrence refers to, workspace-wide: the [`Symbol`] that definition, references,
//! hover and rename work with.

use super::types::{Scope, Ty};
use super::{item, Category, ItemAt, Tables};
use crate::index::{Occurrence, Role, Sk, Target};
use crate::workspace::{DocId, Workspace};
use datalex_lang::ast::Item;

/// A thing with a name, identified across the workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Symbol {
    /// A package.
    Package(String),
    /// A regulation.
    Regulation(String),
    /// An article, paragraph (`[article, para]`) or item (`[article, para, item]`): the path
    /// as the regulation is written, whatever the citation's form (`§45.3` of a
    /// single-paragraph article is `[45, 1, 3]`).
    Article {
        /// The regulation id.
        regulation: String,
        /// The path.
        path: Vec<u32>,
    },
    /// A rule, value or param: the first declaration of its `override` family.
    Decl {
        /// Which.
        cat: Category,
        /// The declaration that replaces nothing.
        root: ItemAt,
        /// The name.
        name: String,
    },
    /// An exception of a value, in the value's declaration.
    ValueException {
        /// The value's item.
        value: ItemAt,
        /// The exception's name.
        name: String,
    },
    /// A fact collection.
    Fact(String),
    /// A request kind.
    Kind(String),
    /// A record or enum type.
    Type(String),
    /// An enum member.
    Member {
        /// The enum.
        ty: String,
        /// The member.
        name: String,
    },
    /// A record field.
    Field {
        /// The record.
        record: String,
        /// The field.
        name: String,
    },
    /// A quantifier variable, by where it is bound.
    Local {
        /// The document.
        doc: DocId,
        /// The byte offset of its binding.
        def: usize,
    },
    /// `request`, the request being decided.
    Request,
}

/// An occurrence found in a document, with its absolute place.
#[derive(Debug, Clone)]
pub struct SymbolAt<'a> {
    /// The item it is in.
    pub at: ItemAt,
    /// The occurrence.
    pub occurrence: &'a Occurrence,
    /// Absolute byte offset of its start.
    pub start: usize,
    /// Absolute byte offset of its end.
    pub end: usize,
}

impl Workspace {
    /// The innermost occurrence at byte `offset` of a document.
    pub fn occurrence_at(&self, doc: DocId, offset: usize) -> Option<SymbolAt<'_>> {
        let d = self.doc(doc)?;
        let chunk = d.chunks.partition_point(|c| c.end <= offset);
        // A cursor just after the last name of a chunk is still on it.
        let candidates = [chunk, chunk.wrapping_sub(1)];
        candidates.into_iter().find_map(|ci| {
            let c = d.chunks.get(ci)?;
            let rel = u32::try_from(offset.checked_sub(c.start)?).ok()?;
            let o = c
                .known()
                .occurrences
                .iter()
                .filter(|o| o.span.contains(rel))
                .min_by_key(|o| o.span.end - o.span.start)?;
            Some(SymbolAt {
                at: ItemAt { doc, chunk: ci },
                occurrence: o,
                start: c.start + o.span.start as usize,
                end: c.start + o.span.end as usize,
            })
        })
    }

    /// The package and request kinds an item is in, for resolving its names.
    pub fn scope(&self, at: ItemAt) -> Scope<'_> {
        let package = self
            .doc(at.doc)
            .and_then(|d| d.package())
            .unwrap_or(datalex_compiler::STD)
            .to_string();
        let kinds = match item(self, at) {
            Some(Item::Rule(r)) => r.kinds.iter().map(|k| k.name.clone()).collect(),
            Some(Item::Value(v)) => v.kinds.iter().map(|k| k.name.clone()).collect(),
            Some(Item::Test(t)) => t.request.iter().map(|r| r.kind.name.clone()).collect(),
            _ => Vec::new(),
        };
        Scope {
            ws: self,
            tables: self.tables(),
            package,
            kinds,
        }
    }

    /// What an occurrence in item `at` refers to.
    pub fn resolve(&self, at: ItemAt, o: &Occurrence) -> Option<Symbol> {
        let scope = self.scope(at);
        let t = scope.tables;
        let decl = |cat: Category, name: &str| -> Option<Symbol> {
            let found = match o.role {
                Role::Decl => Some(at),
                Role::Ref => t.visible(cat, &scope.package, name).map(|(_, a)| a),
            }?;
            let pkg = self.doc(found.doc).and_then(|d| d.package()).unwrap_or("");
            Some(Symbol::Decl {
                cat,
                root: t.root(self, cat, pkg, found),
                name: name.to_string(),
            })
        };
        match &o.target {
            Target::Package(n) => Some(Symbol::Package(n.clone())),
            Target::Regulation(n) => Some(Symbol::Regulation(n.clone())),
            Target::Cite { regulation, path } => {
                let reg = match regulation {
                    Some(r) => r.clone(),
                    None => t.own_regulation(&scope.package)?.to_string(),
                };
                if o.role == Role::Decl {
                    return Some(Symbol::Article {
                        regulation: reg,
                        path: path.clone(),
                    });
                }
                match self.article_path(t, &reg, path) {
                    Some(p) => Some(Symbol::Article {
                        regulation: reg,
                        path: p,
                    }),
                    None => Some(Symbol::Regulation(reg)),
                }
            }
            Target::Rule(n) => decl(Category::Rule, n),
            Target::Value(n) => decl(Category::Value, n),
            Target::Param(n) => decl(Category::Param, n),
            Target::Name(n) => {
                if let Some(s) = decl(Category::Value, n).or_else(|| decl(Category::Param, n)) {
                    return Some(s);
                }
                if n == "request" {
                    return Some(Symbol::Request);
                }
                if t.facts.contains_key(n) {
                    return Some(Symbol::Fact(n.clone()));
                }
                if t.types.contains_key(n) {
                    return Some(Symbol::Type(n.clone()));
                }
                let owner = t.members.get(n)?.first()?;
                Some(Symbol::Member {
                    ty: owner.clone(),
                    name: n.clone(),
                })
            }
            Target::ValueException { name, .. } => Some(Symbol::ValueException {
                value: at,
                name: name.clone(),
            }),
            Target::Local { def, .. } => {
                let start = self.doc(at.doc)?.chunks.get(at.chunk)?.start;
                Some(Symbol::Local {
                    doc: at.doc,
                    def: start + *def as usize,
                })
            }
            Target::Fact(n) => Some(Symbol::Fact(n.clone())),
            Target::Kind(n) => Some(Symbol::Kind(n.clone())),
            Target::Type(n) => Some(Symbol::Type(n.clone())),
            Target::Member { ty, name } => Some(Symbol::Member {
                ty: ty.clone(),
                name: name.clone(),
            }),
            Target::Field { base, name } => {
                if let Sk::Name(n) = base {
                    if scope.is_enum_type(n) {
                        return Some(Symbol::Member {
                            ty: n.clone(),
                            name: name.clone(),
                        });
                    }
                }
                let Ty::Records(rs) = scope.ty(base) else {
                    return None;
                };
                let (record, _) = scope.field(&rs, name)?;
                Some(Symbol::Field {
                    record,
                    name: name.clone(),
                })
            }
        }
    }

    /// The path of a citation as the regulation is written (see [`Symbol::Article`]): the
    /// deepest part that exists, `None` if the article does not or the citation is `§?`.
    pub fn article_path(&self, t: &Tables, reg: &str, path: &[u32]) -> Option<Vec<u32>> {
        let Some(Item::Regulation(r)) = item(self, *t.regulations.get(reg)?) else {
            return None;
        };
        let (&a, rest) = path.split_first()?;
        let article = r.articles.iter().find(|x| x.number == a)?;
        let (para, it) = match rest {
            [] => return Some(vec![a]),
            [x] if article.single => (1, Some(*x)),
            [p] => (*p, None),
            [p, i, ..] => (*p, Some(*i)),
        };
        let Some(p) = article.paras.iter().find(|p| p.number == para) else {
            return Some(vec![a]);
        };
        match it {
            Some(i) if p.items.iter().any(|x| x.number == i) => Some(vec![a, para, i]),
            _ if article.single => Some(vec![a]),
            _ => Some(vec![a, para]),
        }
    }

    /// Every occurrence of `symbol` in the workspace (for an article, every citation of any
    /// part of it), in document order.
    pub fn occurrences_of(&self, symbol: &Symbol) -> Vec<SymbolAt<'_>> {
        let name = match symbol {
            Symbol::Package(n)
            | Symbol::Regulation(n)
            | Symbol::Fact(n)
            | Symbol::Kind(n)
            | Symbol::Type(n) => Some(n.as_str()),
            Symbol::Decl { name, .. }
            | Symbol::ValueException { name, .. }
            | Symbol::Member { name, .. }
            | Symbol::Field { name, .. } => Some(name.as_str()),
            Symbol::Request => Some("request"),
            Symbol::Article { .. } | Symbol::Local { .. } => None,
        };
        let mut out = Vec::new();
        for (doc, d) in self.docs() {
            if let Symbol::Local { doc: only, .. } = symbol {
                if *only != doc {
                    continue;
                }
            }
            for (ci, c) in d.chunks.iter().enumerate() {
                for o in &c.known().occurrences {
                    let candidate = match (name, &o.target) {
                        (Some(n), _) => o.name() == n,
                        (None, Target::Cite { .. }) => matches!(symbol, Symbol::Article { .. }),
                        (None, Target::Local { .. }) => matches!(symbol, Symbol::Local { .. }),
                        (None, _) => false,
                    };
                    if !candidate {
                        continue;
                    }
                    let at = ItemAt { doc, chunk: ci };
                    let Some(found) = self.resolve(at, o) else {
                        continue;
                    };
                    if same(&found, symbol, o.role) {
                        out.push(SymbolAt {
                            at,
                            occurrence: o,
                            start: c.start + o.span.start as usize,
                            end: c.start + o.span.end as usize,
                        });
                    }
                }
            }
        }
        out
    }

    /// The name of a declaration's item: its absolute span.
    pub fn decl_name(&self, at: ItemAt) -> Option<(usize, usize)> {
        let c = self.doc(at.doc)?.chunks.get(at.chunk)?;
        let o = c.known().occurrences.iter().find(|o| {
            o.role == Role::Decl
                && matches!(
                    o.target,
                    Target::Rule(_) | Target::Value(_) | Target::Param(_)
                )
        })?;
        Some((
            c.start + o.span.start as usize,
            c.start + o.span.end as usize,
        ))
    }
}

/// Whether two symbols are the same for finding references: a citation of an article is one
/// of any of its paragraphs and items; of the declarations in the regulation's text, the
/// article's and the exact part's count.
fn same(found: &Symbol, wanted: &Symbol, role: Role) -> bool {
    match (found, wanted) {
        (
            Symbol::Article {
                regulation: r1,
                path: p1,
            },
            Symbol::Article {
                regulation: r2,
                path: p2,
            },
        ) if role == Role::Decl => {
            r1 == r2 && (p1 == p2 || (p1.len() == 1 && p1.first() == p2.first()))
        }
        (
            Symbol::Article {
                regulation: r1,
                path: p1,
            },
            Symbol::Article {
                regulation: r2,
                path: p2,
            },
        ) => r1 == r2 && p1.first() == p2.first(),
        _ => found == wanted,
    }
}
