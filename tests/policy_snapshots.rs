//! `datalex test --snapshot`: every policy test's decision is an insta snapshot, so changing one
//! number in a policy shows exactly the decisions it changes, as reviewable `.snap.new` files.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "tests may fail loudly"
)]

mod common;

use std::collections::BTreeSet;

#[test]
fn changing_the_filing_period_shows_exactly_the_decisions_that_change() {
    let dir = common::scratch_policies();
    common::copy_dir(&common::root().join("data"), &dir.path().join("data"));
    // The committed snapshots are current.
    let out = common::run_in(dir.path(), &["test", "--snapshot", "policies"], "");
    assert_eq!(out.status.code(), Some(0), "{}", common::stdout(&out));
    assert!(
        common::stdout(&out).contains("snapshots: 0 changed"),
        "{}",
        common::stdout(&out)
    );

    // Art. 12's 15 working days become 16.
    let path = dir.path().join("policies/binzhou/catalog.dlx");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("param filing_period = 15 working days"));
    std::fs::write(
        &path,
        text.replace(
            "param filing_period = 15 working days",
            "param filing_period = 16 working days",
        ),
    )
    .unwrap();
    let out = common::run_in(dir.path(), &["test", "--snapshot", "policies"], "");
    let stdout = common::stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}");

    // Exactly the catalog-change tests whose filing deadline is Binzhou's changed: the basis that
    // changed before the national regulation took effect (due 08-20 → 08-21) and the public-service
    // enterprise, which the national regulation does not govern (filed a day late, now in time, no
    // finding). Where the national 10 working days govern, Binzhou's period changes nothing.
    let new_files: BTreeSet<String> = walk(&dir.path().join("policies"))
        .into_iter()
        .filter(|p| p.ends_with(".snap.new"))
        .collect();
    let expected: BTreeSet<String> = [
        "time_tests__依据于2025-07-30变化_8月提出_适用办法的十五个工作日.snap.new",
        "time_tests__公共服务企业_目录变更适用办法的十五个工作日.snap.new",
    ]
    .iter()
    .map(|s| (*s).to_string())
    .collect();
    let names: BTreeSet<String> = new_files
        .iter()
        .map(|p| p.rsplit('/').next().unwrap().to_string())
        .collect();
    assert_eq!(names, expected, "{stdout}");
    assert!(stdout.contains("snapshots: 2 changed"), "{stdout}");
    let late = std::fs::read_to_string(
        new_files
            .iter()
            .find(|p| p.contains("公共服务企业"))
            .unwrap(),
    )
    .unwrap();
    assert!(
        late.contains("\"due\": \"2026-04-24\"") && late.contains("\"status\": \"met\""),
        "{late}"
    );
    assert!(!late.contains("late_catalog_change"), "{late}");
}

fn walk(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p.display().to_string());
        }
    }
    out
}
