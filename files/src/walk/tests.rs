use super::*;
use std::os::unix::fs::symlink;

/// `policies/a/x.dlx`, `policies/b/y.dlx`, `policies/b/notes.txt` in a scratch directory.
fn tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("policies");
    std::fs::create_dir_all(p.join("a")).unwrap();
    std::fs::create_dir_all(p.join("b")).unwrap();
    std::fs::write(p.join("a/x.dlx"), "package a\n").unwrap();
    std::fs::write(p.join("b/y.dlx"), "package b\n").unwrap();
    std::fs::write(p.join("b/notes.txt"), "not a policy\n").unwrap();
    dir
}

/// [`tree`] with symbolic links `(target, link)`, both relative to `policies/`.
fn with_links(links: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf) {
    let t = tree();
    let p = t.path().join("policies");
    for (target, link) in links {
        symlink(p.join(target), p.join(link)).unwrap();
    }
    (t, p)
}

fn names(t: &tempfile::TempDir, found: &PolicyFiles) -> Vec<String> {
    found
        .files
        .iter()
        .map(|f| f.strip_prefix(t.path()).unwrap_or(f).display().to_string())
        .collect()
}

#[test]
fn every_dlx_file_sorted() {
    let t = tree();
    let found = policy_files(&[t.path().join("policies")]).unwrap();
    assert_eq!(names(&t, &found), ["policies/a/x.dlx", "policies/b/y.dlx"]);
    assert!(found.skipped.is_empty() && found.errors.is_empty());
    // A file given by name is taken whatever its extension.
    let one = policy_files(&[t.path().join("policies/b/notes.txt")]).unwrap();
    assert_eq!(names(&t, &one), ["policies/b/notes.txt"]);
}

#[test]
fn a_flat_walk_lists_one_folder_of_another_extension() {
    let t = tree();
    let b = t.path().join("policies/b");
    std::fs::create_dir_all(b.join("sub")).unwrap();
    std::fs::write(b.join("sub/deeper.txt"), "").unwrap();
    let mut w = Walker::flat("txt");
    w.add(&b).unwrap();
    let found = w.finish();
    assert_eq!(names(&t, &found), ["policies/b/notes.txt"]);
    assert!(found.skipped.is_empty() && found.errors.is_empty());
}

#[test]
fn a_file_is_listed_once_however_it_is_reached() {
    // A symbolic link to a file already listed, and one to a folder already listed, both
    // sorted before what they point to.
    let (t, p) = with_links(&[("b/y.dlx", "a/alias.dlx"), ("b", "a/also-b")]);
    let spellings = [
        p.clone(),
        t.path().join("./policies/"),
        t.path().join("policies/a/.."),
        p.join("a/x.dlx"),
    ];
    let found = policy_files(&spellings).unwrap();
    // Each file once, spelt without the links.
    assert_eq!(names(&t, &found), ["policies/a/x.dlx", "policies/b/y.dlx"]);
    assert!(found.skipped.is_empty(), "{:?}", found.skipped);
}

#[test]
fn a_symbolic_link_loop_is_skipped_with_its_reason() {
    let (t, p) = with_links(&[(".", "a/loop"), ("a", "a/self")]);
    let found = policy_files(&[&p]).unwrap();
    assert_eq!(names(&t, &found), ["policies/a/x.dlx", "policies/b/y.dlx"]);
    let loops: Vec<_> = found
        .skipped
        .iter()
        .filter(|s| matches!(s.reason, SkipReason::SymlinkLoop { .. }))
        .map(|s| s.path.clone())
        .collect();
    assert_eq!(loops, [p.join("a/loop"), p.join("a/self")]);
    assert!(found.skipped[0]
        .to_string()
        .contains("symbolic link back to"));
}

#[test]
fn a_dangling_link_named_like_a_policy_is_skipped() {
    let (t, p) = with_links(&[("nowhere.dlx", "a/gone.dlx"), ("nowhere", "a/gone-folder")]);
    let found = policy_files(&[&p]).unwrap();
    assert_eq!(names(&t, &found), ["policies/a/x.dlx", "policies/b/y.dlx"]);
    assert_eq!(
        found.skipped,
        [Skipped {
            path: p.join("a/gone.dlx"),
            reason: SkipReason::BrokenLink
        }]
    );
}

/// Makes a FIFO at `path` with the system's `mkfifo`; `false` (and says so) if there is none.
fn mkfifo(path: &Path) -> bool {
    match std::process::Command::new("mkfifo").arg(path).status() {
        Ok(status) => {
            assert!(status.success(), "mkfifo {} failed", path.display());
            true
        }
        Err(e) => {
            eprintln!("SKIPPED: no mkfifo on this machine ({e}); the FIFO test did not run");
            false
        }
    }
}

