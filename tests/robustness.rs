//! No input crashes anything (issue 17): long flat chains, deep nesting, half-saved files, the
//! same rule in two files after Chinese text, symbolic-link loops, FIFOs, broken pipes, empty
//! requests and dates at the end of the calendar. The inputs that crashed are fixtures under
//! `tests/fuzz/`; `tests/fuzz.rs` generates more of their kind.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "tests may fail loudly"
)]

mod common;

use std::path::{Path, PathBuf};

/// The stack of a `cargo test` thread (and of a tokio worker): what every pass must fit in,
/// in a debug build.
const SMALL_STACK: usize = 2 << 20;

/// Runs `f` on a thread with the 2 MiB stack of a test thread, whatever `RUST_MIN_STACK` says.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(SMALL_STACK)
        .spawn(f)
        .expect("thread")
        .join()
        .expect("no panic, no overflow")
}

/// `n` terms `or`ed, and a sum of `n` ones, as two checks of the `zunyi` package.
fn long_chains(n: usize) -> String {
    let terms: Vec<String> = (0..n)
        .map(|i| format!("request.scenario == \"s{i}\""))
        .collect();
    let ones = vec!["1"; n].join(" + ");
    format!(
        "package zunyi\n\n\
         check long_or on develop cites reading zunyi_application_contents\n  when {}\n  \
         => finding application_content_missing violation on \"场景应用\" \"long or\"\n\n\
         check long_sum on develop cites reading zunyi_application_contents\n  when {ones} < 5\n  \
         => finding application_content_missing violation on \"场景应用\" \"long sum\"\n",
        terms.join(" or ")
    )
}

fn scratch_with(file: &str, text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = common::scratch_policies();
    std::fs::copy(
        common::root().join("datalex.toml"),
        dir.path().join("datalex.toml"),
    )
    .expect("copy datalex.toml");
    common::copy_dir(&common::root().join("data"), &dir.path().join("data"));
    let path = dir.path().join("policies").join(file);
    std::fs::write(&path, text).expect("write");
    (dir, path)
}

fn compile_dir(dir: &Path) -> datalex_compiler::Compiled {
    let (sources, compiled) =
        datalex_service::load::compile_paths(&[dir.to_path_buf()], datalex_i18n::Lang::En)
            .expect("policies read");
    assert_spans_inside(&sources, &compiled.diagnostics);
    compiled
}

/// Every diagnostic's spans lie inside its file, on character boundaries.
fn assert_spans_inside(sources: &datalex_lang::SourceMap, diags: &[datalex_lang::Diagnostic]) {
    for d in diags {
        for span in std::iter::once(d.span).chain(d.labels.iter().map(|l| l.span)) {
            let src = sources.get(span.file).expect("the span's file");
            let (s, e) = (span.start as usize, span.end as usize);
            assert!(
                s <= e && e <= src.text.len(),
                "{:?} {span:?} outside {}",
                d.code,
                src.name
            );
            assert!(
                src.text.is_char_boundary(s) && src.text.is_char_boundary(e),
                "{:?} {span:?} splits a character in {}",
                d.code,
                src.name
            );
        }
    }
}

#[test]
fn a_100000_term_or_chain_and_sum_compile_and_format_on_a_small_stack() {
    let (dir, path) = scratch_with("zunyi/chains.dlx", &long_chains(100_000));
    let policies = dir.path().join("policies");
    let compiled = on_small_stack(move || {
        let c = compile_dir(&policies);
        (c.policy.is_some(), format!("{:?}", c.diagnostics.first()))
    });
    assert!(compiled.0, "the chains compile: {}", compiled.1);
    let text = std::fs::read_to_string(&path).expect("read");
    let formatted =
        on_small_stack(move || datalex_lang::format::format(&text).map_err(|e| format!("{e:?}")))
            .expect("the chains format");
    // One operand a line: the `or` chain is wrapped.
    assert!(formatted.lines().count() > 100_000, "not wrapped");
    assert!(formatted.contains("\n    or request.scenario == \"s99999\"\n"));
}

#[test]
fn the_commands_check_format_and_test_a_100000_term_chain() {
    let (dir, _) = scratch_with("zunyi/chains.dlx", &long_chains(100_000));
    let out = common::run_in(dir.path(), &["check", "policies"], "");
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    // `test` decides every request of the package's tests: the long `or` is evaluated, term by
    // term, and traced.
    let out = common::run_in(dir.path(), &["test", "policies/zunyi"], "");
    assert_eq!(out.status.code(), Some(0), "{}", common::stdout(&out));
    let out = common::run_in(dir.path(), &["fmt", "policies/zunyi/chains.dlx"], "");
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    let out = common::run_in(dir.path(), &["fmt", "--check", "policies/zunyi"], "");
    assert_eq!(out.status.code(), Some(0), "{}", common::stdout(&out));
}

