//! The language server driven through the protocol over an in-memory connection, on the real
//! files of `policies/` (read from the repository, never written): every feature, snapshotted
//! with insta (`lsp/tests/snapshots/`). Positions are found by searching the files' text, so a
//! snapshot changes only when what the server answers changes.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "tests may fail loudly"
)]

#[path = "support/client.rs"]
mod client;

use client::{pos, read, redact, uri, Client};
use lsp_types::request::{
    Completion, DocumentHighlightRequest, DocumentSymbolRequest, Formatting, GotoDefinition,
    HoverRequest, PrepareRenameRequest, References,
};
use lsp_types::{
    CompletionParams, DocumentFormattingParams, DocumentHighlightParams, DocumentSymbolParams,
    FormattingOptions, GotoDefinitionParams, HoverParams, NumberOrString, Position, Range,
    ReferenceContext, ReferenceParams, RenameParams, TextDocumentIdentifier,
    TextDocumentPositionParams,
};
use serde_json::Value;

const SHARING: &str = "policies/binzhou/sharing.dlx";
const MEASURES: &str = "policies/binzhou/measures.dlx";
const SHANDONG: &str = "policies/shandong/measures.dlx";

fn at(rel: &str, position: Position) -> TextDocumentPositionParams {
    TextDocumentPositionParams {
        text_document: TextDocumentIdentifier { uri: uri(rel) },
        position,
    }
}

/// The hover at the `nth` `needle` of a file, rendered: where, the range it covers, the text.
fn hover_at(c: &mut Client, rel: &str, needle: &str, nth: usize, into: usize) -> String {
    let text = read(rel);
    let p = at(rel, pos(&text, needle, nth, into));
    let v = c.request::<HoverRequest>(HoverParams {
        text_document_position_params: p,
        work_done_progress_params: Default::default(),
    });
    if v.is_null() {
        return format!("hover on `{needle}` in {rel}: nothing");
    }
    let range: Range = serde_json::from_value(v["range"].clone()).unwrap();
    format!(
        "hover on `{needle}` at {}\n\n{}",
        c.render_range(uri(rel).as_str(), range),
        v["contents"]["value"].as_str().unwrap()
    )
}

fn definition(c: &mut Client, rel: &str, needle: &str, nth: usize, into: usize) -> String {
    definition_in(c, rel, &read(rel), needle, nth, into)
}

/// The definition of the name at the `nth` `needle` of `text`, the text of `rel`.
fn definition_in(
    c: &mut Client,
    rel: &str,
    text: &str,
    needle: &str,
    nth: usize,
    into: usize,
) -> String {
    let v = c.request::<GotoDefinition>(GotoDefinitionParams {
        text_document_position_params: at(rel, pos(text, needle, nth, into)),
        work_done_progress_params: Default::default(),
        partial_result_params: Default::default(),
    });
    format!(
        "definition of `{needle}` ({rel}):\n{}",
        c.render_locations(&v)
    )
}

fn references(c: &mut Client, rel: &str, needle: &str, nth: usize, into: usize) -> String {
    references_in(c, rel, &read(rel), needle, nth, into)
}

/// The references of the name at the `nth` `needle` of `text`, the text of `rel`.
fn references_in(
    c: &mut Client,
    rel: &str,
    text: &str,
    needle: &str,
    nth: usize,
    into: usize,
) -> String {
    let v = c.request::<References>(ReferenceParams {
        text_document_position: at(rel, pos(text, needle, nth, into)),
        work_done_progress_params: Default::default(),
        partial_result_params: Default::default(),
        context: ReferenceContext {
            include_declaration: true,
        },
    });
    format!(
        "references of `{needle}` ({rel}):\n{}",
        c.render_locations(&v)
    )
}

#[test]
fn initialize_announces_incremental_sync_and_every_feature() {
    let c = Client::start();
    insta::assert_json_snapshot!("initialize", redact(c.initialize_result.clone().unwrap()));
    c.shutdown();
}

