//! Every feature at every few positions of real policy files, whole and mutilated (cut short,
//! with pieces missing, with stray braces and quotes): answers or nothing, never a panic.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "tests may fail loudly"
)]

use datalex_lsp::text::LineIndex;
use datalex_lsp::{completion, formatting, hover, navigate, outline, rename, Workspace};
use lsp_types::{
    CompletionParams, DocumentFormattingParams, DocumentHighlightParams, DocumentSymbolParams,
    GotoDefinitionParams, HoverParams, ReferenceContext, ReferenceParams, RenameParams,
    TextDocumentIdentifier, TextDocumentPositionParams,
};
use std::path::Path;

fn repo() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap()
}

fn variants(text: &str) -> Vec<String> {
    let cut = |at: usize| {
        let mut at = at.min(text.len());
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        at
    };
    let (third, half) = (cut(text.len() / 3), cut(text.len() / 2));
    vec![
        text.to_string(),
        text[..half].to_string(),
        format!("{}{}", &text[..third], &text[half..]),
        text.replace('}', "").replacen('"', "", 3),
        text.replace("cites", "cites §")
            .replace(" when ", " when { "),
        text.replace('.', ". "),
    ]
}

#[test]
fn every_feature_everywhere_answers_without_panicking() {
    let root = repo();
    let prelude = std::fs::read_to_string(root.join("stdlib/prelude.dlx")).unwrap();
    let mut ws = Workspace::new(&prelude);
    ws.load(&root, Path::new("policies"));
    for rel in [
        "policies/binzhou/sharing.dlx",
        "policies/binzhou/measures.dlx",
        "policies/zunyi/plan.dlx",
        "stdlib/prelude.dlx",
        // Amended articles and citations of their versions (`§5@2023-01-01`).
        "tests/amendment/policies/amend/regulation.dlx",
        "tests/amendment/policies/amend/sharing.dlx",
    ] {
        let uri = datalex_lsp::uri::from_path(&root.join(rel)).unwrap();
        let text = std::fs::read_to_string(root.join(rel)).unwrap();
        for (n, v) in variants(&text).into_iter().enumerate() {
            ws.open(&uri, v.clone(), n as i32 + 1);
            ws.diagnostics();
            let doc = TextDocumentIdentifier { uri: uri.clone() };
            let ix = LineIndex::new(&v);
            let step = if n == 0 { 7 } else { 29 };
            for offset in (0..=v.len()).step_by(step) {
                let position = ix.position(&v, offset);
                let at = TextDocumentPositionParams {
                    text_document: doc.clone(),
                    position,
                };
                hover::hover(
                    &ws,
                    &HoverParams {
                        text_document_position_params: at.clone(),
                        work_done_progress_params: Default::default(),
                    },
                );
                navigate::definition(
                    &ws,
                    &GotoDefinitionParams {
                        text_document_position_params: at.clone(),
                        work_done_progress_params: Default::default(),
                        partial_result_params: Default::default(),
                    },
                );
                completion::complete(
                    &ws,
                    &CompletionParams {
                        text_document_position: at.clone(),
                        work_done_progress_params: Default::default(),
                        partial_result_params: Default::default(),
                        context: None,
                    },
                );
                let _refused_or_not = rename::prepare(&ws, &at);
                if offset % (step * 8) == 0 {
                    navigate::highlights(
                        &ws,
                        &DocumentHighlightParams {
                            text_document_position_params: at.clone(),
                            work_done_progress_params: Default::default(),
                            partial_result_params: Default::default(),
                        },
                    );
                    navigate::references(
                        &ws,
                        &ReferenceParams {
                            text_document_position: at.clone(),
                            work_done_progress_params: Default::default(),
                            partial_result_params: Default::default(),
                            context: ReferenceContext {
                                include_declaration: true,
                            },
                        },
                    );
                    let _ = rename::rename(
                        &ws,
                        &RenameParams {
                            text_document_position: at,
                            new_name: "renamed".into(),
                            work_done_progress_params: Default::default(),
                        },
                    );
                }
            }
            outline::document_symbols(
                &ws,
                &DocumentSymbolParams {
                    text_document: doc.clone(),
                    work_done_progress_params: Default::default(),
                    partial_result_params: Default::default(),
                },
            );
            let _ = formatting::format(
                &ws,
                &DocumentFormattingParams {
                    text_document: doc,
                    options: Default::default(),
                    work_done_progress_params: Default::default(),
                },
            );
        }
        ws.close(&uri);
    }
}
