//! Compiling the workspace and converting the compiler's diagnostics to the protocol's: code,
//! severity, range, the help after the message, labels as related information.

use super::{DocId, Workspace};
use datalex_lang::{Severity, SourceMap};
use lsp_types::{
    Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, NumberOrString, Uri,
};
use std::collections::BTreeMap;

/// What was last published for each URI, so that only changes are sent again.
#[derive(Debug, Clone, Default)]
pub struct Published(BTreeMap<String, (Uri, Option<i32>, Vec<Diagnostic>)>);

/// One `textDocument/publishDiagnostics` to send.
#[derive(Debug, Clone, PartialEq)]
pub struct Publish {
    /// The document.
    pub uri: Uri,
    /// Its version, if the client has it open.
    pub version: Option<i32>,
    /// All its diagnostics (empty clears them).
    pub diagnostics: Vec<Diagnostic>,
}

/// Diagnostics by URI, with the document's version.
pub type ByUri = BTreeMap<String, (Uri, Option<i32>, Vec<Diagnostic>)>;

impl Workspace {
    /// Compiles the workspace and returns the diagnostics of every file that can be shown
    /// (the embedded prelude cannot), keyed by URI. The files of the workspace folder's
    /// policies are compiled together; a document open from elsewhere (a test fixture, a file
    /// not saved yet) is compiled with them but on its own, so that it cannot add errors to
    /// the policies, and only its own diagnostics are kept.
    pub fn compile(&self) -> ByUri {
        let (members, outside): (Vec<DocId>, Vec<DocId>) = self
            .docs()
            .map(|(id, _)| id)
            .partition(|id| self.is_member(*id));
        let mut out = ByUri::new();
        for (_, d) in self.docs() {
            if let Some(uri) = &d.uri {
                out.insert(
                    uri.as_str().to_string(),
                    (uri.clone(), d.version, Vec::new()),
                );
            }
        }
        self.compile_set(&members, None, &mut out);
        for o in outside {
            let mut set = members.clone();
            set.push(o);
            self.compile_set(&set, Some(o), &mut out);
        }
        out
    }

    /// Whether a document belongs to the workspace folder's policies (or there is no folder).
    fn is_member(&self, id: DocId) -> bool {
        let Some(root) = &self.root else { return true };
        if id == 0 {
            return true;
        }
        let path = self
            .doc(id)
            .and_then(|d| d.uri.as_ref())
            .and_then(crate::uri::to_path);
        path.is_some_and(|p| p.starts_with(root.join(&self.policies)))
    }

    /// Compiles the documents `ids` and adds their diagnostics (only those of `only`, if
    /// given) to `out`.
    fn compile_set(&self, ids: &[DocId], only: Option<DocId>, out: &mut ByUri) {
        let mut order: Vec<DocId> = ids.to_vec();
        // The prelude first, then by name, as `datalex check` orders them.
        order.sort_by(|a, b| {
            let name = |id: &DocId| self.doc(*id).map(|d| d.name.as_str());
            (*a != 0, name(a)).cmp(&(*b != 0, name(b)))
        });
        order.retain(|id| self.doc(*id).is_some());
        // The documents' cached trees, not their texts parsed again (the texts are for the
        // policy's content hash).
        let mut sources = SourceMap::new();
        let mut files = Vec::with_capacity(order.len());
        let mut parse_diagnostics = Vec::new();
        for d in order.iter().filter_map(|id| self.doc(*id)) {
            let file = sources.add(d.name.clone(), d.text.clone());
            files.push((file, d.syntax(file, &mut parse_diagnostics)));
        }
        let compiled = datalex_compiler::compile_parsed(&sources, &files, parse_diagnostics);
        let doc_of = |file: u32| order.get(file as usize).copied();
        for d in &compiled.diagnostics {
            let Some(id) = doc_of(d.span.file) else {
                continue;
            };
            if only.is_some_and(|o| o != id) {
                continue;
            }
            let Some(doc) = self.doc(id) else { continue };
            let Some(uri) = &doc.uri else { continue };
            let related: Vec<DiagnosticRelatedInformation> = d
                .labels
                .iter()
                .filter_map(|l| {
                    let at = doc_of(l.span.file)?;
                    let location = self.location(at, l.span.start as usize, l.span.end as usize)?;
                    Some(DiagnosticRelatedInformation {
                        location,
                        message: l.message.clone(),
                    })
                })
                .collect();
            let message = match &d.help {
                Some(h) => format!("{}\n{h}", d.message),
                None => d.message.clone(),
            };
            let diagnostic = Diagnostic {
                range: doc
                    .lines
                    .range(&doc.text, d.span.start as usize, d.span.end as usize),
                severity: Some(match d.severity {
                    Severity::Error => DiagnosticSeverity::ERROR,
                    Severity::Warning => DiagnosticSeverity::WARNING,
                }),
                code: Some(NumberOrString::String(d.code.to_string())),
                code_description: None,
                source: Some("datalex".into()),
                message,
                related_information: (!related.is_empty()).then_some(related),
                tags: None,
                data: None,
            };
            if let Some(entry) = out.get_mut(uri.as_str()) {
                entry.2.push(diagnostic);
            }
        }
    }

