//! Go to definition, find references and document highlights.

use crate::workspace::{DocId, Workspace};
use datalex_compiler::symbols::Key;
use lsp_types::{
    DocumentHighlight, DocumentHighlightKind, DocumentHighlightParams, GotoDefinitionParams,
    GotoDefinitionResponse, Location, ReferenceParams,
};

/// `textDocument/definition`.
pub fn definition(ws: &Workspace, p: &GotoDefinitionParams) -> Option<GotoDefinitionResponse> {
    let (doc, offset) = ws.at(&p.text_document_position_params)?;
    compiled_definition(ws, doc, offset).map(GotoDefinitionResponse::Array)
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

/// `textDocument/references`: every place the thing at the cursor is named, across files; for
/// an article, every citation of it or of its paragraphs and items.
pub fn references(ws: &Workspace, p: &ReferenceParams) -> Option<Vec<Location>> {
    let (doc, offset) = ws.at(&p.text_document_position)?;
    let (_, id) = ws.symbol_at(doc, offset)?;
    let found = ws
        .references_of(doc, id, p.context.include_declaration)
        .into_iter()
        .filter_map(|(d, start, end)| ws.location(d, start, end))
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
