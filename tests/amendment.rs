//! An amended article end to end, on the made-up policy tree in tests/amendment/: article 5 of
//! `amend-2023` gives the provider 15 working days to reply as enacted (2023-01-01) and 10 from
//! the amendment of 2025-01-01, which also adds a second paragraph (a refusal gives its reasons).
//! Each rule cites its version (`§5@2023-01-01`, `§5@2025-01-01`); `datalex eval` and `datalex
//! explain` decide a request before and one after the amendment by the version then in force,
//! and quote that version's text only. A request before the regulation took effect is not a
//! decision.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "tests may fail loudly"
)]

mod common;

use serde_json::Value;

/// An insta snapshot kept beside the fixture, in tests/amendment/snapshots.
macro_rules! snapshot {
    ($name:expr, $value:expr) => {
        insta::with_settings!({snapshot_path => "amendment/snapshots", prepend_module_to_snapshot => false}, {
            insta::assert_snapshot!($name, $value);
        })
    };
}

const POLICIES: &str = "tests/amendment/policies";
const DATA: &str = "tests/amendment/data/amend";

/// The text of article 5, paragraph 1, as enacted and as amended.
const OLD_TEXT: &str =
    "有条件共享类政务数据，数据提供单位应当自收到申请之日起15个工作日内予以答复。";
const NEW_TEXT: &str =
    "有条件共享类政务数据，数据提供单位应当自收到申请之日起10个工作日内予以答复。";
/// The paragraph the amendment adds.
const NEW_PARAGRAPH: &str = "数据提供单位不同意共享的，应当说明理由。";

/// A conditional-share request received on `at`.
fn request(at: &str) -> String {
    format!(
        r#"{{"kind": "share", "at": "{at}", "requester": "sl-wjw", "dataset": "sl-ga-0001", "scenario": "public_health"}}"#
    )
}

fn run(command: &str, at: &str) -> std::process::Output {
    common::run(
        &[command, "--policies", POLICIES, "--data", DATA, "-"],
        &request(at),
    )
}

fn eval(at: &str) -> Value {
    let out = run("eval", at);
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    serde_json::from_str(common::stdout(&out).trim()).expect("one decision")
}

/// The English explanation (`--lang en`: the text these tests look for).
fn explain(at: &str) -> String {
    let out = common::run(
        &[
            "explain",
            "--lang",
            "en",
            "--policies",
            POLICIES,
            "--data",
            DATA,
            "-",
        ],
        &request(at),
    );
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    common::stdout(&out)
}

fn codes(d: &Value, list: &str) -> Vec<String> {
    d[list]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_policy_tree_compiles_and_its_own_tests_pass() {
    let out = common::run(&["check", POLICIES], "");
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    let out = common::run(&["test", POLICIES], "");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        common::stdout(&out),
        common::stderr(&out)
    );
}

#[test]
fn before_the_amendment_the_provider_has_15_working_days() {
    // Monday 2024-12-02 + 15 working days (no holiday in between) = Monday 2024-12-23.
    let d = eval("2024-12-02");
    assert_eq!(d["effect"], "review", "{d}");
    assert_eq!(
        d["reasons"][0]["rule"],
        "amend.conditional_share_as_enacted"
    );
    let deadline = &d["deadlines"][0];
    assert_eq!(deadline["code"], "provider_reply");
    assert_eq!(deadline["working_days"], 15, "{d}");
    assert_eq!(deadline["start"], "2024-12-02");
    assert_eq!(deadline["due"], "2024-12-23");
    assert_eq!(deadline["party_id"], "sl-ga");
    assert_eq!(deadline["cites"][0]["article"], 5);
    assert_eq!(deadline["cites"][0]["paragraph"], 1);
    // The second paragraph is not yet law: no duty to give reasons.
    assert!(!codes(&d, "obligations").contains(&"reasons_for_refusal".to_string()));
    assert_eq!(d["governing_date"], "2024-12-02");
}