/// `depth` nested `not (…)` around a comparison, inside `any` and a field access: every pass
/// recurses once a level.
fn nested(depth: usize) -> String {
    let mut cond = String::from("request.scenario == \"x\"");
    for _ in 0..depth {
        cond = format!("not ({cond})");
    }
    format!(
        "package zunyi\n\n\
         check deep on develop cites reading zunyi_application_contents\n  when {cond}\n  \
         => finding application_content_missing violation on \"场景应用\" \"deep\"\n"
    )
}

#[test]
fn nesting_at_the_limit_compiles_formats_and_decides_and_beyond_it_is_e0006() {
    let limit = datalex_lang::parser::MAX_NESTING;
    // Each `not (…)` is a level; the comparison and its field access take a few more.
    let (dir, path) = scratch_with("zunyi/deep.dlx", &nested(limit - 4));
    let policies = dir.path().join("policies");
    let ok = on_small_stack(move || {
        let c = compile_dir(&policies);
        (c.policy.is_some(), format!("{:?}", c.diagnostics.first()))
    });
    assert!(ok.0, "nesting at the limit compiles: {}", ok.1);
    let text = std::fs::read_to_string(&path).expect("read");
    on_small_stack(move || {
        datalex_lang::format::format(&text)
            .map(|_| ())
            .map_err(|e| format!("{e:?}"))
    })
    .expect("formats");
    let out = common::run_in(dir.path(), &["test", "policies/zunyi"], "");
    assert_eq!(out.status.code(), Some(0), "{}", common::stdout(&out));

    std::fs::write(&path, nested(limit + 5)).expect("write");
    let policies = dir.path().join("policies");
    let diags = on_small_stack(move || compile_dir(&policies).diagnostics);
    let e = diags
        .iter()
        .find(|d| d.code == datalex_lang::Code::E0006)
        .expect("E0006");
    assert!(e.is_error());
    let out = common::run_in(dir.path(), &["check", "policies"], "");
    assert_eq!(out.status.code(), Some(1));
    let err = common::stderr(&out);
    assert!(err.contains("[E0006]"), "{err}");
    assert!(err.contains("deep.dlx:4:"), "at its line: {err}");
}

#[test]
fn parentheses_nested_beyond_what_the_grammar_reads_are_e0006_not_a_crash() {
    for depth in [1_000, 100_000] {
        let text = format!(
            "package zunyi\n\ncheck deep on develop cites reading zunyi_application_contents\n  \
             when {}request.scenario == \"x\"{}\n  => finding f violation on \"x\" \"y\"\n",
            "(".repeat(depth),
            ")".repeat(depth)
        );
        let diags = on_small_stack(move || datalex_lang::parse(0, &text).1);
        assert!(
            diags.iter().any(|d| d.code == datalex_lang::Code::E0006),
            "{depth}: {diags:?}"
        );
    }
}

#[test]
fn fixtures_that_crashed_compile_or_fail_with_diagnostics() {
    let dir = common::root().join("tests/fuzz");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).expect("tests/fuzz") {
        let path = entry.expect("entry").path();
        if !path.is_dir() {
            continue;
        }
        seen += 1;
        let p = path.clone();
        on_small_stack(move || compile_dir(&p));
        let out = common::run(&["check", path.to_str().expect("utf-8")], "");
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{}: {}",
            path.display(),
            common::stderr(&out)
        );
        let out = common::run(&["fmt", "--check", path.to_str().expect("utf-8")], "");
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{}: {}",
            path.display(),
            common::stderr(&out)
        );
    }
    assert!(seen >= 2, "fixtures under tests/fuzz");
}

#[test]
fn the_same_rule_in_two_files_after_chinese_text_is_reported_at_both() {
    let out = common::run(&["check", "tests/fuzz/duplicate_after_chinese"], "");
    assert_eq!(out.status.code(), Some(1), "{}", common::stderr(&out));
    let err = common::stderr(&out);
    assert!(err.contains("[E0106]"), "{err}");
    assert!(err.contains("b.dlx:4:1"), "{err}");
    assert!(err.contains("a.dlx:9:1"), "{err}");
}

