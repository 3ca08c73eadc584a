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

use std::collections::BTreeSet;
use std::path::Path;

/// The English explanation (with its trace), as it always was.
fn explain(request: &str) -> String {
    let out = common::run(&["explain", "--lang", "en", "-"], request);
    assert!(out.status.success(), "{}", common::stderr(&out));
    common::stdout(&out)
}

/// The decision document of `request` with `args` (language and format).
fn document(request: &str, args: &[&str]) -> String {
    let mut all = vec!["explain"];
    all.extend_from_slice(args);
    all.push("-");
    let out = common::run(&all, request);
    assert!(out.status.success(), "{}", common::stderr(&out));
    redact(&common::stdout(&out))
}

/// The decision number (a new ULID each run) and the policy version (a hash that changes with
/// every edit of a policy) left out of snapshots.
fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("sha256:") {
        out.push_str(&rest[..i + 7]);
        let after = &rest[i + 7..];
        let hex = after.chars().take_while(char::is_ascii_hexdigit).count();
        out.push('…');
        rest = &after[hex..];
    }
    out.push_str(rest);
    // A ULID: 26 characters of Crockford's base32, upper case, nothing of the kind around it.
    let mut text = String::with_capacity(out.len());
    let mut run = String::new();
    let flush = |run: &mut String, text: &mut String| {
        let ulid = run.len() == 26
            && run.chars().any(|c| c.is_ascii_digit())
            && run.chars().any(|c| c.is_ascii_uppercase());
        text.push_str(if ulid { "（决定编号）" } else { run });
        run.clear();
    };
    for c in out.chars() {
        if c.is_ascii_digit() || c.is_ascii_uppercase() {
            run.push(c);
        } else {
            flush(&mut run, &mut text);
            text.push(c);
        }
    }
    flush(&mut run, &mut text);
    text
}

/// The requests under `dir`, by file stem.
fn requests(dir: &Path) -> Vec<(String, String)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|f| {
            let name = f.file_stem().unwrap().to_string_lossy().to_string();
            (name, std::fs::read_to_string(&f).unwrap())
        })
        .collect()
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

/// A 决定书 in Chinese (the default) for one decision of every request kind, and every effect
/// among them (`tests/explain_documents/KIND_EFFECT.json`): each snapshotted, each with the
/// decision word of its effect, and none showing a code where the policy has a name — the
/// decision's roles, the request's scenario, the sources' ranks.
#[test]
fn chinese_documents_of_every_kind_and_effect() {
    let all_kinds: BTreeSet<&str> = [
        "share",
        "open",
        "develop",
        "catalog_change",
        "collection",
        "purchase",
        "objection",
        "demand",
        "correction",
        "product_registration",
        "it_project",
    ]
    .into();
    let mut kinds = BTreeSet::new();
    let mut effects = BTreeSet::new();
    for (name, request) in requests(&common::root().join("tests/explain_documents")) {
        let json: serde_json::Value = serde_json::from_str(&request).unwrap();
        let out = common::run(&["eval", "-"], &request);
        assert!(out.status.success(), "{name}: {}", common::stderr(&out));
        let decision: serde_json::Value = serde_json::from_str(&common::stdout(&out)).unwrap();
        let effect = decision["effect"].as_str().unwrap().to_string();
        assert!(
            name.ends_with(&format!("_{effect}")),
            "{name} is named for another effect than {effect}"
        );
        let text = document(&request, &["--lang", "zh"]);
        let default = common::run_default_lang(&["explain", "-"], &request);
        assert!(default.status.success(), "{}", common::stderr(&default));
        assert_eq!(
            text,
            redact(&common::stdout(&default)),
            "{name}: zh is the default"
        );
        let word = match effect.as_str() {
            "permit" => "准予",
            "deny" => "不予",
            _ => "待审核",
        };
        assert!(
            text.contains(&format!("一、决定\n  {word}。")),
            "{name}: the decision is not 「{word}」:\n{text}"
        );
        let mut codes: Vec<String> = Vec::new();
        for part in ["obligations", "deadlines"] {
            for x in decision[part].as_array().unwrap() {
                codes.push(x["party"].as_str().unwrap().to_string());
            }
        }
        for src in decision["sources"].as_array().unwrap() {
            codes.extend(src["rank"].as_str().map(str::to_string));
        }
        codes.extend(json["scenario"].as_str().map(str::to_string));
        for code in codes {
            assert!(
                !text.contains(&code),
                "{name}: the document shows the code `{code}`:\n{text}"
            );
        }
        kinds.insert(json["kind"].as_str().unwrap().to_string());
        effects.insert(effect);
        insta::with_settings!({ snapshot_suffix => name.clone() }, {
            insta::assert_snapshot!(text);
        });
    }
    let kinds: BTreeSet<&str> = kinds.iter().map(String::as_str).collect();
    assert_eq!(kinds, all_kinds, "one document of every request kind");
    let effects: Vec<&str> = effects.iter().map(String::as_str).collect();
    assert_eq!(effects, ["deny", "permit", "review"], "every effect");
}

