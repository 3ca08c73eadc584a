//! Which project a document belongs to, and what that changes, over the in-memory connection:
//! the `policies` setting however spelt loads each file once; several workspace folders are
//! several projects; a document outside the policy folder adds no compile to an edit of the
//! policies; a file that stops parsing is still known as it last parsed; rename refuses what
//! it cannot rename everywhere; files changed on disk are read again when the client says so.
//! (`tests/lsp_stdio.rs` runs the binary over stdio with the workspace folder at the
//! repository, at `policies/binzhou` and at nothing.)

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "tests may fail loudly"
)]

#[path = "support/client.rs"]
#[allow(dead_code, reason = "each test file uses part of the client")]
mod client;

use client::{pos, read, repo, uri, Client};
use lsp_types::request::{Completion, HoverRequest};
use lsp_types::{
    CompletionParams, HoverParams, Position, Range, TextDocumentIdentifier,
    TextDocumentPositionParams, Uri,
};
use serde_json::{json, Value};
use std::collections::BTreeSet;

const SHARING: &str = "policies/binzhou/sharing.dlx";

fn start(folders: &[&str], options: Value) -> Client {
    let folders: Vec<Value> = folders
        .iter()
        .map(|f| json!({"uri": datalex_lsp::uri::from_path(&repo().join(f)).unwrap().as_str(), "name": f}))
        .collect();
    Client::start_with(json!({
        "processId": null,
        "workspaceFolders": folders,
        "initializationOptions": options,
        "capabilities": {},
    }))
}

fn at_uri(u: &Uri, position: Position) -> TextDocumentPositionParams {
    TextDocumentPositionParams {
        text_document: TextDocumentIdentifier { uri: u.clone() },
        position,
    }
}

fn hover(c: &mut Client, u: &Uri, position: Position) -> String {
    let v = c.request::<HoverRequest>(HoverParams {
        text_document_position_params: at_uri(u, position),
        work_done_progress_params: Default::default(),
    });
    v["contents"]["value"].as_str().unwrap_or("").to_string()
}

/// The labels of the completion at `position`.
fn completion(c: &mut Client, u: &Uri, position: Position) -> Vec<String> {
    let v = c.request::<Completion>(CompletionParams {
        text_document_position: at_uri(u, position),
        work_done_progress_params: Default::default(),
        partial_result_params: Default::default(),
        context: None,
    });
    v.as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap().to_string())
        .collect()
}

/// The rename of the name at `position` to `new`: the edits as (URI, range), or the error.
fn rename(
    c: &mut Client,
    u: &Uri,
    position: Position,
    new: &str,
) -> Result<Vec<(String, Value)>, String> {
    let r = c.request_raw(
        "textDocument/rename",
        json!({"newName": new, "textDocument": {"uri": u.as_str()}, "position": position}),
    );
    if let Some(e) = r.error {
        return Err(e.message);
    }
    let v = r.result.unwrap();
    let mut out = Vec::new();
    for doc in v["documentChanges"].as_array().unwrap() {
        for e in doc["edits"].as_array().unwrap() {
            out.push((
                doc["textDocument"]["uri"].as_str().unwrap().to_string(),
                e["range"].clone(),
            ));
        }
    }
    Ok(out)
}

