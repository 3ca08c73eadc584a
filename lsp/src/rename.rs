//! Rename of rules, values and params: every declaration of the `override` family and every
//! use, across files.

use crate::error::RequestError;
use crate::resolve::{Category, Symbol};
use crate::workspace::Workspace;
use lsp_types::{
    DocumentChanges, OneOf, OptionalVersionedTextDocumentIdentifier, PrepareRenameResponse,
    RenameParams, TextDocumentEdit, TextDocumentPositionParams, TextEdit, WorkspaceEdit,
};

/// `textDocument/prepareRename`: the name under the cursor, if it is a rule, value or param
/// that can be renamed everywhere it occurs.
pub fn prepare(ws: &Workspace, p: &TextDocumentPositionParams) -> Option<PrepareRenameResponse> {
    let (doc, offset) = ws.at(p)?;
    let s = ws.occurrence_at(doc, offset)?;
    let symbol = ws.resolve(s.at, s.occurrence)?;
    let Symbol::Decl { name, .. } = &symbol else {
        return None;
    };
    // Every occurrence must be in a file the client can edit (not the embedded prelude).
    if ws
        .occurrences_of(&symbol)
        .iter()
        .any(|x| ws.doc(x.at.doc).is_none_or(|d| d.uri.is_none()))
    {
        return None;
    }
    Some(PrepareRenameResponse::RangeWithPlaceholder {
        range: ws.range(doc, s.start, s.end)?,
        placeholder: name.clone(),
    })
}

/// Whether `name` can name a rule, value or param: a letter or `_`, then letters, digits or
/// `_` (names may be Chinese), and not a keyword.
pub fn is_name(name: &str) -> bool {
    let mut chars = name.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_alphabetic() || c == '_');
    first_ok
        && chars.all(|c| c.is_alphanumeric() || c == '_')
        && !crate::completion::KEYWORDS.contains(&name)
        && !datalex_lang::parser::ITEM_KEYWORDS.contains(&name)
}

/// `textDocument/rename`.
pub fn rename(ws: &Workspace, p: &RenameParams) -> Result<Option<WorkspaceEdit>, RequestError> {
    let Some((doc, offset)) = ws.at(&p.text_document_position) else {
        return Ok(None);
    };
    let Some(s) = ws.occurrence_at(doc, offset) else {
        return Ok(None);
    };
    let Some(symbol @ Symbol::Decl { cat, .. }) = ws.resolve(s.at, s.occurrence) else {
        return Err(RequestError::failed(
            "only rules, values and params can be renamed",
        ));
    };
    let new = p.new_name.as_str();
    if !is_name(new) {
        return Err(RequestError::invalid_params(format!(
            "`{new}` is not a name: use letters, digits and `_`, not starting with a digit, and not a keyword"
        )));
    }
    let found = ws.occurrences_of(&symbol);
    let tables = ws.tables();
    // The new name must not be taken where the symbol is declared or used.
    let clashes: &[Category] = match cat {
        Category::Rule => &[Category::Rule],
        Category::Value | Category::Param => &[Category::Value, Category::Param],
    };
    for x in &found {
        let package = ws.scope(x.at).package;
        for c in clashes {
            if let Some((owner, _)) = tables.visible(*c, &package, new) {
                let what = match c {
                    Category::Rule => "rule",
                    Category::Value => "value",
                    Category::Param => "param",
                };
                return Err(RequestError::failed(format!(
                    "`{new}` is already a {what} in package `{owner}`"
                )));
            }
        }
    }
    let mut edits: Vec<TextDocumentEdit> = Vec::new();
    for x in &found {
        let Some(d) = ws.doc(x.at.doc) else { continue };
        let Some(uri) = d.uri.clone() else {
            return Err(RequestError::failed(
                "the name is used in the embedded prelude, which cannot be edited",
            ));
        };
        let edit = OneOf::Left(TextEdit {
            range: d.lines.range(&d.text, x.start, x.end),
            new_text: new.to_string(),
        });
        match edits.last_mut() {
            Some(last) if last.text_document.uri == uri => last.edits.push(edit),
            _ => edits.push(TextDocumentEdit {
                text_document: OptionalVersionedTextDocumentIdentifier {
                    uri,
                    version: d.version,
                },
                edits: vec![edit],
            }),
        }
    }
    Ok(Some(WorkspaceEdit {
        changes: None,
        document_changes: Some(DocumentChanges::Edits(edits)),
        change_annotations: None,
    }))
}
