//! The decision service, started as the README starts it, on a free loopback port: every route,
//! every class of bad input, hot reload of a good and of a broken change, the decision log and
//! its audit, and decisions under load while the policies change.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "tests may fail loudly"
)]

mod common;

use common::server::{http, http_in, json, scratch_tree, wait_for, Serve, Server};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Starts `datalex serve` in `dir` (the repository root, or the scratch copy `scratch` of it)
/// with `extra` arguments.
fn start_with(dir: &Path, scratch: Option<tempfile::TempDir>, extra: &[&str]) -> Server {
    match scratch {
        Some(scratch) => Serve::in_scratch(scratch),
        None => Serve::in_dir(dir),
    }
    .args(extra)
    .start()
}

fn start() -> Server {
    Serve::at_root().start()
}

/// A scratch copy of policies/ and data/, served from there, so the test can edit files.
fn start_scratch() -> (Server, PathBuf) {
    start_scratch_with(&[], None)
}

/// A scratch copy of policies/ and data/ (and a `datalex.toml` with `config`, if given), served
/// from there with `extra` arguments.
fn start_scratch_with(extra: &[&str], config: Option<&str>) -> (Server, PathBuf) {
    let dir = scratch_tree();
    if let Some(text) = config {
        std::fs::write(dir.path().join("datalex.toml"), text).unwrap();
    }
    let path = dir.path().to_path_buf();
    (start_with(&path, Some(dir), extra), path)
}

const CONDITIONAL: &str = r#"{"kind": "share", "at": "2026-03-02", "requester": "bz-wjw", "dataset": "bz-ga-0001", "scenario": "public_health", "jurisdiction": "binzhou"}"#;

#[test]
fn serves_every_route_of_the_contract() {
    let server = start();
    let (status, body) = http(&server.addr, "POST", "/v1/decisions", CONDITIONAL).unwrap();
    assert_eq!(status, 200, "{body}");
    let d = json(&body);
    assert_eq!(d["effect"], "review");
    assert_eq!(d["deadlines"][0]["due"], "2026-03-16");
    assert_eq!(d["policy"]["jurisdiction"], "binzhou");
    let id = d["decision_id"].as_str().unwrap().to_string();

    let (status, body) = http(&server.addr, "GET", &format!("/v1/decisions/{id}"), "").unwrap();
    assert_eq!(status, 200, "{body}");
    assert_eq!(json(&body)["decision_id"], id.as_str());
    let (status, body) = http(&server.addr, "GET", "/v1/decisions/01NOTADECISION", "").unwrap();
    assert_eq!(status, 404);
    assert_eq!(json(&body)["error"]["code"], "not_found");

    let batch = r#"{"requests": [{"kind": "open", "at": "2026-03-02", "requester": {"type": "citizen", "id": "1"}, "dataset": "bz-scj-0001", "jurisdiction": "binzhou"}, {"kind": "share", "at": "2026-02-30"}]}"#;
    let (status, body) = http(&server.addr, "POST", "/v1/decisions:batch", batch).unwrap();
    assert_eq!(status, 200, "{body}");
    let b = json(&body);
    assert_eq!(b["decisions"][0]["effect"], "permit");
    assert!(
        b["decisions"][1]["error"]["field"]
            .as_str()
            .is_some_and(|f| f.starts_with("requests[1].")),
        "{body}"
    );

    // A batch over the limit is refused whole, naming the field, before anything is decided.
    let item = r#"{"kind": "share"}"#;
    let over = format!(
        r#"{{"requests": [{}]}}"#,
        vec![item; datalex_service::handlers::MAX_BATCH + 1].join(",")
    );
    let (status, body) = http(&server.addr, "POST", "/v1/decisions:batch", &over).unwrap();
    assert_eq!(status, 422, "{body}");
    assert_eq!(json(&body)["error"]["code"], "invalid_request");
    assert_eq!(json(&body)["error"]["field"], "requests");

    let (status, body) = http(&server.addr, "GET", "/v1/policies", "").unwrap();
    assert_eq!(status, 200);
    let p = json(&body);
    let binzhou = p["policies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|j| j["jurisdiction"] == "binzhou")
        .unwrap();
    assert!(
        binzhou["version"]
            .as_str()
            .is_some_and(|v| v.starts_with("sha256:")),
        "{body}"
    );
    assert_eq!(p["reload"]["status"], "ok");
    assert_eq!(
        p.get("bundle"),
        Some(&serde_json::Value::Null),
        "serving files: {body}"
    );
    assert_eq!(http(&server.addr, "GET", "/healthz", "").unwrap().0, 200);
    assert_eq!(http(&server.addr, "GET", "/readyz", "").unwrap().0, 200);
    let (status, body) = http(&server.addr, "GET", "/metrics", "").unwrap();
    assert_eq!(status, 200);
    assert!(
        body.contains(
            "datalex_decisions_total{jurisdiction=\"binzhou\",kind=\"share\",effect=\"review\"} 1"
        ),
        "{body}"
    );
    assert!(body.contains("datalex_decision_seconds_count 2"), "{body}");
    assert!(
        // The batch's invalid item and the batch over the limit.
        body.contains("datalex_request_errors_total{status=\"422\",code=\"invalid_request\"} 2"),
        "{body}"
    );
    let (status, body) = http(&server.addr, "GET", "/openapi.json", "").unwrap();
    assert_eq!(status, 200);
    let doc = json(&body);
    // Every documented route answers (with something other than "no such route").
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for method in ops.as_object().unwrap().keys() {
            let concrete = path.replace("{id}", &id);
            let body = if method == "post" { "{}" } else { "" };
            let (status, _) = http(&server.addr, &method.to_uppercase(), &concrete, body).unwrap();
            assert!(
                status != 404 && status != 405,
                "{method} {path} answered {status}"
            );
        }
    }
}

