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
        if let (Ok(text), Some(uri)) = (std::fs::read_to_string(&prelude), uri::from_path(&prelude))
        {
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
        for f in dlx_files(&policy_folder) {
            // A file reached through a symbolic link to outside the policy folder is not the
            // project's.
            let f = normalise(&f);
            let Some(uri) = uri::from_path(&f).filter(|_| self.owns(&f)) else {
                continue;
            };
            if self.find(&uri).is_some() {
                continue;
            }
            match std::fs::read_to_string(&f) {
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

/// Every `.dlx` file under `dir`, sorted.
pub(crate) fn dlx_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    collect(dir, &mut files, 0);
    files.sort();
    files
}

/// Every `.dlx` file under `dir` (symbolic links to folders are not followed deeper than a
/// few levels).
fn collect(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) {
    if depth > 16 {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let path = e.path();
        if path.is_dir() {
            collect(&path, out, depth + 1);
        } else if path.extension().is_some_and(|x| x == "dlx") {
            out.push(path);
        }
    }
}
