//! Every policy package has a README, and every coverage table in a README is exactly what
//! `datalex coverage` prints, so the tables cannot drift from the policies.
//!
//! A README marks a table with `<!-- datalex coverage --regulation ID -->` before it and
//! `<!-- end coverage -->` after it; between them stands the command's output.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "tests may fail loudly"
)]

mod common;

const BEGIN: &str = "<!-- datalex coverage --regulation ";
const END: &str = "<!-- end coverage -->";

#[test]
fn package_readme_coverage_tables_match_datalex_coverage() {
    let mut checked = 0;
    let mut failures = Vec::new();
    let mut dirs: Vec<_> = std::fs::read_dir(common::root().join("policies"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for dir in dirs {
        let readme = dir.join("README.md");
        let Ok(text) = std::fs::read_to_string(&readme) else {
            failures.push(format!("{} has no README.md", dir.display()));
            continue;
        };
        let mut rest = text.as_str();
        while let Some(i) = rest.find(BEGIN) {
            let after = &rest[i + BEGIN.len()..];
            let id = after
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_string();
            let body_start = after.find("-->").map(|j| j + 3).unwrap();
            let body_end = after
                .find(END)
                .unwrap_or_else(|| panic!("{}: `{BEGIN}{id}` without `{END}`", readme.display()));
            let body = after[body_start..body_end].trim();
            let out = common::run(&["coverage", "--regulation", &id, "policies"], "");
            assert!(out.status.success(), "{}", common::stderr(&out));
            let expected = common::stdout(&out);
            if body != expected.trim() {
                failures.push(format!("{}: the coverage table of `{id}` differs from `datalex coverage --regulation {id} policies`; paste its output between the markers", readme.display()));
            }
            checked += 1;
            rest = &after[body_end..];
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked >= 1, "no coverage table found in any README");
}
