//! Random and mutated policy text through the parser and the formatter: nothing panics, and
//! whenever a text parses, formatting it succeeds, keeps its meaning (checked inside `format`)
//! and is idempotent: `fmt(fmt(x)) == fmt(x)`.
//!
//! Deterministic: a fixed-seed generator, so a failure reproduces; the failing text is printed.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::disallowed_methods,
    reason = "tests may fail loudly and read the bundled policy files"
)]

use datalex_lang::format::{format, FormatError};
use datalex_lang::parse;
use std::path::{Path, PathBuf};

#[path = "support/rng.rs"]
mod rng;

use rng::Rng;

const FRAGMENTS: &[&str] = &[
    "rule",
    "guard",
    "exception",
    "check",
    "otherwise",
    "value",
    "param",
    "regulation",
    "article",
    "para",
    "item",
    "when",
    "and",
    "or",
    "not",
    "in",
    "not in",
    "is missing",
    "exists",
    "any",
    "all",
    "each",
    "where",
    ":",
    "=>",
    "permit",
    "deny",
    "review",
    "reason",
    "obligation",
    "deadline",
    "finding",
    "on",
    "over",
    "cites",
    "§",
    "§?",
    "§20.2.2",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    ",",
    ".",
    "==",
    ">=",
    "<",
    "+",
    "-",
    "\"",
    "\"文本\"",
    "\\",
    "//",
    "\n",
    " ",
    "  ",
    "\t",
    "\u{3000}",
    "2026-02-30",
    "2026-03-02",
    "10 working days",
    "365 days",
    "0",
    "99999999999",
    "数据",
    "共享",
    "dataset",
    "request.at",
    "conditional",
    "ShareTier.conditional",
    "until",
    "met by",
    "within",
    "from",
    "test",
    "expect",
    "facts",
    "request",
    "package",
    "extends",
    "missing 1..2 \"x\"",
    "partial",
    "chapter",
];

fn seeds() -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut out = Vec::new();
    let mut dirs = vec![root.join("policies"), root.join("stdlib")];
    while let Some(d) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "dlx") {
                out.push((p.clone(), std::fs::read_to_string(&p).unwrap()));
            }
        }
    }
    out.sort();
    assert!(out.len() >= 3, "expected the policy files as seeds");
    out
}

fn boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn mutate(rng: &mut Rng, text: &str) -> String {
    let mut s = text.to_string();
    for _ in 0..=rng.below(3) {
        let at = boundary(&s, rng.below(s.len() + 1));
        match rng.below(5) {
            0 => {
                let end = boundary(&s, at + rng.below(40));
                s.replace_range(at..end, "");
            }
            1 => s.insert_str(at, FRAGMENTS[rng.below(FRAGMENTS.len())]),
            2 => {
                let end = boundary(&s, at + rng.below(60));
                let piece = s[at..end].to_string();
                let to = boundary(&s, rng.below(s.len() + 1));
                s.insert_str(to, &piece);
            }
            3 => {
                let mut lines: Vec<&str> = s.lines().collect();
                if lines.len() > 2 {
                    let (a, b) = (rng.below(lines.len()), rng.below(lines.len()));
                    lines.swap(a, b);
                }
                s = lines.join("\n");
            }
            _ => {
                let end = boundary(&s, at + 1);
                let c = ["{", "}", "\"", "§", "\n", "a", "1", "."][rng.below(8)];
                s.replace_range(at..end, c);
            }
        }
    }
    s
}

/// The property for one text.
fn check(text: &str) -> Result<bool, String> {
    let (_, diags) = parse(0, text);
    match format(text) {
        Ok(once) => {
            if !diags.is_empty() {
                return Err("format accepted a text that does not parse".into());
            }
            match format(&once) {
                Ok(twice) if twice == once => Ok(true),
                Ok(twice) => Err(format!("not idempotent; first:\n{once}\nsecond:\n{twice}")),
                Err(e) => Err(format!(
                    "formatted text does not format again: {e:?}\n{once}"
                )),
            }
        }
        Err(FormatError::Syntax(_)) if !diags.is_empty() => Ok(false),
        Err(FormatError::Syntax(d)) => Err(format!("parse and format disagree: {d:?}")),
        Err(FormatError::Changed) => Err("the formatter changed the meaning".into()),
    }
}

#[test]
fn the_seeds_format_idempotently() {
    for (path, text) in seeds() {
        assert_eq!(check(&text), Ok(true), "{}", path.display());
        let formatted = format(&text).unwrap();
        assert_eq!(
            formatted,
            text,
            "{} is not in canonical layout (run `datalex fmt`)",
            path.display()
        );
    }
}

#[test]
fn mutated_policies_never_panic_and_format_idempotently() {
    let seeds = seeds();
    let mut rng = Rng(0x5EED_DA7A_1E55_u64);
    let (mut parsed, mut total) = (0, 0);
    for round in 0..1500 {
        let (path, text) = &seeds[round % seeds.len()];
        // Mutate one item's worth of text around a random point, to keep runs fast.
        let mutant = mutate(&mut rng, text);
        total += 1;
        match check(&mutant) {
            Ok(true) => parsed += 1,
            Ok(false) => {}
            Err(why) => panic!(
                "round {round}, from {}: {why}\n--- text ---\n{mutant}",
                path.display()
            ),
        }
    }
    // Most single mutations break the text, but some must survive or the test proves little.
    assert!(
        parsed > total / 20,
        "only {parsed} of {total} mutants parsed"
    );
}

#[test]
fn random_text_never_panics() {
    let mut rng = Rng(42);
    for _ in 0..3000 {
        let mut s = String::new();
        for _ in 0..rng.below(30) {
            s.push_str(FRAGMENTS[rng.below(FRAGMENTS.len())]);
            if rng.below(3) == 0 {
                s.push(' ');
            }
        }
        check(&s).unwrap_or_else(|why| panic!("{why}\n--- text ---\n{s}"));
    }
}
