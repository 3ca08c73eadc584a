//! The project-root rule, the way rust-analyzer finds the `Cargo.toml` of a file: walk up from
//! a directory or a file to the nearest directory that is a project root.
//!
//! A directory is a project root if it holds [`MANIFEST`] (`datalex.toml`), or (failing that,
//! at the same level) the policy folder (`policies/`, or what a setting names); a directory
//! *named* like the policy folder makes its parent the root.

use std::path::{Component, Path, PathBuf};

/// The file whose directory is a project root.
pub const MANIFEST: &str = "datalex.toml";

/// The default policy folder, relative to the project root.
pub const POLICIES: &str = "policies";

/// A project found by [`project_root`]: its root and its policy folder, both normalised.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ProjectRoot {
    /// The project root (the directory with `datalex.toml`, or the policy folder's parent).
    pub root: PathBuf,
    /// The policy folder: every `.dlx` file under it is part of the project.
    pub policies: PathBuf,
}

/// The project `start` (a directory, or a file) is in: the nearest directory at or above it
/// that holds `datalex.toml`, else the policy folder, else is named like the policy folder (its
/// parent is then the root). `policies` is the policy folder's setting (relative to a root, or
/// absolute; [`POLICIES`] by default). `None` when no directory above `start` is a project
/// root.
pub fn project_root(start: &Path, policies: &Path) -> Option<ProjectRoot> {
    let start = normalise(start);
    let policies = &lexical(policies);
    let dir = if start.is_file() {
        start.parent()?.to_path_buf()
    } else {
        start
    };
    let found = |root: &Path| ProjectRoot {
        root: normalise(root),
        policies: normalise(&root.join(policies)),
    };
    // An absolute policy folder names one place: the projects it can belong to are those
    // whose root is its parent or an ancestor of it.
    let folder_name = policies
        .file_name()
        .map_or_else(|| PathBuf::from(POLICIES), PathBuf::from);
    for d in dir.ancestors() {
        if d.join(MANIFEST).is_file() {
            return Some(found(d));
        }
        if policies.is_relative() && d.join(policies).is_dir() {
            return Some(found(d));
        }
        if policies.is_absolute() && normalise(policies).parent() == Some(d) {
            return Some(found(d));
        }
        if d.file_name() == Some(folder_name.as_os_str()) {
            if let Some(parent) = d.parent() {
                return Some(ProjectRoot {
                    root: parent.to_path_buf(),
                    policies: d.to_path_buf(),
                });
            }
        }
    }
    None
}

/// `path` made absolute and canonical: symbolic links resolved, `.` and `..` gone, no trailing
/// slash. A path that does not exist (a new file not saved yet) keeps its missing part, cleaned
/// of `.` and `..`, after the canonical form of the part that exists. A relative path is taken
/// from the working directory.
pub fn normalise(path: &Path) -> PathBuf {
    if let Ok(p) = path.canonicalize() {
        return p;
    }
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|cwd| cwd.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    };
    let clean = lexical(&absolute);
    // The longest part that exists, canonical; the rest appended as written.
    let mut existing = clean.clone();
    let mut rest: Vec<std::ffi::OsString> = Vec::new();
    loop {
        if let Ok(c) = existing.canonicalize() {
            let mut out = c;
            out.extend(rest.iter().rev());
            return out;
        }
        match (existing.file_name(), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name.to_os_string());
                existing = parent.to_path_buf();
            }
            _ => return clean,
        }
    }
}

/// `path` without `.` components and with each `..` taking away the component before it (a
/// `..` with nothing before it stays).
fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(".."),
            },
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for d in [
            "manifest/policies/a",
            "manifest/sub/policies/b",
            "folder/policies/c",
            "custom/rules/d",
            "none/x",
        ] {
            std::fs::create_dir_all(dir.path().join(d)).unwrap();
        }
        std::fs::write(dir.path().join("manifest/datalex.toml"), "").unwrap();
        std::fs::write(dir.path().join("folder/policies/c/c.dlx"), "package c\n").unwrap();
        dir
    }

    #[test]
    fn the_nearest_root_above_a_folder_or_a_file() {
        let t = tree();
        let base = normalise(t.path());
        let policies = Path::new(POLICIES);
        let found = |rel: &str| project_root(&t.path().join(rel), policies).map(|l| l.root);
        // `datalex.toml`, from the root itself, from a package folder, from a file.
        assert_eq!(found("manifest"), Some(base.join("manifest")));
        assert_eq!(found("manifest/policies/a"), Some(base.join("manifest")));
        // The nearest wins: a nested folder with its own `policies/`.
        assert_eq!(
            found("manifest/sub/policies/b"),
            Some(base.join("manifest/sub"))
        );
        // A `policies/` folder, from above it, from inside it, from a file in it.
        assert_eq!(found("folder"), Some(base.join("folder")));
        assert_eq!(found("folder/policies/c"), Some(base.join("folder")));
        assert_eq!(found("folder/policies/c/c.dlx"), Some(base.join("folder")));
        // Nothing above: no project.
        assert_eq!(found("none/x"), None);
        // Another policy folder name.
        let custom = project_root(&t.path().join("custom/rules/d"), Path::new("rules")).unwrap();
        assert_eq!(custom.root, base.join("custom"));
        assert_eq!(custom.policies, base.join("custom/rules"));
    }

    #[test]
    fn a_path_not_on_disk_keeps_its_missing_part_cleaned() {
        let t = tree();
        let want = normalise(&t.path().join("folder/policies"));
        for spelling in ["policies", "policies/", "./policies", "policies/c/.."] {
            assert_eq!(normalise(&t.path().join("folder").join(spelling)), want);
        }
        let new = normalise(&t.path().join("folder/policies/./new/../new/x.dlx"));
        assert_eq!(new, want.join("new/x.dlx"));
    }
}
