//! `datalex graph` and `datalex coverage` on the bundled policies.

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
use std::collections::BTreeSet;
use std::io::Write;
use std::process::{Command, Stdio};

fn graph(format: &str) -> String {
    let out = common::run(&["graph", "--format", format, "policies/binzhou"], "");
    assert!(out.status.success(), "{}", common::stderr(&out));
    common::stdout(&out)
}

#[test]
fn json_lists_every_rule_with_the_articles_it_cites() {
    let v: Value = serde_json::from_str(&graph("json")).unwrap();
    let rules = v["rules"].as_array().unwrap();
    let names: BTreeSet<&str> = rules.iter().map(|r| r["name"].as_str().unwrap()).collect();
    for expected in [
        "binzhou.conditional_share",
        "binzhou.share_conditions_not_met",
        "binzhou.dataset_not_in_catalog",
        "binzhou.otherwise.share",
        "binzhou.late_catalog_change",
    ] {
        assert!(
            names.contains(expected),
            "{expected} missing from {names:?}"
        );
    }
    for r in rules {
        let cites = r["cites"].as_array().unwrap();
        assert!(!cites.is_empty(), "{} cites nothing", r["name"]);
        assert!(
            cites
                .iter()
                .all(|c| c["label"].as_str().is_some_and(|l| l.starts_with('《'))),
            "{r}"
        );
    }
    let conditional = rules
        .iter()
        .find(|r| r["name"] == "binzhou.conditional_share")
        .unwrap();
    let labels: Vec<&str> = conditional["cites"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["label"].as_str().unwrap())
        .collect();
    assert!(
        labels.contains(&"《滨州市公共数据管理办法》第二十条第二款第二项"),
        "{labels:?}"
    );
    assert!(
        labels.contains(&"《山东省电子政务和政务数据管理办法》（条款未详）"),
        "the deadline's citation: {labels:?}"
    );
    let exception = rules
        .iter()
        .find(|r| r["name"] == "binzhou.share_conditions_not_met")
        .unwrap();
    assert_eq!(exception["overrides"][0], "binzhou.conditional_share");
    // Nodes of every kind, and edges only between nodes that exist.
    let ids: BTreeSet<&str> = v["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap())
        .collect();
    let kinds: BTreeSet<&str> = v["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "article",
            "deadline",
            "package",
            "param",
            "regulation",
            "rule",
            "value"
        ]
        .into_iter()
        .collect()
    );
    for e in v["edges"].as_array().unwrap() {
        assert!(
            ids.contains(e["from"].as_str().unwrap()) && ids.contains(e["to"].as_str().unwrap()),
            "{e}"
        );
    }
    assert!(v["edges"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["kind"] == "overrides"));
    assert!(v["edges"].as_array().unwrap().iter().any(|e| e["from"]
        == "deadline:binzhou.conditional_share.provider_reply"
        && e["to"] == "param:shandong.reply_period"));
    // Regulations carry their rank and period; articles their versions.
    let node = |id: &str| common::graph_node(&v, id);
    let national = node("regulation:national-2025");
    assert_eq!(national["rank"], "administrative_regulation");
    assert_eq!(
        national["in_force"],
        serde_json::json!({"from": "2025-08-01", "until": null, "from_unknown": false})
    );
    let shandong = node("regulation:shandong-2019");
    assert_eq!(shandong["rank"], "local_government_rule");
    assert_eq!(shandong["in_force"]["from"], Value::Null);
    assert_eq!(shandong["in_force"]["from_unknown"], true);
    assert_eq!(
        node("article:binzhou-2023:20")["versions"],
        serde_json::json!([{"from": "2023-03-01", "until": null}])
    );
}