#[test]
fn hover_shows_article_text_declarations_and_field_types() {
    let mut c = Client::start();
    let cases = [
        // A citation of an item: its label and text.
        hover_at(&mut c, SHARING, "§20.2.2", 0, 3),
        // A citation of a whole article with paragraphs, named with its regulation.
        hover_at(&mut c, "policies/binzhou/catalog.dlx", "§12", 0, 1),
        // `§45.3` of a one-paragraph article is item 3.
        hover_at(&mut c, SHARING, "§45.3", 0, 1),
        // An article in the regulation's text: how often it is cited.
        hover_at(&mut c, MEASURES, "article 22", 0, 3),
        // A value used in a rule: its declaration, package and citations.
        hover_at(&mut c, SHARING, "effective_share == unconditional", 0, 3),
        // A param from the base package.
        hover_at(&mut c, SHARING, "within reply_period", 0, 9),
        // An interpretation named in a citation (`reading`).
        hover_at(&mut c, SHARING, "reading unfounded_restriction", 0, 12),
        // A rule named after `over`: binzhou's replacement of shandong's rule.
        hover_at(&mut c, SHARING, "over conditional_share", 0, 8),
        // Fields: a record's field, its type and documentation.
        hover_at(&mut c, SHARING, "share_conditions.institutions", 0, 20),
        hover_at(&mut c, SHARING, "request.scenario", 0, 10),
        hover_at(&mut c, SHARING, "e.scenario", 0, 4),
        // A quantifier variable, an enum member, a fact, `request`.
        hover_at(&mut c, SHARING, "any b in", 0, 4),
        hover_at(&mut c, SHARING, "administrative_regulation", 0, 3),
        hover_at(&mut c, SHARING, "emergencies where", 0, 3),
        hover_at(&mut c, SHARING, "request.at", 0, 3),
        // A package and a regulation.
        hover_at(&mut c, SHARING, "extends shandong", 0, 9),
        hover_at(&mut c, SHANDONG, "shandong-2019 §?", 1, 3),
        // Nothing to say inside a string.
        hover_at(&mut c, SHARING, "申请单位不在", 0, 3),
    ];
    insta::assert_snapshot!("hover", cases.join("\n\n════════\n\n"));
    c.shutdown();
}

#[test]
fn hover_on_an_amended_article_shows_each_version_with_its_period() {
    let mut c = Client::start();
    // The fixture of tests/amendment.rs (outside `policies/`): article 5 says 15 working days
    // as enacted, 10 from 2025-01-01, when a second paragraph is added.
    const REG: &str = "tests/amendment/policies/amend/regulation.dlx";
    const RULES: &str = "tests/amendment/policies/amend/sharing.dlx";
    c.open(REG, &read(REG));
    c.open(RULES, &read(RULES));
    let cases = [
        // A citation of a version: that version's text, the other with its period.
        hover_at(&mut c, RULES, "§5@2023-01-01", 0, 1),
        hover_at(&mut c, RULES, "§5.1@2025-01-01", 0, 1),
        // A paragraph only the amended text has: the earlier version lacks it.
        hover_at(&mut c, RULES, "§5.2", 0, 1),
        // The amendment in the regulation's own text, and an article repealed at the end of 2024.
        hover_at(&mut c, REG, "article 5 from", 0, 3),
        hover_at(&mut c, RULES, "§6", 0, 1),
        // A rule: its declaration with the text of the versions it cites.
        hover_at(&mut c, RULES, "rule conditional_share_as_enacted", 0, 6),
        // The regulation: rank, territory, period, and which articles have versions.
        hover_at(&mut c, REG, "amend-2023 \"", 0, 3),
    ];
    let text = cases.join("\n\n════════\n\n");
    assert!(text.contains("15个工作日内予以答复") && text.contains("10个工作日内予以答复"));
    assert!(text.contains("2023-01-01–2024-12-31: "), "{text}");
    insta::assert_snapshot!("hover_amended", text);
    c.shutdown();
}