#[test]
fn bad_input_gets_an_error_naming_what_is_wrong() {
    let server = start();
    let cases: &[(&str, &str, u16, &str, Option<&str>)] = &[
        ("POST", "{not json", 400, "malformed_json", None),
        (
            "POST",
            r#"{"kind": "borrow"}"#,
            422,
            "invalid_request",
            Some("kind"),
        ),
        (
            "POST",
            r#"{"at": "2026-03-02"}"#,
            422,
            "invalid_request",
            Some("kind"),
        ),
        (
            "POST",
            r#"{"kind": "share", "at": "2026-03-02", "requester": "bz-wjw", "scenario": "x"}"#,
            422,
            "invalid_request",
            Some("dataset"),
        ),
        (
            "POST",
            r#"{"kind": "share", "at": "2026-02-30", "requester": "bz-wjw", "dataset": "bz-ga-0001", "scenario": "x"}"#,
            422,
            "invalid_request",
            Some("at"),
        ),
        // Before 《滨州市公共数据管理办法》 took effect: not a decision.
        (
            "POST",
            r#"{"kind": "share", "at": "2023-02-28", "requester": "bz-wjw", "dataset": "bz-ga-0001", "scenario": "public_health"}"#,
            422,
            "not_in_force",
            Some("at"),
        ),
        (
            "POST",
            r#"{"kind": "share", "at": "2026-03-02", "requester": 7, "dataset": "bz-ga-0001", "scenario": "x"}"#,
            422,
            "invalid_request",
            Some("requester"),
        ),
        (
            "POST",
            r#"{"kind": "open", "at": "2026-03-02", "requester": {"type": "robot", "id": "1"}, "dataset": "bz-ga-0001"}"#,
            422,
            "invalid_request",
            Some("requester.type"),
        ),
        (
            "POST",
            r#"{"kind": "develop", "developer": "dev-001", "scenario": "s", "datasets": [], "environment": "trusted"}"#,
            422,
            "invalid_request",
            Some("datasets"),
        ),
        (
            "POST",
            r#"{"kind": "share", "at": "2026-03-02", "requester": "bz-wjw", "dataset": "bz-ga-0001", "scenario": "x", "jurisdiction": "atlantis"}"#,
            422,
            "unknown_jurisdiction",
            Some("jurisdiction"),
        ),
        ("POST", "[1, 2]", 422, "invalid_request", None),
        // A member named twice: which value is meant is not said, so nothing is decided (a
        // reader that takes the first would see a public body, one that takes the last not).
        (
            "POST",
            r#"{"kind": "share", "at": "2026-03-02", "requester": "bz-wjw", "dataset": "bz-ga-0001", "scenario": "public_health", "requester": "x"}"#,
            422,
            "invalid_request",
            Some("requester"),
        ),
        (
            "POST",
            r#"{"kind": "open", "at": "2026-03-02", "requester": {"type": "citizen", "id": "1", "type": "organization"}, "dataset": "bz-ga-0001"}"#,
            422,
            "invalid_request",
            Some("requester.type"),
        ),
    ];
    for (method, body, status, code, field) in cases {
        let (got, answer) = http(&server.addr, method, "/v1/decisions", body).unwrap();
        assert_eq!(got, *status, "{body} → {answer}");
        let e = json(&answer);
        assert_eq!(e["error"]["code"], *code, "{body} → {answer}");
        assert!(
            e["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{answer}"
        );
        if let Some(f) = field {
            assert_eq!(e["error"]["field"], *f, "{body} → {answer}");
        }
    }
    // Over the body limit: a JSON error, not a dropped connection.
    let big = format!(
        "{{\"kind\": \"share\", \"purpose\": \"{}\"}}",
        "x".repeat(2 << 20)
    );
    let (status, body) = http(&server.addr, "POST", "/v1/decisions", &big).unwrap();
    assert_eq!(status, 413, "{body}");
    assert_eq!(json(&body)["error"]["code"], "body_too_large");
    // Unknown routes and methods.
    let (status, body) = http(&server.addr, "GET", "/v2/nothing", "").unwrap();
    assert_eq!(status, 404);
    assert_eq!(json(&body)["error"]["code"], "not_found");
    let (status, body) = http(&server.addr, "GET", "/v1/decisions", "").unwrap();
    assert_eq!(status, 405);
    assert_eq!(json(&body)["error"]["code"], "method_not_allowed");
    // The service is still fine.
    assert_eq!(
        http(&server.addr, "POST", "/v1/decisions", CONDITIONAL)
            .unwrap()
            .0,
        200
    );
}

#[test]
fn a_member_named_twice_refuses_its_batch_item_or_the_batch() {
    let server = start();
    let open = r#"{"kind": "open", "at": "2026-03-02", "requester": {"type": "citizen", "id": "1"}, "dataset": "bz-scj-0001", "jurisdiction": "binzhou"}"#;
    let twice = r#"{"kind": "open", "at": "2026-03-02", "requester": {"type": "citizen", "id": "1"}, "dataset": "bz-scj-0001", "dataset": "bz-ga-0001"}"#;
    // Inside one item: that item is refused naming the member, the others are decided.
    let batch = format!(r#"{{"requests": [{open}, {twice}, {open}]}}"#);
    let (status, body) = http(&server.addr, "POST", "/v1/decisions:batch", &batch).unwrap();
    assert_eq!(status, 200, "{body}");
    let b = json(&body);
    assert_eq!(b["decisions"][0]["effect"], "permit", "{body}");
    assert_eq!(
        b["decisions"][1]["error"]["code"], "invalid_request",
        "{body}"
    );
    assert_eq!(
        b["decisions"][1]["error"]["field"], "requests[1].dataset",
        "{body}"
    );
    assert_eq!(b["decisions"][2]["effect"], "permit", "{body}");
    // Outside every item (`requests` itself twice): the batch is refused whole.
    let batch = format!(r#"{{"requests": [{open}], "requests": [{open}, {open}]}}"#);
    let (status, body) = http(&server.addr, "POST", "/v1/decisions:batch", &batch).unwrap();
    assert_eq!(status, 422, "{body}");
    assert_eq!(json(&body)["error"]["code"], "invalid_request");
    assert_eq!(json(&body)["error"]["field"], "requests");
    // More repeats than the reader lists (1,024): which item holds the rest is not known, so
    // the batch is refused, naming the first.
    let noisy = format!(
        r#"{{"kind": "open", {}, "dataset": "bz-scj-0001"}}"#,
        vec![r#""purpose": "x""#; 1_100].join(", ")
    );
    let batch = format!(r#"{{"requests": [{open}, {noisy}]}}"#);
    let (status, body) = http(&server.addr, "POST", "/v1/decisions:batch", &batch).unwrap();
    assert_eq!(status, 422, "{body}");
    assert_eq!(json(&body)["error"]["field"], "requests[1].purpose");
    // The same member in different objects is not a repetition.
    let (status, body) = http(
        &server.addr,
        "POST",
        "/v1/decisions:batch",
        &format!(r#"{{"requests": [{open}, {open}]}}"#),
    )
    .unwrap();
    assert_eq!(status, 200, "{body}");
    assert_eq!(json(&body)["decisions"][1]["effect"], "permit", "{body}");
}

#[test]
fn error_messages_follow_accept_language_and_codes_do_not() {
    let server = start();
    /// The request, its status, code and field, and what the Chinese and the English say.
    type Case<'a> = (&'a str, u16, &'a str, Option<&'a str>, &'a str, &'a str);
    let cases: &[Case] = &[
        (
            r#"{"kind": "borrow"}"#,
            422,
            "invalid_request",
            Some("kind"),
            "未知的请求种类 `borrow`；应为下列之一：`share`、`open`",
            "unknown kind `borrow`; expected one of `share`, `open`",
        ),
        (
            "{not json",
            400,
            "malformed_json",
            None,
            "请求体不是有效的 JSON：第1行第2列有语法错误",
            "key must be a string at line 1 column 2",
        ),
        (
            r#"{"kind": "share", "at": "2023-02-28", "requester": "bz-wjw", "dataset": "bz-ga-0001", "scenario": "public_health"}"#,
            422,
            "not_in_force",
            Some("at"),
            "《滨州市公共数据管理办法》（binzhou-2023）在 2023-02-28 不在施行期间；2023-03-01 起施行",
            "not_in_force: 《滨州市公共数据管理办法》 (binzhou-2023) is not in force on 2023-02-28; 2023-03-01 起施行",
        ),
        (
            r#"{"kind": "share", "at": "2026-03-02", "requester": "bz-wjw", "dataset": "bz-ga-0001", "scenario": "x", "jurisdiction": "atlantis"}"#,
            422,
            "unknown_jurisdiction",
            Some("jurisdiction"),
            "未知的辖区；请指定下列辖区之一：",
            "name one of: ",
        ),
    ];
    for (body, status, code, field, zh, en) in cases {
        // No header, a Chinese one, an English one, and one naming no language Datalex speaks.
        for (accept, expected) in [
            (None, zh),
            (Some("zh-CN,zh;q=0.9"), zh),
            (Some("en-US,en;q=0.9,zh;q=0.5"), en),
            (Some("fr-FR"), zh),
        ] {
            let (got, answer) =
                http_in(&server.addr, "POST", "/v1/decisions", body, accept).unwrap();
            assert_eq!(got, *status, "{accept:?} {body} → {answer}");
            let e = json(&answer);
            assert_eq!(e["error"]["code"], *code, "{accept:?} {body} → {answer}");
            assert_eq!(
                e["error"]["field"].as_str(),
                *field,
                "{accept:?} {body} → {answer}"
            );
            let message = e["error"]["message"].as_str().unwrap_or_default();
            assert!(message.contains(*expected), "{accept:?} {body} → {message}");
        }
    }
    // A batch item's error, and an unknown route, in the batch's and the request's language.
    let batch = r#"{"requests": [{"kind": "borrow"}]}"#;
    let (_, zh) = http_in(
        &server.addr,
        "POST",
        "/v1/decisions:batch",
        batch,
        Some("zh"),
    )
    .unwrap();
    let (_, en) = http_in(
        &server.addr,
        "POST",
        "/v1/decisions:batch",
        batch,
        Some("en"),
    )
    .unwrap();
    let (zh, en) = (json(&zh), json(&en));
    assert_eq!(zh["decisions"][0]["error"]["code"], "invalid_request");
    assert_eq!(en["decisions"][0]["error"]["code"], "invalid_request");
    assert!(zh["decisions"][0]["error"]["message"]
        .as_str()
        .is_some_and(|m| m.starts_with("未知的请求种类")));
    assert!(en["decisions"][0]["error"]["message"]
        .as_str()
        .is_some_and(|m| m.starts_with("unknown kind")));
    let (status, zh) = http_in(&server.addr, "GET", "/v2/nothing", "", Some("zh")).unwrap();
    assert_eq!(status, 404);
    assert_eq!(
        json(&zh)["error"]["message"],
        "没有该路由；参见 /openapi.json"
    );
    let (_, en) = http_in(&server.addr, "GET", "/v2/nothing", "", Some("en")).unwrap();
    assert_eq!(
        json(&en)["error"]["message"],
        "no such route; see /openapi.json"
    );
}

fn version(addr: &str) -> String {
    let (_, body) = http(addr, "GET", "/v1/policies", "").unwrap();
    let p = json(&body);
    p["policies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|j| j["jurisdiction"] == "binzhou")
        .unwrap()["version"]
        .as_str()
        .unwrap()
        .to_string()
}

fn due(addr: &str) -> (String, String) {
    let (status, body) = http(addr, "POST", "/v1/decisions", CONDITIONAL).unwrap();
    assert_eq!(status, 200, "{body}");
    let d = json(&body);
    (
        d["deadlines"][0]["due"].as_str().unwrap().to_string(),
        d["policy"]["version"].as_str().unwrap().to_string(),
    )
}

/// The swap itself, with changes the packages' own tests would refuse (they pin the ten
/// working days): served with `--skip-policy-tests`.
#[test]
fn hot_reload_swaps_in_a_good_change_and_keeps_serving_through_a_broken_one() {
    let (server, dir) = start_scratch_with(&["--skip-policy-tests"], None);
    let national = dir.join("policies/national/sharing.dlx");
    let original = std::fs::read_to_string(&national).unwrap();
    let v1 = version(&server.addr);
    assert_eq!(due(&server.addr), ("2026-03-16".to_string(), v1.clone()));

    // A good change: the national reply period becomes 8 working days (it prevails over the
    // provincial 10, being both stricter and of higher rank).
    std::fs::write(
        &national,
        original.replace(
            "param conditional_reply_period = 10 working days",
            "param conditional_reply_period = 8 working days",
        ),
    )
    .unwrap();
    wait_for("the new version", || version(&server.addr) != v1);
    let v2 = version(&server.addr);
    assert_eq!(due(&server.addr), ("2026-03-12".to_string(), v2.clone()));

    // A broken change: the last good version keeps answering, and /v1/policies says why.
    std::fs::write(
        &national,
        original.replace(
            "param conditional_reply_period = 10 working days",
            "param conditional_reply_period = ten working days",
        ),
    )
    .unwrap();
    wait_for("the reload failure", || {
        json(&http(&server.addr, "GET", "/v1/policies", "").unwrap().1)["reload"]["status"]
            == "failed"
    });
    let (_, body) = http(&server.addr, "GET", "/v1/policies", "").unwrap();
    let p = json(&body);
    assert!(
        p["reload"]["message"]
            .as_str()
            .unwrap()
            .contains("sharing.dlx"),
        "{body}"
    );
    assert_eq!(due(&server.addr), ("2026-03-12".to_string(), v2.clone()));
    let (_, metrics) = http(&server.addr, "GET", "/metrics", "").unwrap();
    assert!(
        !metrics.contains("datalex_reload_failures_total 0"),
        "{metrics}"
    );

    // Fixed again: serving the original, the failure is gone.
    std::fs::write(&national, &original).unwrap();
    wait_for("the fix", || {
        json(&http(&server.addr, "GET", "/v1/policies", "").unwrap().1)["reload"]["status"] == "ok"
    });
    assert_eq!(due(&server.addr), ("2026-03-16".to_string(), v1));
}

/// `binzhou/sharing.dlx` with the `share_conditions_missing` check made never to hold: it still
/// compiles (the finding's code is still given by a check, so the tests expecting it compile),
/// and silently drops the finding the package's tests expect.
fn without_share_conditions_finding(sharing: &str) -> String {
    let check = "check share_conditions_missing on share cites §20.3, national-2025 §15.2\n  when dataset.share == conditional\n";
    assert!(
        sharing.contains(check),
        "binzhou/sharing.dlx has the share_conditions_missing check"
    );
    sharing.replacen(
        check,
        "check share_conditions_missing on share cites §20.3, national-2025 §15.2\n  when dataset.share == conditional and false\n",
        1,
    )
}

/// A reload that compiles but fails the package's own tests is refused like one that does not
/// compile: a policy file edited so that it still compiles but silently drops the
/// `share_conditions_missing` finding is reported in `/v1/policies` with the failed test's
/// name, and the last good version keeps deciding; restored, it is served again.
#[test]
fn a_reload_that_fails_the_packages_tests_is_not_served() {
    let (server, dir) = start_scratch();
    let sharing = dir.join("policies/binzhou/sharing.dlx");
    let original = std::fs::read_to_string(&sharing).unwrap();
    let v1 = version(&server.addr);
    std::fs::write(&sharing, without_share_conditions_finding(&original)).unwrap();
    let check = common::run_in(&dir, &["check", "policies"], "");
    assert_eq!(
        check.status.code(),
        Some(0),
        "the edited file still compiles"
    );
    wait_for("the reload failure", || {
        json(&http(&server.addr, "GET", "/v1/policies", "").unwrap().1)["reload"]["status"]
            == "failed"
    });
    let (_, body) = http(&server.addr, "GET", "/v1/policies", "").unwrap();
    let p = json(&body);
    let message = p["reload"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("the policies in policies fail 1 of their "),
        "{body}"
    );
    assert!(
        message.contains(
            "\nFAILED policies/binzhou/time_tests.dlx:204 有条件共享未列明共享条件：提示\n         expected finding share_conditions_missing, got []"
        ),
        "{body}"
    );
    assert_eq!(
        p["reload"]["serving"], "the last version that compiled",
        "{body}"
    );
    assert_eq!(version(&server.addr), v1);
    // The old version still decides, with the finding the cut dropped.
    let request = r#"{"kind": "share", "at": "2026-03-02", "requester": "bz-wjw", "dataset": "bz-ga-0001", "scenario": "public_health", "jurisdiction": "binzhou"}"#;
    let (status, body) = http(&server.addr, "POST", "/v1/decisions", request).unwrap();
    assert_eq!(status, 200, "{body}");
    assert_eq!(json(&body)["policy"]["version"], v1.as_str(), "{body}");

    // Restored: served again, the same version, no failure.
    std::fs::write(&sharing, &original).unwrap();
    wait_for("the fix", || {
        json(&http(&server.addr, "GET", "/v1/policies", "").unwrap().1)["reload"]["status"] == "ok"
    });
    assert_eq!(version(&server.addr), v1);
}

/// At start, policies whose tests fail are refused: the service does not start and lists the
/// failed tests; `--skip-policy-tests` serves them anyway.
#[test]
fn a_start_with_failing_policy_tests_is_refused_unless_skipped() {
    let dir = scratch_tree();
    let sharing = dir.path().join("policies/binzhou/sharing.dlx");
    let original = std::fs::read_to_string(&sharing).unwrap();
    std::fs::write(&sharing, without_share_conditions_finding(&original)).unwrap();
    let log = dir.path().join("decisions.db");
    for (lang, first) in [
        ("en", "error: the policies in policies fail 1 of their "),
        ("zh", "错误：policies 中的政策有1个测试未通过（共"),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_datalex"))
            .env("DATALEX_LANG", lang)
            .env("RUST_LOG", "warn")
            .args(["serve", "--no-watch", "--addr", "127.0.0.1:0"])
            .arg("--log")
            .arg(&log)
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains(first), "{err}");
        assert!(
            err.contains(
                "FAILED policies/binzhou/time_tests.dlx:204 有条件共享未列明共享条件：提示"
            ),
            "{err}"
        );
    }
    let path = dir.path().to_path_buf();
    let server = start_with(&path, Some(dir), &["--skip-policy-tests"]);
    assert_ne!(version(&server.addr), "");
}

#[test]
fn the_decision_log_is_a_keyed_chain_that_audit_verify_checks() {
    let mut server = start();
    let mut ids = Vec::new();
    for _ in 0..20 {
        let (status, body) = http(&server.addr, "POST", "/v1/decisions", CONDITIONAL).unwrap();
        assert_eq!(status, 200);
        ids.push(json(&body)["decision_id"].as_str().unwrap().to_string());
    }
    let log = server.log.clone();
    server.stop();
    // Every decision was flushed on SIGTERM, and the chain is intact.
    let out = common::run(&["audit", "verify", "--log", log.to_str().unwrap()], "");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        common::stdout(&out),
        common::stderr(&out)
    );
    assert!(
        common::stdout(&out).contains("20 records"),
        "{}",
        common::stdout(&out)
    );
    // Someone edits a logged decision: the audit names it.
    {
        let db = rusqlite::Connection::open(&log).unwrap();
        let changed = db.execute("UPDATE records SET decision = replace(decision, '\"review\"', '\"permit\"') WHERE decision_id = ?1", [&ids[7]]).unwrap();
        assert_eq!(changed, 1);
    }
    let out = common::run(&["audit", "verify", "--log", log.to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(1), "{}", common::stdout(&out));
    assert!(
        common::stdout(&out).contains(&ids[7]),
        "{}",
        common::stdout(&out)
    );
    // A missing log is bad input.
    let out = common::run(
        &["audit", "verify", "--log", "/nonexistent/decisions.db"],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
}

/// `?trace=none|summary|full` shapes the answer on the wire only: the log keeps the whole
/// decision, and reading it back gives the full decision whatever the answer carried.
#[test]
fn the_trace_parameter_shapes_the_answer_and_the_log_keeps_the_whole_decision() {
    let mut server = start();
    let post = |query: &str| {
        let (status, body) = http(
            &server.addr,
            "POST",
            &format!("/v1/decisions{query}"),
            CONDITIONAL,
        )
        .unwrap();
        assert_eq!(status, 200, "{query}: {body}");
        (body.clone(), json(&body))
    };
    let without_id = |mut d: serde_json::Value| {
        d.as_object_mut().unwrap().remove("decision_id");
        d
    };
    let (_, full) = post("");
    let (_, explicit) = post("?trace=full");
    assert_eq!(without_id(full.clone()), without_id(explicit));
    let steps = full["trace"].as_array().unwrap().len();
    assert!(steps > 10, "{full}");

    let (text, none) = post("?trace=none");
    assert!(!text.contains("\"trace\""), "{text}");
    let mut want = without_id(full.clone());
    want.as_object_mut().unwrap().remove("trace");
    assert_eq!(without_id(none.clone()), want);

    let (_, summary) = post("?foo=bar&trace=summary");
    let held: Vec<serde_json::Value> = full["trace"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["matched"] == true)
        .map(|s| serde_json::json!({"rule": s["rule"], "matched": true}))
        .collect();
    assert!(!held.is_empty() && held.len() < steps);
    assert_eq!(summary["trace"], serde_json::Value::Array(held.clone()));

    // The logged decision is the whole one, with its full trace, however it was answered.
    let id = none["decision_id"].as_str().unwrap();
    let (status, body) = http(&server.addr, "GET", &format!("/v1/decisions/{id}"), "").unwrap();
    assert_eq!(status, 200, "{body}");
    let logged = json(&body);
    assert_eq!(logged["decision_id"], id);
    assert_eq!(without_id(logged), without_id(full.clone()));
    // GET takes the same parameter.
    let (status, body) = http(
        &server.addr,
        "GET",
        &format!("/v1/decisions/{id}?trace=summary"),
        "",
    )
    .unwrap();
    assert_eq!(status, 200, "{body}");
    assert_eq!(json(&body)["trace"], serde_json::Value::Array(held));

    // A batch takes it too.
    let batch = format!(r#"{{"requests": [{CONDITIONAL}]}}"#);
    let (status, body) = http(
        &server.addr,
        "POST",
        "/v1/decisions:batch?trace=none",
        &batch,
    )
    .unwrap();
    assert_eq!(status, 200, "{body}");
    let b = json(&body);
    assert_eq!(b["decisions"][0]["effect"], "review");
    assert!(b["decisions"][0].get("trace").is_none(), "{body}");

    // A value that is not a mode: 400 naming the parameter, nothing decided.
    for route in [
        "/v1/decisions?trace=verbose",
        "/v1/decisions:batch?trace=verbose",
        "/v1/decisions?trace=none&trace=full",
    ] {
        let (status, body) = http(&server.addr, "POST", route, CONDITIONAL).unwrap();
        assert_eq!(status, 400, "{route}: {body}");
        let e = json(&body);
        assert_eq!(e["error"]["code"], "invalid_parameter", "{body}");
        assert_eq!(e["error"]["field"], "trace", "{body}");
        assert!(
            e["error"]["message"].as_str().unwrap().contains("trace"),
            "{body}"
        );
    }
    let (status, body) = http(
        &server.addr,
        "GET",
        &format!("/v1/decisions/{id}?trace=x"),
        "",
    )
    .unwrap();
    assert_eq!(status, 400, "{body}");

    // Compact records on disk, and the chain and texts verify.
    let log = server.log.clone();
    server.stop();
    let out = common::run(&["audit", "verify", "--log", log.to_str().unwrap()], "");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        common::stdout(&out),
        common::stderr(&out)
    );
    let db = rusqlite::Connection::open(&log).unwrap();
    let compact: i64 = db
        .query_row(
            "SELECT COUNT(*) FROM records WHERE decision LIKE 'txt1:%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(compact, 5, "every decision is stored compact");
}

#[test]
fn under_load_while_policies_change_no_request_fails_and_each_names_its_version() {
    // Reply periods the packages' tests refuse: the policy tests are turned off in
    // `datalex.toml`, as an operator would for such a drill.
    let (server, dir) = start_scratch_with(&[], Some("[serve]\npolicy_tests = false\n"));
    let addr = server.addr.clone();
    let shandong = dir.join("policies/shandong/measures.dlx");
    let original = std::fs::read_to_string(&shandong).unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    // version → the due dates decided under it; one version must give one due date.
    let seen: Arc<Mutex<BTreeMap<String, BTreeSet<String>>>> =
        Arc::new(Mutex::new(BTreeMap::new()));
    let failures = Arc::new(Mutex::new(Vec::new()));
    let count = Arc::new(Mutex::new(0u64));
    let workers: Vec<_> = (0..4)
        .map(|_| {
            let (addr, stop, seen, failures, count) = (
                addr.clone(),
                Arc::clone(&stop),
                Arc::clone(&seen),
                Arc::clone(&failures),
                Arc::clone(&count),
            );
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    match http(&addr, "POST", "/v1/decisions", CONDITIONAL) {
                        Ok((200, body)) => {
                            let d = json(&body);
                            let v = d["policy"]["version"]
                                .as_str()
                                .unwrap_or_default()
                                .to_string();
                            let due = d["deadlines"][0]["due"]
                                .as_str()
                                .unwrap_or_default()
                                .to_string();
                            seen.lock().unwrap().entry(v).or_default().insert(due);
                            *count.lock().unwrap() += 1;
                        }
                        other => failures.lock().unwrap().push(format!("{other:?}")),
                    }
                }
            })
        })
        .collect();
    let started = Instant::now();
    let mut rewrites = 0;
    while started.elapsed() < Duration::from_secs(10) {
        let days = 10 + rewrites % 3;
        std::fs::write(
            &shandong,
            original.replace(
                "param reply_period = 10 working days",
                &format!("param reply_period = {days} working days"),
            ),
        )
        .unwrap();
        rewrites += 1;
        std::thread::sleep(Duration::from_millis(1500));
    }
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        w.join().unwrap();
    }
    let failures = failures.lock().unwrap();
    assert!(
        failures.is_empty(),
        "{} requests failed, e.g. {:?}",
        failures.len(),
        failures.first()
    );
    let seen = seen.lock().unwrap();
    let total = *count.lock().unwrap();
    assert!(total > 100, "only {total} requests in 10 s");
    assert!(rewrites >= 5);
    assert!(
        seen.len() >= 2,
        "the version never changed under load: {seen:?}"
    );
    for (version, dues) in seen.iter() {
        assert!(
            version.starts_with("sha256:"),
            "a decision without its version: {version:?}"
        );
        assert_eq!(
            dues.len(),
            1,
            "version {version} decided with two reply periods: {dues:?}"
        );
    }
}
