//! Finding the project a folder or a document belongs to, the way rust-analyzer finds the
//! `Cargo.toml` of a file: walk up from it to the nearest directory that is a project root.
//!
//! A directory is a project root if it holds `datalex.toml`, or (failing that, at the same
//! level) the policy folder (`policies/`, or what the `policies` setting names); a directory
//! *named* like the policy folder makes its parent the root. The project's policies are the
//! policy folder under its root; the prelude is the root's `stdlib/prelude.dlx` if there is
//! one (see [`crate::workspace`]).
//!
//! The rule and the normalisation are [`datalex_files`]'s, shared with the command line. Paths
//! are normalised ([`normalise`]) before they are compared or used as keys, so a file is
//! the same file however a client or a setting spells it (`./policies/`, a trailing slash, a
//! symbolic link, `..`).

pub use datalex_files::{normalise, MANIFEST, POLICIES};
use std::path::{Path, PathBuf};

/// Where a project is: its root and its policy folder, both normalised.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Layout {
    /// The project root (the directory with `datalex.toml`, or the policy folder's parent).
    pub root: PathBuf,
    /// The policy folder: every `.dlx` file under it is part of the project.
    pub policies: PathBuf,
}

impl Layout {
    /// The layout of the project rooted at `root`, with the policy folder `policies` (relative
    /// to the root, or absolute).
    pub fn at(root: &Path, policies: &Path) -> Layout {
        let root = normalise(root);
        let policies = normalise(&root.join(policies));
        Layout { root, policies }
    }

    /// Whether `path` (normalised) is a policy file of the project: under the policy folder
    /// (or the root's prelude) and ending in `.dlx`.
    pub fn owns(&self, path: &Path) -> bool {
        path.extension().is_some_and(|x| x == "dlx")
            && (path.starts_with(&self.policies)
                || path == self.root.join(crate::workspace::PRELUDE_NAME))
    }
}

/// The project `start` (a directory, or a file) is in: the workspace's one project-root rule,
/// [`datalex_files::project_root`] — the nearest directory at or above it that holds
/// `datalex.toml`, else the policy folder, else is named like the policy folder (its parent is
/// then the root). `policies` is the policy folder's setting (relative to a root, or
/// absolute). `None` when no directory above `start` is a project root.
pub fn discover(start: &Path, policies: &Path) -> Option<Layout> {
    datalex_files::project_root(start, policies).map(|found| Layout {
        root: found.root,
        policies: found.policies,
    })
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        reason = "tests may fail loudly"
    )]

    use super::*;

    /// `folder/policies/c/c.dlx` in a scratch directory (the rule itself is tested in
    /// `datalex-files`).
    fn tree() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("folder/policies/c")).unwrap();
        std::fs::write(dir.path().join("folder/policies/c/c.dlx"), "package c\n").unwrap();
        dir
    }

    #[test]
    fn every_spelling_of_the_policy_folder_is_the_same_folder() {
        let t = tree();
        let root = t.path().join("folder");
        let want = normalise(&root.join("policies"));
        for setting in [
            "policies",
            "policies/",
            "./policies",
            "./policies/",
            "policies/c/..",
        ] {
            assert_eq!(
                Layout::at(&root, Path::new(setting)).policies,
                want,
                "{setting}"
            );
        }
        let absolute = root.join("policies/");
        assert_eq!(Layout::at(&root, &absolute).policies, want);
        // The project found from a package folder is the same layout.
        assert_eq!(
            discover(&root.join("policies/c"), Path::new(POLICIES)),
            Some(Layout::at(&root, Path::new("policies")))
        );
        // A path that does not exist yet keeps its missing part, cleaned.
        let new = normalise(&root.join("policies/./new/../new/x.dlx"));
        assert_eq!(new, want.join("new/x.dlx"));
        assert!(Layout::at(&root, Path::new("policies")).owns(&new));
        assert!(!Layout::at(&root, Path::new("policies")).owns(&want.join("c/c.json")));
    }
}
