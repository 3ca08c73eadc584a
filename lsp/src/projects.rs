//! Every project the server serves, one [`Workspace`] each, and which one a document belongs
//! to.
//!
//! The projects of the workspace folders are found and loaded when the server starts
//! ([`Projects::add_folder`], see [`crate::project::discover`]). A document is served by:
//!
//! 1. the project whose policy folder holds it (the deepest, if projects nest);
//! 2. else the project found from the document itself, loaded the first time (a file of a
//!    project outside the workspace folders, a test fixture's own `policies/`); a document of
//!    that project outside its policy folder (a scratch file) is compiled with its policies but
//!    on its own;
//! 3. else, outside every project, a workspace of its own: the document and the prelude,
//!    compiled alone, with one information diagnostic that says so (never the errors of names
//!    it cannot see). It goes when the document is closed.

use crate::document::Reparsed;
use crate::project::{discover, normalise, Layout};
use crate::uri;
use crate::workspace::{Publish, Workspace};
use datalex_i18n::Lang;
use lsp_types::{TextDocumentContentChangeEvent, Uri};
use std::path::{Path, PathBuf};

/// The projects and the loose documents the server serves.
#[derive(Debug, Clone)]
pub struct Projects {
    /// The prelude a project without `stdlib/prelude.dlx` uses.
    prelude: String,
    /// The policy folder's setting (relative to a project root, or absolute).
    policies: PathBuf,
    /// The workspaces: projects, and single files outside every project.
    list: Vec<Workspace>,
    /// Answers questions about documents no workspace has (there are none to give).
    none: Workspace,
    /// Compiles of workspaces that have gone.
    retired: u64,
    /// The client's language, given to every workspace.
    lang: Lang,
}

impl Projects {
    /// No project yet. `prelude` is the embedded prelude's text, `policies` the policy
    /// folder's setting.
    pub fn new(prelude: &str, policies: &Path) -> Projects {
        Projects {
            prelude: prelude.to_string(),
            policies: policies.to_path_buf(),
            list: Vec::new(),
            none: Workspace::new(prelude),
            retired: 0,
            lang: Lang::default(),
        }
    }

    /// Words diagnostics and hover in `lang` (the client's `locale`), in every workspace.
    pub fn set_lang(&mut self, lang: Lang) {
        self.lang = lang;
        self.none.set_lang(lang);
        for ws in &mut self.list {
            ws.set_lang(lang);
        }
    }

    /// The client's language.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// Loads the project of a workspace folder (found from it, see
    /// [`crate::project::discover`]) unless it is loaded already; `false` if the folder is in
    /// no project.
    pub fn add_folder(&mut self, folder: &Path) -> bool {
        match discover(folder, &self.policies) {
            Some(layout) => {
                self.project(&layout);
                true
            }
            None => false,
        }
    }

    /// The workspaces.
    pub fn workspaces(&self) -> impl Iterator<Item = &Workspace> {
        self.list.iter()
    }

    /// The workspace of the project at `layout`, loaded if it is not yet.
    fn project(&mut self, layout: &Layout) -> usize {
        if let Some(i) = self
            .list
            .iter()
            .position(|w| w.layout().is_some_and(|l| l.root == layout.root))
        {
            return i;
        }
        let mut ws = Workspace::new(&self.prelude);
        ws.set_lang(self.lang);
        ws.load(&layout.root, &layout.policies);
        self.list.push(ws);
        self.list.len() - 1
    }

    /// The workspace that has the document at `uri`.
    fn index_of(&self, uri: &Uri) -> Option<usize> {
        self.list.iter().position(|w| w.find(uri).is_some())
    }

    /// The workspace that serves the document at `uri`; a workspace without it (every answer
    /// about it is empty) if none does.
    pub fn get(&self, uri: &Uri) -> &Workspace {
        self.index_of(uri)
            .and_then(|i| self.list.get(i))
            .unwrap_or(&self.none)
    }

    /// A workspace without documents, for questions about no document.
    pub fn get_none(&self) -> &Workspace {
        &self.none
    }

    /// Where a document not served yet goes (see the module's documentation).
    fn place(&mut self, uri: &Uri) -> usize {
        let path = uri::to_path(uri).map(|p| normalise(&p));
        if let Some(p) = &path {
            let owner = self
                .list
                .iter()
                .enumerate()
                .filter(|(_, w)| w.owns(p))
                .max_by_key(|(_, w)| w.root().map_or(0, |r| r.components().count()))
                .map(|(i, _)| i);
            if let Some(i) = owner {
                return i;
            }
            if let Some(layout) = discover(p, &self.policies) {
                return self.project(&layout);
            }
        }
        let mut ws = Workspace::detached(&self.prelude);
        ws.set_lang(self.lang);
        self.list.push(ws);
        self.list.len() - 1
    }

    /// `textDocument/didOpen`.
    pub fn open(&mut self, uri: &Uri, text: String, version: i32) {
        let i = match self.index_of(uri) {
            Some(i) => i,
            None => self.place(uri),
        };
        if let Some(ws) = self.list.get_mut(i) {
            ws.open(uri, text, version);
        }
    }

    /// `textDocument/didChange`; `None` if no workspace has the document open.
    pub fn change(
        &mut self,
        uri: &Uri,
        changes: &[TextDocumentContentChangeEvent],
        version: i32,
    ) -> Option<Reparsed> {
        let i = self.index_of(uri)?;
        self.list.get_mut(i)?.change(uri, changes, version)
    }

    /// `textDocument/didClose`.
    pub fn close(&mut self, uri: &Uri) {
        if let Some(ws) = self.index_of(uri).and_then(|i| self.list.get_mut(i)) {
            ws.close(uri);
        }
    }

    /// A file changed on disk (`workspace/didChangeWatchedFiles`): every project that has it
    /// or whose policy folder holds it reads it again (adds it, drops it), and compiles its
    /// documents from outside the policy folder again.
    pub fn file_changed(&mut self, uri: &Uri) {
        let path = uri::to_path(uri).map(|p| normalise(&p));
        for ws in &mut self.list {
            let concerned = ws.find(uri).is_some() || path.as_ref().is_some_and(|p| ws.owns(p));
            if concerned && !ws.is_detached() {
                ws.reload(uri);
                ws.refresh_outside();
            }
        }
    }

    /// Whether anything changed since the last [`Projects::diagnostics`].
    pub fn is_dirty(&self) -> bool {
        self.list.iter().any(Workspace::is_dirty)
    }

    /// How many times the compiler ran, in all workspaces.
    pub fn compiles(&self) -> u64 {
        self.retired + self.list.iter().map(Workspace::compiles).sum::<u64>()
    }

    /// Compiles what changed in every workspace and returns what must be published. A
    /// single-file workspace whose file was closed goes (after its diagnostics are cleared).
    pub fn diagnostics(&mut self) -> Vec<Publish> {
        let mut out = Vec::new();
        for ws in &mut self.list {
            if ws.is_dirty() {
                out.extend(ws.diagnostics());
            }
        }
        let mut retired = 0;
        self.list.retain(|w| {
            let empty = w.is_detached() && w.docs().all(|(id, _)| id == 0);
            if empty {
                retired += w.compiles();
            }
            !empty
        });
        self.retired += retired;
        out
    }
}