#[test]
fn after_the_amendment_the_provider_has_10_working_days_and_gives_reasons() {
    // Monday 2025-03-03 + 10 working days = Monday 2025-03-17.
    let d = eval("2025-03-03");
    assert_eq!(d["effect"], "review", "{d}");
    assert_eq!(d["reasons"][0]["rule"], "amend.conditional_share");
    let deadline = &d["deadlines"][0];
    assert_eq!(deadline["working_days"], 10, "{d}");
    assert_eq!(deadline["start"], "2025-03-03");
    assert_eq!(deadline["due"], "2025-03-17");
    assert!(codes(&d, "obligations").contains(&"reasons_for_refusal".to_string()));
    let reasons = d["obligations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["code"] == "reasons_for_refusal")
        .unwrap();
    assert_eq!(reasons["party_id"], "sl-ga");
    assert_eq!(reasons["cites"][0]["paragraph"], 2);
}

#[test]
fn the_same_day_received_either_side_of_the_amendment_differs_only_by_the_version() {
    // The last day of the old text and the first of the new: 2024-12-31 (Tuesday) and
    // 2025-01-02 (Thursday; 2025-01-01 is a holiday).
    let old = eval("2024-12-31");
    let new = eval("2025-01-02");
    assert_eq!(old["deadlines"][0]["working_days"], 15);
    assert_eq!(new["deadlines"][0]["working_days"], 10);
    assert_eq!(old["deadlines"].as_array().unwrap().len(), 1, "{old}");
    assert_eq!(new["deadlines"].as_array().unwrap().len(), 1, "{new}");
}

#[test]
fn the_explanation_quotes_the_text_in_force_on_the_day() {
    let before = explain("2024-12-02");
    assert!(before.contains(OLD_TEXT), "{before}");
    assert!(!before.contains(NEW_TEXT), "{before}");
    assert!(!before.contains(NEW_PARAGRAPH), "{before}");
    assert!(
        before.contains("by 2024-12-23 (15 working days after 2024-12-02)"),
        "{before}"
    );
    assert!(
        before.contains("第五条第一款（2023-01-01起施行的文本）"),
        "{before}"
    );

    let after = explain("2025-03-03");
    assert!(after.contains(NEW_TEXT), "{after}");
    assert!(after.contains(NEW_PARAGRAPH), "{after}");
    assert!(!after.contains(OLD_TEXT), "{after}");
    assert!(
        after.contains("by 2025-03-17 (10 working days after 2025-03-03)"),
        "{after}"
    );
    assert!(
        after.contains("第五条第一款（2025-01-01起施行的文本）"),
        "{after}"
    );
}

#[test]
fn a_request_before_the_regulation_took_effect_is_not_a_decision() {
    for command in ["eval", "explain"] {
        let out = run(command, "2022-12-01");
        assert_eq!(out.status.code(), Some(2), "{command}");
        assert!(common::stdout(&out).is_empty(), "{command}");
        let err = common::stderr(&out);
        for needle in [
            "not_in_force",
            "示例市政务数据共享办法",
            "2022-12-01",
            "2023-01-01 起施行",
        ] {
            assert!(err.contains(needle), "{command}: `{needle}` not in: {err}");
        }
    }
}

#[test]
fn coverage_on_a_date_marks_the_version_in_force_and_the_rules_it_grounds() {
    let coverage = |at: &str| {
        let out = common::run(&["coverage", "--strict", "--at", at, POLICIES], "");
        assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
        common::stdout(&out)
    };
    let before = coverage("2024-06-01");
    assert!(
        before.contains("| 《示例市政务数据共享办法》 (`amend-2023`) | 地方政府规章 (`local_government_rule`) | 2023-01-01 起施行 | in force |"),
        "{before}"
    );
    assert!(before.contains("| 第五条第一款 | encoded |"), "{before}");
    assert!(
        before.contains("- rule `amend.conditional_share`: cites 《示例市政务数据共享办法》第五条（2025-01-01起施行的文本） (2025-01-01 起)"),
        "{before}"
    );
    assert!(
        !before.contains("`amend.conditional_share_as_enacted`:"),
        "{before}"
    );

    let after = coverage("2025-06-01");
    assert!(
        after.contains("| 第五条第一款 (on 2025-06-01: the version of 2025-01-01) | encoded |"),
        "{after}"
    );
    assert!(
        after.contains("| 第七条 (not in force on 2025-06-01: 2023-01-01–2024-12-31) |"),
        "{after}"
    );
    assert!(
        after.contains("- rule `amend.conditional_share_as_enacted`: cites"),
        "{after}"
    );

    snapshot!("coverage_after_the_amendment", after);

    let never = coverage("2022-06-01");
    assert!(never.contains("not yet in force on 2022-06-01"), "{never}");

    // Without a date: the versions of each article that has several, or ends early.
    let out = common::run(&["coverage", "--strict", POLICIES], "");
    assert_eq!(out.status.code(), Some(0));
    let text = common::stdout(&out);
    assert!(
        text.contains("| 第五条第一款 (versions 2023-01-01–2024-12-31, 2025-01-01 起) | encoded |"),
        "{text}"
    );
    assert!(
        text.contains("地方政府规章 · 示例市 · 2023-01-01 起施行"),
        "{text}"
    );
    assert!(!text.contains("Rules grounded in nothing"), "{text}");

    // A date that is not one is bad usage.
    let out = common::run(&["coverage", "--at", "2025-02-30", POLICIES], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        common::stderr(&out).contains("--at"),
        "{}",
        common::stderr(&out)
    );
}

#[test]
fn the_graph_shows_the_versions_of_an_amended_article() {
    let out = common::run(&["graph", "--format", "json", POLICIES], "");
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    let v: Value = serde_json::from_str(&common::stdout(&out)).unwrap();
    let node = |id: &str| common::graph_node(&v, id);
    let article = node("article:amend-2023:5");
    assert_eq!(
        article["versions"],
        serde_json::json!([
            {"from": "2023-01-01", "until": "2024-12-31"},
            {"from": "2025-01-01", "until": null}
        ])
    );
    let reg = node("regulation:amend-2023");
    assert_eq!(reg["rank"], "local_government_rule");
    assert_eq!(
        reg["in_force"],
        serde_json::json!({"from": "2023-01-01", "until": null, "from_unknown": false})
    );
    let out = common::run(&["graph", "--format", "dot", POLICIES], "");
    let dot = common::stdout(&out);
    assert!(
        dot.contains(r#""article:amend-2023:5" [label="amend-2023 第五条\n2023-01-01–2024-12-31\n2025-01-01 起", shape=note];"#),
        "{dot}"
    );
}
