//! The command line: exit codes, diagnostics that point at the line, bad requests.

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

#[test]
fn check_accepts_the_bundled_policies() {
    let out = common::run(&["check", "policies/binzhou"], "");
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    assert!(
        common::stdout(&out).starts_with("ok:"),
        "{}",
        common::stdout(&out)
    );
}

/// Replaces `from` by `to` in a copy of the policies and runs `check` on it.
fn check_edited(file: &str, from: &str, to: &str) -> (i32, String) {
    let dir = common::scratch_policies();
    let path = dir.path().join("policies").join(file);
    let text = std::fs::read_to_string(&path).expect("policy file");
    assert!(text.contains(from), "{file} no longer contains {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).expect("write");
    let out = common::run_in(dir.path(), &["check", "policies/binzhou"], "");
    (out.status.code().unwrap_or(-1), common::stderr(&out))
}

fn line_of(file: &str, needle: &str) -> usize {
    let text =
        std::fs::read_to_string(common::root().join("policies").join(file)).expect("policy file");
    text.lines()
        .position(|l| l.contains(needle))
        .expect("needle in file")
        + 1
}

#[test]
fn a_broken_citation_fails_at_its_line() {
    let line = line_of(
        "binzhou/sharing.dlx",
        "rule unconditional_share on share cites §20.2.1",
    );
    let (code, err) = check_edited(
        "binzhou/sharing.dlx",
        "rule unconditional_share on share cites §20.2.1",
        "rule unconditional_share on share cites §20.2.9",
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.contains(datalex_lang::Code::E0104.as_str()), "{err}");
    assert!(
        err.contains(&format!("sharing.dlx:{line}:")),
        "diagnostic should point at line {line}:\n{err}"
    );
}

#[test]
fn an_article_that_does_not_exist_is_an_error() {
    let (code, err) = check_edited("binzhou/sharing.dlx", "cites §9\n", "cites §99\n");
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("has no article 99"), "{err}");
}

#[test]
fn an_override_cycle_fails_at_its_line() {
    // `restriction_without_basis` is an exception over `emergency_adjustment_pending`; one
    // direction is fine, both are a cycle.
    let over = "exception emergency_adjustment_pending over conditional_share, not_shared, share_conditions_not_met on share";
    let (code, err) = check_edited("binzhou/sharing.dlx", over, over);
    assert_eq!(code, 0, "one direction alone is fine: {err}");
    let line = line_of("binzhou/sharing.dlx", over);
    let (code, err) = check_edited(
        "binzhou/sharing.dlx",
        over,
        "exception emergency_adjustment_pending over conditional_share, not_shared, share_conditions_not_met, restriction_without_basis on share",
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(datalex_lang::Code::E0105.as_str()) && err.contains("cycle"),
        "{err}"
    );
    assert!(
        err.contains(&format!("sharing.dlx:{line}:")),
        "diagnostic should point at line {line}:\n{err}"
    );
}

#[test]
fn a_rule_grounded_in_nothing_in_force_is_reported() {
    let dir = common::scratch_policies();
    let law = dir.path().join("policies/oldlaw");
    std::fs::create_dir_all(&law).expect("dir");
    std::fs::write(
        law.join("law.dlx"),
        "package oldlaw\n\nregulation old-2010 \"旧办法\" {\n  rank local_government_rule\n  in force from 2010-01-01 until 2015-12-31\n  article 1 \"旧条文。\"\n}\n",
    )
    .expect("write");
    // Binzhou cites it through the packages it extends: `national` builds on `oldlaw`.
    let national = dir.path().join("policies/national/regulation.dlx");
    let text = std::fs::read_to_string(&national).expect("policy file");
    assert!(text.contains("\npackage national\n"), "{text}");
    let text = text.replacen(
        "\npackage national\n",
        "\npackage national extends oldlaw\n",
        1,
    );
    std::fs::write(&national, text).expect("write");
    let sharing = dir.path().join("policies/binzhou/sharing.dlx");
    let mut text = std::fs::read_to_string(&sharing).expect("policy file");
    text.push_str("\ncheck old_rule on share cites old-2010 §1\n  when true\n  => finding old_rule info on dataset.id \"旧规则。\"\n");
    std::fs::write(&sharing, &text).expect("write");
    let out = common::run_in(dir.path(), &["check", "policies"], "");
    let err = common::stderr(&out);
    assert_eq!(out.status.code(), Some(0), "a warning, not an error: {err}");
    assert!(
        err.contains(datalex_lang::Code::W0105.as_str()) && err.contains("old_rule"),
        "{err}"
    );
}