#[test]
fn a_fifo_named_like_a_policy_is_skipped_and_never_opened() {
    let t = tree();
    let p = t.path().join("policies");
    let fifo = p.join("a/x-fifo.dlx");
    if !mkfifo(&fifo) {
        return;
    }
    // Opening the FIFO for reading would block this test forever: it must not happen.
    let found = policy_files(&[&p]).unwrap();
    assert_eq!(names(&t, &found), ["policies/a/x.dlx", "policies/b/y.dlx"]);
    assert_eq!(
        found.skipped,
        [Skipped {
            path: fifo.clone(),
            reason: SkipReason::NotRegular(FileKind::Fifo)
        }]
    );
    assert_eq!(
        found.skipped[0].to_string(),
        format!("{}: skipped, not a regular file (a FIFO)", fifo.display())
    );
    // Named directly, or read: an error that names it.
    let e = policy_files(&[&fifo]).unwrap_err();
    assert!(
        matches!(&e, WalkError::NotRegular { path, kind: FileKind::Fifo } if *path == fifo),
        "{e:?}"
    );
    let e = read_policy(&fifo).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("{}: not a regular file (a FIFO)", fifo.display())
    );
}

#[test]
fn a_file_over_the_size_limit_is_an_error_naming_it() {
    let t = tree();
    let p = t.path().join("policies");
    let big = p.join("b/big.dlx");
    let file = std::fs::File::create(&big).unwrap();
    file.set_len(MAX_FILE_BYTES + 1).unwrap();
    let e = policy_files(&[&p]).unwrap_err();
    assert!(
        matches!(&e, WalkError::TooLarge { path, size, .. } if *path == big && *size == MAX_FILE_BYTES + 1),
        "{e:?}"
    );
    assert!(e.to_string().contains("big.dlx"), "{e}");
    assert!(matches!(read_policy(&big), Err(WalkError::TooLarge { .. })));
    // A lenient walk keeps the others.
    let mut w = Walker::new();
    w.add(&p).unwrap();
    let found = w.finish();
    assert_eq!(names(&t, &found), ["policies/a/x.dlx", "policies/b/y.dlx"]);
    assert_eq!(found.errors.len(), 1);
    // Exactly at the limit is fine.
    file_of(&big, MAX_FILE_BYTES);
    assert_eq!(read_policy(&big).unwrap().len() as u64, MAX_FILE_BYTES);
}

fn file_of(path: &Path, len: u64) {
    std::fs::write(path, vec![b' '; usize::try_from(len).unwrap()]).unwrap();
}

#[test]
fn a_tree_deeper_than_the_limit_is_an_error_naming_the_first_folder_too_deep() {
    let t = tree();
    let p = t.path().join("policies");
    let mut deep = p.clone();
    for i in 0..=MAX_DEPTH {
        deep.push(format!("d{i}"));
    }
    std::fs::create_dir_all(&deep).unwrap();
    std::fs::write(deep.join("deep.dlx"), "package deep\n").unwrap();
    // The deepest level read: a file in the folder `MAX_DEPTH` levels down.
    let last = deep.parent().unwrap().join("last.dlx");
    std::fs::write(&last, "package last\n").unwrap();
    let e = policy_files(&[&p]).unwrap_err();
    assert!(
        matches!(&e, WalkError::TooDeep { path, limit: MAX_DEPTH } if *path == deep),
        "{e:?}"
    );
    let mut w = Walker::new();
    w.add(&p).unwrap();
    let found = w.finish();
    assert!(found.files.contains(&last));
    assert!(!found.files.contains(&deep.join("deep.dlx")));
}

#[test]
fn more_files_than_the_limit_is_an_error() {
    let t = tempfile::tempdir().unwrap();
    let p = t.path().join("policies");
    std::fs::create_dir_all(&p).unwrap();
    for i in 0..=MAX_FILES {
        std::fs::write(p.join(format!("f{i}.dlx")), "").unwrap();
    }
    let e = policy_files(&[&p]).unwrap_err();
    assert!(
        matches!(&e, WalkError::TooManyFiles { path, limit: MAX_FILES } if *path == p),
        "{e:?}"
    );
    // One fewer is fine.
    std::fs::remove_file(p.join("f0.dlx")).unwrap();
    assert_eq!(policy_files(&[&p]).unwrap().files.len(), MAX_FILES);
}

#[test]
fn a_missing_path_is_an_error_naming_it() {
    let t = tree();
    let missing = t.path().join("nowhere");
    let e = policy_files(&[&missing]).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("{} does not exist", missing.display())
    );
    assert_eq!(e.path(), missing);
}
