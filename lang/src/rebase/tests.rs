#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::disallowed_methods,
    reason = "tests may fail loudly and read the bundled policy files"
)]

use super::*;
use crate::ast::visit::Visit;
use crate::ast::File;
use crate::parser::{parse_chunk, parse_chunk_with_keywords, split_items};
use std::path::{Path, PathBuf};

/// The prelude, every policy file, and every broken policy of the compiler's diagnostics tests.
fn files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut out = vec![root.join("stdlib/prelude.dlx")];
    out.extend(
        datalex_files::policy_files(&[root.join("policies"), root.join("tests/diagnostics")])
            .unwrap()
            .files,
    );
    out.sort();
    assert!(out.len() > 80, "found only {} files", out.len());
    out
}

/// Each of [`files`] with its text.
fn texts() -> Vec<(PathBuf, String)> {
    files()
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (p, text)
        })
        .collect()
}

/// Parses `text` chunk by chunk and moves each chunk's tree and diagnostics to `file` and the
/// chunk's start; then finds E0005 from the chunks' keywords, as the language server does.
fn parse_by_chunks(file: FileId, text: &str) -> (File, Vec<Diagnostic>) {
    let mut items = Vec::new();
    let mut diagnostics = Vec::new();
    let mut uses = Vec::new();
    for (start, end) in split_items(text) {
        let (item, diags, mut used) = parse_chunk_with_keywords(&text[start..end]);
        used.rebase(file, start);
        uses.push(used);
        let offset = u32::try_from(start).unwrap();
        if let Some(mut item) = item {
            rebase(&mut item, file, offset);
            items.push(item);
        }
        for mut d in diags {
            rebase_diagnostic(&mut d, file, offset);
            diagnostics.push(d);
        }
    }
    diagnostics.extend(crate::parser::mixed_keywords(&uses));
    (File { items }, diagnostics)
}

/// Parsing each chunk alone and moving it into place gives the very tree and diagnostics that
/// parsing the whole file gives (file id 7, so that a span left in file 0 shows).
#[test]
fn chunks_rebased_are_the_whole_file_parsed() {
    let mut broken = 0;
    for (path, text) in texts() {
        let (whole, whole_diags) = crate::parse(7, &text);
        let (chunked, chunk_diags) = parse_by_chunks(7, &text);
        let (a, b) = (format!("{whole:#?}"), format!("{chunked:#?}"));
        if a != b {
            let line = a
                .lines()
                .zip(b.lines())
                .position(|(x, y)| x != y)
                .unwrap_or(0);
            panic!(
                "{}: trees differ at line {line} of their Debug output:\n{}\n{}",
                path.display(),
                a.lines().nth(line).unwrap_or(""),
                b.lines().nth(line).unwrap_or("")
            );
        }
        assert_eq!(whole_diags, chunk_diags, "{}", path.display());
        assert!(
            !a.contains("file: 0,"),
            "{}: a span still in file 0",
            path.display()
        );
        broken += usize::from(!whole_diags.is_empty());
    }
    assert!(broken >= 5, "only {broken} files with parse errors");
}

/// Every span moves: after rebasing, the tree's Debug output names no other file, and every
/// span is shifted by exactly the offset.
#[test]
fn every_span_moves_by_the_offset() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../policies/binzhou/sharing.dlx"),
    )
    .unwrap();
    let mut checked = 0;
    for (start, end) in split_items(&text) {
        let Some(item) = parse_chunk(&text[start..end]).0 else {
            continue;
        };
        let before = debug_spans(&item);
        let mut moved = item.clone();
        rebase(&mut moved, 3, 1000);
        let after = debug_spans(&moved);
        assert_eq!(before.len(), after.len());
        for ((f0, s0, e0), (f1, s1, e1)) in before.iter().zip(&after) {
            assert_eq!((*f0, *f1), (0, 3));
            assert_eq!((s0 + 1000, e0 + 1000), (*s1, *e1));
        }
        checked += before.len();
    }
    assert!(checked > 100, "only {checked} spans");
}

#[test]
fn diagnostics_move_with_their_labels() {
    let (item, diags) = parse_chunk("rule r on share cites §1 when {\n  a\n");
    assert!(item.is_none());
    let mut d = diags.into_iter().next().unwrap();
    assert!(!d.labels.is_empty(), "{d:?}");
    let before = d.clone();
    rebase_diagnostic(&mut d, 2, 10);
    assert_eq!(d.span.file, 2);
    assert_eq!(d.span.start, before.span.start + 10);
    for (a, b) in before.labels.iter().zip(&d.labels) {
        assert_eq!(
            (b.span.file, b.span.start, b.span.end),
            (2, a.span.start + 10, a.span.end + 10)
        );
    }
}

/// Every span of a tree's `Debug` output, as (file, start, end).
fn debug_spans(tree: &impl std::fmt::Debug) -> Vec<(u32, u32, u32)> {
    let s = format!("{tree:?}");
    s.split("Span { file: ")
        .skip(1)
        .map(|rest| {
            let nums: Vec<u32> = rest
                .split(|c: char| !c.is_ascii_digit())
                .filter(|x| !x.is_empty())
                .take(3)
                .map(|x| x.parse().unwrap())
                .collect();
            (nums[0], nums[1], nums[2])
        })
        .collect()
}

/// Collects the spans [`Visit`] reaches.
struct Spans(Vec<(u32, u32, u32)>);

impl<'ast> Visit<'ast> for Spans {
    fn visit_span(&mut self, s: &'ast Span) {
        self.0.push((s.file, s.start, s.end));
    }
}

/// The shared walk reaches every span of the tree, each once: for every bundled file, the spans
/// it visits are those of the tree's `Debug` output (in another order: a node's own span after
/// its children's).
#[test]
fn the_shared_walk_reaches_every_span() {
    let mut checked = 0;
    for (path, text) in texts() {
        let (file, _) = crate::parse(4, &text);
        let mut seen = Spans(Vec::new());
        seen.visit_file(&file);
        let mut expected = debug_spans(&file);
        let mut seen = seen.0;
        expected.sort_unstable();
        seen.sort_unstable();
        assert_eq!(seen, expected, "{}", path.display());
        checked += seen.len();
    }
    assert!(checked > 10_000, "only {checked} spans");
}
