//! The diagnostic renderer never panics, whatever spans it is given: random starts and ends (past
//! the end, reversed, inside a multi-byte character), random file ids (unknown ones, labels in
//! other files than the primary span, files that share a name), over text with Chinese, CRLF and
//! other multi-byte characters. `datalex check` once panicked here ("byte index 40 is not a char
//! boundary; it is inside '件'") on a warning whose label was in another file.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::disallowed_methods,
    reason = "tests may fail loudly and read the bundled policy files"
)]

use datalex_i18n::Lang;
use datalex_lang::diagnostic::{render, render_short};
use datalex_lang::{Code, Diagnostic, Message, SourceMap, Span};
use proptest::prelude::*;

/// Pieces of policy text, many of them wider than one byte.
const PIECES: &[&str] = &[
    "rule x on share cites §2.1\n",
    "件",
    "《滨州市公共数据管理办法》",
    "第二十条第二款",
    "a",
    " ",
    "\n",
    "\r\n",
    "\t",
    "😀",
    "é",
    "\u{3000}",
    "\u{2028}",
    "}",
    "",
];

/// A message that shows `text` as it is (the catalogs' message for the grammar's own words).
fn verbatim(text: String) -> Message {
    Message::new("E0001-grammar").arg("message", text)
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..40).prop_map(|p| p.concat())
}

/// A span anywhere in or past any file, or in a file that does not exist.
fn span(files: u32) -> impl Strategy<Value = Span> {
    (0..files + 2, 0u32..400, 0u32..400).prop_map(|(file, start, end)| Span { file, start, end })
}

fn diagnostic(files: u32) -> impl Strategy<Value = Diagnostic> {
    (
        prop::sample::select(Code::ALL),
        span(files),
        prop::collection::vec((span(files), "[a-z件 ]{0,8}"), 0..4),
        prop::option::of("[a-z件 ]{0,12}"),
        "[a-z件`;: ]{0,16}",
    )
        .prop_map(|(code, at, labels, help, message)| {
            let mut d = Diagnostic::new(code, at, verbatim(message));
            for (s, m) in labels {
                d = d.with_label(s, verbatim(m));
            }
            if let Some(h) = help {
                d = d.with_help(verbatim(h));
            }
            d
        })
}

/// Up to four files, two of which may share a name, and diagnostics with spans over them.
fn case() -> impl Strategy<Value = (Vec<(String, String)>, Vec<Diagnostic>)> {
    prop::collection::vec(("[ab]\\.dlx", text()), 0..4).prop_flat_map(|files| {
        let n = u32::try_from(files.len()).unwrap();
        (Just(files), prop::collection::vec(diagnostic(n), 1..4))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn rendering_never_panics((files, diags) in case()) {
        let mut sources = SourceMap::new();
        for (name, text) in &files {
            sources.add(name.clone(), text.clone());
        }
        for lang in Lang::ALL {
            for color in [false, true] {
                let text = render(&diags, &sources, color, lang);
                for d in &diags {
                    prop_assert!(text.contains(d.code.as_str()), "{text}");
                }
            }
            let short = render_short(&diags, &sources, lang);
            prop_assert_eq!(short.lines().count(), diags.len());
        }
    }
}

/// The report of the issue: a warning in one file with a label in another, where the label's
/// byte offset falls inside a character of the primary file. Rendered at the label's own line.
#[test]
fn a_label_in_another_file_is_measured_against_its_own_text() {
    let mut sources = SourceMap::new();
    let scratch = sources.add("scratch.dlx", "// 事件事件事件事件事件事件事件\nrule x\n");
    let other = "rule y // 条件\n".repeat(30);
    let at = other.rfind("rule y").unwrap();
    let policy = sources.add("policies/p.dlx", other.clone());
    let x = "// 事件事件事件事件事件事件事件\n".len();
    let d = Diagnostic::new(
        Code::W0101,
        Span::new(scratch, x, x + 6),
        verbatim("`x` and `y` conflict".into()),
    )
    .with_label(
        Span::new(policy, at, at + 6),
        verbatim("the other rule".into()),
    );
    let text = render(&[d], &sources, false, Lang::En);
    assert!(text.contains("scratch.dlx:2:1"), "{text}");
    assert!(text.contains("30 │ rule y"), "{text}");
    assert!(text.contains("the other rule"), "{text}");
}

/// Two files with the same name are still two files: each span is shown in its own text.
#[test]
fn files_with_the_same_name_are_not_confused() {
    let mut sources = SourceMap::new();
    let a = sources.add("same.dlx", "rule a\n");
    let b = sources.add("same.dlx", "\n\n\nrule b // 件件件\n");
    let at = "\n\n\n".len();
    let d = Diagnostic::new(
        Code::E0106,
        Span::new(b, at, at + 6),
        verbatim("rule `b` is declared twice".into()),
    )
    .with_label(Span::new(a, 0, 6), verbatim("first declared here".into()));
    let text = render(&[d], &sources, false, Lang::En);
    assert!(text.contains("4 │ rule b"), "{text}");
    assert!(text.contains("1 │ rule a"), "{text}");
}

/// A hundred thousand errors on one megabyte line (a generated chain of wrong terms): the report
/// shows a bounded number, each as one line with its place instead of the line itself, and
/// counts the rest.
#[test]
fn many_diagnostics_on_a_huge_line_give_a_bounded_report() {
    use datalex_lang::diagnostic::{MAX_EXCERPT_LINE, MAX_RENDERED};
    let mut sources = SourceMap::new();
    let line = "x or ".repeat(200_000);
    let file = sources.add("huge.dlx", format!("rule r\n  when {line}\n"));
    let start = "rule r\n  when ".len();
    let diagnostics: Vec<Diagnostic> = (0..100_000)
        .map(|i| {
            let at = start + 5 * i;
            Diagnostic::new(
                Code::E0101,
                Span::new(file, at, at + 1),
                verbatim("unknown name `x`".into()),
            )
        })
        .collect();
    let text = render(&diagnostics, &sources, false, Lang::En);
    assert!(line.len() > MAX_EXCERPT_LINE);
    assert_eq!(text.lines().count(), MAX_RENDERED + 1, "{}", &text[..400]);
    assert!(text.contains("huge.dlx:2:7"), "{}", &text[..400]);
    assert!(
        text.ends_with(&format!(
            "… and {} more not shown (at most {MAX_RENDERED} diagnostics are shown with their source)\n",
            100_000 - MAX_RENDERED
        )),
        "{}",
        &text[text.len() - 300..]
    );
    let zh = render(&diagnostics[..MAX_RENDERED + 2], &sources, false, Lang::Zh);
    assert!(zh.contains("另有 2 条未显示"), "{}", &zh[zh.len() - 300..]);
}
