//! What the compiler's tests share: the repository's policy files and prelude.

#![allow(
    clippy::unwrap_used,
    clippy::disallowed_methods,
    reason = "tests may fail loudly and read the bundled policy files"
)]

use std::path::{Path, PathBuf};

/// The repository's root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every `.dlx` file under `dir`, sorted.
pub fn dlx_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "dlx") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The prelude's text.
pub fn prelude() -> String {
    std::fs::read_to_string(root().join("stdlib/prelude.dlx")).unwrap()
}