#[test]
fn dot_is_well_formed_and_renders_where_graphviz_is_installed() {
    let dot = graph("dot");
    assert!(dot.starts_with("digraph policy {") && dot.trim_end().ends_with('}'));
    // A regulation's label says its rank and period.
    assert!(
        dot.contains(r#""regulation:national-2025" [label="《政务数据共享条例》\n行政法规 · 2025-08-01 起施行", shape=folder];"#),
        "{dot}"
    );
    assert!(
        dot.contains(
            r#"[label="《山东省电子政务和政务数据管理办法》\n地方政府规章 · 施行日期不详""#
        ),
        "{dot}"
    );
    let declared: BTreeSet<String> = dot
        .lines()
        .filter(|l| l.contains("[label=") && !l.contains("->"))
        .map(|l| l.trim().split('"').nth(1).unwrap().to_string())
        .collect();
    for l in dot.lines().filter(|l| l.contains(" -> ")) {
        let parts: Vec<&str> = l.trim().split('"').collect();
        assert!(
            declared.contains(parts[1]) && declared.contains(parts[3]),
            "edge to an undeclared node: {l}"
        );
    }
    // CI installs graphviz (.ci/run) and renders the graph there too.
    if let Ok(mut child) = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(dot.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "dot rejected the graph: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains("<svg"));
    }
}

#[test]
fn mermaid_declares_every_node_it_links() {
    let m = graph("mermaid");
    assert!(m.starts_with("flowchart LR"));
    assert!(m.contains("==>|overrides|"));
    assert!(
        m.contains("[[\"《政务数据共享条例》<br/>行政法规 · 2025-08-01 起施行\"]]"),
        "{m}"
    );
}

#[test]
fn coverage_accounts_for_every_binzhou_article() {
    let out = common::run(
        &[
            "coverage",
            "--strict",
            "--regulation",
            "binzhou-2023",
            "policies",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    let text = common::stdout(&out);
    assert!(
        text.contains("| 第二十条第二款第二项 | encoded | `binzhou.conditional_share`"),
        "{text}"
    );
    assert!(text.contains("| 第二十三条 | text missing |"), "{text}");
    assert!(text.contains("0 unaccounted"), "{text}");
    // The regulation's rank, territory and period under the title.
    assert!(
        text.starts_with("Coverage of 《滨州市公共数据管理办法》 (`binzhou-2023`)\n地方政府规章 · 滨州市 · 2023-03-01 起施行\n"),
        "{text}"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn coverage_on_a_date_says_what_is_in_force_then() {
    let at = |date: &str| {
        let out = common::run(
            &[
                "coverage",
                "--strict",
                "--at",
                date,
                "--regulation",
                "national-2025",
                "policies/binzhou",
            ],
            "",
        );
        assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
        common::stdout(&out)
    };
    // Before 《政务数据共享条例》 took effect: not in force, and the national rules grounded in
    // nothing.
    let before = at("2025-07-31");
    assert!(
        before.contains("| 《政务数据共享条例》 (`national-2025`) | 行政法规 (`administrative_regulation`) | 2025-08-01 起施行 | not yet in force |"),
        "{before}"
    );
    assert!(
        before.contains("行政法规 · 全国 · 2025-08-01 起施行 · not yet in force on 2025-07-31"),
        "{before}"
    );
    assert!(before.contains("package `national`"), "{before}");
    assert!(
        before.contains("- rule `national.conditional_share`: cites 《政务数据共享条例》第十四条第二项 (2025-08-01 起)"),
        "{before}"
    );
    // From its first day: in force, and every national rule grounded.
    let after = at("2025-08-01");
    assert!(
        after.contains("| 2025-08-01 起施行 | in force |"),
        "{after}"
    );
    assert!(!after.contains("package `national`"), "{after}");
}

#[test]
fn strict_coverage_fails_on_an_unaccounted_article() {
    let dir = common::scratch_policies();
    let path = dir.path().join("policies/binzhou/coverage.dlx");
    let text = std::fs::read_to_string(&path).unwrap();
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("§1 "))
        .unwrap()
        .to_string();
    std::fs::write(&path, text.replace(&format!("{line}\n"), "")).unwrap();
    let out = common::run_in(dir.path(), &["coverage", "--strict", "policies"], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(common::stdout(&out).contains("| 第一条 | unaccounted |"));
    let out = common::run_in(
        dir.path(),
        &["coverage", "--regulation", "nope-2020", "policies"],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        common::stderr(&out).contains("--regulation"),
        "{}",
        common::stderr(&out)
    );
}