    /// Compiles the workspace and returns what must be published: every file whose
    /// diagnostics changed since the last call, and files that left the workspace (cleared).
    pub fn diagnostics(&mut self) -> Vec<Publish> {
        let now = self.compile();
        self.dirty = false;
        let mut out = Vec::new();
        for (key, (uri, version, diagnostics)) in &now {
            // Sent again when the diagnostics or the document's version changed (a client
            // waits for an answer to every version it sends).
            let same = match self.published.0.get(key) {
                Some((_, v, before)) => v == version && before == diagnostics,
                None => version.is_none() && diagnostics.is_empty(),
            };
            if !same {
                out.push(Publish {
                    uri: uri.clone(),
                    version: *version,
                    diagnostics: diagnostics.clone(),
                });
            }
        }
        for (key, (uri, _, before)) in &self.published.0 {
            if !now.contains_key(key) && !before.is_empty() {
                out.push(Publish {
                    uri: uri.clone(),
                    version: None,
                    diagnostics: Vec::new(),
                });
            }
        }
        self.published = Published(now);
        out
    }
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )] // tests may fail loudly

    use super::*;
    use lsp_types::{Position, TextDocumentContentChangeEvent};
    use std::str::FromStr;

    const PRELUDE: &str = include_str!("../../../stdlib/prelude.dlx");

    fn open(text: &str) -> (Workspace, Uri) {
        let mut ws = Workspace::new(PRELUDE);
        let uri = Uri::from_str("file:///tmp/p.dlx").unwrap();
        ws.open(&uri, text.into(), 1);
        (ws, uri)
    }

    #[test]
    fn an_unknown_field_is_reported_on_its_range() {
        let doc = "package p\nregulation r \"R\" { article 1 \"一\" }\nguard g on share cites §1\n  when dataset.sharing is missing\n  => deny x \"y\"\n";
        let (mut ws, uri) = open(doc);
        let published = ws.diagnostics();
        let p = published.iter().find(|p| p.uri == uri).unwrap();
        let d = p
            .diagnostics
            .iter()
            .find(|d| {
                d.code
                    == Some(NumberOrString::String(
                        datalex_lang::Code::E0102.as_str().into(),
                    ))
            })
            .expect("unknown field");
        assert_eq!(
            d.range.start,
            Position {
                line: 3,
                character: 15
            }
        );
        assert_eq!(
            d.range.end,
            Position {
                line: 3,
                character: 22
            }
        );
        assert!(d.message.contains("`sharing`"));
        assert_eq!(p.version, Some(1));
    }

    /// The parser's diagnostics come from the document's cached chunks: a syntax error is
    /// reported where it is, with its related place, and stays there (moved) after an edit
    /// above it that does not parse its item again; the diagnostics are those of compiling
    /// the text.
    #[test]
    fn syntax_errors_come_from_the_cached_chunks_and_move_with_edits() {
        let doc = "package p\nregulation r \"R\" { article 1 \"一\" }\nguard g on share cites §1\n  when dataset is missing\n  => deny x \"y\"\nregulation q \"Q\" {\n  article 2 \"二\"\notherwise on share cites §1 => deny z \"w\"\n";
        let (mut ws, uri) = open(doc);
        let e0001 = |ws: &mut Workspace| {
            let published = ws.diagnostics();
            let p = published.iter().find(|p| p.uri == uri).unwrap().clone();
            let d = p
                .diagnostics
                .iter()
                .find(|d| {
                    d.code
                        == Some(NumberOrString::String(
                            datalex_lang::Code::E0001.as_str().into(),
                        ))
                })
                .expect("a syntax error")
                .clone();
            (d.range, d.related_information.map(|r| r[0].location.range))
        };
        let (range, related) = e0001(&mut ws);
        assert_eq!(
            range.start,
            Position {
                line: 5,
                character: 17
            }
        );
        assert!(related.is_some(), "the end of the declaration");
        let change = TextDocumentContentChangeEvent {
            range: Some(lsp_types::Range {
                start: Position {
                    line: 1,
                    character: 0,
                },
                end: Position {
                    line: 1,
                    character: 0,
                },
            }),
            range_length: None,
            text: "// a new line\n".into(),
        };
        let stats = ws.change(&uri, &[change], 2).unwrap();
        assert_eq!(stats.parsed, 1, "only the chunk the edit is in");
        let (moved, moved_related) = e0001(&mut ws);
        assert_eq!(
            moved.start,
            Position {
                line: 6,
                character: 17
            }
        );
        assert_eq!(
            moved_related.map(|r| r.start.line),
            related.map(|r| r.start.line + 1)
        );
        // The same as compiling the text.
        let mut sources = SourceMap::new();
        sources.add(crate::workspace::PRELUDE_NAME, PRELUDE);
        sources.add(
            "p.dlx",
            ws.doc(ws.find(&uri).unwrap()).unwrap().text.clone(),
        );
        let compiled = datalex_compiler::compile(&sources);
        let published: usize = ws.compile().values().map(|(_, _, d)| d.len()).sum();
        assert_eq!(published, compiled.diagnostics.len());
    }

    #[test]
    fn a_clean_document_has_no_diagnostics_and_unchanged_ones_are_not_sent_again() {
        let doc = "package p\nregulation r \"R\" { article 1 \"一\" }\nguard g on share cites §1\n  when dataset is missing\n  => deny x \"y\"\notherwise on share cites §1 => deny z \"w\"\n";
        let (mut ws, uri) = open(doc);
        let first = ws.diagnostics();
        assert_eq!(first.len(), 1, "the open document gets an answer");
        assert_eq!(first[0].uri, uri);
        assert!(first[0].diagnostics.is_empty());
        ws.close(&uri);
        // A file not on disk leaves the workspace when closed; it had nothing to clear.
        assert!(ws.find(&uri).is_none());
        assert_eq!(ws.diagnostics(), Vec::new());
    }
}
