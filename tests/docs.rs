//! Every example of the language reference compiles, or fails as it says it does.
//!
//! `docs/language.md` states the convention: a ```` ```dlx ```` block is a complete file,
//! compiled together with the prelude and everything under `policies/`; a block whose info
//! string is ```` ```dlx error=E0104 ```` must fail to compile with (at least) that code. Blocks
//! in other languages (```` ```text ````, ```` ```json ````) are not compiled, and a block without
//! a language is an error here, so that no example escapes the check by omission.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "tests may fail loudly"
)]

use datalex_lang::{diagnostic, Code, Diagnostic, FileId, Severity, SourceMap};
use std::path::{Path, PathBuf};

/// The prelude, as the CLI embeds it.
const PRELUDE: &str = include_str!("../stdlib/prelude.dlx");

/// The reference must keep at least this many checked examples.
const MIN_BLOCKS: usize = 25;

/// One fenced code block of the document.
struct Block {
    /// The 1-based line of the opening fence.
    line: usize,
    /// The info string after the backticks, trimmed (`dlx`, `dlx error=E0104`, `text`).
    info: String,
    /// The text between the fences.
    text: String,
}

/// The fenced code blocks of a Markdown text, with the line of their opening fence.
fn blocks(markdown: &str) -> Result<Vec<Block>, String> {
    let mut out = Vec::new();
    let mut open: Option<Block> = None;
    for (i, line) in markdown.lines().enumerate() {
        let fence = line.trim_start().starts_with("```");
        match open.take() {
            None if fence => {
                open = Some(Block {
                    line: i + 1,
                    info: line.trim_start().trim_start_matches('`').trim().to_string(),
                    text: String::new(),
                });
            }
            None => {}
            Some(b) if fence && line.trim() == "```" => out.push(b),
            Some(mut b) => {
                b.text.push_str(line);
                b.text.push('\n');
                open = Some(b);
            }
        }
    }
    match open {
        Some(b) => Err(format!(
            "the code block opened at line {} is never closed",
            b.line
        )),
        None => Ok(out),
    }
}

/// What a ```` ```dlx ```` block expects: `None` to compile cleanly, `Some(code)` to fail with it.
fn expectation(info: &str) -> Result<Option<Code>, String> {
    let mut words = info.split_whitespace();
    let _dlx = words.next();
    let mut expected = None;
    for w in words {
        match w.strip_prefix("error=").map(str::parse::<Code>) {
            Some(Ok(code)) if code.severity() == Severity::Error => {
                expected = Some(code);
            }
            _ => {
                return Err(format!(
                    "unknown attribute `{w}` (only `error=E0123` is known)"
                ))
            }
        }
    }
    Ok(expected)
}

/// Every `.dlx` file under `dir`, recursively, sorted by path.
fn dlx_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("reading {}: {e}", dir.display())) {
        let path = e.expect("directory entry").path();
        if path.is_dir() {
            dlx_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "dlx") {
            out.push(path);
        }
    }
}

/// The prelude and the policies, as (name, text), in the order the CLI loads them.
fn base_sources(root: &Path) -> Vec<(String, String)> {
    let mut files = Vec::new();
    dlx_files(&root.join("policies"), &mut files);
    files.sort();
    let mut out = vec![("stdlib/prelude.dlx".to_string(), PRELUDE.to_string())];
    for f in files {
        let name = f.strip_prefix(root).unwrap_or(&f).display().to_string();
        let text = std::fs::read_to_string(&f).unwrap_or_else(|e| panic!("reading {name}: {e}"));
        out.push((name, text));
    }
    out
}

/// Compiles the base sources plus `extra`, returning the source map, the id of `extra` and the
/// error diagnostics.
fn compile_with(
    base: &[(String, String)],
    extra: Option<(&str, &str)>,
) -> (SourceMap, Option<FileId>, Vec<Diagnostic>) {
    let mut sources = SourceMap::new();
    for (name, text) in base {
        sources.add(name.clone(), text.clone());
    }
    let id = extra.map(|(name, text)| sources.add(name, text));
    let compiled = datalex_compiler::compile(&sources);
    let errors = compiled
        .diagnostics
        .into_iter()
        .filter(Diagnostic::is_error)
        .collect();
    (sources, id, errors)
}

