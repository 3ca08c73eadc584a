//! Compiling the workspace and converting the compiler's diagnostics to the protocol's: code,
//! severity, range, the help after the message, labels as related information.
//!
//! What is compiled after an edit is what the edit can change: the project's own files (the
//! prelude and the policy folder) are compiled together, once, when one of them changed; a
//! document open from outside the policy folder (a scratch file, a test fixture) is compiled
//! with them but on its own, when *it* changed — an edit of the policies does not compile it
//! again (its diagnostics are refreshed by its own next edit, or when files change on disk,
//! [`Workspace::refresh_outside`]). So one edit is one compile, however many such documents are
//! open.
//!
//! An item being written that does not parse is compiled as it last parsed (see
//! [`crate::document::Chunk::fallback`]): the rest of the project still sees what it declares,
//! so its uses elsewhere do not turn red while it is written; only its parse errors are shown
//! in it.

use super::{DocId, Workspace};
use crate::symbols::Analysis;
use datalex_lang::Severity;
use lsp_types::{
    Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, NumberOrString, Uri,
};
use std::collections::BTreeMap;

/// The most diagnostics published for one file (the compiler's order: the first ones).
pub const MAX_PER_FILE: usize = 1000;

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

/// The catalog id (`lsp.ftl`) of the message of the one diagnostic of a file outside every
/// project.
pub const DETACHED: &str = "lsp-detached";

impl Workspace {
    /// Compiles the whole workspace and returns the diagnostics of every file that can be
    /// shown (the embedded prelude cannot), keyed by URI: the project's own files together,
    /// each document from outside the policy folder with them but on its own, so that it
    /// cannot add errors to the policies, keeping only its own diagnostics.
    pub fn compile(&self) -> ByUri {
        let mut by_doc = self.compile_members();
        for id in self.outside() {
            by_doc.insert(id, self.compile_outside(id));
        }
        self.by_uri(&by_doc)
    }

    /// The documents that are not the project's own.
    pub(crate) fn outside(&self) -> Vec<DocId> {
        self.docs()
            .map(|(id, _)| id)
            .filter(|id| !self.is_member(*id))
            .collect()
    }

    /// The diagnostics of the project's own files, compiled together.
    fn compile_members(&self) -> BTreeMap<DocId, Vec<Diagnostic>> {
        let members: Vec<DocId> = self
            .docs()
            .map(|(id, _)| id)
            .filter(|id| self.is_member(*id))
            .collect();
        let (diagnostics, analysis) = self.compile_set(&members, None);
        // The symbols of the current texts, unless a question already compiled them.
        let _ = self.analysis.set(analysis);
        diagnostics
    }

    /// The names the compiler resolved in the project's own files (compiled now if they
    /// changed since the last compile).
    pub fn analysis(&self) -> &Analysis {
        self.analysis.get_or_init(|| {
            let members: Vec<DocId> = self
                .docs()
                .map(|(id, _)| id)
                .filter(|id| self.is_member(*id))
                .collect();
            self.compile_set(&members, None).1
        })
    }

    /// The names the compiler resolved in the compile of document `doc`: the project's own
    /// files', or, for a document outside the policy folder, its own compile with them
    /// (compiled now if it or they changed since).
    pub fn analysis_for(&self, doc: DocId) -> &Analysis {
        match self.outside_analysis.get(&doc) {
            Some(cell) if !self.is_member(doc) => cell.get_or_init(|| self.outside_set(doc).1),
            _ => self.analysis(),
        }
    }

    /// Compiles document `id` with the project's own files: its diagnostics and the names
    /// resolved.
    fn outside_set(&self, id: DocId) -> (Vec<Diagnostic>, Analysis) {
        let mut set: Vec<DocId> = self
            .docs()
            .map(|(d, _)| d)
            .filter(|d| self.is_member(*d))
            .collect();
        set.push(id);
        let (mut diagnostics, analysis) = self.compile_set(&set, Some(id));
        (diagnostics.remove(&id).unwrap_or_default(), analysis)
    }

    /// The diagnostics of document `id`, compiled with the project's own files (the names
    /// resolved are kept for the questions about it).
    fn compile_outside(&self, id: DocId) -> Vec<Diagnostic> {
        let (diagnostics, analysis) = self.outside_set(id);
        if let Some(cell) = self.outside_analysis.get(&id) {
            let _ = cell.set(analysis);
        }
        diagnostics
    }