#[test]
fn several_syntax_errors_are_reported_at_once() {
    let dir = common::scratch_policies();
    let path = dir.path().join("policies/binzhou/sharing.dlx");
    let text = std::fs::read_to_string(&path)
        .expect("policy file")
        .replacen(
            "guard dataset_not_in_catalog on share, open cites §9",
            "guard dataset_not_in_catalog on share, open cites",
            1,
        )
        .replacen(
            "rule not_shared on share cites §20.2.3",
            "rule not_shared on share cites §20.2.3 when when",
            1,
        );
    std::fs::write(&path, text).expect("write");
    let out = common::run_in(dir.path(), &["check", "policies/binzhou"], "");
    let err = common::stderr(&out);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        err.matches(datalex_lang::Code::E0001.as_str()).count(),
        2,
        "{err}"
    );
}

fn eval(request: &str) -> (i32, String, String) {
    let out = common::run(&["eval", "-"], request);
    (
        out.status.code().unwrap_or(-1),
        common::stdout(&out),
        common::stderr(&out),
    )
}

#[test]
fn a_missing_field_is_bad_input_naming_the_field() {
    let (code, out, err) = eval(
        r#"{"kind": "share", "at": "2026-03-02", "requester": "bz-wjw", "scenario": "public_health"}"#,
    );
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("`dataset`"), "{err}");
}

#[test]
fn a_request_before_the_law_took_effect_is_not_a_decision() {
    let (code, out, err) = eval(
        r#"{"kind": "open", "at": "2022-12-01", "requester": {"type": "citizen", "id": "1"}, "dataset": "bz-scj-0001"}"#,
    );
    assert_eq!(code, 2);
    assert!(out.is_empty());
    for needle in ["not_in_force", "滨州市公共数据管理办法", "2023-03-01"] {
        assert!(err.contains(needle), "`{needle}` not in: {err}");
    }
}

#[test]
fn a_decision_names_the_sources_it_applied_with_their_rank_and_period() {
    let (code, out, err) = eval(
        r#"{"kind": "share", "at": "2026-03-02", "requester": "bz-wjw", "dataset": "bz-ga-0001", "scenario": "public_health"}"#,
    );
    assert_eq!(code, 0, "{err}");
    let d: serde_json::Value = serde_json::from_str(&out).expect("decision");
    let ids: Vec<&str> = d["sources"]
        .as_array()
        .expect("sources")
        .iter()
        .filter_map(|s| s["id"].as_str())
        .collect();
    // The national regulation first (higher rank), the Binzhou measures after.
    assert_eq!(ids, ["national-2025", "binzhou-2023"], "{out}");
    assert_eq!(d["sources"][0]["rank"], "administrative_regulation");
    assert_eq!(d["sources"][0]["in_force"]["from"], "2025-08-01");
    assert_eq!(d["governing_date"], "2026-03-02");
    assert_eq!(d["deadlines"][0]["party_id"], "bz-ga");
}