#[test]
fn definition_and_references_across_files() {
    let mut c = Client::start();
    let cases = [
        // A param of the base package.
        definition(&mut c, SHARING, "reply_period", 0, 2),
        // `over` names binzhou's replacement; the replacement's name leads to shandong's rule.
        definition(&mut c, SHARING, "over conditional_share", 0, 8),
        definition(&mut c, SHARING, "override rule conditional_share", 0, 18),
        // A citation: the item of the regulation's text; a named regulation.
        definition(&mut c, SHARING, "§20.2.2", 0, 3),
        definition(&mut c, SHARING, "shandong-2019 §?", 0, 3),
        // Packages across files, a value of the prelude, a field, a kind.
        definition(&mut c, SHARING, "extends shandong", 0, 9),
        definition(&mut c, SHARING, "dataset.share_conditions", 0, 2),
        definition(&mut c, SHARING, "dataset.share_conditions", 0, 10),
        definition(&mut c, SHARING, "on share", 0, 4),
        // A quantifier variable.
        definition(&mut c, SHARING, "e.start", 0, 0),
    ];
    insta::assert_snapshot!("definition", cases.join("\n\n"));
    let cases = [
        // A rule and the layers that replace it, and what names it after `over`.
        references(&mut c, SHANDONG, "rule conditional_share", 0, 6),
        // A value, across files.
        references(&mut c, SHARING, "value effective_share", 0, 8),
        // A param used in another package.
        references(&mut c, SHANDONG, "param reply_period", 0, 8),
        // An article: every citation of it or its parts, and its coverage note.
        references(&mut c, SHARING, "§20.2.2", 0, 2),
        // A package.
        references(&mut c, SHANDONG, "package shandong", 0, 9),
    ];
    insta::assert_snapshot!("references", cases.join("\n\n"));
    c.shutdown();
}

/// The document highlights of the name at the `nth` `needle` of a file: each range with its
/// kind.
fn highlights(c: &mut Client, rel: &str, needle: &str, nth: usize, into: usize) -> String {
    let text = read(rel);
    let v = c.request::<DocumentHighlightRequest>(DocumentHighlightParams {
        text_document_position_params: at(rel, pos(&text, needle, nth, into)),
        work_done_progress_params: Default::default(),
        partial_result_params: Default::default(),
    });
    let mut out = format!("highlights of `{needle}` ({rel}):");
    for h in v.as_array().into_iter().flatten() {
        let range: Range = serde_json::from_value(h["range"].clone()).unwrap();
        let kind = match h["kind"].as_u64() {
            Some(2) => "read",
            Some(3) => "write",
            _ => "text",
        };
        out.push_str(&format!(
            "\n  {kind} {}",
            c.render_range(uri(rel).as_str(), range)
        ));
    }
    out
}

#[test]
fn document_highlights_are_the_names_of_one_symbol_in_the_file() {
    let mut c = Client::start();
    let cases = [
        // A value declared and used in the file.
        highlights(&mut c, SHARING, "value effective_share", 0, 8),
        // A param of the base package, used here: its uses only.
        highlights(&mut c, SHARING, "within reply_period", 0, 9),
        // A rule named after `over`: the uses in this file of binzhou's replacement.
        highlights(&mut c, SHARING, "over conditional_share", 0, 8),
        // A quantifier variable: its binding and uses.
        highlights(&mut c, SHARING, "e.start", 0, 0),
        // A citation: every citation of the article or its parts in the file.
        highlights(&mut c, SHARING, "§20.2.2", 0, 2),
        // A keyword: nothing.
        highlights(&mut c, SHARING, "value effective_share", 0, 2),
    ];
    let result = cases.join("\n\n");
    assert!(result.contains("write"), "{result}");
    insta::assert_snapshot!("highlights", result);
    c.shutdown();
}

/// Completion at the end of `text` inserted at the `nth` `needle` of a file (the file is
/// opened with the insertion), rendered one item a line.
fn complete(c: &mut Client, rel: &str, needle: &str, insert: &str) -> String {
    let original = read(rel);
    let at_byte = original.find(needle).unwrap() + needle.len();
    let text = format!("{}{insert}{}", &original[..at_byte], &original[at_byte..]);
    c.open(rel, &text);
    let position = datalex_lsp::text::LineIndex::new(&text).position(&text, at_byte + insert.len());
    let v = c.request::<Completion>(CompletionParams {
        text_document_position: at(rel, position),
        work_done_progress_params: Default::default(),
        partial_result_params: Default::default(),
        context: None,
    });
    let items = v.as_array().cloned().unwrap_or_default();
    let lines: Vec<String> = items
        .iter()
        .map(|i| {
            let mut l = format!("{} ({})", i["label"].as_str().unwrap(), i["kind"]);
            if let Some(d) = i["detail"].as_str() {
                l.push_str(&format!(" — {d}"));
            }
            if let Some(e) = i.get("textEdit") {
                l.push_str(&format!(
                    " [edit {} → {}]",
                    e["range"]["start"]["character"], e["newText"]
                ));
            }
            l
        })
        .collect();
    format!(
        "completion after `{needle}{insert}` in {rel} ({} items):\n{}",
        items.len(),
        lines.join("\n")
    )
}

