//! Legal fidelity, end to end on a small policy of its own: coverage per paragraph and item,
//! interpretations, dated targets and the source copy's defects, through the real binary.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "tests may fail loudly"
)]

mod common;

use std::path::Path;

/// A plan of two parts: part 1 has a dated target (until 2021-12-31) and a task whose copy is
/// garbled; part 2 a reply period the text does not say how to count, read by an interpretation.
const PLAN: &str = r#"package demo

regulation demo-2020 "示例市公共数据实施方案" {
  rank plan
  in force from 2020-06-01
  style plan
  article 1 {
    para 1 "重点任务" {
      item 1 until 2021-12-31 "到2021年底前,有条件共享的数据一律经平台审核后共享。"
      item 2 "推進宏觀經濟場景應用?;谌丝谂c自然環境等數據,提供共享服務。"
        garbled "?;谌丝谂c" reads "。基于人口與"
    }
    para 2 "数据提供单位应当建立共享台账。"
  }
  article 2 "数据提供单位应在10个工作日内答复共享申请。"
}

interpretation demo_reply_from_receipt of §2 {
  says "10个工作日内答复"
  means "自数据提供单位收到申请之日起算"
  adopted by "示例市大数据局" on 2026-12-04
}

param demo_reply_period = 10 working days cites reading demo_reply_from_receipt

rule dated_review on share cites §1.1.1
  when dataset.share == conditional
  => review dated_review "到2021年底前，有条件共享的数据经平台审核。"

rule economic_share on share cites §1.1.2, reading demo_reply_from_receipt
  when dataset.share == unconditional
  => permit economic_share "宏观经济场景应用，提供共享服务。"
     deadline provider_reply on provider within demo_reply_period from request.at
       "数据提供单位答复共享申请。" cites reading demo_reply_from_receipt

otherwise on share cites §1.1
  => deny no_applicable_rule "没有规则准许该申请。"
"#;

const CATALOG: &str = r#"[
  {"id": "d-1", "name": "人口数据", "provider": "p", "share": "unconditional", "open": "not_open"},
  {"id": "d-2", "name": "法人数据", "provider": "p", "share": "conditional", "open": "not_open"}
]"#;

const INSTITUTIONS: &str = r#"[
  {"id": "p", "name": "提供单位", "kind": "government", "level": "city", "duties": []},
  {"id": "r", "name": "申请单位", "kind": "government", "level": "city", "duties": ["economy"]}
]"#;

fn scratch(plan: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let write = |p: &str, text: &str| {
        let path = dir.path().join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write("policies/demo/plan.dlx", plan);
    write("data/demo/catalog.json", CATALOG);
    write("data/demo/institutions.json", INSTITUTIONS);
    dir
}

fn run(dir: &Path, args: &[&str], stdin: &str) -> (i32, String, String) {
    let out = common::run_in(dir, args, stdin);
    (
        out.status.code().unwrap_or(-1),
        common::stdout(&out),
        common::stderr(&out),
    )
}

fn share(at: &str, dataset: &str) -> String {
    format!(
        r#"{{"kind": "share", "jurisdiction": "demo", "at": "{at}", "requester": "r", "dataset": "{dataset}", "scenario": "economy"}}"#
    )
}

#[test]
fn coverage_is_per_paragraph_and_item_and_strict_names_what_is_unexplained() {
    let dir = scratch(PLAN);
    let (code, out, err) = run(dir.path(), &["coverage", "--strict", "policies"], "");
    // §1.2 (the ledger) is cited by nothing: the citation of the whole part §1.1 by `otherwise`
    // encodes neither it nor, on its own, each task.
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("demo-2020 一（二）"), "{err}");
    assert!(
        out.contains("| 一（一）1 (dated 2020-06-01–2021-12-31) | encoded | `demo.dated_review` |"),
        "{out}"
    );
    // Article 2 is cited only through the interpretation.
    assert!(
        out.contains("| 二 | interpretation | `demo.demo_reply_period`, `demo.economic_share`, `demo.economic_share.provider_reply`; as read by `demo_reply_from_receipt` |"),
        "{out}"
    );
    assert!(out.contains("| `demo_reply_from_receipt` | 《示例市公共数据实施方案》二 | 「10个工作日内答复」 | 自数据提供单位收到申请之日起算 | 示例市大数据局, 2026-12-04 |"), "{out}");

    let explained = PLAN.replace(
        "otherwise on share",
        "coverage demo-2020 {\n  §1.2 not_decidable \"台账管理，属于数据提供单位的管理义务\"\n}\n\notherwise on share",
    );
    let dir = scratch(&explained);
    let (code, out, err) = run(dir.path(), &["coverage", "--strict", "policies"], "");
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("| 一（二） | not machine-decidable | 台账管理，属于数据提供单位的管理义务 |"),
        "{out}"
    );
}

#[test]
fn a_note_that_blames_a_missing_field_fails_strict_coverage() {
    let blaming = PLAN.replace(
        "otherwise on share",
        "coverage demo-2020 {\n  §1.2 not_decidable \"申请没有台账字段\"\n}\n\notherwise on share",
    );
    let dir = scratch(&blaming);
    let (code, _, err) = run(dir.path(), &["coverage", "--strict", "policies"], "");
    assert_eq!(code, 1, "{err}");
    assert!(err.contains(datalex_lang::Code::W0108.as_str()), "{err}");
    let (code, out, _) = run(dir.path(), &["check", "policies"], "");
    assert_eq!(code, 0, "a warning does not fail `check`: {out}");
}