/// Every diagnostic published so far (a round trip first, so that all have arrived).
fn published(c: &mut Client, u: &Uri) -> Vec<Value> {
    hover(c, u, Position::default());
    c.notifications
        .iter()
        .filter(|n| n.method == "textDocument/publishDiagnostics")
        .flat_map(|n| {
            n.params["diagnostics"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .collect()
}

/// How many compiles the server has reported (`datalex/compiled`), after a round trip.
fn compiles(c: &mut Client, u: &Uri) -> u64 {
    hover(c, u, Position::default());
    c.notifications
        .iter()
        .filter(|n| n.method == datalex_lsp::server::COMPILED)
        .filter_map(|n| n.params["total"].as_u64())
        .max()
        .unwrap_or(0)
}

#[test]
fn the_policies_setting_loads_each_file_once_however_it_is_spelt() {
    let absolute = repo().join("policies").display().to_string();
    for setting in [
        "policies",
        "./policies/",
        "policies//",
        "policies/binzhou/..",
        absolute.as_str(),
    ] {
        let mut c = start(&["."], json!({"policies": setting}));
        let text = read(SHARING);
        c.open(SHARING, &text);
        assert_eq!(
            c.diagnostics(SHARING, 1).diagnostics,
            Vec::new(),
            "{setting}"
        );
        assert_eq!(
            published(&mut c, &uri(SHARING)),
            Vec::<Value>::new(),
            "{setting}"
        );
        // Each place once, in the five files that use it.
        let edits = rename(
            &mut c,
            &uri(SHARING),
            pos(&text, "within reply_period", 0, 9),
            "provider_reply_period",
        )
        .unwrap();
        let distinct: BTreeSet<String> = edits.iter().map(|(u, r)| format!("{u} {r}")).collect();
        let files: BTreeSet<&str> = edits.iter().map(|(u, _)| u.as_str()).collect();
        assert_eq!(
            (edits.len(), distinct.len(), files.len()),
            (9, 9, 5),
            "{setting}"
        );
        c.shutdown();
    }
}

#[test]
fn several_workspace_folders_are_several_projects() {
    // The repository, and the amendment fixture, a project of its own (its `policies/`).
    let mut c = start(&[".", "tests/amendment"], json!({}));
    const RULES: &str = "tests/amendment/policies/amend/sharing.dlx";
    let rules = read(RULES);
    c.open(RULES, &rules);
    c.open(SHARING, &read(SHARING));
    // Each compiled with its own policies: no false diagnostic in either (the fixture has
    // the warnings of its own overlapping rules, as `datalex check` on it says).
    let fixture = c.diagnostics(RULES, 1).diagnostics;
    assert!(
        fixture
            .iter()
            .all(|d| d.severity == Some(lsp_types::DiagnosticSeverity::WARNING)),
        "{fixture:?}"
    );
    assert_eq!(c.diagnostics(SHARING, 1).diagnostics, Vec::new());
    let errors: Vec<Value> = published(&mut c, &uri(SHARING))
        .into_iter()
        .filter(|d| d["severity"] == 1)
        .collect();
    assert_eq!(errors, Vec::<Value>::new());
    // The fixture's citations find its regulation (a file not open).
    let shown = hover(&mut c, &uri(RULES), pos(&rules, "§5@2023-01-01", 0, 1));
    assert!(shown.contains("15个工作日内予以答复"), "{shown}");
    c.shutdown();
}

#[test]
fn a_document_outside_the_policies_adds_no_compile_to_an_edit_of_them() {
    let mut c = start(&["."], json!({"reportCompiles": true}));
    let draft = "scratch/draft.dlx";
    c.open(
        draft,
        "package binzhou\n\nrule not_shared on share cites §20.2.3\n  when dataset.share == not_shared\n  => deny not_shared \"……\"\n",
    );
    // Compiled with the policies (so it clashes with binzhou's rule), on its own.
    let codes: Vec<_> = c
        .diagnostics(draft, 1)
        .diagnostics
        .into_iter()
        .map(|d| d.code)
        .collect();
    assert_eq!(
        codes,
        vec![Some(lsp_types::NumberOrString::String("E0106".into()))]
    );
    let text = read(SHARING);
    c.open(SHARING, &text);
    c.diagnostics(SHARING, 1);
    let u = uri(SHARING);
    // An edit of a policy file: one compile, not one more for the draft.
    let before = compiles(&mut c, &u);
    let at = pos(&text, "requester.id not in", 0, "requester.".len());
    let range = Range {
        start: at,
        end: Position {
            character: at.character + 2,
            ..at
        },
    };
    c.edit(SHARING, 2, range, "ident");
    assert_eq!(c.diagnostics(SHARING, 2).diagnostics.len(), 1);
    assert_eq!(compiles(&mut c, &u) - before, 1, "an edit of the policies");
    // An edit of the draft: one compile (the policies did not change).
    let before = compiles(&mut c, &u);
    c.edit(
        draft,
        2,
        Range {
            start: Position::new(1, 0),
            end: Position::new(1, 0),
        },
        "// a note\n",
    );
    c.diagnostics(draft, 2);
    assert_eq!(compiles(&mut c, &u) - before, 1, "an edit of the draft");
    c.shutdown();
}

#[test]
fn a_rule_that_stops_parsing_is_known_as_it_last_parsed() {
    let mut c = start(&["."], json!({}));
    let text = read(SHARING);
    c.open(SHARING, &text);
    c.diagnostics(SHARING, 1);
    // Break the header of binzhou's `conditional_share` before its citations.
    let header = "override rule conditional_share on share";
    let at = pos(&text, header, 0, header.len());
    c.edit(SHARING, 2, Range { start: at, end: at }, " ==");
    let broken = c.diagnostics(SHARING, 2);
    assert!(
        broken
            .diagnostics
            .iter()
            .any(|d| d.code == Some(lsp_types::NumberOrString::String("E0001".into()))),
        "{:?}",
        broken.diagnostics
    );
    let edited = c.text_of(uri(SHARING).as_str());
    // Hover on its citation (after the edit, so moved) still shows the text cited.
    let shown = hover(&mut c, &uri(SHARING), pos(&edited, "§20.2.2", 0, 3));
    assert!(shown.contains("第二十条第二款第二项"), "{shown}");
    // Its rule is still a rule of binzhou for `over` in another rule.
    let needle = "exception share_conditions_not_met over ";
    let labels = completion(&mut c, &uri(SHARING), pos(&edited, needle, 0, needle.len()));
    assert!(
        labels.iter().any(|l| l == "conditional_share"),
        "{labels:?}"
    );
    // Rename of a name it uses is refused: where the name is in it is not known for sure.
    let e = rename(
        &mut c,
        &uri(SHARING),
        pos(&edited, "within reply_period", 1, 9),
        "provider_reply_period",
    )
    .unwrap_err();
    assert!(e.contains("does not parse"), "{e}");
    c.shutdown();
}

#[test]
fn a_regulation_being_written_still_gives_its_articles() {
    let mut c = start(&["."], json!({}));
    // Break binzhou's regulation (an article left open).
    const MEASURES: &str = "policies/binzhou/measures.dlx";
    let measures = read(MEASURES);
    let at = pos(&measures, "article 22", 0, 0);
    c.open(MEASURES, &measures);
    c.edit(
        MEASURES,
        2,
        Range { start: at, end: at },
        "article 999 \"unfinished\n",
    );
    assert!(!c.diagnostics(MEASURES, 2).diagnostics.is_empty());
    // Citations of it elsewhere still hover, and `§` still completes its articles.
    let text = read(SHARING);
    let shown = hover(&mut c, &uri(SHARING), pos(&text, "§20.2.2", 0, 3));
    assert!(shown.contains("> 有条件共享类公共数据"), "{shown}");
    let needle = "override rule not_shared on share cites §20.2.3";
    let end = text.find(needle).unwrap() + needle.len();
    let with = format!("{}, §{}", &text[..end], &text[end..]);
    c.open(SHARING, &with);
    let position = datalex_lsp::text::LineIndex::new(&with).position(&with, end + ", §".len());
    let labels = completion(&mut c, &uri(SHARING), position);
    assert!(
        labels.iter().any(|l| l == "20") && labels.len() > 40,
        "{labels:?}"
    );
    c.shutdown();
}

#[test]
fn rename_refuses_a_name_of_the_prelude() {
    let mut c = start(&["."], json!({}));
    let text = read(SHARING);
    let at = pos(&text, "when dataset is missing", 0, 6);
    let e = rename(&mut c, &uri(SHARING), at, "the_dataset").unwrap_err();
    assert!(e.contains("prelude"), "{e}");
    let prepared = c.request_raw(
        "textDocument/prepareRename",
        json!({"textDocument": {"uri": uri(SHARING).as_str()}, "position": at}),
    );
    assert!(
        prepared
            .error
            .is_some_and(|e| e.message.contains("prelude")),
        "prepareRename refuses too"
    );
    c.shutdown();
}

/// A project in a scratch folder: a file the server is not told about is not renamed into
/// (refused); once the client reports it (`workspace/didChangeWatchedFiles`), it is read and
/// renamed like the others, and its diagnostics are published.
#[test]
fn files_changed_on_disk_are_read_when_the_client_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let pkg = dir.path().join("policies/demo");
    std::fs::create_dir_all(&pkg).unwrap();
    let a = pkg.join("a.dlx");
    let a_text =
        "package demo\nregulation r \"R\" { article 1 \"一\" }\nparam wait = 10 days cites §1\n";
    std::fs::write(&a, a_text).unwrap();
    let root = datalex_lsp::uri::from_path(dir.path()).unwrap();
    let mut c = Client::start_with(json!({
        "processId": null,
        "rootUri": root.as_str(),
        "capabilities": {},
    }));
    let a_uri = datalex_lsp::uri::from_path(&a).unwrap();
    let at = datalex_lsp::text::LineIndex::new(a_text)
        .position(a_text, a_text.find("wait").unwrap() + 1);
    assert_eq!(rename(&mut c, &a_uri, at, "delay").unwrap().len(), 1);
    // A new file on disk that uses it (and has an error).
    let b = pkg.join("b.dlx");
    std::fs::write(
        &b,
        "package demo\nguard g on share cites §1\n  when request.at > request.at + wait\n  and dataset.nope\n  => deny x \"y\"\n",
    )
    .unwrap();
    let e = rename(&mut c, &a_uri, at, "delay").unwrap_err();
    assert!(e.contains("b.dlx") && e.contains("not loaded"), "{e}");
    let b_uri = datalex_lsp::uri::from_path(&b).unwrap();
    c.notify::<lsp_types::notification::DidChangeWatchedFiles>(
        lsp_types::DidChangeWatchedFilesParams {
            changes: vec![lsp_types::FileEvent {
                uri: b_uri.clone(),
                typ: lsp_types::FileChangeType::CREATED,
            }],
        },
    );
    let edits = rename(&mut c, &a_uri, at, "delay").unwrap();
    let files: BTreeSet<&str> = edits.iter().map(|(u, _)| u.as_str()).collect();
    assert_eq!(files.len(), 2, "{edits:?}");
    // Published when no message waits: ask (a bounded number of times) until it has come.
    let has_nope = |d: &[Value]| {
        d.iter()
            .any(|d| d["message"].as_str().unwrap_or("").contains("nope"))
    };
    let mut d = published(&mut c, &a_uri);
    for _ in 0..200 {
        if has_nope(&d) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
        d = published(&mut c, &a_uri);
    }
    assert!(has_nope(&d), "{d:?}");
    // Deleted: it goes, and its diagnostics are cleared.
    std::fs::remove_file(&b).unwrap();
    c.notify::<lsp_types::notification::DidChangeWatchedFiles>(
        lsp_types::DidChangeWatchedFilesParams {
            changes: vec![lsp_types::FileEvent {
                uri: b_uri.clone(),
                typ: lsp_types::FileChangeType::DELETED,
            }],
        },
    );
    assert_eq!(rename(&mut c, &a_uri, at, "delay").unwrap().len(), 1);
    // The server publishes when no message waits, so the clearing publish may come after the
    // answer to any one request: ask (a bounded number of times) until it has come.
    let last_of_b = |c: &Client| {
        c.notifications
            .iter()
            .rev()
            .find(|n| {
                n.method == "textDocument/publishDiagnostics" && n.params["uri"] == b_uri.as_str()
            })
            .map(|n| n.params["diagnostics"].clone())
    };
    for _ in 0..200 {
        hover(&mut c, &a_uri, Position::default());
        if last_of_b(&c) == Some(json!([])) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert_eq!(last_of_b(&c), Some(json!([])));
    c.shutdown();
}