#[test]
fn completion_of_fields_members_articles_rules_and_keywords() {
    let mut c = Client::start();
    let mut cases = vec![
        // Fields after `.`: of a prelude value, of a field, of `request`, of a quantifier
        // variable, of a fact lookup.
        complete(
            &mut c,
            SHARING,
            "when dataset is missing\n",
            "  and dataset.",
        ),
        complete(
            &mut c,
            SHARING,
            "when dataset is missing\n",
            "  and dataset.share_conditions.",
        ),
        complete(
            &mut c,
            "policies/binzhou/opening.dlx",
            "when dataset.open == unconditional",
            " and request.requester.",
        ),
        complete(&mut c, SHARING, "any e in covering_emergencies", " and e."),
        complete(
            &mut c,
            SHARING,
            "when dataset is missing\n",
            "  and institutions[dataset.provider].",
        ),
        // Enum members: after `==` with an enum, in a set after `in`, and `Enum.`.
        complete(
            &mut c,
            SHARING,
            "when effective_share == unconditional",
            " and dataset.security_level >= ",
        ),
        complete(
            &mut c,
            SHARING,
            "when effective_share == unconditional",
            " and dataset.open in {conditional, ",
        ),
        complete(
            &mut c,
            SHARING,
            "when effective_share == unconditional",
            " and effective_share == ShareTier.",
        ),
        // Article numbers in citations: articles, the items of a paragraph, a named regulation.
        complete(
            &mut c,
            SHARING,
            "override rule not_shared on share cites §20.2.3",
            ", §",
        ),
        complete(
            &mut c,
            SHARING,
            "override rule not_shared on share cites §20.2.3",
            ", §20.2.",
        ),
        complete(
            &mut c,
            SHARING,
            "override rule not_shared on share cites §20.2.3",
            ", §45.",
        ),
        complete(
            &mut c,
            "policies/binzhou/development.dlx",
            "package binzhou\n",
            "\nparam x = 1 day cites national-2025 §",
        ),
    ];
    // Rules after `over`, kinds after `on`.
    cases.push(complete(
        &mut c,
        SHARING,
        "exception emergency_adjustment_pending over ",
        "",
    ));
    cases.push(complete(
        &mut c,
        "policies/binzhou/opening.dlx",
        "rule not_open on ",
        "",
    ));
    insta::assert_snapshot!("completion", cases.join("\n\n"));

    // Keywords and the names in scope, in an expression and at the start of a declaration.
    let names = complete(&mut c, SHARING, "when dataset is missing\n", "  and resp");
    assert!(
        names.contains("covering_emergencies (6) — value: [Emergency]"),
        "{names}"
    );
    assert!(
        names.contains("reply_period (21) — param: Duration (package `shandong`)"),
        "{names}"
    );
    assert!(names.contains("catalog (10) — fact"), "{names}");
    assert!(names.contains("request (6)"), "{names}");
    assert!(names.contains("\nand (14)"), "{names}");
    let start = complete(
        &mut c,
        SHARING,
        "\"仅可用于突发公共事件处置，事件结束后不得继续使用。\"\n}\n",
        "\ngu",
    );
    assert!(
        start.contains("(20 items)"),
        "the declaration keywords: {start}"
    );
    assert!(
        start.contains("\ninterpretation (14) — declaration"),
        "{start}"
    );
    assert!(start.contains("\nguard (14) — declaration"), "{start}");
    // Nothing inside a string or a comment.
    let in_string = complete(
        &mut c,
        SHARING,
        "=> deny purpose_outside_duties\n       \"申请",
        "",
    );
    assert!(in_string.contains("(0 items)"), "{in_string}");
    c.shutdown();
}

