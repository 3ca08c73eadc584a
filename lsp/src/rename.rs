//! Rename of rules, values and params: every declaration of the `override` family and every
//! use, across files, as the compiler resolved them ([`crate::symbols`]).
//!
//! A rename is all or nothing: it is refused, with a message that says why, when it cannot
//! edit every place the name is used — a name of the prelude (every project shares it), a use
//! in a file that does not parse (its names are not known where they are) or in a policy file
//! the server has not read (unreadable, or new on disk since it read the folder).

use crate::error::RequestError;
use crate::symbols::Place;
use crate::workspace::{DocId, Workspace};
use datalex_compiler::symbols::{Key, Namespace};
use datalex_lang::parser::{classify, Lex};
use lsp_types::{
    DocumentChanges, OneOf, OptionalVersionedTextDocumentIdentifier, PrepareRenameResponse,
    RenameParams, TextDocumentEdit, TextDocumentPositionParams, TextEdit, WorkspaceEdit,
};

/// A rule, value or param found under the cursor, with every place it is named.
struct Renamable {
    /// Where its name is under the cursor.
    at: Place,
    /// Its name.
    name: String,
    /// Rules, or values and params.
    ns: Namespace,
    /// Every place it is named: the names of the declarations of its `override` family and
    /// every use, in document order.
    places: Vec<Place>,
    /// Whether the family starts in the prelude.
    prelude: bool,
}

/// What is under the cursor: `Ok(None)` for nothing, `Err(())` for a name that is not a rule,
/// value or param.
fn renamable(ws: &Workspace, doc: DocId, offset: usize) -> Result<Option<Renamable>, ()> {
    let Some((at, id)) = ws.symbol_at(doc, offset) else {
        return Ok(None);
    };
    let a = ws.analysis_for(doc);
    let s = &a.symbols;
    let root = s.root(id);
    let (Some(decl), Some(first)) = (s.decl(id), s.decl(root)) else {
        return Ok(None);
    };
    let ns = match &decl.key {
        Key::Rule { .. } => Namespace::Rules,
        Key::Value { .. } | Key::Param { .. } => Namespace::Names,
        _ => return Err(()),
    };
    if decl.name.is_none() {
        return Ok(None);
    }
    let prelude = first
        .name
        .and_then(|n| a.place(n))
        .is_some_and(|p| p.0 == 0)
        || matches!(&first.key, Key::Rule { package, .. } | Key::Value { package, .. } | Key::Param { package, .. } if package == datalex_compiler::STD);
    Ok(Some(Renamable {
        at,
        name: decl.key.name().to_string(),
        ns,
        places: ws.references_of(doc, id, true),
        prelude,
    }))
}

/// `textDocument/prepareRename`: the name under the cursor, if it is a rule, value or param;
/// an error if it is one that cannot be renamed everywhere it occurs (see the module's
/// documentation).
pub fn prepare(
    ws: &Workspace,
    p: &TextDocumentPositionParams,
) -> Result<Option<PrepareRenameResponse>, RequestError> {
    let Some((doc, offset)) = ws.at(p) else {
        return Ok(None);
    };
    let Ok(Some(r)) = renamable(ws, doc, offset) else {
        return Ok(None);
    };
    if let Some(why) = refusal(ws, &r) {
        return Err(RequestError::failed(why));
    }
    let (d, start, end) = r.at;
    Ok(ws
        .range(d, start, end)
        .map(|range| PrepareRenameResponse::RangeWithPlaceholder {
            range,
            placeholder: r.name.clone(),
        }))
}