#[test]
fn every_example_of_the_language_reference_is_checked() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let base = base_sources(&root);

    // The examples are checked against the policies; if those are broken, say so once.
    let (sources, _, errors) = compile_with(&base, None);
    assert!(
        errors.is_empty(),
        "the prelude and policies/ do not compile on their own, so no example can be checked:\n{}",
        diagnostic::render(&errors, &sources, false, datalex_i18n::Lang::En)
    );

    let mut failures = Vec::new();
    let mut checked = 0;
    // The reference and its Chinese version (examples with Chinese keywords).
    let mut all = Vec::new();
    for doc in ["docs/language.md", "docs/language.zh.md"] {
        let markdown = std::fs::read_to_string(root.join(doc)).expect(doc);
        let found = blocks(&markdown).unwrap_or_else(|e| panic!("{doc}: {e}"));
        all.extend(found.into_iter().map(|b| (doc, b)));
    }
    for (doc, b) in &all {
        let name = format!("{doc}:{}", b.line);
        let lang = b.info.split_whitespace().next().unwrap_or_default();
        if lang.is_empty() {
            failures.push(format!(
                "{name}: a code block without a language; write ```dlx for an example, ```text for anything else"
            ));
            continue;
        }
        if lang != "dlx" {
            continue;
        }
        let expected = match expectation(&b.info) {
            Ok(e) => e,
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        checked += 1;
        let (sources, id, errors) = compile_with(&base, Some((&name, &b.text)));
        match expected {
            None if !errors.is_empty() => failures.push(format!(
                "{name}: the example should compile, but (lines counted from the block's first line):\n{}",
                diagnostic::render(&errors, &sources, false, datalex_i18n::Lang::En)
            )),
            None => {}
            // The error must be the example's own, not one it provokes in policies/.
            Some(code) if !errors.iter().any(|d| d.code == code && Some(d.span.file) == id) => {
                let found = if errors.is_empty() {
                    "it compiled without errors".to_string()
                } else {
                    format!(
                        "it failed with (lines counted from the block's first line):\n{}",
                        diagnostic::render(&errors, &sources, false, datalex_i18n::Lang::En)
                    )
                };
                failures.push(format!(
                    "{name}: the example should fail with {code}, but {found}"
                ));
            }
            Some(_) => {}
        }
    }

    assert!(
        failures.is_empty(),
        "{} of the examples in docs/language.md and docs/language.zh.md are wrong:\n\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        checked >= MIN_BLOCKS,
        "only {checked} ```dlx blocks were checked in docs/language.md and docs/language.zh.md; expected at least {MIN_BLOCKS}"
    );
}

/// The keyword tables of the reference and of its Chinese version list every keyword of the
/// one keyword table (`lang/src/keywords.rs`), with both of its forms in one row.
#[test]
fn both_keyword_tables_list_every_keyword() {
    use datalex_lang::keywords::Kw;
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut missing = Vec::new();
    for (doc, english_first) in [("docs/language.md", true), ("docs/language.zh.md", false)] {
        let markdown = std::fs::read_to_string(root.join(doc)).expect(doc);
        let rows: Vec<Vec<&str>> = markdown
            .lines()
            .filter(|l| l.starts_with("| `"))
            .map(|l| l.split('|').map(str::trim).collect())
            .collect();
        for kw in Kw::ALL {
            let (en, zh) = (format!("`{}`", kw.en()), format!("`{}`", kw.zh()));
            let found = rows.iter().any(|r| {
                let (a, b) = if english_first { (1, 2) } else { (2, 1) };
                r.get(a) == Some(&en.as_str())
                    // An ordinal (第…章) is written with N in the tables: 第N章.
                    && (kw.is_ordinal() || r.get(b) == Some(&zh.as_str()))
            });
            if !found {
                missing.push(format!("{doc}: no row for {en} / {zh}"));
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

/// `docs/diagnostics.md` names every code in both languages: a row `| CODE | English | 中文 |`
/// whose cells are the catalogs' `CODE-title` in English and in Chinese, so the document and
/// what the tools print cannot drift apart.
#[test]
fn every_code_is_named_in_english_and_chinese_in_the_diagnostics_document() {
    use datalex_i18n::Lang;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let docs = std::fs::read_to_string(root.join("docs/diagnostics.md")).unwrap();
    // The rows with three cells: code, English, Chinese.
    let rows: Vec<Vec<&str>> = docs
        .lines()
        .filter_map(|l| l.strip_prefix('|')?.strip_suffix('|'))
        .map(|l| l.split(" | ").map(str::trim).collect::<Vec<_>>())
        .filter(|cells| cells.len() == 3)
        .collect();
    let mut problems = Vec::new();
    for code in Code::ALL {
        let c = code.as_str();
        let id = format!("{c}-title");
        let (Some(en), Some(zh)) = (
            datalex_i18n::message(Lang::En, &id, None),
            datalex_i18n::message(Lang::Zh, &id, None),
        ) else {
            problems.push(format!("{c}: no `{id}` in both catalogs"));
            continue;
        };
        let is_chinese = |s: &str| s.chars().any(|ch| ('\u{4e00}'..='\u{9fff}').contains(&ch));
        if en.is_empty() || !is_chinese(&zh) {
            problems.push(format!("{c}: `{id}` is `{en}` / `{zh}`"));
        }
        match rows.iter().find(|r| r.first() == Some(&c)) {
            None => problems.push(format!(
                "{c}: no row `| {c} | {en} | {zh} |` in docs/diagnostics.md"
            )),
            Some(r) => {
                if r.get(1) != Some(&en.as_str()) || r.get(2) != Some(&zh.as_str()) {
                    problems.push(format!(
                        "{c}: the row says {:?}; the catalogs say `{en}` and `{zh}`",
                        r.get(1..)
                    ));
                }
            }
        }
    }
    for r in &rows {
        if let Some(first) = r.first() {
            if first.len() == 5 && first.starts_with(['E', 'W']) && first.parse::<Code>().is_err() {
                problems.push(format!(
                    "docs/diagnostics.md names {first}, which is no code"
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
