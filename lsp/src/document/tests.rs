#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "tests may fail loudly"
)]

use super::*;
use std::path::{Path, PathBuf};

/// The prelude and every policy file.
fn policy_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut out = vec![root.join("stdlib/prelude.dlx")];
    out.extend(crate::workspace::load::dlx_files(&root.join("policies")));
    out
}

/// The tree and parse diagnostics a document hands the compiler are exactly what parsing its
/// whole text gives (in file 3, so that a span left in the chunks' file 0 shows), besides the
/// trees that chunks that do not parse last had.
fn assert_same_syntax(doc: &Document, what: &str) {
    let (whole, whole_diags) = datalex_lang::parse(3, &doc.text);
    let mut diags = Vec::new();
    let mut syntax = doc.syntax(3, &mut diags);
    let stale: Vec<(usize, usize)> = doc.stale().collect();
    syntax.items.retain(|i| {
        let at = i.span().start as usize;
        !stale.iter().any(|(s, e)| *s <= at && at < *e)
    });
    assert_eq!(format!("{syntax:?}"), format!("{whole:?}"), "{what}");
    assert_eq!(diags, whole_diags, "{what}");
}

/// The names of a tree and where they are (relative spans), `Ident`s and names in
/// expressions.
#[derive(Default)]
struct Names(Vec<(String, u32, u32)>);

impl<'a> datalex_lang::ast::visit::Visit<'a> for Names {
    fn visit_ident(&mut self, x: &'a datalex_lang::ast::Ident) {
        self.0.push((x.name.clone(), x.span.start, x.span.end));
    }
    fn visit_expr(&mut self, x: &'a datalex_lang::ast::Expr) {
        if let datalex_lang::ast::ExprKind::Name(n) = &x.kind {
            self.0.push((n.clone(), x.span.start, x.span.end));
        }
        datalex_lang::ast::visit::walk::expr(self, x);
    }
}

/// Every name of the tree of a chunk that does not parse (as it last parsed, moved by the
/// edits since) is where its text is, or is empty (the edit cut into it).
fn assert_names_where_they_are(doc: &Document, what: &str) {
    use datalex_lang::ast::visit::Visit;
    for c in doc.chunks.iter().filter(|c| c.is_stale()) {
        let Some(item) = &c.known().item else {
            continue;
        };
        let mut names = Names::default();
        names.visit_item(item);
        for (name, start, end) in names.0 {
            if start == end {
                continue;
            }
            let at = c.start + start as usize..c.start + end as usize;
            assert_eq!(
                doc.text.get(at.clone()),
                Some(name.as_str()),
                "{what}: {at:?}"
            );
        }
    }
}

/// Parsing chunk by chunk finds what parsing the whole file finds, at the same places.
#[test]
fn chunks_parse_like_the_whole_file() {
    for path in policy_files() {
        let text = std::fs::read_to_string(&path).unwrap();
        let (whole, _) = datalex_lang::parse(0, &text);
        let doc = Document::new(None, path.display().to_string(), text.clone(), None);
        assert_same_syntax(&doc, &path.display().to_string());
        assert_names_where_they_are(&doc, &path.display().to_string());
        let items: Vec<_> = doc.items().collect();
        assert_eq!(items.len(), whole.items.len(), "{}", path.display());
        let chunked = datalex_lang::ast::File {
            items: items.iter().map(|(_, i)| (*i).clone()).collect(),
        };
        assert_eq!(
            datalex_lang::format::fingerprint(&chunked),
            datalex_lang::format::fingerprint(&whole),
            "{}",
            path.display()
        );
    }
}

/// Random edits, each checked against parsing the edited text from scratch; an edit inside one
/// item parses only that item again.
#[test]
fn edits_reparse_only_what_changed() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let text = std::fs::read_to_string(root.join("policies/binzhou/sharing.dlx")).unwrap();
    let mut doc = Document::new(None, "sharing.dlx".into(), text.clone(), Some(1));
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n.max(1) as u64) as usize
    };
    let inserts = [
        "x",
        " ",
        "\n",
        "guard ",
        "}",
        "{",
        "\"",
        "// c\n",
        "rule r on share cites §1\n",
    ];
    let mut stale = 0;
    for round in 0..300 {
        let mut t = doc.text.clone();
        let mut at = next(t.len() + 1);
        while !t.is_char_boundary(at) {
            at -= 1;
        }
        let mut end = (at + next(8)).min(t.len());
        while !t.is_char_boundary(end) {
            end += 1;
        }
        t.replace_range(at..end, inserts[next(inserts.len())]);
        doc.set_text(t.clone());
        let fresh = Document::new(None, "sharing.dlx".into(), t, None);
        let ranges = |d: &Document| {
            d.chunks
                .iter()
                .map(|c| (c.start, c.end))
                .collect::<Vec<_>>()
        };
        assert_eq!(ranges(&doc), ranges(&fresh), "round {round}");
        assert_same_syntax(&doc, &format!("round {round}"));
        // What a chunk that stopped parsing held stays known, at the right places.
        assert_names_where_they_are(&doc, &format!("round {round}"));
        stale += doc.chunks.iter().filter(|c| c.is_stale()).count();
    }
    assert!(stale > 0, "some edits broke an item");

    // Renaming a field in the middle of one rule parses that rule alone.
    let mut doc = Document::new(None, "sharing.dlx".into(), text.clone(), Some(1));
    let at = text.find("requester.id not in").unwrap();
    let edited = format!(
        "{}requester.ident{}",
        &text[..at],
        &text[at + "requester.id".len()..]
    );
    let stats = doc.set_text(edited);
    assert_eq!(stats.parsed, 1);
    assert_eq!(stats.kept, doc.chunks.len() - 1);
}
