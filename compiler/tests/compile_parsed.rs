//! `compile_parsed` gives what `compile` gives, for trees parsed whole and for trees parsed
//! chunk by chunk and moved into place (as the language server keeps them): the same
//! diagnostics, and the same policy set. Here the trees are parsed one file after the other;
//! `compile` parses a set as large as `policies/` on two threads, so the same comparison holds
//! that to the sequential parse.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::disallowed_methods,
    reason = "tests may fail loudly and read the bundled policy files"
)]

use datalex_compiler::{compile, compile_parsed, Compiled, PolicySet};
use datalex_lang::ast::File;
use datalex_lang::parser::{mixed_keywords, parse_chunk_with_keywords, split_items};
use datalex_lang::rebase::{rebase, rebase_diagnostic};
use datalex_lang::{Diagnostic, FileId, SourceMap};

mod support;

use support::{dlx_under, prelude, root};

/// Every file parsed whole, as `compile` does.
fn parsed_whole(sources: &SourceMap) -> (Vec<(FileId, File)>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut diags = Vec::new();
    for (id, src) in sources.iter() {
        let (file, mut d) = datalex_lang::parse(id, &src.text);
        files.push((id, file));
        diags.append(&mut d);
    }
    (files, diags)
}

/// Every file parsed chunk by chunk, each chunk's tree and diagnostics moved into place, and
/// E0005 found from the chunks' keywords (as the language server does).
fn parsed_by_chunks(sources: &SourceMap) -> (Vec<(FileId, File)>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut diags = Vec::new();
    for (id, src) in sources.iter() {
        let mut items = Vec::new();
        let mut uses = Vec::new();
        for (start, end) in split_items(&src.text) {
            let (item, d, mut used) = parse_chunk_with_keywords(&src.text[start..end]);
            used.rebase(id, start);
            uses.push(used);
            let offset = u32::try_from(start).unwrap();
            if let Some(mut item) = item {
                rebase(&mut item, id, offset);
                items.push(item);
            }
            for mut d in d {
                rebase_diagnostic(&mut d, id, offset);
                diags.push(d);
            }
        }
        diags.extend(mixed_keywords(&uses));
        files.push((id, File { items }));
    }
    (files, diags)
}

/// A policy set as text: its `Debug` output, but the graph's nodes and edges only (its index
/// from node to place is a hash map, printed in no fixed order).
fn shown(p: &PolicySet) -> String {
    let PolicySet {
        program,
        graph,
        tests,
        coverage,
    } = p;
    format!("{program:?}\n{:?}\n{tests:?}\n{coverage:?}", graph.graph)
}

/// Compiles `sources` the three ways and checks the results are the same; returns `compile`'s.
fn same_three_ways(what: &str, sources: &SourceMap) -> Compiled {
    let direct = compile(sources);
    let (files, diags) = parsed_whole(sources);
    let whole = compile_parsed(sources, &files, diags);
    let (files, diags) = parsed_by_chunks(sources);
    let chunked = compile_parsed(sources, &files, diags);
    for (how, other) in [("parsed whole", &whole), ("parsed by chunks", &chunked)] {
        assert_eq!(
            direct.diagnostics, other.diagnostics,
            "{what}: diagnostics differ ({how})"
        );
        assert_eq!(
            direct.policy.as_ref().map(shown),
            other.policy.as_ref().map(shown),
            "{what}: policy sets differ ({how})"
        );
    }
    direct
}

#[test]
fn all_policies_compile_the_same() {
    let mut sources = SourceMap::new();
    sources.add("stdlib/prelude.dlx", prelude());
    let files = dlx_under(&root().join("policies"));
    assert!(files.len() > 5);
    for p in files {
        let name = p.strip_prefix(root()).unwrap().display().to_string();
        sources.add(name, std::fs::read_to_string(&p).unwrap());
    }
    let compiled = same_three_ways("policies", &sources);
    assert!(compiled.policy.is_some(), "{:?}", compiled.diagnostics);
}

#[test]
fn every_broken_fixture_compiles_the_same() {
    let fixtures = dlx_under(&root().join("tests/diagnostics"));
    assert!(fixtures.len() > 50);
    let mut with_errors = 0;
    for p in fixtures {
        let mut sources = SourceMap::new();
        sources.add("stdlib/prelude.dlx", prelude());
        sources.add(
            p.display().to_string(),
            std::fs::read_to_string(&p).unwrap(),
        );
        let compiled = same_three_ways(&p.display().to_string(), &sources);
        with_errors += usize::from(compiled.diagnostics.iter().any(Diagnostic::is_error));
    }
    assert!(with_errors > 50);
}

/// Broken files among the real policies: an edit in the middle of a file, a syntax error that
/// cuts an item short, an unclosed brace, a duplicate declaration across files.
#[test]
fn policies_with_a_broken_file_compile_the_same() {
    let files = dlx_under(&root().join("policies"));
    let sharing = files
        .iter()
        .position(|p| p.ends_with("binzhou/sharing.dlx"))
        .unwrap();
    let text = std::fs::read_to_string(&files[sharing]).unwrap();
    let middle = text.len() / 2;
    let at = (middle..text.len())
        .find(|i| text.is_char_boundary(*i))
        .unwrap();
    let cut_at = text[at..].find('\n').map_or(at, |i| at + i + 1);
    let breakages: Vec<(&str, String)> = vec![
        (
            "typo in a field",
            text.replacen("dataset.", "dataset.nonexistent_", 1),
        ),
        (
            "syntax error mid-file",
            format!(
                "{}rule broken on share when => permit\n{}",
                &text[..cut_at],
                &text[cut_at..]
            ),
        ),
        (
            "unclosed brace",
            format!("{}regulation x \"X\" {{\n", &text[..cut_at]) + &text[cut_at..],
        ),
        (
            "garbage at the start",
            format!("%%% not a declaration\n{text}"),
        ),
        ("duplicated file", text.clone()),
    ];
    for (what, broken) in breakages {
        let mut sources = SourceMap::new();
        sources.add("stdlib/prelude.dlx", prelude());
        for (i, p) in files.iter().enumerate() {
            let name = p.strip_prefix(root()).unwrap().display().to_string();
            let t = if i == sharing {
                broken.clone()
            } else {
                std::fs::read_to_string(p).unwrap()
            };
            sources.add(name, t);
        }
        if what == "duplicated file" {
            sources.add("policies/binzhou/copy.dlx", text.clone());
        }
        let compiled = same_three_ways(what, &sources);
        assert!(
            compiled.diagnostics.iter().any(Diagnostic::is_error),
            "{what}: no error"
        );
    }
}
