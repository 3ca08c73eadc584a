//! The client's language (`InitializeParams.locale`): hover and diagnostics in Chinese for
//! `zh-CN` (and when no locale is given), in English for `en`; codes the same in both.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests may fail loudly"
)]

#[path = "support/client.rs"]
#[allow(dead_code, reason = "the shared client has more than these tests use")]
mod client;

use client::{pos, read, uri, Client};
use lsp_types::request::HoverRequest;
use lsp_types::{
    HoverParams, NumberOrString, TextDocumentIdentifier, TextDocumentPositionParams,
    WorkDoneProgressParams,
};
use serde_json::Value;

const SHARING: &str = "policies/binzhou/sharing.dlx";
const MEASURES: &str = "policies/binzhou/measures.dlx";

/// The hover's text at the first `needle` of `rel`, `into` characters in.
fn hover(c: &mut Client, rel: &str, needle: &str, into: usize) -> String {
    let text = read(rel);
    let params = HoverParams {
        text_document_position_params: TextDocumentPositionParams {
            text_document: TextDocumentIdentifier { uri: uri(rel) },
            position: pos(&text, needle, 0, into),
        },
        work_done_progress_params: WorkDoneProgressParams::default(),
    };
    let v: Value = c.request::<HoverRequest>(params);
    v.pointer("/contents/value")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

#[test]
fn hover_in_chinese_for_zh_cn_and_in_english_for_en() {
    let mut zh = Client::start_locale("zh-CN");
    let rule = hover(&mut zh, SHARING, "within reply_period", 9);
    let regulation = hover(&mut zh, SHARING, "extends shandong", 9);
    let article = hover(&mut zh, MEASURES, "article 22", 3);
    zh.shutdown();
    let mut en = Client::start_locale("en");
    let rule_en = hover(&mut en, SHARING, "within reply_period", 9);
    let article_en = hover(&mut en, MEASURES, "article 22", 3);
    en.shutdown();

    assert!(rule.contains("包 `shandong`"), "{rule}");
    assert!(rule_en.contains("package `shandong`"), "{rule_en}");
    assert!(!regulation.is_empty());
    assert!(article.contains("在工作区中被引用"), "{article}");
    assert!(
        article_en.contains("time(s) in the workspace"),
        "{article_en}"
    );
    for text in [&rule, &article] {
        for english in [
            "package `",
            "cited ",
            "time(s)",
            "replaces the",
            "in force:",
        ] {
            assert!(!text.contains(english), "English `{english}` in:\n{text}");
        }
    }
}

#[test]
fn without_a_locale_the_server_speaks_chinese() {
    let mut c = Client::start_with(serde_json::json!({
        "processId": null,
        "rootUri": datalex_lsp::uri::from_path(&client::repo()).unwrap().as_str(),
        "capabilities": {},
    }));
    let article = hover(&mut c, MEASURES, "article 22", 3);
    c.shutdown();
    assert!(article.contains("在工作区中被引用"), "{article}");
}

#[test]
fn a_diagnostic_in_chinese_with_its_code() {
    let mut c = Client::start_locale("zh-CN");
    let text = read(SHARING).replacen("§20.2.2", "§99", 1);
    c.open(SHARING, &text);
    let published = c.diagnostics(SHARING, 1).diagnostics;
    c.shutdown();
    let d = published
        .iter()
        .find(|d| d.code == Some(NumberOrString::String("E0104".into())))
        .unwrap_or_else(|| panic!("no E0104 in {published:?}"));
    assert!(d.message.contains("没有第九十九条"), "{}", d.message);
}