#[test]
fn an_unknown_kind_is_bad_input_naming_the_field() {
    let (code, _, err) = eval(r#"{"kind": "borrow", "dataset": "bz-ga-0001"}"#);
    assert_eq!(code, 2);
    assert!(err.contains("`kind`") && err.contains("borrow"), "{err}");
}

#[test]
fn an_impossible_date_is_bad_input_naming_the_field() {
    let (code, _, err) = eval(
        r#"{"kind": "share", "at": "2026-02-30", "requester": "bz-wjw", "dataset": "bz-ga-0001", "scenario": "public_health"}"#,
    );
    assert_eq!(code, 2);
    assert!(err.contains("`at`") && err.contains("2026-02-30"), "{err}");
}

#[test]
fn a_mistyped_field_is_bad_input_naming_the_field() {
    let (code, _, err) = eval(
        r#"{"kind": "open", "at": "2026-03-02", "requester": {"type": "robot", "id": "x"}, "dataset": "bz-ga-0001"}"#,
    );
    assert_eq!(code, 2);
    assert!(err.contains("requester.type"), "{err}");
}

#[test]
fn a_member_named_twice_is_bad_input_naming_it() {
    // One request, and a line of JSON Lines among good ones: the line is refused, the others
    // decided.
    let twice = r#"{"kind": "share", "at": "2026-03-02", "requester": "bz-wjw", "dataset": "bz-ga-0001", "scenario": "public_health", "requester": "bz-gxj"}"#;
    let (code, out, err) = eval(twice);
    assert_eq!(code, 2);
    assert!(out.is_empty(), "{out}");
    assert!(err.contains("`requester`"), "{err}");
    let good = r#"{"kind": "share", "at": "2026-03-02", "requester": "bz-wjw", "dataset": "bz-ga-0001", "scenario": "public_health"}"#;
    let (code, out, err) = eval(&format!("{good}\n{twice}\n{good}\n"));
    assert_eq!(code, 2);
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(err.contains('2') && err.contains("`requester`"), "{err}");
}

#[test]
fn an_unknown_dataset_is_a_deny_decision() {
    let (code, out, err) = eval(
        r#"{"kind": "share", "at": "2026-03-02", "requester": "bz-wjw", "dataset": "bz-nope", "scenario": "public_health"}"#,
    );
    assert_eq!(code, 0, "{err}");
    let d: Value = serde_json::from_str(out.trim()).expect("decision");
    assert_eq!(d["effect"], "deny");
    assert_eq!(d["reasons"][0]["code"], "dataset_not_in_catalog");
    assert_eq!(d["reasons"][0]["cites"][0]["article"], 9);
}

#[test]
fn a_timestamp_is_read_in_shanghai_time() {
    let (code, out, err) = eval(
        r#"{"kind": "share", "at": "2026-03-01T16:30:00Z", "requester": "bz-wjw", "dataset": "bz-ga-0001", "scenario": "public_health"}"#,
    );
    assert_eq!(code, 0, "{err}");
    let d: Value = serde_json::from_str(out.trim()).expect("decision");
    assert_eq!(d["deadlines"][0]["start"], "2026-03-02");
    assert_eq!(d["deadlines"][0]["due"], "2026-03-16");
}

#[test]
fn json_lines_give_one_decision_each_and_bad_lines_exit_2() {
    let input = concat!(
        r#"{"kind": "open", "at": "2026-03-02", "requester": {"type": "citizen", "id": "1"}, "dataset": "bz-scj-0001"}"#,
        "\n",
        "not json\n",
        r#"{"kind": "open", "at": "2026-03-02", "requester": {"type": "citizen", "id": "1"}, "dataset": "bz-ga-0001"}"#,
        "\n",
    );
    let (code, out, err) = eval(input);
    assert_eq!(code, 2);
    assert_eq!(out.lines().count(), 2);
    assert!(err.contains("line 2"), "{err}");
}

#[test]
fn the_same_request_gives_the_same_decision() {
    let req = r#"{"kind": "share", "at": "2025-02-01", "requester": "bz-scj", "dataset": "bz-ga-0001", "scenario": "epidemic_response"}"#;
    let strip = |s: String| {
        let mut v: Value = serde_json::from_str(s.trim()).expect("decision");
        v["decision_id"] = Value::Null;
        v
    };
    assert_eq!(strip(eval(req).1), strip(eval(req).1));
}

#[test]
fn policy_tests_pass() {
    let out = common::run(&["test", "policies"], "");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        common::stdout(&out),
        common::stderr(&out)
    );
    assert!(
        common::stdout(&out).contains(" passed, 0 failed"),
        "{}",
        common::stdout(&out)
    );
}