/// Every bundled policy file cut at every line, and at bytes around it (inside a character
/// too): parsing, compiling and formatting never panic and every span is inside the text.
#[test]
fn half_saved_files_never_crash() {
    let mut files = Vec::new();
    for dir in ["policies/zunyi", "policies/qingdao"] {
        for e in std::fs::read_dir(common::root().join(dir)).expect("dir") {
            let p = e.expect("entry").path();
            if p.extension().is_some_and(|x| x == "dlx") {
                files.push(p);
            }
        }
    }
    files.sort();
    on_small_stack(move || {
        for path in files {
            let text = std::fs::read_to_string(&path).expect("read");
            let mut cuts: Vec<usize> = text.match_indices('\n').map(|(i, _)| i + 1).collect();
            cuts.extend(text.match_indices('\n').step_by(7).map(|(i, _)| i + 2));
            for cut in cuts {
                let half = String::from_utf8_lossy(&text.as_bytes()[..cut.min(text.len())]);
                let mut sources = datalex_lang::SourceMap::new();
                sources.add(path.display().to_string(), half.to_string());
                let compiled = datalex_compiler::compile(&sources);
                assert_spans_inside(&sources, &compiled.diagnostics);
                datalex_lang::diagnostic::render(
                    &compiled.diagnostics,
                    &sources,
                    false,
                    datalex_i18n::Lang::En,
                );
                let _ = datalex_lang::format::format(&half);
            }
        }
    });
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_loop_and_a_fifo_are_skipped() {
    let dir = tempfile::tempdir().expect("tempdir");
    let policies = dir.path().join("policies");
    common::copy_dir(
        &common::root().join("tests/fuzz/duplicate_after_chinese"),
        &policies,
    );
    std::os::unix::fs::symlink("..", policies.join("up")).expect("symlink");
    std::os::unix::fs::symlink(".", policies.join("here")).expect("symlink");
    let fifo = policies.join("x.dlx");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let out = common::run_in(dir.path(), &["check", "policies"], "");
    assert_eq!(out.status.code(), Some(1), "{}", common::stderr(&out));
    let err = common::stderr(&out);
    assert!(err.contains("[E0106]"), "{err}");
    assert!(
        err.contains("FIFO"),
        "the FIFO is skipped with its reason: {err}"
    );
    // Named on the command line, it is refused, not opened (which would wait for a writer).
    let out = common::run_in(dir.path(), &["check", "policies/x.dlx"], "");
    assert_eq!(out.status.code(), Some(2), "{}", common::stderr(&out));
    assert!(common::stderr(&out).contains("FIFO"));
    let out = common::run_in(dir.path(), &["fmt", "policies/x.dlx"], "");
    assert_ne!(out.status.code(), Some(101), "{}", common::stderr(&out));
}

#[cfg(unix)]
#[test]
fn a_closed_pipe_ends_commands_quietly() {
    use std::io::Read;
    use std::process::{Command, Stdio};
    for args in [
        &["test", "policies"][..],
        &["graph", "--format", "dot", "policies/binzhou"][..],
        &["coverage"][..],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_datalex"))
            .args(args)
            .current_dir(common::root())
            .env("DATALEX_LANG", "en")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("datalex starts");
        // Read one line, then close the pipe, as `| head -1` does.
        let mut stdout = child.stdout.take().expect("stdout");
        let mut byte = [0u8; 1];
        while stdout.read(&mut byte).expect("read") == 1 && byte[0] != b'\n' {}
        drop(stdout);
        let out = child.wait_with_output().expect("datalex runs");
        let err = common::stderr(&out);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

#[test]
fn an_empty_request_is_an_error_naming_it() {
    let out = common::run(&["eval", "-"], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        common::stderr(&out).contains("standard input"),
        "{}",
        common::stderr(&out)
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let empty = dir.path().join("empty.json");
    std::fs::write(&empty, "\n  \n").expect("write");
    let out = common::run(&["explain", empty.to_str().expect("utf-8")], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        common::stderr(&out).contains("empty.json"),
        "{}",
        common::stderr(&out)
    );
    let out = common::run_default_lang(&["--lang", "zh", "eval", "-"], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        common::stderr(&out).contains("标准输入"),
        "{}",
        common::stderr(&out)
    );
}

#[test]
fn a_deadline_beyond_the_calendar_says_calendar_not_loaded() {
    for at in ["9999-12-31", "9999-12-24", "2090-06-01"] {
        let request = format!(
            r#"{{"kind":"share","at":"{at}","requester":"bz-wjw","dataset":"bz-ga-0001","scenario":"public_health"}}"#
        );
        let out = common::run(&["eval", "-"], &request);
        assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
        let d: serde_json::Value = serde_json::from_str(&common::stdout(&out)).expect("JSON");
        let findings: Vec<&str> = d["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter_map(|f| f["code"].as_str())
            .collect();
        assert!(
            findings.contains(&"calendar_not_loaded"),
            "{at}: {findings:?}"
        );
        for deadline in d["deadlines"].as_array().expect("deadlines") {
            let due = deadline["due"].as_str().expect("due");
            assert!(due >= at, "{at}: due {due}");
        }
    }
}
