//! The names the compiler resolved ([`datalex_compiler::Symbols`]), placed in the workspace's
//! documents: what definition and references answer from.

use crate::workspace::{DocId, Workspace};
use datalex_compiler::symbols::{DeclId, Key, Symbols};
use datalex_lang::Span;

/// The symbols of one compile and the document each of its files is.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    /// The declarations and uses.
    pub symbols: Symbols,
    /// The document of each file id of the compile, in order.
    pub docs: Vec<DocId>,
}

/// A place in a document: its id and byte range.
pub type Place = (DocId, usize, usize);

impl Analysis {
    /// The file id of a document in the compile.
    pub fn file_of(&self, doc: DocId) -> Option<u32> {
        let i = self.docs.iter().position(|d| *d == doc)?;
        u32::try_from(i).ok()
    }

    /// The place of a span.
    pub fn place(&self, span: Span) -> Option<Place> {
        let doc = *self.docs.get(span.file as usize)?;
        Some((doc, span.start as usize, span.end as usize))
    }

    /// The declaration named at byte `offset` of `doc`, and where that name is.
    pub fn at(&self, doc: DocId, offset: usize) -> Option<(Place, DeclId)> {
        let file = self.file_of(doc)?;
        let (span, id) = self.symbols.at(file, u32::try_from(offset).ok()?)?;
        Some((self.place(span)?, id))
    }

    /// The declarations that are one symbol with `id`: its `override` family; for an article,
    /// paragraph or item, the article and all its parts.
    pub fn same(&self, id: DeclId) -> Vec<DeclId> {
        let s = &self.symbols;
        match s.decl(id).map(|d| &d.key) {
            Some(Key::Article { regulation, path }) => {
                let (regulation, first) = (regulation.clone(), path.first().copied());
                s.decls()
                    .filter(|(_, d)| match &d.key {
                        Key::Article {
                            regulation: r,
                            path: p,
                        } => *r == regulation && p.first().copied() == first,
                        _ => false,
                    })
                    .map(|(i, _)| i)
                    .collect()
            }
            _ => s.family(id),
        }
    }

    /// Every place the symbol `id` is named: the names of its declarations (if `declarations`)
    /// and its uses, in document order. For an article, the declarations are the article's and
    /// the exact part's; the uses are the citations of any part of it.
    pub fn references(&self, id: DeclId, declarations: bool) -> Vec<Place> {
        let s = &self.symbols;
        let same = self.same(id);
        let mut out: Vec<Place> = Vec::new();
        for d in &same {
            out.extend(s.uses_of(*d).into_iter().filter_map(|x| self.place(x)));
            let Some(decl) = s.decl(*d) else { continue };
            let exact =
                *d == id || !matches!(&decl.key, Key::Article { path, .. } if path.len() > 1);
            if declarations && exact {
                let names = decl.name.iter().chain(&decl.again);
                out.extend(names.filter_map(|x| self.place(*x)));
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

impl Workspace {
    /// The declaration at `offset` of `doc`, as the compiler resolved it (in the compile of
    /// `doc`: [`Workspace::analysis_for`]), with the place of the name there; `None` where
    /// the compiler resolved nothing.
    pub fn symbol_at(&self, doc: DocId, offset: usize) -> Option<(Place, DeclId)> {
        self.analysis_for(doc).at(doc, offset)
    }

    /// Every place the symbol `id` (of the compile of `doc`) is named, in every compile: the
    /// project's own files and each document outside the policy folder (compiled each on its
    /// own, where the symbol is found by its key), in document order. A quantifier variable
    /// or a value's exception, known by a span of one compile, is looked for in that one only.
    pub fn references_of(&self, doc: DocId, id: DeclId, declarations: bool) -> Vec<Place> {
        let here = self.analysis_for(doc);
        let mut out = here.references(id, declarations);
        let Some(key) = here.symbols.decl(id).map(|d| &d.key) else {
            return out;
        };
        if matches!(key, Key::Local(_) | Key::ValueException { .. }) {
            return out;
        }
        for other in self.outside().into_iter().filter(|o| *o != doc) {
            let a = self.analysis_for(other);
            let Some(there) = a.symbols.find(key) else {
                continue;
            };
            // The project's own files are in `here` already: only the document's own places.
            out.extend(
                a.references(there, declarations)
                    .into_iter()
                    .filter(|p| p.0 == other),
            );
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}
