//! Helpers for the end-to-end tests: run the built `datalex` binary from the repository root.

#![allow(
    dead_code,
    reason = "each test crate uses a different subset of the helpers"
)]

pub mod postgres;
pub mod server;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The repository root (where `policies/` and `data/` are).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `shared/` beside the checkout.
pub fn shared() -> PathBuf {
    let p = root().join("../shared");
    assert!(
        p.is_dir(),
        "these tests need ../shared beside the checkout ({})",
        p.display()
    );
    p
}

/// Runs `datalex ARGS` in `dir` with `stdin`, returning its output.
pub fn run_in(dir: &Path, args: &[&str], stdin: &str) -> Output {
    // English, so that assertions on messages hold whatever the machine's locale; the Chinese
    // messages are tested with `--lang zh`.
    spawn(dir, args, stdin, Some("en"))
}

/// Runs `datalex ARGS` at the repository root with no language in the environment (no
/// `DATALEX_LANG`, `LC_ALL`, `LC_MESSAGES` or `LANG`): what a reader gets by default.
#[allow(
    dead_code,
    reason = "not every test binary checks the default language"
)]
pub fn run_default_lang(args: &[&str], stdin: &str) -> Output {
    spawn(&root(), args, stdin, None)
}

fn spawn(dir: &Path, args: &[&str], stdin: &str, lang: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_datalex"));
    for var in ["DATALEX_LANG", "LC_ALL", "LC_MESSAGES", "LANG"] {
        command.env_remove(var);
    }
    if let Some(lang) = lang {
        command.env("DATALEX_LANG", lang);
    }
    let mut child = command
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("datalex starts");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("datalex runs")
}

/// Runs `datalex ARGS` at the repository root.
pub fn run(args: &[&str], stdin: &str) -> Output {
    run_in(&root(), args, stdin)
}

/// Standard output as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Standard error as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Copies `policies/` into a scratch directory, for tests that break it on purpose.
pub fn scratch_policies() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_dir(&root().join("policies"), &dir.path().join("policies"));
    dir
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read dir") {
        let e = e.expect("entry");
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).expect("copy");
        }
    }
}

/// The node with this id in `datalex graph --format json` output.
pub fn graph_node(graph: &serde_json::Value, id: &str) -> serde_json::Value {
    graph["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|n| n["id"] == id)
        .unwrap_or_else(|| panic!("no node {id}"))
        .clone()
}
