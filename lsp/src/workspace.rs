//! The files of one project the server knows: the prelude, every policy file of the project
//! (as on disk), and the documents the client has open in it (as the client has them,
//! overriding the disk).
//!
//! Each file keeps its parsed items between edits ([`Document`]); the project is compiled for
//! diagnostics ([`Workspace::diagnostics`]), only the part an edit touched (see
//! `workspace/diagnostics.rs`), and the names the compiler resolved answer the questions
//! ([`Workspace::analysis_for`], compiled on the first question after an edit if the
//! diagnostics have not been).
//!
//! Documents are found by URI and, failing that, by normalised path
//! ([`crate::project::normalise`]), so a file is one document however it is spelt.

mod diagnostics;
pub(crate) mod load;

pub use diagnostics::{Publish, Published};

use crate::document::{Document, Reparsed};
use crate::project::{normalise, Layout};
use crate::uri;
use datalex_i18n::Lang;
use lsp_types::{TextDocumentContentChangeEvent, Uri};
use std::cell::OnceCell;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Index of a document in the workspace (stable while the server runs).
pub type DocId = usize;

/// The name the prelude goes by in diagnostics, as in `datalex check`.
pub const PRELUDE_NAME: &str = "stdlib/prelude.dlx";

/// All files of one project.
#[derive(Debug, Clone)]
pub struct Workspace {
    docs: Vec<Option<Document>>,
    by_uri: HashMap<String, DocId>,
    /// Documents by normalised path (those with a `file:` URI).
    by_path: HashMap<PathBuf, DocId>,
    /// Documents the client has open.
    open: HashSet<DocId>,
    /// The project's own files besides the prelude: those under its policy folder.
    members: HashSet<DocId>,
    /// The project's root and policy folder; `None` for a workspace of loose documents.
    layout: Option<Layout>,
    /// Whether this workspace is one file outside every project, compiled alone (its
    /// diagnostics say so).
    detached: bool,
    /// Policy files that could not be read (rename refuses, since it cannot see them).
    unreadable: Vec<PathBuf>,
    /// The names the compiler resolved in the last compile of the project's own files, if
    /// their texts did not change since.
    analysis: OnceCell<crate::symbols::Analysis>,
    /// The names the compiler resolved in each document outside the policy folder (compiled
    /// with the project's own files but on its own), if neither it nor they changed since.
    outside_analysis: std::collections::BTreeMap<DocId, OnceCell<crate::symbols::Analysis>>,
    /// Whether the project's own files (the prelude and the policy files) changed since they
    /// were last compiled.
    members_dirty: bool,
    /// Documents outside the policy folder whose text changed since they were last compiled.
    outside_dirty: BTreeSet<DocId>,
    /// The diagnostics of the last compile of each document.
    compiled: std::collections::BTreeMap<DocId, Vec<lsp_types::Diagnostic>>,
    /// How many times the compiler ran.
    compiles: u64,
    published: Published,
    /// The language of the client (`InitializeParams.locale`): diagnostics and hover are
    /// worded in it.
    lang: Lang,
}

impl Workspace {
    /// The language diagnostics and hover are worded in.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// Words diagnostics and hover in `lang` from now on.
    pub fn set_lang(&mut self, lang: Lang) {
        if self.lang != lang {
            self.lang = lang;
            self.members_dirty = true;
            self.outside_dirty.extend(self.compiled.keys().copied());
        }
    }

    /// A workspace of the prelude alone (`prelude` is its text; it has no URI, so it is not
    /// shown as a location).
    pub fn new(prelude: &str) -> Workspace {
        let doc = Document::new(None, PRELUDE_NAME.into(), prelude.into(), None);
        Workspace {
            docs: vec![Some(doc)],
            by_uri: HashMap::new(),
            by_path: HashMap::new(),
            open: HashSet::new(),
            members: HashSet::new(),
            layout: None,
            detached: false,
            unreadable: Vec::new(),
            analysis: OnceCell::new(),
            outside_analysis: std::collections::BTreeMap::new(),
            members_dirty: true,
            outside_dirty: BTreeSet::new(),
            compiled: std::collections::BTreeMap::new(),
            compiles: 0,
            published: Published::default(),
            lang: Lang::default(),
        }
    }

    /// A workspace for one file outside every project: the prelude and the file, compiled
    /// alone; the file's diagnostics start with one that says so.
    pub fn detached(prelude: &str) -> Workspace {
        let mut ws = Workspace::new(prelude);
        ws.detached = true;
        ws
    }

    /// The project root, if any.
    pub fn root(&self) -> Option<&Path> {
        self.layout.as_ref().map(|l| l.root.as_path())
    }

    /// The project's root and policy folder, if it is a project.
    pub fn layout(&self) -> Option<&Layout> {
        self.layout.as_ref()
    }

    /// Whether this is a single file outside every project ([`Workspace::detached`]).
    pub fn is_detached(&self) -> bool {
        self.detached
    }