#[test]
fn document_symbols_outline_regulations_articles_and_rules() {
    let mut c = Client::start();
    let render = |c: &mut Client, rel: &str| {
        let v = c.request::<DocumentSymbolRequest>(DocumentSymbolParams {
            text_document: TextDocumentIdentifier { uri: uri(rel) },
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
        });
        let mut out = format!("outline of {rel}:\n");
        fn walk(v: &Value, depth: usize, out: &mut String) {
            for s in v.as_array().into_iter().flatten() {
                let r = &s["range"];
                out.push_str(&format!(
                    "{}{} [{}] {} ({}-{})\n",
                    "  ".repeat(depth),
                    s["name"].as_str().unwrap(),
                    s["kind"],
                    s["detail"].as_str().unwrap_or(""),
                    r["start"]["line"].as_u64().unwrap() + 1,
                    r["end"]["line"].as_u64().unwrap() + 1,
                ));
                walk(&s["children"], depth + 1, out);
            }
        }
        walk(&v, 0, &mut out);
        out
    };
    let outlines = [
        render(&mut c, MEASURES),
        render(&mut c, SHARING),
        render(&mut c, "policies/zunyi/plan.dlx"),
    ];
    insta::assert_snapshot!("document_symbols", outlines.join("\n"));
    c.shutdown();
}

#[test]
fn formatting_is_datalex_fmt() {
    let mut c = Client::start();
    let format = |c: &mut Client, rel: &str| {
        c.request::<Formatting>(DocumentFormattingParams {
            text_document: TextDocumentIdentifier { uri: uri(rel) },
            options: FormattingOptions {
                tab_size: 2,
                insert_spaces: true,
                ..Default::default()
            },
            work_done_progress_params: Default::default(),
        })
    };
    // A canonical file: nothing to change.
    assert_eq!(format(&mut c, SHARING), serde_json::json!([]));
    // A file in another layout: the lines that change, and applying the edit gives exactly
    // what `datalex fmt` writes.
    let original = read("policies/binzhou/opening.dlx");
    let messy = original
        .replace(
            "  when dataset.open == conditional",
            "      when   dataset.open==conditional",
        )
        .replace(
            "otherwise on open cites §4\n  =>",
            "otherwise   on open\n cites §4 =>",
        );
    c.open("policies/binzhou/opening.dlx", &messy);
    let edits = format(&mut c, "policies/binzhou/opening.dlx");
    let edits: Vec<lsp_types::TextEdit> = serde_json::from_value(edits.clone()).unwrap();
    let ix = datalex_lsp::text::LineIndex::new(&messy);
    let mut formatted = messy.clone();
    for e in edits.iter().rev() {
        let (s, t) = (
            ix.offset(&messy, e.range.start),
            ix.offset(&messy, e.range.end),
        );
        formatted.replace_range(s..t, &e.new_text);
    }
    assert_eq!(formatted, datalex_lang::format::format(&messy).unwrap());
    assert_eq!(formatted, original);
    insta::assert_json_snapshot!("formatting", edits);
    // A file that does not parse is left alone.
    c.open("policies/binzhou/opening.dlx", "package binzhou\nrule {\n");
    assert_eq!(format(&mut c, "policies/binzhou/opening.dlx"), Value::Null);
    c.shutdown();
}

#[test]
fn rename_rules_values_and_params() {
    let mut c = Client::start();
    let rename = |c: &mut Client, rel: &str, needle: &str, into: usize, new: &str| {
        let text = read(rel);
        let p = at(rel, pos(&text, needle, 0, into));
        let prepared = c.request::<PrepareRenameRequest>(p.clone());
        let r = c.request_raw(
            "textDocument/rename",
            serde_json::to_value(RenameParams {
                text_document_position: p,
                new_name: new.into(),
                work_done_progress_params: Default::default(),
            })
            .unwrap(),
        );
        let result = match (r.result, r.error) {
            (_, Some(e)) => format!("error {}: {}", e.code, e.message),
            (Some(v), None) => {
                let mut lines = Vec::new();
                for doc in v["documentChanges"].as_array().into_iter().flatten() {
                    for e in doc["edits"].as_array().into_iter().flatten() {
                        let range: Range = serde_json::from_value(e["range"].clone()).unwrap();
                        lines.push(format!(
                            "{} → {}",
                            c.render_range(doc["textDocument"]["uri"].as_str().unwrap(), range),
                            e["newText"].as_str().unwrap()
                        ));
                    }
                }
                lines.join("\n")
            }
            (None, None) => "null".into(),
        };
        format!(
            "rename `{needle}` ({rel}) to `{new}`\nprepare: {}\n{result}",
            redact(prepared)
        )
    };
    let cases = [
        rename(
            &mut c,
            SHANDONG,
            "rule conditional_share",
            6,
            "conditional_sharing",
        ),
        rename(
            &mut c,
            SHARING,
            "effective_share == conditional",
            2,
            "share_tier",
        ),
        rename(
            &mut c,
            SHARING,
            "within reply_period",
            9,
            "provider_reply_period",
        ),
        // Chinese names are names.
        rename(
            &mut c,
            SHARING,
            "value covering_emergencies",
            8,
            "应对中的突发事件",
        ),
        // Refused: not a name, a keyword, a name already taken, something that is not a rule,
        // value or param.
        rename(&mut c, SHARING, "within reply_period", 9, "2nd period"),
        rename(&mut c, SHARING, "within reply_period", 9, "when"),
        rename(&mut c, SHARING, "within reply_period", 9, "review_interval"),
        rename(
            &mut c,
            SHARING,
            "dataset.share_conditions",
            10,
            "conditions",
        ),
    ];
    insta::assert_snapshot!("rename", cases.join("\n\n"));
    c.shutdown();
}

