//! Hover over citations of an amended article with the caller's today (`hover::hover_on`):
//! the version in force that day first, the others with their periods. The fixture is the one
//! of tests/amendment.rs: article 5 says 15 working days as enacted (2023-01-01), 10 from
//! 2025-01-01.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "tests may fail loudly"
)]

use datalex_lang::date::Date;
use datalex_lsp::text::LineIndex;
use datalex_lsp::{hover, Workspace};
use lsp_types::{HoverContents, HoverParams, TextDocumentIdentifier, TextDocumentPositionParams};
use std::path::{Path, PathBuf};

const REG: &str = "tests/amendment/policies/amend/regulation.dlx";
const RULES: &str = "tests/amendment/policies/amend/sharing.dlx";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap()
}

fn workspace() -> Workspace {
    let root = repo();
    let prelude = std::fs::read_to_string(root.join("stdlib/prelude.dlx")).unwrap();
    let mut ws = Workspace::new(&prelude);
    // English hover: these tests read its English frame (`in force on …`).
    ws.set_lang(datalex_i18n::Lang::En);
    for (n, rel) in [REG, RULES].into_iter().enumerate() {
        let uri = datalex_lsp::uri::from_path(&root.join(rel)).unwrap();
        let text = std::fs::read_to_string(root.join(rel)).unwrap();
        ws.open(&uri, text, n as i32 + 1);
    }
    ws
}

/// The hover one byte into `needle` of the file `rel` as on disk, on `today`.
fn hover_on(ws: &Workspace, rel: &str, needle: &str, today: Option<&str>) -> String {
    let text = std::fs::read_to_string(repo().join(rel)).unwrap();
    hover_in(ws, rel, &text, needle, today)
}

/// The hover one byte into `needle` of `rel`, whose text is `text`, on `today`.
fn hover_in(ws: &Workspace, rel: &str, text: &str, needle: &str, today: Option<&str>) -> String {
    let path = repo().join(rel);
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` not found"))
        + 1;
    let p = HoverParams {
        text_document_position_params: TextDocumentPositionParams {
            text_document: TextDocumentIdentifier {
                uri: datalex_lsp::uri::from_path(&path).unwrap(),
            },
            position: LineIndex::new(text).position(text, at),
        },
        work_done_progress_params: Default::default(),
    };
    let today = today.map(|d| Date::parse(d).unwrap());
    match hover::hover_on(ws, &p, today).map(|h| h.contents) {
        Some(HoverContents::Markup(m)) => m.value,
        other => panic!("no hover at `{needle}`: {other:?}"),
    }
}

const OLD: &str = "15个工作日内予以答复";
const NEW: &str = "10个工作日内予以答复";

/// The text shown first (before the other versions).
fn first_part(hover: &str) -> &str {
    hover.split("other versions:").next().unwrap()
}

#[test]
fn a_citation_without_a_version_shows_the_text_in_force_on_the_day() {
    let mut ws = workspace();
    // A draft of the package that cites paragraph 1 without naming a version.
    let draft = "scratch/draft.dlx";
    let text = "package amend\n\nparam probe = 1 working day cites §5.1\n";
    let uri = datalex_lsp::uri::from_path(&repo().join(draft)).unwrap();
    ws.open(&uri, text.to_string(), 1);
    let on = |today| hover_in(&ws, draft, text, "§5.1", today);
    let before = on(Some("2024-06-01"));
    assert!(
        before.contains("*in force on 2024-06-01 (2023-01-01–2024-12-31):*"),
        "{before}"
    );
    assert!(first_part(&before).contains(OLD) && !first_part(&before).contains(NEW));
    assert!(before.contains("- 2025-01-01 起: "), "{before}");
    let after = on(Some("2025-06-01"));
    assert!(first_part(&after).contains(NEW) && !first_part(&after).contains(OLD));
    assert!(after.contains("- 2023-01-01–2024-12-31: "), "{after}");
    // Without a day: the latest version.
    let latest = on(None);
    assert!(
        latest.contains("*the latest version (2025-01-01 起):*"),
        "{latest}"
    );
    // Before the regulation: no version is in force.
    let never = on(Some("2022-06-01"));
    assert!(never.contains("*not in force on 2022-06-01*"), "{never}");

    // `§5.2` exists only in the amended text.
    let before = hover_on(&ws, RULES, "§5.2", Some("2024-06-01"));
    assert!(
        before.contains(
            "*in force on 2024-06-01 (2023-01-01–2024-12-31): this version has no such provision*"
        ),
        "{before}"
    );
    assert!(
        before.contains("2025-01-01 起: 数据提供单位不同意共享的"),
        "{before}"
    );
    let after = hover_on(&ws, RULES, "§5.2", Some("2025-06-01"));
    assert!(
        after.contains("*in force on 2025-06-01 (2025-01-01 起):*"),
        "{after}"
    );
    assert!(
        after.contains("2023-01-01–2024-12-31: *(this version has no such provision)*"),
        "{after}"
    );
}

#[test]
fn a_citation_of_a_version_shows_that_version_whatever_the_day() {
    let ws = workspace();
    for today in [None, Some("2024-06-01"), Some("2025-06-01")] {
        let old = hover_on(&ws, RULES, "§5@2023-01-01", today);
        assert!(first_part(&old).contains(OLD), "{old}");
        assert!(!first_part(&old).contains(NEW), "{old}");
        assert!(
            old.contains(&format!(
                "2025-01-01 起: 有条件共享类政务数据，数据提供单位应当自收到申请之日起{NEW}"
            )),
            "{old}"
        );
        let new = hover_on(&ws, RULES, "§5.1@2025-01-01", today);
        assert!(first_part(&new).contains(NEW), "{new}");
        assert!(new.contains(&format!("2023-01-01–2024-12-31: 有条件共享类政务数据，数据提供单位应当自收到申请之日起{OLD}")), "{new}");
    }
}

#[test]
fn the_regulation_says_whether_it_is_in_force_on_the_day() {
    let ws = workspace();
    let on = |d| hover_on(&ws, REG, "amend-2023 \"", Some(d));
    let before = on("2022-06-01");
    assert!(
        before.contains("in force: 2023-01-01 起施行 (第九条：自2023年1月1日起施行) · not in force on 2022-06-01"),
        "{before}"
    );
    assert!(
        before.contains("rank: 地方政府规章 (`local_government_rule`)"),
        "{before}"
    );
    assert!(before.contains("territory: 示例市"), "{before}");
    assert!(on("2025-06-01").contains(" · in force on 2025-06-01"));
}
