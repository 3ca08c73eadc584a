//! The compiler's diagnostics, one small broken policy per situation.
//!
//! Every `tests/diagnostics/*.dlx` is compiled together with the prelude, and its source and
//! rendered diagnostics are snapshotted (`tests/snapshots/diagnostics__fixture@NAME.dlx.snap`).
//! A fixture that needs several packages is a folder of `.dlx` files, compiled together
//! (`tests/snapshots/diagnostics__fixture@NAME.snap`).
//! Besides the snapshot: a fixture named `EXXXX_…` must report at least one `EXXXX` and produce
//! no policy; `clean.dlx` must report nothing; `three_unrelated_errors.dlx` must report at least
//! three errors on three different lines (one broken item never hides the others).
//! `docs/diagnostics.md` points at these files, and every code has a fixture and a row there.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "tests may fail loudly"
)]

use datalex_i18n::Lang;
use datalex_lang::diagnostic::render;
use datalex_lang::{Code, FileId, Severity, SourceMap};
use std::collections::BTreeSet;
use std::path::Path;

const PRELUDE: &str = include_str!("../stdlib/prelude.dlx");

/// The separator between a fixture's source and its diagnostics in a snapshot.
const SEPARATOR: &str = "──────── diagnostics ────────";

/// The code a fixture is named after: `E0104` for `E0104_article_not_in_regulation.dlx`.
fn code_of(name: &str) -> Option<Code> {
    let (code, _) = name.split_once('_')?;
    code.parse().ok()
}

/// A fixture's files as (name, text): the file itself, or the `.dlx` files of a folder.
fn fixture_files(path: &Path) -> Vec<(String, String)> {
    let name = path.file_name().unwrap().to_str().unwrap();
    if !path.is_dir() {
        let text = std::fs::read_to_string(path).unwrap();
        return vec![(format!("tests/diagnostics/{name}"), text)];
    }
    let mut files: Vec<_> = std::fs::read_dir(path)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "dlx"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|f| {
            let file = f.file_name().unwrap().to_str().unwrap();
            (
                format!("tests/diagnostics/{name}/{file}"),
                std::fs::read_to_string(f).unwrap(),
            )
        })
        .collect()
}

#[test]
fn fixture() {
    insta::glob!("diagnostics/*", |path| {
        let name = path.file_name().unwrap().to_str().unwrap();
        let files = fixture_files(path);
        let mut sources = SourceMap::new();
        sources.add("stdlib/prelude.dlx", PRELUDE);
        let ids: Vec<FileId> = files
            .iter()
            .map(|(n, text)| sources.add(n.clone(), text.clone()))
            .collect();
        let compiled = datalex_compiler::compile(&sources);
        let diags = &compiled.diagnostics;
        let rendered = render(diags, &sources, false, Lang::En);

        // The prelude itself must stay clean, or every snapshot would show its errors.
        assert!(
            diags.iter().all(|d| ids.contains(&d.span.file)),
            "{name}: a diagnostic outside the fixture:\n{rendered}"
        );

        if let Some(code) = code_of(name) {
            assert!(
                diags.iter().any(|d| d.code == code),
                "{name}: expected a diagnostic {code}, got:\n{rendered}"
            );
            if code.severity() == Severity::Error {
                assert!(
                    compiled.policy.is_none(),
                    "{name}: an error, yet a policy was produced"
                );
            }
        }
        if name == "clean.dlx" {
            assert!(
                diags.is_empty(),
                "{name}: expected no diagnostic, got:\n{rendered}"
            );
            assert!(compiled.policy.is_some(), "{name}: no policy");
        }
        if name == "three_unrelated_errors.dlx" {
            let lines: BTreeSet<usize> = diags
                .iter()
                .filter(|d| d.is_error())
                .map(|d| sources.line_col(d.span).0)
                .collect();
            assert!(
                lines.len() >= 3,
                "{name}: expected errors on three different lines, got:\n{rendered}"
            );
        }

        let mut snapshot = String::new();
        for (file, text) in &files {
            if path.is_dir() {
                snapshot.push_str(&format!("──────── {file} ────────\n"));
            }
            snapshot.push_str(text);
            if !snapshot.ends_with('\n') {
                snapshot.push('\n');
            }
        }
        snapshot.push_str(SEPARATOR);
        snapshot.push('\n');
        snapshot.push_str(&rendered);
        insta::assert_snapshot!(snapshot);
    });
}