    /// Every document that can be shown, with its version and the diagnostics in `by_doc`
    /// (none if it has none there); a detached file's start with [`DETACHED`].
    fn by_uri(&self, by_doc: &BTreeMap<DocId, Vec<Diagnostic>>) -> ByUri {
        let mut out = ByUri::new();
        for (id, d) in self.docs() {
            let Some(uri) = &d.uri else { continue };
            let mut diagnostics = Vec::new();
            if self.detached && id != 0 {
                diagnostics.push(Diagnostic {
                    range: lsp_types::Range::default(),
                    severity: Some(DiagnosticSeverity::INFORMATION),
                    source: Some("datalex".into()),
                    message: datalex_i18n::text(self.lang(), DETACHED, None),
                    ..Diagnostic::default()
                });
            }
            diagnostics.extend(by_doc.get(&id).into_iter().flatten().cloned());
            out.insert(
                uri.as_str().to_string(),
                (uri.clone(), d.version, diagnostics),
            );
        }
        out
    }

    /// Compiles the documents `ids` and returns the diagnostics of each (only of `only`, if
    /// given) and the names resolved.
    fn compile_set(
        &self,
        ids: &[DocId],
        only: Option<DocId>,
    ) -> (BTreeMap<DocId, Vec<Diagnostic>>, Analysis) {
        let mut out: BTreeMap<DocId, Vec<Diagnostic>> = BTreeMap::new();
        let mut order: Vec<DocId> = ids.to_vec();
        // The prelude first, then by name, as `datalex check` orders them.
        order.sort_by(|a, b| {
            let name = |id: &DocId| self.doc(*id).map(|d| d.name.as_str());
            (*a != 0, name(a)).cmp(&(*b != 0, name(b)))
        });
        order.retain(|id| self.doc(*id).is_some());
        // The documents' cached trees, not their texts parsed again; a document that did not
        // change since the last compile hands over the same tree again, without cloning it.
        let assembled: Vec<_> = order
            .iter()
            .enumerate()
            .filter_map(|(file, id)| {
                let file = datalex_lang::FileId::try_from(file).ok()?;
                Some(self.doc(*id)?.assembled(file))
            })
            .collect();
        let files: Vec<_> = assembled.iter().map(|a| (a.file, &a.tree)).collect();
        let parse_diagnostics: Vec<_> = assembled
            .iter()
            .flat_map(|a| a.diagnostics.iter().cloned())
            .collect();
        // What the compiler says inside an item that does not parse is about the tree it last
        // had (see `Chunk::fallback`), not about the text: only its parse errors are shown.
        let syntax_errors = parse_diagnostics.clone();
        let compiled = datalex_compiler::check_parsed(&files, parse_diagnostics);
        let doc_of = |file: u32| order.get(file as usize).copied();
        for d in &compiled.diagnostics {
            let Some(id) = doc_of(d.span.file) else {
                continue;
            };
            if only.is_some_and(|o| o != id) {
                continue;
            }
            let Some(doc) = self.doc(id) else { continue };
            if doc.uri.is_none() {
                continue;
            }
            // A condition of 100,000 wrong terms is 100,000 diagnostics, each placed by
            // measuring its line: a file shows the first MAX_PER_FILE, as editors do.
            if out.get(&id).is_some_and(|v| v.len() >= MAX_PER_FILE) {
                continue;
            }
            let at = d.span.start as usize;
            if doc.stale().any(|(start, end)| start <= at && at < end) && !syntax_errors.contains(d)
            {
                continue;
            }
            let related: Vec<DiagnosticRelatedInformation> = d
                .labels
                .iter()
                .filter_map(|l| {
                    let at = doc_of(l.span.file)?;
                    let location = self.location(at, l.span.start as usize, l.span.end as usize)?;
                    Some(DiagnosticRelatedInformation {
                        location,
                        message: l.message.text(self.lang()),
                    })
                })
                .collect();
            let lang = self.lang();
            let message = match d.help_text(lang) {
                Some(h) => format!("{}\n{h}", d.text(lang)),
                None => d.text(lang),
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
            out.entry(id).or_default().push(diagnostic);
        }
        let analysis = Analysis {
            symbols: compiled.symbols,
            docs: order,
        };
        (out, analysis)
    }

    /// Compiles what changed since the last call (see the module's documentation) and returns
    /// what must be published: every file whose diagnostics or version changed, and files that
    /// left the workspace (cleared).
    pub fn diagnostics(&mut self) -> Vec<Publish> {
        if self.members_dirty {
            let members = self.compile_members();
            self.compiles += 1;
            let outside = self.outside();
            self.compiled.retain(|id, _| outside.contains(id));
            self.compiled.extend(members);
            self.members_dirty = false;
        }
        for id in std::mem::take(&mut self.outside_dirty) {
            if self.doc(id).is_some() && !self.is_member(id) {
                let diagnostics = self.compile_outside(id);
                self.compiles += 1;
                self.compiled.insert(id, diagnostics);
            }
        }
        let now = self.by_uri(&self.compiled);
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
        clippy::indexing_slicing,
        clippy::string_slice,
        reason = "tests may fail loudly"
    )]

    use super::*;
    use datalex_lang::SourceMap;
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
