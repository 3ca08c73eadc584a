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

/// Every `.dlx` file under `dir`, sorted, as every command finds them.
pub fn dlx_under(dir: &Path) -> Vec<PathBuf> {
    datalex_files::policy_files(&[dir.to_path_buf()])
        .unwrap()
        .files
}

/// The prelude's text.
pub fn prelude() -> String {
    std::fs::read_to_string(root().join("stdlib/prelude.dlx")).unwrap()
}
