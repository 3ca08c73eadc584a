//! From a method name to the feature that answers it. Parameters that do not fit the method
//! are answered with `InvalidParams`, unknown methods with `MethodNotFound`.

use super::Server;
use crate::error::RequestError;
use crate::{completion, formatting, hover, navigate, outline, rename};
use lsp_server::{ErrorCode, Notification, Request, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidChangeWatchedFiles, DidCloseTextDocument, DidOpenTextDocument,
    Notification as _,
};
use lsp_types::request::{
    Completion, DocumentHighlightRequest, DocumentSymbolRequest, Formatting, GotoDefinition,
    HoverRequest, PrepareRenameRequest, References, Rename, Request as _,
};
use lsp_types::Uri;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::str::FromStr;

fn params<P: DeserializeOwned>(value: serde_json::Value) -> Result<P, RequestError> {
    serde_json::from_value(value).map_err(|e| RequestError::invalid_params(e.to_string()))
}

fn answer<R: Serialize>(id: lsp_server::RequestId, result: Result<R, RequestError>) -> Response {
    match result
        .and_then(|r| serde_json::to_value(r).map_err(|e| RequestError::failed(e.to_string())))
    {
        Ok(value) => Response {
            id,
            result: Some(value),
            error: None,
        },
        Err(e) => Response {
            id,
            result: None,
            error: Some(e.into()),
        },
    }
}

impl Server<'_> {
    /// Answers one request.
    pub(super) fn request(&mut self, req: Request) -> Response {
        let Request {
            id,
            method,
            params: p,
        } = req;
        // Every request the server answers is about one document: the workspace of its
        // project answers it.
        let ws = p
            .pointer("/textDocument/uri")
            .and_then(serde_json::Value::as_str)
            .and_then(|s| Uri::from_str(s).ok())
            .map_or(self.projects.get_none(), |uri| self.projects.get(&uri));
        match method.as_str() {
            HoverRequest::METHOD => {
                answer(id, params(p).map(|x| hover::hover_on(ws, &x, self.today)))
            }
            GotoDefinition::METHOD => answer(id, params(p).map(|x| navigate::definition(ws, &x))),
            DocumentHighlightRequest::METHOD => {
                answer(id, params(p).map(|x| navigate::highlights(ws, &x)))
            }
            References::METHOD => answer(id, params(p).map(|x| navigate::references(ws, &x))),
            Completion::METHOD => answer(id, params(p).map(|x| completion::complete(ws, &x))),
            DocumentSymbolRequest::METHOD => {
                answer(id, params(p).map(|x| outline::document_symbols(ws, &x)))
            }
            Formatting::METHOD => answer(id, params(p).and_then(|x| formatting::format(ws, &x))),
            PrepareRenameRequest::METHOD => {
                answer(id, params(p).and_then(|x| rename::prepare(ws, &x)))
            }
            Rename::METHOD => answer(id, params(p).and_then(|x| rename::rename(ws, &x))),
            _ => Response::new_err(
                id,
                ErrorCode::MethodNotFound as i32,
                format!("unknown method `{method}`"),
            ),
        }
    }

    /// Handles one notification; malformed ones are dropped (a notification has no answer).
    pub(super) fn notification(&mut self, n: Notification) {
        match n.method.as_str() {
            DidOpenTextDocument::METHOD => {
                if let Ok(p) = params::<lsp_types::DidOpenTextDocumentParams>(n.params) {
                    let d = p.text_document;
                    self.projects.open(&d.uri, d.text, d.version);
                }
            }
            DidChangeTextDocument::METHOD => {
                if let Ok(p) = params::<lsp_types::DidChangeTextDocumentParams>(n.params) {
                    let d = p.text_document;
                    self.projects.change(&d.uri, &p.content_changes, d.version);
                }
            }
            DidCloseTextDocument::METHOD => {
                if let Ok(p) = params::<lsp_types::DidCloseTextDocumentParams>(n.params) {
                    self.projects.close(&p.text_document.uri);
                }
            }
            DidChangeWatchedFiles::METHOD => {
                if let Ok(p) = params::<lsp_types::DidChangeWatchedFilesParams>(n.params) {
                    for change in p.changes {
                        self.projects.file_changed(&change.uri);
                    }
                }
            }
            _ => {}
        }
    }
}
