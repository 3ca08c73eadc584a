//! The protocol loop: initialize, then requests and notifications one at a time on the thread
//! that runs [`run`], and diagnostics whenever the texts changed and no message is waiting.
//!
//! Edits that arrive together (fast typing) are applied one after the other and compiled once;
//! nothing waits for a timer.

mod dispatch;

use crate::error::ServerError;
use crate::workspace::Workspace;
use crate::{uri, Config};
use lsp_server::{Connection, Message, Notification};
use lsp_types::notification::{Notification as _, PublishDiagnostics};
use lsp_types::{
    CompletionOptions, HoverProviderCapability, OneOf, PublishDiagnosticsParams, RenameOptions,
    ServerCapabilities, TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    Uri, WorkDoneProgressOptions,
};
use std::path::PathBuf;
use std::str::FromStr;

/// What the server can do, as announced in the `initialize` answer.
pub fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                ..TextDocumentSyncOptions::default()
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![".".into(), "§".into()]),
            ..CompletionOptions::default()
        }),
        document_symbol_provider: Some(OneOf::Left(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: WorkDoneProgressOptions::default(),
        })),
        ..ServerCapabilities::default()
    }
}

/// The workspace folder and settings that `initialize` gives.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Init {
    /// The workspace folder (the first of `workspaceFolders`, else `rootUri`, else `rootPath`).
    pub root: Option<PathBuf>,
    /// The policy folder under the root (`initializationOptions.policies`, default
    /// `policies`).
    pub policies: PathBuf,
}

impl Init {
    /// Reads the `initialize` parameters; what is absent or malformed is left at its default.
    pub fn from_params(params: &serde_json::Value) -> Init {
        let uri_path = |v: &serde_json::Value| {
            v.as_str()
                .and_then(|s| Uri::from_str(s).ok())
                .and_then(|u| uri::to_path(&u))
        };
        let root = params
            .get("workspaceFolders")
            .and_then(|f| f.get(0))
            .and_then(|f| f.get("uri"))
            .and_then(uri_path)
            .or_else(|| params.get("rootUri").and_then(uri_path))
            .or_else(|| {
                params
                    .get("rootPath")
                    .and_then(serde_json::Value::as_str)
                    .map(PathBuf::from)
            });
        let policies = params
            .get("initializationOptions")
            .and_then(|o| o.get("policies"))
            .and_then(serde_json::Value::as_str)
            .map_or_else(|| PathBuf::from("policies"), PathBuf::from);
        Init { root, policies }
    }
}

/// The server's state.
pub struct Server<'c> {
    conn: &'c Connection,
    /// The workspace.
    pub ws: Workspace,
    /// Today, as the caller says ([`Config::today`]).
    today: Option<datalex_lang::date::Date>,
}

/// Runs the server on a connection until the client says `exit` (or goes away): initialize,
/// then serve.
pub fn run(conn: &Connection, config: &Config) -> Result<(), ServerError> {
    let (id, params) = conn.initialize_start()?;
    let init = Init::from_params(&params);
    let mut ws = Workspace::new(&config.prelude);
    if let Some(root) = &init.root {
        ws.load(root, &init.policies);
    }
    let result = serde_json::json!({
        "capabilities": capabilities(),
        "serverInfo": { "name": "datalex-lsp", "version": env!("CARGO_PKG_VERSION") },
    });
    conn.initialize_finish(id, result)?;
    let mut server = Server {
        conn,
        ws,
        today: config.today,
    };
    server.publish()?;
    server.serve()
}

/// Runs the server on stdin and stdout (`datalex lsp`).
pub fn stdio(config: &Config) -> Result<(), ServerError> {
    let (conn, io) = Connection::stdio();
    let result = run(&conn, config);
    drop(conn);
    io.join()?;
    result
}

impl Server<'_> {
    fn serve(&mut self) -> Result<(), ServerError> {
        while let Ok(msg) = self.conn.receiver.recv() {
            match msg {
                Message::Request(req) => {
                    if self.conn.handle_shutdown(&req)? {
                        return Ok(());
                    }
                    let response = self.request(req);
                    self.send(response.into())?;
                }
                Message::Notification(n) if n.method == "exit" => return Ok(()),
                Message::Notification(n) => self.notification(n),
                Message::Response(_) => {}
            }
            if self.ws.is_dirty() && self.conn.receiver.is_empty() {
                self.publish()?;
            }
        }
        Ok(())
    }

    fn send(&self, msg: Message) -> Result<(), ServerError> {
        self.conn
            .sender
            .send(msg)
            .map_err(|_| ServerError::Disconnected)
    }

    /// Compiles the workspace and publishes the diagnostics that changed.
    pub fn publish(&mut self) -> Result<(), ServerError> {
        for p in self.ws.diagnostics() {
            let params = PublishDiagnosticsParams {
                uri: p.uri,
                diagnostics: p.diagnostics,
                version: p.version,
            };
            self.send(Notification::new(PublishDiagnostics::METHOD.into(), params).into())?;
        }
        Ok(())
    }
}
