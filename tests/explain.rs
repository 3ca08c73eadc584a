//! Explanations for people, snapshotted.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "tests may fail loudly"
)]

mod common;

fn explain(request: &str) -> String {
    let out = common::run(&["explain", "-"], request);
    assert!(out.status.success(), "{}", common::stderr(&out));
    common::stdout(&out)
}

#[test]
fn conditional_share() {
    let text = explain(
        r#"{"kind": "share", "at": "2026-02-10", "requester": "bz-rsj", "dataset": "bz-ga-0001", "scenario": "social_security"}"#,
    );
    // What the issue asks of it: the effect, each deciding rule with its article text, the deadline with its date.
    assert!(text.starts_with("review — "));
    assert!(text.contains("「有条件共享类公共数据,即公共数据可以提供给部分公共管理和服务机构共享"));
    assert!(text.contains("provider_reply: provider bz-ga (滨州市公安局) by 2026-03-02"));
    insta::assert_snapshot!(text);
}

#[test]
fn emergency_share() {
    insta::assert_snapshot!(explain(
        r#"{"kind": "share", "at": "2026-07-15", "requester": "bz-yjj", "dataset": "bz-sl-0002", "scenario": "emergency_response"}"#
    ));
}

#[test]
fn open_request() {
    insta::assert_snapshot!(explain(
        r#"{"kind": "open", "at": "2026-03-02", "requester": {"type": "legal_person", "id": "91371600MA3C000000"}, "dataset": "bz-scj-0002"}"#
    ));
}

#[test]
fn develop_request() {
    insta::assert_snapshot!(explain(
        r#"{"kind": "develop", "at": "2026-03-02", "developer": "dev-001", "scenario": "credit_profile", "datasets": ["bz-scj-0001", "bz-scj-0002"], "environment": "trusted"}"#
    ));
}

#[test]
fn late_catalog_change() {
    insta::assert_snapshot!(explain(
        r#"{"kind": "catalog_change", "at": "2026-04-24", "institution": "bz-ga", "dataset": "bz-ga-0002", "change": "modify", "basis_changed_on": "2026-04-01", "filed_on": "2026-04-24"}"#
    ));
}

/// The review's example requests (`../shared/contract/fidelity-review.md`, issue "Legal
/// fidelity"), one JSON file each under `tests/explain_requests/`, decided in the jurisdiction
/// the request names: each explanation is snapshotted, and every quotation in it is a citation of
/// what decided (a reason, deadline, obligation, remedy or finding), without garbled runs of the
/// source copy.
#[test]
fn the_fidelity_review_examples() {
    let dir = common::root().join("tests/explain_requests");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 6, "the review has six example requests");
    for f in files {
        let name = f.file_stem().unwrap().to_string_lossy().to_string();
        let request = std::fs::read_to_string(&f).unwrap();
        let text = explain(&request);
        for line in text.lines().filter(|l| l.trim_start().starts_with('「')) {
            assert!(
                !line.contains("?;") && !line.contains("(ù)"),
                "{name}: a garbled run is quoted: {line}"
            );
        }
        insta::with_settings!({ snapshot_suffix => name.clone() }, {
            insta::assert_snapshot!(text);
        });
    }
}