#[test]
fn diagnostics_arrive_after_an_edit_and_clear_after_the_fix() {
    let mut c = Client::start();
    let text = read(SHARING);
    c.open(SHARING, &text);
    let first = c.diagnostics(SHARING, 1);
    assert_eq!(
        first.diagnostics,
        Vec::new(),
        "the policies compile cleanly"
    );

    // Break a field name: `requester.id` → `requester.ident`.
    let start = pos(&text, "requester.id not in", 0, "requester.".len());
    let end = Position {
        character: start.character + 2,
        ..start
    };
    c.edit(SHARING, 2, Range { start, end }, "ident");
    let broken = c.diagnostics(SHARING, 2);
    assert_eq!(broken.diagnostics.len(), 1, "{:?}", broken.diagnostics);
    let d = &broken.diagnostics[0];
    assert_eq!(
        d.code,
        Some(NumberOrString::String(
            datalex_lang::Code::E0102.as_str().into()
        ))
    );
    assert_eq!(
        d.range,
        Range {
            start,
            end: Position {
                character: start.character + "ident".len() as u32,
                ..start
            }
        }
    );
    insta::assert_json_snapshot!(
        "diagnostics_after_edit",
        redact(serde_json::to_value(&broken).unwrap())
    );

    // Fix it: the diagnostics are cleared.
    c.edit(
        SHARING,
        3,
        Range {
            start,
            end: Position {
                character: start.character + 5,
                ..start
            },
        },
        "id",
    );
    let fixed = c.diagnostics(SHARING, 3);
    assert_eq!(fixed.diagnostics, Vec::new());
    c.shutdown();
}

#[test]
fn an_error_in_one_file_is_reported_with_related_places_in_others() {
    let mut c = Client::start();
    // A new file of binzhou (not on disk) declares a rule binzhou has: E0106 here, with the
    // first declaration (in sharing.dlx) as related information.
    let draft = "policies/binzhou/zz_draft.dlx";
    c.open(
        draft,
        "package binzhou\n\nrule not_shared on share cites §20.2.3\n  when dataset.share == not_shared\n  => deny not_shared \"……\"\n",
    );
    let p = c.diagnostics(draft, 1);
    insta::assert_json_snapshot!(
        "diagnostics_related",
        redact(serde_json::to_value(&p).unwrap())
    );
    // Closing a file that is not on disk takes it out of the workspace: its diagnostics are
    // cleared.
    c.notify::<lsp_types::notification::DidCloseTextDocument>(
        lsp_types::DidCloseTextDocumentParams {
            text_document: TextDocumentIdentifier { uri: uri(draft) },
        },
    );
    let cleared = c.diagnostics_unversioned(draft);
    assert_eq!(cleared.diagnostics, Vec::new());
    c.shutdown();
}