/// Every fixture rendered in Chinese, beside the English (`diagnostics__fixture_zh@NAME.snap`):
/// what a legal officer reads. Every message of every diagnostic (its labels and help too) is
/// in both catalogs, with every argument it names, and no Chinese rendering is the English one.
#[test]
fn fixture_zh() {
    insta::glob!("diagnostics/*", |path| {
        let name = path.file_name().unwrap().to_str().unwrap();
        let files = fixture_files(path);
        let mut sources = SourceMap::new();
        sources.add("stdlib/prelude.dlx", PRELUDE);
        for (n, text) in &files {
            sources.add(n.clone(), text.clone());
        }
        let compiled = datalex_compiler::compile(&sources);
        let diags = &compiled.diagnostics;
        let mut problems = Vec::new();
        for d in diags {
            for m in d.messages() {
                for lang in Lang::ALL {
                    problems.extend(m.problems(lang));
                }
            }
            assert_ne!(
                d.text(Lang::Zh),
                d.text(Lang::En),
                "{name}: {} reads the same in Chinese and English",
                d.code
            );
        }
        assert!(problems.is_empty(), "{name}:\n{}", problems.join("\n"));
        let rendered = render(diags, &sources, false, Lang::Zh);
        assert!(
            !rendered.contains(['\u{2068}', '\u{2069}']),
            "{name}: Fluent isolation marks in:\n{rendered}"
        );
        let mut snapshot = String::new();
        for (file, _) in &files {
            snapshot.push_str(&format!("──────── {file} ────────\n"));
        }
        snapshot.push_str(&rendered);
        insta::assert_snapshot!(snapshot);
    });
}

/// Every code has a message in both catalogs: at least one id named after it (`E0104-…`), and
/// both catalogs have the same ids and attributes; the catalogs load without problems.
#[test]
fn every_code_has_messages_in_both_languages() {
    for lang in Lang::ALL {
        assert!(
            datalex_i18n::catalog_problems(lang).is_empty(),
            "{:?}",
            datalex_i18n::catalog_problems(lang)
        );
    }
    assert_eq!(datalex_i18n::keys(Lang::Zh), datalex_i18n::keys(Lang::En));
    let mut missing = Vec::new();
    for code in Code::ALL {
        for lang in Lang::ALL {
            let prefix = format!("{}-", code.as_str());
            if !datalex_i18n::ids(lang)
                .iter()
                .any(|id| id.starts_with(&prefix))
            {
                missing.push(format!("{lang}: no message `{prefix}…`"));
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

/// Every code the compiler can report has a fixture named after it in `tests/diagnostics/` and a
/// row in the tables of `docs/diagnostics.md`; every fixture and row names a code that exists.
#[test]
fn every_code_has_a_fixture_and_a_documented_row() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let fixtures: BTreeSet<String> = std::fs::read_dir(root.join("tests/diagnostics"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_str().unwrap().to_string())
        .collect();
    let docs = std::fs::read_to_string(root.join("docs/diagnostics.md")).unwrap();
    // A row: `| E0104 | meaning | example | fixture |`.
    let rows: Vec<&str> = docs
        .lines()
        .filter_map(|l| l.strip_prefix("| ")?.split(' ').next())
        .filter(|w| w.len() == 5 && w.starts_with(['E', 'W']))
        .collect();
    let mut missing = Vec::new();
    for code in Code::ALL {
        let c = code.as_str();
        if !fixtures.iter().any(|f| code_of(f) == Some(*code)) {
            missing.push(format!("{c}: no fixture tests/diagnostics/{c}_….dlx"));
        }
        if !rows.contains(&c) {
            missing.push(format!("{c}: no row `| {c} | … |` in docs/diagnostics.md"));
        }
    }
    for f in &fixtures {
        let named = f.split_once('_').map(|(c, _)| c).unwrap_or_default();
        if named.len() == 5 && named.starts_with(['E', 'W']) && code_of(f).is_none() {
            missing.push(format!("fixture {f} is named after no code"));
        }
    }
    for r in &rows {
        if r.parse::<Code>().is_err() {
            missing.push(format!(
                "docs/diagnostics.md has a row for {r}, which is no code"
            ));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

/// Codes sort as their spelling does (the compiler sorts diagnostics by code), and every
/// code's severity is the one its letter says.
#[test]
fn codes_are_ordered_as_written_and_warnings_are_w() {
    let mut spelled: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    spelled.sort_unstable();
    let ordered: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(spelled, ordered);
    for c in Code::ALL {
        let warning = c.as_str().starts_with('W');
        assert_eq!(c.severity() == Severity::Warning, warning, "{c}");
        assert_eq!(c.as_str().parse::<Code>(), Ok(*c));
    }
}