    /// Policy files of the project that could not be read.
    pub fn unreadable(&self) -> &[PathBuf] {
        &self.unreadable
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

    /// The document at `uri`: by the URI as given, else by its normalised path.
    pub fn find(&self, uri: &Uri) -> Option<DocId> {
        self.by_uri.get(uri.as_str()).copied().or_else(|| {
            let path = normalise(&uri::to_path(uri)?);
            self.by_path.get(&path).copied()
        })
    }

    /// Whether the client has the document open.
    pub fn is_open(&self, id: DocId) -> bool {
        self.open.contains(&id)
    }

    /// Whether a document is one of the project's own files (the prelude, or under the policy
    /// folder), compiled together; the others are compiled each with them but on its own.
    /// Without a project every document is its own.
    pub fn is_member(&self, id: DocId) -> bool {
        self.layout.is_none() || id == 0 || self.members.contains(&id)
    }

    /// Works out again which documents are the project's own (the layout changed).
    fn classify(&mut self) {
        let members: HashSet<DocId> = self
            .by_path
            .iter()
            .filter(|(p, _)| self.owns(p))
            .map(|(_, id)| *id)
            .collect();
        self.members = members;
    }

    /// Whether the texts changed since the last [`Workspace::diagnostics`].
    pub fn is_dirty(&self) -> bool {
        self.members_dirty || !self.outside_dirty.is_empty()
    }

    /// How many times [`Workspace::diagnostics`] has run the compiler.
    pub fn compiles(&self) -> u64 {
        self.compiles
    }

    /// Document `id` changed: the diagnostics and names of what it is compiled with are
    /// stale.
    fn changed(&mut self, id: DocId) {
        if self.is_member(id) {
            self.analysis = OnceCell::new();
            self.members_dirty = true;
            // The documents outside resolve names against the project's own files.
            for a in self.outside_analysis.values_mut() {
                *a = OnceCell::new();
            }
        } else {
            self.outside_dirty.insert(id);
            self.outside_analysis.insert(id, OnceCell::new());
        }
    }

    /// Every file changed (the project was loaded again).
    fn changed_all(&mut self) {
        self.analysis = OnceCell::new();
        self.outside_analysis = self
            .outside()
            .into_iter()
            .map(|id| (id, OnceCell::new()))
            .collect();
        self.members_dirty = true;
        self.refresh_outside();
    }

    /// Compiles the documents outside the policy folder again at the next
    /// [`Workspace::diagnostics`] (an edit of the policies does not, so that they never add a
    /// compile to an edit; a change on disk does).
    pub fn refresh_outside(&mut self) {
        let outside = self.outside();
        self.outside_dirty.extend(outside);
    }

    /// The name a file goes by: its path relative to the project root.
    fn name_of(&self, uri: &Uri) -> String {
        let path = uri::to_path(uri).map(|p| normalise(&p));
        match (path, self.root()) {
            (Some(p), Some(root)) => p
                .strip_prefix(root)
                .map_or_else(|_| p.display().to_string(), |r| r.display().to_string()),
            (Some(p), None) => p.display().to_string(),
            (None, _) => uri.as_str().to_string(),
        }
    }

    /// Adds a document, or replaces the text of the one at the same URI or path (which then
    /// goes by `uri`, as the client spells it).
    fn upsert(&mut self, uri: &Uri, text: String, version: Option<i32>) -> DocId {
        if let Some(id) = self.find(uri) {
            if let Some(Some(doc)) = self.docs.get_mut(id) {
                doc.version = version;
                doc.set_text(text);
                if doc.uri.as_ref() != Some(uri) {
                    if let Some(old) = doc.uri.replace(uri.clone()) {
                        self.by_uri.remove(old.as_str());
                    }
                    self.by_uri.insert(uri.as_str().to_string(), id);
                }
                self.changed(id);
                return id;
            }
        }
        let doc = Document::new(Some(uri.clone()), self.name_of(uri), text, version);
        self.docs.push(Some(doc));
        let id = self.docs.len() - 1;
        self.by_uri.insert(uri.as_str().to_string(), id);
        if let Some(p) = uri::to_path(uri) {
            let p = normalise(&p);
            if self.owns(&p) {
                self.members.insert(id);
            }
            self.by_path.insert(p, id);
        }
        self.changed(id);
        id
    }

    /// Takes document `id` out of the workspace.
    fn remove(&mut self, id: DocId) {
        self.changed(id);
        self.outside_dirty.remove(&id);
        self.outside_analysis.remove(&id);
        self.compiled.remove(&id);
        self.open.remove(&id);
        self.members.remove(&id);
        let Some(slot) = self.docs.get_mut(id) else {
            return;
        };
        if let Some(uri) = slot.take().and_then(|d| d.uri) {
            self.by_uri.remove(uri.as_str());
            if let Some(p) = uri::to_path(&uri) {
                self.by_path.remove(&normalise(&p));
            }
        }
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
        self.changed(id);
        let doc = self.docs.get_mut(id)?.as_mut()?;
        Some(doc.apply_changes(changes, version))
    }

    /// `textDocument/didClose`: a policy file of the project goes back to its disk text; any
    /// other file leaves the workspace.
    pub fn close(&mut self, uri: &Uri) {
        let Some(id) = self.find(uri) else { return };
        self.open.remove(&id);
        self.reload(uri);
    }

    /// Reads a file again from disk (it changed there, or the client closed it), unless the
    /// client has it open. A file that is gone, or that is not a policy file of the project,
    /// leaves the workspace.
    pub fn reload(&mut self, uri: &Uri) {
        if self.find(uri).is_some_and(|id| self.open.contains(&id)) {
            return;
        }
        let text = uri::to_path(uri)
            .map(|p| normalise(&p))
            .filter(|p| self.owns(p))
            // Through the one reader: a FIFO or a device is never opened, a huge file is not
            // read (a file that cannot be read so leaves the workspace, as a gone one does).
            .and_then(|p| datalex_files::read_policy(&p).ok());
        match text {
            Some(t) => {
                self.upsert(uri, t, None);
            }
            None => {
                // The prelude stays (with its last text): without it nothing compiles.
                if let Some(id) = self.find(uri).filter(|id| *id != 0) {
                    self.remove(id);
                }
            }
        }
    }

    /// Whether `path` (normalised) is a policy file of the project.
    pub fn owns(&self, path: &Path) -> bool {
        self.layout.as_ref().is_some_and(|l| l.owns(path))
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