#[test]
fn a_file_outside_the_policies_is_compiled_on_its_own() {
    let mut c = Client::start();
    // The same draft, outside `policies/` (a scratch file, a test fixture): its own
    // diagnostics, and nothing for binzhou's files, which it cannot break.
    let draft = "scratch/draft.dlx";
    c.open(
        draft,
        "package binzhou\n\nrule not_shared on share cites §20.2.3\n  when dataset.share == not_shared\n  => deny not_shared \"……\"\n",
    );
    let p = c.diagnostics(draft, 1);
    let codes: Vec<_> = p.diagnostics.iter().map(|d| d.code.clone()).collect();
    assert_eq!(
        codes,
        vec![Some(NumberOrString::String(
            datalex_lang::Code::E0106.as_str().into()
        ))]
    );
    // A round trip: every publish of that compile has arrived.
    c.request::<HoverRequest>(HoverParams {
        text_document_position_params: at(draft, Position::default()),
        work_done_progress_params: Default::default(),
    });
    let others: Vec<_> = c
        .notifications
        .iter()
        .filter(|n| n.method == "textDocument/publishDiagnostics")
        .map(|n| n.params["uri"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(others, Vec::<String>::new());
    c.shutdown();
}

#[test]
fn a_file_outside_the_policies_is_answered_from_its_own_compile() {
    let mut c = Client::start();
    let draft = "scratch/probe.dlx";
    let text = "package binzhou\n\nrule probe_rule on share cites §20.2.3\n  when effective_share == unconditional\n  => deny not_shared \"……\"\n";
    c.open(draft, text);
    c.diagnostics(draft, 1);
    // From the draft: the value it uses is declared in binzhou's file.
    let found = definition_in(&mut c, draft, text, "effective_share", 0, 3);
    assert!(
        found.contains("policies/binzhou/sharing.dlx:108:7-108:22"),
        "{found}"
    );
    // References from the draft, and from the policy file: both compiles, each place once.
    let from_draft = references_in(&mut c, draft, text, "effective_share", 0, 3);
    let from_policy = references(&mut c, SHARING, "value effective_share", 0, 8);
    for found in [&from_draft, &from_policy] {
        assert!(found.contains("scratch/probe.dlx:4:8-4:23"), "{found}");
        assert!(
            found.contains("policies/binzhou/sharing.dlx:108:7-108:22"),
            "{found}"
        );
        let places = found.lines().skip(1).filter(|l| l.contains("probe.dlx"));
        assert_eq!(places.count(), 1, "{found}");
    }
    assert_eq!(
        from_draft.lines().skip(1).collect::<Vec<_>>(),
        from_policy.lines().skip(1).collect::<Vec<_>>()
    );
    c.shutdown();
}

#[test]
fn bad_input_is_answered_not_panicked() {
    let mut c = Client::start();
    // An unknown method.
    let r = c.request_raw("textDocument/unknownThing", serde_json::json!({}));
    assert_eq!(
        r.error.unwrap().code,
        lsp_server::ErrorCode::MethodNotFound as i32
    );
    // Parameters that do not fit.
    let r = c.request_raw("textDocument/hover", serde_json::json!({"textDocument": 3}));
    assert_eq!(
        r.error.unwrap().code,
        lsp_server::ErrorCode::InvalidParams as i32
    );
    // An unknown file, and positions past the end of a known one.
    let nowhere = TextDocumentPositionParams {
        text_document: TextDocumentIdentifier {
            uri: uri("policies/nowhere.dlx"),
        },
        position: Position::default(),
    };
    let far = at(
        SHARING,
        Position {
            line: 100_000,
            character: 100_000,
        },
    );
    for p in [nowhere, far] {
        for method in [
            "textDocument/hover",
            "textDocument/definition",
            "textDocument/completion",
        ] {
            let params =
                serde_json::json!({"textDocument": p.text_document, "position": p.position});
            let r = c.request_raw(method, params);
            assert!(r.error.is_none(), "{method}: {:?}", r.error);
        }
    }
    // Notifications about unknown documents and malformed ones are dropped.
    c.notify_raw("textDocument/didChange", serde_json::json!({"textDocument": {"uri": "file:///nowhere.dlx", "version": 2}, "contentChanges": [{"text": "x"}]}));
    c.notify_raw("textDocument/didOpen", serde_json::json!({"bogus": true}));
    // A change whose range is past the end of the document is clamped.
    c.open(SHARING, &read(SHARING));
    c.edit(
        SHARING,
        2,
        Range {
            start: Position {
                line: 9999,
                character: 3,
            },
            end: Position {
                line: 9999,
                character: 9,
            },
        },
        "\n",
    );
    assert_eq!(c.diagnostics(SHARING, 2).diagnostics, Vec::new());
    c.shutdown();
}

/// What the compiler's symbols cannot answer and the server's own resolver still does:
/// `request` (the request record of each kind of the rule), and names in and around an item
/// being edited that does not parse (the compiler does not see it; the features keep its last
/// parse).
#[test]
fn definition_answers_for_request_and_in_an_item_that_does_not_parse() {
    let mut c = Client::start();
    let found = definition(&mut c, SHARING, "request.scenario", 0, 2);
    assert!(
        found.contains("stdlib/prelude.dlx:173:8-173:20 `ShareRequest`"),
        "{found}"
    );
    let text = read(SHARING).replacen(
        "value effective_share: ShareTier",
        "value effective_share: ShareTier (((",
        1,
    );
    c.open(SHARING, &text);
    let needle = "effective_share == unconditional";
    let found = definition_in(&mut c, SHARING, &text, needle, 0, 3);
    assert!(
        found.contains("policies/binzhou/sharing.dlx:108:7-108:22 `effective_share`"),
        "{found}"
    );
    let found = references_in(&mut c, SHARING, &text, needle, 0, 3);
    assert_eq!(found.lines().count(), 7, "{found}");
    c.shutdown();
}

/// The labels of the completion at the end of `text`, opened as `rel`.
fn labels_at_end(c: &mut Client, rel: &str, text: &str) -> Vec<String> {
    c.open(rel, text);
    let position = datalex_lsp::text::LineIndex::new(text).position(text, text.len());
    let v = c.request::<Completion>(CompletionParams {
        text_document_position: at(rel, position),
        work_done_progress_params: Default::default(),
        partial_result_params: Default::default(),
        context: None,
    });
    v.as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|i| i["label"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn completion_offers_the_files_keyword_language() {
    let mut c = Client::start();
    // A file with Chinese keywords: Chinese keywords, the context read through them (after
    // `针对`, the request kinds).
    let zh = "政策包 binzhou\n\n规则 zz_r 针对 share 依据 第二条\n  当 dataset 缺失 且 ";
    let labels = labels_at_end(&mut c, "policies/binzhou/zz_zh.dlx", zh);
    for k in ["且", "或", "属于", "准予", "dataset"] {
        assert!(labels.iter().any(|l| l == k), "{k} missing: {labels:?}");
    }
    for k in ["and", "permit", "when"] {
        assert!(!labels.iter().any(|l| l == k), "{k} offered: {labels:?}");
    }
    let kinds = labels_at_end(
        &mut c,
        "policies/binzhou/zz_zh2.dlx",
        "政策包 binzhou\n\n规则 zz_r 针对 ",
    );
    assert!(kinds.iter().any(|l| l == "share"), "{kinds:?}");
    assert!(!kinds.iter().any(|l| l == "且"), "{kinds:?}");
    // A declaration starts: 规则, 例外 … in a Chinese file; rule, exception … in an English one.
    let decl = labels_at_end(&mut c, "policies/binzhou/zz_zh3.dlx", "政策包 binzhou\n\n");
    assert!(decl.iter().any(|l| l == "规则"), "{decl:?}");
    assert!(!decl.iter().any(|l| l == "rule"), "{decl:?}");
    let decl = labels_at_end(&mut c, "policies/binzhou/zz_en.dlx", "package binzhou\n\n");
    assert!(decl.iter().any(|l| l == "rule"), "{decl:?}");
    assert!(!decl.iter().any(|l| l == "规则"), "{decl:?}");
    // A new file without keywords: both, Chinese first.
    let decl = labels_at_end(&mut c, "policies/binzhou/zz_new.dlx", "\n");
    let first = |k: &str| decl.iter().position(|l| l == k);
    assert!(
        first("政策包") < first("package") && first("package").is_some(),
        "{decl:?}"
    );
    c.shutdown();
}

#[test]
fn a_file_that_mixes_keyword_languages_gets_e0005() {
    let mut c = Client::start();
    let draft = "scratch/mixed.dlx";
    c.open(
        draft,
        "package demo\n\nregulation demo-2024 \"示例\" {\n  rank rule\n  article 1 \"一。\"\n}\n\n否则 针对 share 依据 第一条\n  => 不予 no_rule \"没有规则准许该申请。\"\n",
    );
    let p = c.diagnostics(draft, 1);
    let e: Vec<_> = p
        .diagnostics
        .iter()
        .filter(|d| d.code == Some(NumberOrString::String("E0005".into())))
        .collect();
    assert_eq!(e.len(), 1, "{:?}", p.diagnostics);
    assert_eq!(
        e[0].range.start,
        Position {
            line: 7,
            character: 0
        }
    );
    c.shutdown();
}