#[test]
fn a_dated_target_decides_only_within_its_period() {
    let dir = scratch(PLAN);
    let (code, out, err) = run(dir.path(), &["eval", "-"], &share("2021-06-01", "d-2"));
    assert_eq!(code, 0, "{err}");
    let d: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(d["effect"], "review", "{out}");
    // After 2021-12-31 the target no longer grounds the rule: nothing permits, the default denies.
    let (_, out, _) = run(dir.path(), &["eval", "-"], &share("2026-06-01", "d-2"));
    let d: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(d["effect"], "deny", "{out}");
    assert_eq!(d["reasons"][0]["code"], "no_applicable_rule", "{out}");
}

#[test]
fn explanations_quote_without_garbled_runs_and_show_the_interpretation() {
    let dir = scratch(PLAN);
    let (code, text, err) = run(
        dir.path(),
        &["explain", "--lang", "en", "-"],
        &share("2026-06-01", "d-1"),
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        text.contains("「推進宏觀經濟場景應用〔…〕自然環境等數據,提供共享服務。」"),
        "{text}"
    );
    assert!(
        text.contains(
            "（〔…〕处为来源副本的乱码「?;谌丝谂c」，已略去；可能的读法：「。基于人口與」）"
        ),
        "{text}"
    );
    assert!(!text.contains("應用?;"), "{text}");
    assert!(
        text.contains(
            "《示例市公共数据实施方案》二 (as read by interpretation `demo_reply_from_receipt`)"
        ),
        "{text}"
    );
    assert!(text.contains("interpretations\n  demo_reply_from_receipt: 《示例市公共数据实施方案》二\n    the text says 「10个工作日内答复」\n    taken to mean: 自数据提供单位收到申请之日起算\n    adopted by 示例市大数据局 on 2026-12-04"), "{text}");

    let (_, out, _) = run(dir.path(), &["eval", "-"], &share("2026-06-01", "d-1"));
    let d: serde_json::Value = serde_json::from_str(&out).unwrap();
    let cites = d["deadlines"][0]["cites"].as_array().unwrap();
    assert_eq!(cites.len(), 1, "{out}");
    assert_eq!(cites[0]["reading"], "demo_reply_from_receipt", "{out}");
    assert_eq!(cites[0]["article"], 2, "{out}");
    let direct = d["reasons"][0]["cites"][0].as_object().unwrap();
    assert!(!direct.contains_key("reading"), "{out}");
}

#[test]
fn a_defect_or_a_reading_that_is_not_in_the_text_is_an_error() {
    let bad_run = PLAN.replace("garbled \"?;谌丝谂c\"", "garbled \"?;谌丝谂d\"");
    let dir = scratch(&bad_run);
    let (code, _, err) = run(dir.path(), &["check", "policies"], "");
    assert_eq!(code, 1);
    assert!(
        err.contains(datalex_lang::Code::E0127.as_str()) && err.contains("plan.dlx:11:"),
        "{err}"
    );

    let bad_says = PLAN.replace("says \"10个工作日内答复\"", "says \"十个工作日内答复\"");
    let dir = scratch(&bad_says);
    let (code, _, err) = run(dir.path(), &["check", "policies"], "");
    assert_eq!(code, 1);
    assert!(err.contains(datalex_lang::Code::E0127.as_str()), "{err}");

    let unknown = PLAN.replace(
        "cites reading demo_reply_from_receipt\n\nrule",
        "cites reading demo_reply_from_arrival\n\nrule",
    );
    let dir = scratch(&unknown);
    let (code, _, err) = run(dir.path(), &["check", "policies"], "");
    assert_eq!(code, 1);
    assert!(
        err.contains(datalex_lang::Code::E0128.as_str()) && err.contains("demo_reply_from_arrival"),
        "{err}"
    );
}

/// A dated target inside an item that stays in force (Jinan 二（一）3: the duty to correct errors,
/// then 到2022年年底前 … 2个工作日内) is quoted whole while it runs and left out, with a note,
/// after its date: a 2026 decision does not quote a 2022 target as its authority.
#[test]
fn an_expired_target_inside_an_item_is_not_quoted_as_authority() {
    let correction = |at: &str, reported: &str| {
        format!(
            r#"{{"kind": "correction", "jurisdiction": "jinan", "at": "{at}", "requester": "jn-rsj", "dataset": "jn-gjj-0001", "reported_on": "{reported}"}}"#
        )
    };
    let target = "问题数据纠错时间压缩至2个工作日内。";
    let duty = "依法依规纠正数据错误";

    let out = common::run(
        &["explain", "--lang", "en", "-"],
        &correction("2026-03-05", "2026-03-02"),
    );
    let text = common::stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    let quotes: Vec<&str> = text
        .lines()
        .filter(|l| l.trim_start().starts_with('「'))
        .collect();
    assert!(!quotes.is_empty(), "{text}");
    assert!(
        quotes
            .iter()
            .all(|q| q.contains(duty) && !q.contains(target)),
        "{text}"
    );
    assert!(
        text.contains(
            "〔…〕处为时限至2022-12-31的阶段目标（到2022年年底前，各级……），决定之日已届满"
        ),
        "{text}"
    );

    // While the target ran, it is part of the authority and quoted as the text has it.
    let out = common::run(
        &["explain", "--lang", "en", "-"],
        &correction("2022-06-08", "2022-06-06"),
    );
    let text = common::stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    assert!(
        text.lines()
            .any(|l| l.trim_start().starts_with('「') && l.contains(target)),
        "{text}"
    );
    // The 2021 target of the same item had expired by then; the 2022 one had not.
    assert!(
        text.contains("〔…〕处为时限至2021-12-31的阶段目标"),
        "{text}"
    );
    assert!(!text.contains("时限至2022-12-31"), "{text}");
}
