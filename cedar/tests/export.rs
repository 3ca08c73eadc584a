//! The Cedar export of the bundled packages: Cedar parses it, strict validation against the
//! exported schema finds nothing, and the Binzhou export is snapshotted so a policy change
//! shows up as a reviewable diff of the Cedar it produces.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "tests may fail loudly"
)]

#[path = "../../evaluator/tests/common/mod.rs"]
mod common;

use datalex_cedar::{ExportError, Oracle};
use datalex_evaluator::{Engine, Facts};
use std::sync::Arc;

/// The package's example facts, or no facts if it has none.
fn facts_of(package: &str) -> Facts {
    let dir = common::root().join("data").join(package);
    if !dir.is_dir() {
        return Facts::from_files(&[("catalog.json", "[]"), ("institutions.json", "[]")]).unwrap();
    }
    let texts: Vec<(&str, String)> = datalex_evaluator::facts::FACT_FILES
        .iter()
        .filter_map(|n| std::fs::read_to_string(dir.join(n)).ok().map(|t| (*n, t)))
        .collect();
    let borrowed: Vec<(&str, &str)> = texts.iter().map(|(n, t)| (*n, t.as_str())).collect();
    Facts::from_files(&borrowed).unwrap()
}

#[test]
fn binzhou_export_validates_in_strict_mode() {
    let policy = common::policy();
    let engine = Engine::new(Arc::clone(&policy), "binzhou").unwrap();
    let facts = facts_of("binzhou");
    let export = datalex_cedar::export(&engine, &facts).unwrap();
    let oracle = Oracle::new(export).unwrap();
    let (errors, warnings) = oracle.validate();
    assert!(errors.is_empty(), "strict validation errors: {errors:#?}");
    assert!(warnings.is_empty(), "validation warnings: {warnings:#?}");
    let export = oracle.export();
    let kinds: Vec<&str> = export.actions.iter().map(|a| a.shape.kind).collect();
    assert_eq!(kinds, ["share", "open", "develop"]);
    // Every catalog entry, institution, developer and product is an entity.
    let expected = facts.catalog.len()
        + facts.institutions.len()
        + facts.developers.len()
        + facts.products.len();
    assert_eq!(export.entities.as_array().unwrap().len(), expected);
    // Every policy names its Datalex rule; every rule policy cites articles.
    for p in &export.policies {
        let rule = p.annotations.iter().find(|(k, _)| k == "datalex_rule");
        assert!(rule.is_some(), "{} has no @datalex_rule", p.id);
        if p.id.contains("binzhou.") {
            assert!(
                p.annotations
                    .iter()
                    .any(|(k, v)| k == "cites" && v.contains("第")),
                "{} cites no article",
                p.id
            );
        }
    }
    insta::assert_snapshot!("binzhou_schema", export.schema);
    insta::assert_snapshot!("binzhou_policies", export.policies_text());
    insta::assert_snapshot!("binzhou_readme", export.readme());
}

#[test]
fn every_package_that_decides_share_open_or_develop_exports_and_validates() {
    let policy = common::policy();
    let mut exported = Vec::new();
    for package in policy.packages.iter().map(|p| p.name.clone()) {
        let engine = Engine::new(Arc::clone(&policy), &package).unwrap();
        let facts = facts_of(&package);
        match datalex_cedar::export(&engine, &facts) {
            Ok(export) => {
                let oracle = Oracle::new(export)
                    .unwrap_or_else(|e| panic!("Cedar rejects the export of {package}: {e}"));
                let (errors, warnings) = oracle.validate();
                assert!(errors.is_empty(), "{package}: {errors:#?}");
                assert!(warnings.is_empty(), "{package}: {warnings:#?}");
                exported.push(package);
            }
            Err(ExportError::NothingToExport(p)) => assert_eq!(p, package),
        }
    }
    assert_eq!(
        exported,
        ["national", "shandong", "binzhou", "jinan", "linyi", "qingdao", "zunyi"]
    );
}
