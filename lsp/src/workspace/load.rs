//! Reading a project: the prelude under `stdlib/` if it is there, and every `.dlx` file under
//! the policy folder. The only file IO of the server, besides finding projects
//! ([`crate::project`]) and re-reading a file the client closed or reported changed.

use super::{Workspace, PRELUDE_NAME};
use crate::document::Document;
use crate::project::{normalise, Layout};
use crate::uri;
use std::path::{Path, PathBuf};

impl Workspace {
    /// Loads the project rooted at `root` with the policy folder `policies` (relative to the
    /// root, or absolute; normalised, so `./policies/` is `policies`): `root/stdlib/prelude.dlx`
    /// replaces the embedded prelude when it exists, and every `.dlx` file under the policy
    /// folder is read, each once whatever the spelling of the paths. Unreadable files are
    /// skipped (and remembered, see [`Workspace::unreadable`]); returns how many files were
    /// read.
    pub fn load(&mut self, root: &Path, policies: &Path) -> usize {
        let layout = Layout::at(root, policies);
        let mut read = 0;
        let prelude = normalise(&layout.root.join(PRELUDE_NAME));
        let policy_folder = layout.policies.clone();
        self.layout = Some(layout);
        self.classify();
        if let (Ok(text), Some(uri)) = (
            datalex_files::read_policy(&prelude),
            uri::from_path(&prelude),
        ) {
            if let Some(slot) = self.docs.first_mut() {
                *slot = Some(Document::new(
                    Some(uri.clone()),
                    PRELUDE_NAME.into(),
                    text,
                    None,
                ));
                self.by_uri.insert(uri.as_str().to_string(), 0);
                self.by_path.insert(prelude, 0);
                read += 1;
            }
        }
        self.unreadable.clear();
        let found = walk(&policy_folder);
        // What the walk could not list (a folder too deep or unreadable, a file too large) is
        // unreadable too: rename refuses to edit a project it cannot see whole.
        self.unreadable
            .extend(found.errors.iter().map(|e| normalise(e.path())));
        for f in found.files {
            // A file reached through a symbolic link to outside the policy folder is not the
            // project's.
            let f = normalise(&f);
            let Some(uri) = uri::from_path(&f).filter(|_| self.owns(&f)) else {
                continue;
            };
            if self.find(&uri).is_some() {
                continue;
            }
            match datalex_files::read_policy(&f) {
                Ok(text) => {
                    self.upsert(&uri, text, None);
                    read += 1;
                }
                Err(_) => self.unreadable.push(f),
            }
        }
        self.changed_all();
        read
    }
}

/// Every `.dlx` file under `dir`, sorted, each once (see [`datalex_files`]: symbolic link
/// loops and FIFOs are skipped, a folder too deep or a file too large is left out).
pub(crate) fn dlx_files(dir: &Path) -> Vec<PathBuf> {
    walk(dir).files
}

/// What the one walker of the workspace finds under `dir`, leniently: what could be listed,
/// and what could not. A missing folder has no files.
fn walk(dir: &Path) -> datalex_files::PolicyFiles {
    let mut walker = datalex_files::Walker::new();
    let stopped = walker.add(dir);
    let mut found = walker.finish();
    match stopped {
        Ok(()) | Err(datalex_files::WalkError::Missing { .. }) => {}
        Err(e) => found.errors.push(e),
    }
    found
}
