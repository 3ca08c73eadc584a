//! Go to definition, find references and document highlights.

use crate::index::{Role, Target};
use crate::resolve::{Category, Symbol, SymbolAt};
use crate::workspace::{DocId, Workspace};
use datalex_compiler::symbols::Key;
use lsp_types::{
    DocumentHighlight, DocumentHighlightKind, DocumentHighlightParams, GotoDefinitionParams,
    GotoDefinitionResponse, Location, ReferenceParams,
};

/// `textDocument/definition`.
pub fn definition(ws: &Workspace, p: &GotoDefinitionParams) -> Option<GotoDefinitionResponse> {
    let (doc, offset) = ws.at(&p.text_document_position_params)?;
    if let Some(found) = compiled_definition(ws, doc, offset) {
        return Some(GotoDefinitionResponse::Array(found));
    }
    let s = ws.occurrence_at(doc, offset)?;
    let found = definitions(ws, &s);
    (!found.is_empty()).then_some(GotoDefinitionResponse::Array(found))
}

/// Where the name at `offset` of `doc` is declared, as the compiler resolved it: a rule, value
/// or param in the package the use is in (a layer's replacement, if there is one); on a
/// declaration that says `override`, the declaration it replaces; for a citation, the
/// paragraph or item it names, else its article; for a package, its line in each of its files.
fn compiled_definition(ws: &Workspace, doc: DocId, offset: usize) -> Option<Vec<Location>> {
    let (place, id) = ws.symbol_at(doc, offset)?;
    let a = ws.analysis_for(doc);
    let decl = a.symbols.decl(id)?;
    let on_name = decl.name.and_then(|n| a.place(n)) == Some(place);
    let target = match decl.replaces {
        Some(base) if on_name => a.symbols.decl(base)?,
        _ => decl,
    };
    let again = match target.key {
        Key::Package(_) => target.again.as_slice(),
        _ => &[],
    };
    let found: Vec<Location> = std::iter::once(target.name?)
        .chain(again.iter().copied())
        .filter_map(|n| a.place(n))
        .filter_map(|(d, start, end)| ws.location(d, start, end))
        .collect();
    (!found.is_empty()).then_some(found)
}

/// Where the thing at `s` is declared. For a rule, value or param this is the declaration the
/// name finds in its package (a layer's replacement, if there is one); on a declaration that
/// says `override`, the declaration it replaces.
pub fn definitions(ws: &Workspace, s: &SymbolAt<'_>) -> Vec<Location> {
    let o = s.occurrence;
    let scope = ws.scope(s.at);
    let tables = ws.tables();
    let category = match &o.target {
        Target::Rule(n) => Some((Category::Rule, n)),
        Target::Value(n) => Some((Category::Value, n)),
        Target::Param(n) => Some((Category::Param, n)),
        Target::Name(n) => tables
            .visible(Category::Value, &scope.package, n)
            .map(|_| (Category::Value, n))
            .or_else(|| {
                tables
                    .visible(Category::Param, &scope.package, n)
                    .map(|_| (Category::Param, n))
            }),
        _ => None,
    };
    if let Some((cat, name)) = category {
        let target = match o.role {
            Role::Decl => tables
                .replaced(ws, cat, &scope.package, s.at)
                .map(|(_, at)| at)
                .or(Some(s.at)),
            Role::Ref => tables.visible(cat, &scope.package, name).map(|(_, at)| at),
        };
        return target
            .and_then(|at| {
                let (start, end) = ws.decl_name(at)?;
                ws.location(at.doc, start, end)
            })
            .into_iter()
            .collect();
    }
    let Some(symbol) = ws.resolve(s.at, o) else {
        return Vec::new();
    };
    let symbols = match &symbol {
        Symbol::Request => scope.request().into_iter().map(Symbol::Type).collect(),
        _ => vec![symbol.clone()],
    };
    let mut out = Vec::new();
    for sym in &symbols {
        let decls: Vec<SymbolAt<'_>> = ws
            .occurrences_of(sym)
            .into_iter()
            .filter(|x| x.occurrence.role == Role::Decl)
            .collect();
        // The paragraph or item a citation names, else its article.
        let exact: Vec<&SymbolAt<'_>> = match sym {
            Symbol::Article { path, .. } => {
                let exact: Vec<_> = decls
                    .iter()
                    .filter(|d| cite_path(d) == Some(path))
                    .collect();
                if exact.is_empty() {
                    decls
                        .iter()
                        .filter(|d| cite_path(d).is_some_and(|p| p.len() == 1))
                        .collect()
                } else {
                    exact
                }
            }
            _ => decls.iter().collect(),
        };
        out.extend(
            exact
                .into_iter()
                .filter_map(|d| ws.location(d.at.doc, d.start, d.end)),
        );
    }
    out
}

fn cite_path<'a>(s: &SymbolAt<'a>) -> Option<&'a Vec<u32>> {
    match &s.occurrence.target {
        Target::Cite { path, .. } => Some(path),
        _ => None,
    }
}

/// `textDocument/references`: every place the thing at the cursor is named, across files; for
/// an article, every citation of it or of its paragraphs and items.
pub fn references(ws: &Workspace, p: &ReferenceParams) -> Option<Vec<Location>> {
    let (doc, offset) = ws.at(&p.text_document_position)?;
    if let Some((_, id)) = ws.symbol_at(doc, offset) {
        let found = ws
            .references_of(doc, id, p.context.include_declaration)
            .into_iter()
            .filter_map(|(d, start, end)| ws.location(d, start, end))
            .collect();
        return Some(found);
    }
    let s = ws.occurrence_at(doc, offset)?;
    let symbol = ws.resolve(s.at, s.occurrence)?;
    let found: Vec<Location> = ws
        .occurrences_of(&symbol)
        .into_iter()
        .filter(|x| p.context.include_declaration || x.occurrence.role == Role::Ref)
        .filter_map(|x| ws.location(x.at.doc, x.start, x.end))
        .collect();
    Some(found)
}

/// `textDocument/documentHighlight`: every place in the document where the name at the
/// cursor is named, as the compiler resolved it — its declarations (`Write`) and its uses
/// (`Read`); for an article, the citations of any part of it.
pub fn highlights(ws: &Workspace, p: &DocumentHighlightParams) -> Option<Vec<DocumentHighlight>> {
    let (doc, offset) = ws.at(&p.text_document_position_params)?;
    let (_, id) = ws.symbol_at(doc, offset)?;
    let a = ws.analysis_for(doc);
    let uses = a.references(id, false);
    let found = a
        .references(id, true)
        .into_iter()
        .filter(|(d, _, _)| *d == doc)
        .filter_map(|place @ (d, start, end)| {
            let kind = if uses.binary_search(&place).is_ok() {
                DocumentHighlightKind::READ
            } else {
                DocumentHighlightKind::WRITE
            };
            Some(DocumentHighlight {
                range: ws.range(d, start, end)?,
                kind: Some(kind),
            })
        })
        .collect();
    Some(found)
}
