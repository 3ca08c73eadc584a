//! Reading the workspace folder: the prelude under `stdlib/` if it is there, and every `.dlx`
//! file under the policy folder. The only file IO of the server, besides re-reading a file the
//! client closed or reported changed.

use super::{Workspace, PRELUDE_NAME};
use crate::document::Document;
use crate::uri;
use std::path::{Path, PathBuf};

impl Workspace {
    /// Loads the workspace folder `root`: `root/stdlib/prelude.dlx` replaces the embedded
    /// prelude when it exists, and every `.dlx` file under `root/policies` (the folder name is
    /// `policies`) is read. Unreadable files are skipped; returns how many files were read.
    pub fn load(&mut self, root: &Path, policies: &Path) -> usize {
        self.root = Some(root.to_path_buf());
        self.policies = policies.to_path_buf();
        let mut read = 0;
        let prelude = root.join(PRELUDE_NAME);
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
                read += 1;
            }
        }
        for f in dlx_files(&root.join(policies)) {
            let (Ok(text), Some(uri)) = (std::fs::read_to_string(&f), uri::from_path(&f)) else {
                continue;
            };
            if self.find(&uri).is_none() {
                self.upsert(&uri, text, None);
                read += 1;
            }
        }
        self.changed();
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