const SHARE_REVIEW: &str = r#"{"kind": "share", "at": "2026-02-10", "requester": "bz-rsj", "dataset": "bz-ga-0001", "scenario": "social_security"}"#;
const SHARE_DENY: &str = r#"{"kind": "share", "at": "2026-03-02", "requester": "bz-jyj", "dataset": "bz-scj-0001", "scenario": "taxation"}"#;

/// The same document as Markdown and as one printable HTML page, in both languages.
#[test]
fn markdown_and_html() {
    for (name, request) in [("review", SHARE_REVIEW), ("deny", SHARE_DENY)] {
        for lang in ["zh", "en"] {
            let md = document(request, &["--lang", lang, "--format", "markdown"]);
            let html = document(request, &["--lang", lang, "--format", "html"]);
            assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
            assert!(html.contains("@media print"), "print CSS");
            assert!(
                !html.contains("<link") && !html.contains("<script"),
                "self-contained"
            );
            insta::with_settings!({ snapshot_suffix => format!("{name}_{lang}_md") }, {
                insta::assert_snapshot!(md);
            });
            insta::with_settings!({ snapshot_suffix => format!("{name}_{lang}_html") }, {
                insta::assert_snapshot!(html);
            });
        }
    }
}

/// A dataset named with markup and an ampersand is shown as written: escaped in HTML and in
/// Markdown, never markup.
#[test]
fn names_are_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("binzhou");
    common::copy_dir(&common::root().join("data/binzhou"), &data);
    let catalog_path = data.join("catalog.json");
    let mut catalog: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&catalog_path).unwrap()).unwrap();
    let evil = "<script>alert(\"x\")</script> & 人口 *基础* [信息](http://x)";
    for d in catalog.as_array_mut().unwrap() {
        if d["id"] == "bz-ga-0001" {
            d["name"] = serde_json::Value::from(evil);
        }
    }
    std::fs::write(&catalog_path, serde_json::to_string(&catalog).unwrap()).unwrap();
    let data_arg = data.to_string_lossy().to_string();
    let run = |format: &str| {
        let out = common::run(
            &[
                "explain", "--lang", "zh", "--data", &data_arg, "--format", format, "-",
            ],
            SHARE_REVIEW,
        );
        assert!(out.status.success(), "{}", common::stderr(&out));
        common::stdout(&out)
    };
    let html = run("html");
    assert!(!html.contains("<script"), "{html}");
    assert!(!html.contains("& 人口"), "a bare ampersand: {html}");
    assert!(
        html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;&#x2f;script&gt; &amp; 人口"),
        "{html}"
    );
    let md = run("markdown");
    assert!(!md.contains("<script"), "{md}");
    assert!(
        md.contains(
            r#"&lt;script&gt;alert("x")&lt;/script&gt; &amp; 人口 \*基础\* \[信息\](http://x)"#
        ),
        "{md}"
    );
    // Plain text shows the name as written.
    assert!(run("text").contains(evil));
}