/// `datalex test` in Chinese: each test's line keeps its `ok` marker (the column scripts grep);
/// the summaries are worded in Chinese, with no English left.
#[test]
fn policy_tests_report_in_chinese() {
    let out = common::run(&["--lang", "zh", "test", "policies/binzhou"], "");
    let text = common::stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}{}", common::stderr(&out));
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("policies/binzhou/"))
        .collect();
    assert_eq!(lines.len(), 107, "{text}");
    assert!(lines.iter().all(|l| l.starts_with("ok     ")), "{text}");
    assert!(text.contains("binzhou：107个测试，0个未通过"), "{text}");
    assert!(
        text.contains("每条规则都有测试见到其适用，也有测试见到其不适用"),
        "{text}"
    );
    assert!(text.trim_end().ends_with("个通过，0个未通过"), "{text}");
    for english in ["test(s)", "failed", "passed", "every rule"] {
        assert!(!text.contains(english), "{english}: {text}");
    }
}

/// A failing policy test, in both languages: the `FAILED` marker first either way, the
/// failure's words in the reader's language, and exit 1.
#[test]
fn a_failing_policy_test_is_reported_in_either_language() {
    let dir = common::scratch_policies();
    common::copy_dir(&common::root().join("data"), &dir.path().join("data"));
    let tests = dir.path().join("policies/binzhou/tests.dlx");
    let text = std::fs::read_to_string(&tests).unwrap();
    // The first `expect permit` becomes `expect deny`.
    let broken = text.replacen("expect permit", "expect deny", 1);
    assert_ne!(broken, text, "binzhou/tests.dlx has an `expect permit`");
    std::fs::write(&tests, broken).unwrap();
    let en = common::run_in(dir.path(), &["test", "policies"], "");
    let out = common::stdout(&en);
    assert_eq!(en.status.code(), Some(1), "{out}");
    let failed = out
        .lines()
        .find(|l| l.starts_with("FAILED policies/binzhou/tests.dlx:"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(
        out.contains("         expected deny, got permit ("),
        "{out}"
    );
    assert!(out.contains("1 failed"), "{out}");
    let zh = common::run_in(dir.path(), &["--lang", "zh", "test", "policies"], "");
    let out = common::stdout(&zh);
    assert_eq!(zh.status.code(), Some(1), "{out}");
    assert!(out.lines().any(|l| l == failed), "{failed}\n{out}");
    assert!(
        out.contains("         预期 deny，实际为 permit（理由："),
        "{out}"
    );
    assert!(out.contains("binzhou：107个测试，1个未通过"), "{out}");
}

/// A package written with Chinese keywords pulls in the package it extends as an English one
/// does: `check policies/qingdao` (`政策包 qingdao 继承 shandong`) compiles alone, with
/// `shandong` and `national` found beside it.
#[test]
fn a_chinese_keyword_package_pulls_in_the_package_it_extends() {
    for pkg in ["qingdao", "jinan"] {
        let out = common::run(&["check", &format!("policies/{pkg}")], "");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{pkg}: {}",
            common::stderr(&out)
        );
        assert!(
            common::stdout(&out).starts_with("ok: 4 package(s), 3 regulation(s)"),
            "{pkg}: {}",
            common::stdout(&out)
        );
    }
}

#[test]
fn next_years_calendar_is_a_data_file_loaded_at_run_time() {
    // 10 working days from 2026-12-28. Without a 2027 calendar only weekends are skipped and
    // the decision says so; with a 2027 file (here a made-up one: 2027-01-01 off) the holiday is
    // skipped too and the finding goes away.
    let req = r#"{"kind": "share", "at": "2026-12-28", "requester": "bz-wjw", "dataset": "bz-ga-0001", "scenario": "public_health"}"#;
    let decide = |extra: &[&str]| -> Value {
        let mut args = vec!["eval"];
        args.extend_from_slice(extra);
        args.push("-");
        let out = common::run(&args, req);
        assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
        serde_json::from_str(common::stdout(&out).trim()).expect("decision")
    };
    let without = decide(&[]);
    assert_eq!(without["deadlines"][0]["due"], "2027-01-11");
    assert!(without["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["code"] == "calendar_not_loaded"));
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("2027.toml"),
        "year = 2027\nsource = \"test calendar\"\nholidays = [ { name = \"元旦\", from = \"2027-01-01\", to = \"2027-01-01\" } ]\nworkdays = []\n",
    )
    .unwrap();
    let with = decide(&["--calendar", dir.path().to_str().unwrap()]);
    assert_eq!(with["deadlines"][0]["due"], "2027-01-12");
    assert!(
        !with["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "calendar_not_loaded"),
        "{with}"
    );
    // A broken calendar file is bad input, named.
    std::fs::write(dir.path().join("2027.toml"), "year = 2027\nholidays = [ { name = \"x\", from = \"2027-02-30\", to = \"2027-02-30\" } ]\nworkdays = []\n").unwrap();
    let out = common::run(
        &["eval", "--calendar", dir.path().to_str().unwrap(), "-"],
        req,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        common::stderr(&out).contains("2027.toml"),
        "{}",
        common::stderr(&out)
    );
}

#[test]
fn export_cedar_writes_a_validated_export() {
    let out_dir = tempfile::tempdir().unwrap();
    let out_path = out_dir.path().join("cedar");
    let out = common::run(
        &[
            "export",
            "cedar",
            "--jurisdiction",
            "binzhou",
            "--out",
            out_path.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    let stdout = common::stdout(&out);
    assert!(
        stdout.contains("3 action(s)")
            && stdout.contains("validated by Cedar (strict), 0 warning(s)"),
        "{stdout}"
    );
    for file in [
        "schema.cedarschema",
        "policies.cedar",
        "entities.json",
        "README.md",
    ] {
        let text = std::fs::read_to_string(out_path.join(file)).unwrap();
        assert!(!text.is_empty(), "{file} is empty");
    }
    let policies = std::fs::read_to_string(out_path.join("policies.cedar")).unwrap();
    assert!(policies.contains("@datalex_rule(\"binzhou.conditional_share\")"));
    let entities: Value =
        serde_json::from_str(&std::fs::read_to_string(out_path.join("entities.json")).unwrap())
            .unwrap();
    assert!(entities
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["uid"]["type"] == "Datalex::Dataset" && e["uid"]["id"] == "bz-ga-0001"));
}

#[test]
fn export_cedar_of_an_unknown_jurisdiction_is_bad_usage() {
    let out_dir = tempfile::tempdir().unwrap();
    let out = common::run(
        &[
            "export",
            "cedar",
            "--jurisdiction",
            "atlantis",
            "--out",
            out_dir.path().to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        common::stderr(&out).contains("no policy package `atlantis`"),
        "{}",
        common::stderr(&out)
    );
}

/// Fields beyond the contract are declared in the prelude and typed there: a request or a fact
/// whose value does not fit its declared type is refused with the field named, not read as
/// missing.
#[test]
fn fields_declared_in_the_prelude_are_type_checked_in_requests_and_facts() {
    let request = r#"{"kind": "develop", "at": "2026-03-02", "developer": "dev-001", "scenario": "s", "datasets": ["bz-ga-0001"], "environment": "trusted", "domestic_cryptography": "yes"}"#;
    let out = common::run(&["eval", "-"], request);
    assert_eq!(out.status.code(), Some(2), "{}", common::stdout(&out));
    assert!(
        common::stderr(&out)
            .contains("field `domestic_cryptography`: expected true or false, found \"yes\""),
        "{}",
        common::stderr(&out)
    );

    let open = r#"{"kind": "open", "at": "2026-03-02", "requester": {"type": "citizen", "id": "1"}, "dataset": "bz-ga-0001"}"#;
    for (field, value, expected) in [
        (
            "processed_for_opening",
            serde_json::json!("yes"),
            "[1].processed_for_opening: expected true or false, found \"yes\"",
        ),
        (
            "concentration",
            serde_json::json!("liquid"),
            "[1].concentration: unknown member `liquid` of `Concentration`",
        ),
        (
            "service_published_on",
            serde_json::json!("2026-02-30"),
            "[1].service_published_on: `2026-02-30` is not a date: February 2026 has 28 days",
        ),
    ] {
        let data = tempfile::tempdir().unwrap();
        common::copy_dir(&common::root().join("data/binzhou"), data.path());
        let path = data.path().join("catalog.json");
        let mut catalog: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        catalog[1][field] = value;
        std::fs::write(&path, catalog.to_string()).unwrap();
        let out = common::run(
            &[
                "eval",
                "--jurisdiction",
                "binzhou",
                "--data",
                data.path().to_str().unwrap(),
                "-",
            ],
            open,
        );
        assert_eq!(
            out.status.code(),
            Some(2),
            "{field}: {}",
            common::stdout(&out)
        );
        let err = common::stderr(&out);
        assert!(
            err.contains("catalog.json") && err.contains(expected),
            "{field}: {err}"
        );
    }
}

/// Runs `datalex ARGS` in `dir`, killing it and failing the test if it has not ended within
/// 20 seconds (a walk that loops or a read that waits on a FIFO must not hang the suite).
fn run_within_20s(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    use std::time::{Duration, Instant};
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_datalex"))
        .env("DATALEX_LANG", "en")
        .args(args)
        .current_dir(dir)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("datalex starts");
    let deadline = Instant::now() + Duration::from_secs(20);
    while child.try_wait().expect("datalex runs").is_none() {
        if Instant::now() > deadline {
            child.kill().expect("kill datalex");
            child.wait().expect("reap datalex");
            panic!("datalex {args:?} did not end within 20 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().expect("datalex output")
}

#[test]
fn check_and_fmt_skip_a_symlink_loop_and_a_fifo_without_hanging_or_panicking() {
    use std::os::unix::fs::symlink;
    let dir = common::scratch_policies();
    let binzhou = dir.path().join("policies/binzhou");
    // A loop back to `policies/`, and a second name for a file that is listed anyway.
    symlink(dir.path().join("policies"), binzhou.join("loop")).unwrap();
    symlink(binzhou.join("sharing.dlx"), binzhou.join("alias.dlx")).unwrap();
    let fifo = binzhou.join("x.dlx");
    let has_fifo = match std::process::Command::new("mkfifo").arg(&fifo).status() {
        Ok(status) => {
            assert!(status.success(), "mkfifo failed");
            true
        }
        Err(e) => {
            eprintln!("SKIPPED (FIFO part only): no mkfifo on this machine ({e})");
            false
        }
    };
    let out = run_within_20s(dir.path(), &["check", "policies"]);
    let err = common::stderr(&out);
    // The bundled policies, each file once: no "declared twice", no panic.
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(common::stdout(&out).starts_with("ok:"), "{err}");
    assert!(
        err.contains("policies/binzhou/loop: skipped, a symbolic link back to"),
        "{err}"
    );
    if has_fifo {
        assert!(
            err.contains("policies/binzhou/x.dlx: skipped, not a regular file (a FIFO)"),
            "{err}"
        );
    }
    // The same warnings in Chinese: the words around the path are the reader's.
    let out = run_within_20s(dir.path(), &["--lang", "zh", "check", "policies"]);
    let err = common::stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("警告：policies/binzhou/loop：已跳过，是指回 "),
        "{err}"
    );
    if has_fifo {
        assert!(
            err.contains("警告：policies/binzhou/x.dlx：已跳过，不是普通文件（命名管道）"),
            "{err}"
        );
    }
    assert!(!err.contains("skipped"), "{err}");
    let out = run_within_20s(dir.path(), &["fmt", "--check", "policies"]);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        common::stderr(&out)
    );
    // Named directly, a FIFO is an error that names it, not a read that waits forever.
    if has_fifo {
        let out = run_within_20s(dir.path(), &["check", "policies/binzhou/x.dlx"]);
        let err = common::stderr(&out);
        assert_ne!(out.status.code(), Some(0), "{err}");
        assert_ne!(out.status.code(), Some(101), "{err}");
        assert!(
            err.contains("policies/binzhou/x.dlx: not a regular file (a FIFO)"),
            "{err}"
        );
    }
}

/// `check --lang zh`: the diagnostics, the error prefix's language and the summary in Chinese;
/// codes as they are. `DATALEX_LANG=zh` chooses the same, and `--lang en` wins over it.
#[test]
fn check_speaks_chinese_with_lang_zh() {
    let fixture = "tests/diagnostics/E0104_article_not_in_regulation.dlx";
    let o = common::run(&["--lang", "zh", "check", fixture], "");
    assert_eq!(o.status.code(), Some(1));
    let err = common::stderr(&o);
    assert!(
        err.contains("[E0104] 错误：`demo-2024` 没有第二十条"),
        "{err}"
    );
    assert!(!err.contains("has no article"), "{err}");
    assert!(
        common::stdout(&o).starts_with("未通过：1个错误"),
        "{}",
        common::stdout(&o)
    );

    let mut env_zh = std::process::Command::new(env!("CARGO_BIN_EXE_datalex"));
    let o = env_zh
        .env("DATALEX_LANG", "zh_CN.UTF-8")
        .args(["check", fixture])
        .current_dir(common::root())
        .output()
        .unwrap();
    assert!(
        common::stderr(&o).contains("没有第二十条"),
        "{}",
        common::stderr(&o)
    );

    let o = common::run(&["--lang", "en", "check", fixture], "");
    assert!(
        common::stderr(&o).contains("has no article 20"),
        "{}",
        common::stderr(&o)
    );
    assert!(
        common::stdout(&o).starts_with("failed: 1 error(s)"),
        "{}",
        common::stdout(&o)
    );
}

/// The command line's own errors in Chinese with `--lang zh`, the same errors in English with
/// `--lang en`; the exit code does not change with the language.
#[test]
fn cli_errors_speak_chinese_with_lang_zh() {
    let not_in_force = r#"{"kind": "share", "at": "2023-02-28", "requester": "bz-wjw", "dataset": "bz-ga-0001", "scenario": "public_health"}"#;
    let borrow = "{\"kind\": \"borrow\"}\nnot json\n";
    let atlantis = r#"{"kind": "share", "at": "2026-03-02", "requester": "bz-wjw", "dataset": "bz-ga-0001", "scenario": "x", "jurisdiction": "atlantis"}"#;
    // (arguments, standard input, the Chinese, the English)
    type Case<'a> = (&'a [&'a str], &'a str, &'a [&'a str], &'a [&'a str]);
    let cases: &[Case] = &[
        (
            &["eval", "no-such-requests.json"],
            "",
            &["错误：无法读取 no-such-requests.json：文件不存在"],
            &["error: reading no-such-requests.json: "],
        ),
        (
            &["eval", "-"],
            borrow,
            &[
                "错误：第1行：字段 `kind`：未知的请求种类 `borrow`；应为下列之一：`share`、`open`",
                "错误：第2行：不是有效的 JSON（第2列有语法错误）",
            ],
            &[
                "error: line 1: field `kind`: unknown kind `borrow`; expected one of `share`, `open`",
                "error: line 2: not JSON: ",
            ],
        ),
        (
            &["eval", "-"],
            not_in_force,
            &["错误：《滨州市公共数据管理办法》（binzhou-2023）在 2023-02-28 不在施行期间；2023-03-01 起施行"],
            &["error: not_in_force: 《滨州市公共数据管理办法》 (binzhou-2023) is not in force on 2023-02-28"],
        ),
        (
            &["eval", "-"],
            atlantis,
            &["错误：字段 `jurisdiction`：policies 中没有名为 `atlantis` 的政策包"],
            &["error: field `jurisdiction`: no policy package `atlantis` in policies"],
        ),
        (
            &["eval", "-"],
            r#"{"kind": "share", "at": "2026-02-30", "requester": "bz-wjw", "dataset": "bz-ga-0001", "scenario": "x"}"#,
            &["错误：字段 `at`：`2026-02-30` 不是有效日期：2026年2月只有28天"],
            &["error: field `at`: `2026-02-30` is not a date: February 2026 has 28 days"],
        ),
        (
            &["explain", "--format", "pdf", "-"],
            "",
            &["错误：--format：未知的格式 `pdf`；应为 `text`、`markdown`、`html` 或 `json`"],
            &["error: --format: unknown format `pdf`; expected `text`, `markdown`, `html` or `json`"],
        ),
        (
            &["graph", "--format", "svg"],
            "",
            &["错误：--format：未知的格式 `svg`；应为 `dot`、`mermaid` 或 `json`"],
            &["error: --format: unknown format `svg`; expected `dot`, `mermaid` or `json`"],
        ),
        (
            &["check", "no-such-policy.dlx"],
            "",
            &["错误：no-such-policy.dlx 不存在"],
            &["error: no-such-policy.dlx does not exist"],
        ),
    ];
    for (args, stdin, zh, en) in cases {
        let run = |lang: &str| {
            let mut all = vec!["--lang", lang];
            all.extend_from_slice(args);
            let o = common::run(&all, stdin);
            (o.status.code(), common::stderr(&o))
        };
        let (zh_code, zh_err) = run("zh");
        let (en_code, en_err) = run("en");
        assert_eq!(zh_code, Some(2), "{args:?}: {zh_err}");
        assert_eq!(zh_code, en_code, "{args:?}");
        for needle in *zh {
            assert!(
                zh_err.contains(needle),
                "{args:?}: `{needle}` not in {zh_err}"
            );
        }
        assert!(!zh_err.contains("error:"), "{args:?}: {zh_err}");
        for needle in *en {
            assert!(
                en_err.contains(needle),
                "{args:?}: `{needle}` not in {en_err}"
            );
        }
    }
    // fmt's summary.
    let o = common::run(
        &[
            "--lang",
            "zh",
            "fmt",
            "--check",
            "tests/diagnostics/clean.dlx",
        ],
        "",
    );
    assert_eq!(
        common::stdout(&o).trim(),
        "共1个文件，0个需要排版，0个无法排版"
    );
    // A `datalex.toml` that is not right, in both languages.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("datalex.toml"),
        "default_jurisdiction = 3\n",
    )
    .unwrap();
    let o = common::run_in(dir.path(), &["--lang", "zh", "eval", "x.json"], "");
    assert_eq!(o.status.code(), Some(2));
    assert!(
        common::stderr(&o)
            .contains("错误：配置文件 datalex.toml 第1行的 `default_jurisdiction` 有误："),
        "{}",
        common::stderr(&o)
    );
    let o = common::run_in(dir.path(), &["--lang", "en", "eval", "x.json"], "");
    assert!(
        common::stderr(&o).contains("error: datalex.toml:1: `default_jurisdiction`: "),
        "{}",
        common::stderr(&o)
    );
}
