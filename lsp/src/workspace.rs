//! The files the server knows: the prelude, every policy file of the workspace folder (as on
//! disk), and the documents the client has open (as the client has them, overriding the disk).
//!
//! Each file keeps its parsed items between edits ([`Document`]); the symbol tables built from
//! them are rebuilt on the first question after an edit ([`Workspace::tables`]); the whole
//! workspace is compiled for diagnostics ([`Workspace::diagnostics`]).

mod diagnostics;
pub(crate) mod load;

pub use diagnostics::{Publish, Published};

use crate::document::{Document, Reparsed};
use crate::resolve::Tables;
use crate::uri;
use lsp_types::{TextDocumentContentChangeEvent, Uri};
use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Index of a document in the workspace (stable while the server runs).
pub type DocId = usize;

/// The name the prelude goes by in diagnostics, as in `datalex check`.
pub const PRELUDE_NAME: &str = "stdlib/prelude.dlx";

/// All files of one workspace.
#[derive(Debug, Clone)]
pub struct Workspace {
    docs: Vec<Option<Document>>,
    by_uri: HashMap<String, DocId>,
    /// Documents the client has open.
    open: HashSet<DocId>,
    root: Option<PathBuf>,
    /// The policy folder under the root (`policies`).
    policies: PathBuf,
    tables: OnceCell<Tables>,
    /// Whether something changed since the last compile.
    dirty: bool,
    published: Published,
}

impl Workspace {
    /// A workspace of the prelude alone (`prelude` is its text; it has no URI, so it is not
    /// shown as a location).
    pub fn new(prelude: &str) -> Workspace {
        let doc = Document::new(None, PRELUDE_NAME.into(), prelude.into(), None);
        Workspace {
            docs: vec![Some(doc)],
            by_uri: HashMap::new(),
            open: HashSet::new(),
            root: None,
            policies: PathBuf::from("policies"),
            tables: OnceCell::new(),
            dirty: true,
            published: Published::default(),
        }
    }

    /// The workspace folder, if any.
    pub fn root(&self) -> Option<&Path> {
        self.root.as_deref()
    }

    /// A document by id.
    pub fn doc(&self, id: DocId) -> Option<&Document> {
        self.docs.get(id).and_then(Option::as_ref)
    }

    /// Every document with its id.
    pub fn docs(&self) -> impl Iterator<Item = (DocId, &Document)> {
        self.docs
            .iter()
            .enumerate()
            .filter_map(|(i, d)| d.as_ref().map(|d| (i, d)))
    }

    /// The document at `uri`.
    pub fn find(&self, uri: &Uri) -> Option<DocId> {
        self.by_uri.get(uri.as_str()).copied()
    }

    /// The symbol tables of the current texts.
    pub fn tables(&self) -> &Tables {
        self.tables.get_or_init(|| Tables::build(self))
    }

    /// Whether the texts changed since the last [`Workspace::diagnostics`].
    pub fn is_dirty(&self) -> bool {
        self.dirty
    }

    fn changed(&mut self) {
        self.tables = OnceCell::new();
        self.dirty = true;
    }

    /// The name a file goes by: its path relative to the workspace folder.
    fn name_of(&self, uri: &Uri) -> String {
        match (uri::to_path(uri), &self.root) {
            (Some(p), Some(root)) => p
                .strip_prefix(root)
                .map_or_else(|_| p.display().to_string(), |r| r.display().to_string()),
            (Some(p), None) => p.display().to_string(),
            (None, _) => uri.as_str().to_string(),
        }
    }

    /// Adds a document, or replaces the text of the one at the same URI.
    fn upsert(&mut self, uri: &Uri, text: String, version: Option<i32>) -> DocId {
        self.changed();
        if let Some(id) = self.find(uri) {
            if let Some(Some(doc)) = self.docs.get_mut(id) {
                doc.version = version;
                doc.set_text(text);
                return id;
            }
        }
        let doc = Document::new(Some(uri.clone()), self.name_of(uri), text, version);
        self.docs.push(Some(doc));
        let id = self.docs.len() - 1;
        self.by_uri.insert(uri.as_str().to_string(), id);
        id
    }

    /// `textDocument/didOpen`: the client's text replaces the disk's.
    pub fn open(&mut self, uri: &Uri, text: String, version: i32) -> DocId {
        let id = self.upsert(uri, text, Some(version));
        self.open.insert(id);
        id
    }

    /// `textDocument/didChange`. `None` if the document is not open.
    pub fn change(
        &mut self,
        uri: &Uri,
        changes: &[TextDocumentContentChangeEvent],
        version: i32,
    ) -> Option<Reparsed> {
        let id = self.find(uri).filter(|id| self.open.contains(id))?;
        self.changed();
        let doc = self.docs.get_mut(id)?.as_mut()?;
        Some(doc.apply_changes(changes, version))
    }

    /// `textDocument/didClose`: a policy file of the workspace goes back to its disk text; any
    /// other file leaves the workspace.
    pub fn close(&mut self, uri: &Uri) {
        let Some(id) = self.find(uri) else { return };
        self.open.remove(&id);
        self.reload(uri);
    }

    /// Reads a file again from disk (it changed there, or the client closed it), unless the
    /// client has it open. A file that is gone, or that is not under the policy folder, leaves
    /// the workspace.
    pub fn reload(&mut self, uri: &Uri) {
        if self.find(uri).is_some_and(|id| self.open.contains(&id)) {
            return;
        }
        let text = uri::to_path(uri)
            .filter(|p| self.in_policies(p))
            .and_then(|p| std::fs::read_to_string(p).ok());
        match text {
            Some(t) => {
                self.upsert(uri, t, None);
            }
            None => {
                // The prelude stays (with its last text): without it nothing compiles.
                if let Some(id) = self.find(uri).filter(|id| *id != 0) {
                    self.by_uri.remove(uri.as_str());
                    if let Some(slot) = self.docs.get_mut(id) {
                        *slot = None;
                    }
                    self.changed();
                }
            }
        }
    }

    fn in_policies(&self, path: &Path) -> bool {
        let is_dlx = path.extension().is_some_and(|x| x == "dlx");
        let prelude = self
            .root
            .as_ref()
            .is_some_and(|r| path == r.join(PRELUDE_NAME));
        is_dlx
            && (prelude
                || self
                    .root
                    .as_ref()
                    .is_some_and(|r| path.starts_with(r.join(&self.policies))))
    }

    /// The document and byte offset a request points at; `None` for an unknown document.
    pub fn at(&self, p: &lsp_types::TextDocumentPositionParams) -> Option<(DocId, usize)> {
        let id = self.find(&p.text_document.uri)?;
        Some((id, self.offset(id, p.position)?))
    }

    /// The byte offset of a position in a document.
    pub fn offset(&self, id: DocId, pos: lsp_types::Position) -> Option<usize> {
        let d = self.doc(id)?;
        Some(d.lines.offset(&d.text, pos))
    }

    /// The LSP range of a span of a document.
    pub fn range(&self, id: DocId, start: usize, end: usize) -> Option<lsp_types::Range> {
        let d = self.doc(id)?;
        Some(d.lines.range(&d.text, start, end))
    }

    /// The location of a span of a document, if the client can open it.
    pub fn location(&self, id: DocId, start: usize, end: usize) -> Option<lsp_types::Location> {
        let d = self.doc(id)?;
        Some(lsp_types::Location {
            uri: d.uri.clone()?,
            range: d.lines.range(&d.text, start, end),
        })
    }
}
