//! The compiler's diagnostics, one small broken policy per situation.
//!
//! Every `tests/diagnostics/*.dlx` is compiled together with the prelude, and its source and
//! rendered diagnostics are snapshotted (`tests/snapshots/diagnostics__fixture@NAME.dlx.snap`).
//! Besides the snapshot: a fixture named `EXXXX_…` must report at least one `EXXXX` and produce
//! no policy; `clean.dlx` must report nothing; `three_unrelated_errors.dlx` must report at least
//! three errors on three different lines (one broken item never hides the others).
//! `docs/diagnostics.md` points at these files.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // tests may fail loudly

use datalex_lang::diagnostic::render;
use datalex_lang::SourceMap;
use std::collections::BTreeSet;

const PRELUDE: &str = include_str!("../stdlib/prelude.dlx");

/// The separator between a fixture's source and its diagnostics in a snapshot.
const SEPARATOR: &str = "──────── diagnostics ────────";

/// The code a fixture is named after: `E0104` for `E0104_article_not_in_regulation.dlx`.
fn code_of(name: &str) -> Option<&str> {
    let (code, _) = name.split_once('_')?;
    let well_formed = code.len() == 5
        && (code.starts_with('E') || code.starts_with('W'))
        && code.chars().skip(1).all(|c| c.is_ascii_digit());
    well_formed.then_some(code)
}

#[test]
fn fixture() {
    insta::glob!("diagnostics/*.dlx", |path| {
        let name = path.file_name().unwrap().to_str().unwrap();
        let text = std::fs::read_to_string(path).unwrap();
        let mut sources = SourceMap::new();
        sources.add("stdlib/prelude.dlx", PRELUDE);
        let file = sources.add(format!("tests/diagnostics/{name}"), text.clone());
        let compiled = datalex_compiler::compile(&sources);
        let diags = &compiled.diagnostics;
        let rendered = render(diags, &sources, false);

        // The prelude itself must stay clean, or every snapshot would show its errors.
        assert!(
            diags.iter().all(|d| d.span.file == file),
            "{name}: a diagnostic outside the fixture:\n{rendered}"
        );

        if let Some(code) = code_of(name) {
            assert!(
                diags.iter().any(|d| d.code == code),
                "{name}: expected a diagnostic {code}, got:\n{rendered}"
            );
            if code.starts_with('E') {
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

        let mut snapshot = text;
        if !snapshot.ends_with('\n') {
            snapshot.push('\n');
        }
        snapshot.push_str(SEPARATOR);
        snapshot.push('\n');
        snapshot.push_str(&rendered);
        insta::assert_snapshot!(snapshot);
    });
}