/// Why `r` cannot be renamed everywhere, if it cannot.
fn refusal(ws: &Workspace, r: &Renamable) -> Option<String> {
    let name = r.name.as_str();
    // The prelude (the embedded one, or a project's `stdlib/prelude.dlx`) is shared.
    if r.prelude || r.places.iter().any(|x| x.0 == 0) {
        return Some(format!(
            "`{name}` is declared in the prelude (package `std`), which every policy uses: it cannot be renamed"
        ));
    }
    if let Some(x) = r
        .places
        .iter()
        .find(|x| ws.doc(x.0).is_none_or(|d| d.uri.is_none()))
    {
        let file = ws.doc(x.0).map_or("?", |d| d.name.as_str());
        return Some(format!(
            "`{name}` is used in {file}, which cannot be edited"
        ));
    }
    // A file that does not parse: where its names are is not known.
    for (id, d) in ws.docs() {
        for c in &d.chunks {
            if c.parsed.item.is_some() {
                continue;
            }
            let text = d.text.get(c.start..c.end).unwrap_or("");
            if let Some(at) = word_at(text, name) {
                let line = line_of(ws, id, c.start + at);
                return Some(format!(
                    "`{name}` occurs in {}:{line}, which does not parse: fix it first, so that every use can be renamed",
                    d.name
                ));
            }
        }
    }
    if let Some(f) = ws.unreadable().first() {
        return Some(format!(
            "{} could not be read, so its uses of `{name}` cannot be renamed",
            f.display()
        ));
    }
    // A policy file new on disk that the server has not been told about.
    if let Some(layout) = ws.layout() {
        let unknown = crate::workspace::load::dlx_files(&layout.policies)
            .into_iter()
            .map(|f| crate::project::normalise(&f))
            .filter(|f| ws.owns(f))
            .find(|f| crate::uri::from_path(f).is_some_and(|u| ws.find(&u).is_none()));
        if let Some(f) = unknown {
            return Some(format!(
                "{} is not loaded (it is new on disk), so its uses of `{name}` cannot be renamed: open it, or restart the server",
                f.display()
            ));
        }
    }
    None
}

/// The byte offset of the first occurrence of the word `name` in the code of `text` (not in
/// strings or comments).
fn word_at(text: &str, name: &str) -> Option<usize> {
    let mut word = String::new();
    let mut start = 0;
    for (i, c, lex) in classify(text).chain(std::iter::once((text.len(), ' ', Lex::Code))) {
        if lex == Lex::Code && (c.is_alphanumeric() || c == '_') {
            if word.is_empty() {
                start = i;
            }
            word.push(c);
        } else {
            if word == name {
                return Some(start);
            }
            word.clear();
        }
    }
    None
}

/// The 1-based line of a byte offset of a document.
fn line_of(ws: &Workspace, id: DocId, offset: usize) -> u32 {
    ws.range(id, offset, offset).map_or(0, |r| r.start.line + 1)
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
    let r = match renamable(ws, doc, offset) {
        Ok(Some(r)) => r,
        Ok(None) => return Ok(None),
        Err(()) => {
            return Err(RequestError::failed(
                "only rules, values and params can be renamed",
            ))
        }
    };
    let new = p.new_name.as_str();
    if !is_name(new) {
        return Err(RequestError::invalid_params(format!(
            "`{new}` is not a name: use letters, digits and `_`, not starting with a digit, and not a keyword"
        )));
    }
    if let Some(why) = refusal(ws, &r) {
        return Err(RequestError::failed(why));
    }
    // The new name must not be taken where the symbol is declared or used: as the compiler
    // resolves names in each package it is named in.
    let symbols = &ws.analysis_for(doc).symbols;
    for (d, _, _) in &r.places {
        let package = ws
            .doc(*d)
            .and_then(|d| d.package())
            .unwrap_or(datalex_compiler::STD);
        let taken = symbols
            .visible(package, r.ns, new)
            .and_then(|id| symbols.decl(id));
        if let Some(decl) = taken {
            let (what, owner) = match &decl.key {
                Key::Rule { package, .. } => ("rule", package),
                Key::Value { package, .. } => ("value", package),
                Key::Param { package, .. } => ("param", package),
                _ => continue,
            };
            return Err(RequestError::failed(format!(
                "`{new}` is already a {what} in package `{owner}`"
            )));
        }
    }
    let mut edits: Vec<TextDocumentEdit> = Vec::new();
    for (id, start, end) in &r.places {
        let Some(d) = ws.doc(*id) else { continue };
        let Some(uri) = d.uri.clone() else {
            return Err(RequestError::failed(
                "the name is used in the embedded prelude, which cannot be edited",
            ));
        };
        let edit = OneOf::Left(TextEdit {
            range: d.lines.range(&d.text, *start, *end),
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
