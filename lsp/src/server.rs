//! The protocol loop: initialize, then requests and notifications one at a time on the thread
//! that runs [`run`], and diagnostics whenever the texts changed and no message is waiting.
//!
//! Edits that arrive together (fast typing) are applied one after the other and compiled once;
//! nothing waits for a timer. That needs the messages the client has sent to be waiting in the
//! connection's channel: over stdio they are read by [`transport`], whose channel has room for
//! all of them (`lsp_server::Connection::stdio` hands each message over only when the loop asks
//! for it, so the loop never saw a second edit waiting and compiled after each).

mod dispatch;
pub mod transport;

use crate::error::ServerError;
use crate::projects::Projects;
use crate::{uri, Config};
use datalex_i18n::Lang;
use lsp_server::{Connection, Message, Notification};
use lsp_types::notification::{DidChangeWatchedFiles, Notification as _, PublishDiagnostics};
use lsp_types::request::{RegisterCapability, Request as _};
use lsp_types::{
    CompletionOptions, DidChangeWatchedFilesRegistrationOptions, FileSystemWatcher, GlobPattern,
    HoverProviderCapability, OneOf, PublishDiagnosticsParams, Registration, RegistrationParams,
    RenameOptions, ServerCapabilities, TextDocumentSyncCapability, TextDocumentSyncKind,
    TextDocumentSyncOptions, Uri, WorkDoneProgressOptions,
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
        document_highlight_provider: Some(OneOf::Left(true)),
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

/// The workspace folders, settings and client capabilities that `initialize` gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Init {
    /// The workspace folders (`workspaceFolders`, else `rootUri`, else `rootPath`); each is
    /// served by the project found from it.
    pub folders: Vec<PathBuf>,
    /// The policy folder, relative to a project root or absolute
    /// (`initializationOptions.policies`, default `policies`).
    pub policies: PathBuf,
    /// Whether to send a [`COMPILED`] notification after each compile
    /// (`initializationOptions.reportCompiles`).
    pub report_compiles: bool,
    /// Whether the client lets the server register `workspace/didChangeWatchedFiles`
    /// (`capabilities.workspace.didChangeWatchedFiles.dynamicRegistration`).
    pub watch_files: bool,
    /// The client's language (`locale`: `zh-CN`, `en` …): diagnostics and hover are worded
    /// in it; Chinese when it is absent or names a language Datalex does not speak.
    pub lang: Lang,
}

impl Default for Init {
    fn default() -> Init {
        Init {
            folders: Vec::new(),
            policies: PathBuf::from(crate::project::POLICIES),
            report_compiles: false,
            watch_files: false,
            lang: Lang::default(),
        }
    }
}

/// The notification sent after the server compiled, when the client asks for it
/// (`initializationOptions.reportCompiles`): `{"compiles": N, "total": M}`, how many times
/// the compiler ran for these diagnostics and since the server started. Tests and benchmarks
/// count compiles with it.
pub const COMPILED: &str = "datalex/compiled";

/// The id of the server's `client/registerCapability` request for watched files.
const WATCH_REGISTRATION: &str = "datalex/watchedFiles";

impl Init {
    /// Reads the `initialize` parameters; what is absent or malformed is left at its default.
    pub fn from_params(params: &serde_json::Value) -> Init {
        let uri_path = |v: &serde_json::Value| {
            v.as_str()
                .and_then(|s| Uri::from_str(s).ok())
                .and_then(|u| uri::to_path(&u))
        };
        let mut folders: Vec<PathBuf> = params
            .get("workspaceFolders")
            .and_then(serde_json::Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|f| f.get("uri").and_then(uri_path))
            .collect();
        if folders.is_empty() {
            folders.extend(params.get("rootUri").and_then(uri_path).or_else(|| {
                params
                    .get("rootPath")
                    .and_then(serde_json::Value::as_str)
                    .map(PathBuf::from)
            }));
        }
        let options = params.get("initializationOptions");
        let policies = options
            .and_then(|o| o.get("policies"))
            .and_then(serde_json::Value::as_str)
            .filter(|s| !s.trim().is_empty())
            .map_or_else(|| PathBuf::from(crate::project::POLICIES), PathBuf::from);
        let report_compiles = options
            .and_then(|o| o.get("reportCompiles"))
            .and_then(serde_json::Value::as_bool)
            .unwrap_or(false);
        let watch_files = params
            .pointer("/capabilities/workspace/didChangeWatchedFiles/dynamicRegistration")
            .and_then(serde_json::Value::as_bool)
            .unwrap_or(false);
        let lang = params
            .get("locale")
            .and_then(serde_json::Value::as_str)
            .and_then(Lang::from_tag)
            .unwrap_or_default();
        Init {
            folders,
            policies,
            report_compiles,
            watch_files,
            lang,
        }
    }
}

/// The server's state.
pub struct Server<'c> {
    conn: &'c Connection,
    /// The projects.
    pub projects: Projects,
    /// Today, as the caller says ([`Config::today`]).
    today: Option<datalex_lang::date::Date>,
    /// Whether to send [`COMPILED`].
    report_compiles: bool,
}

/// Runs the server on a connection until the client says `exit` (or goes away): initialize,
/// then serve.
pub fn run(conn: &Connection, config: &Config) -> Result<(), ServerError> {
    let (id, params) = conn.initialize_start()?;
    let init = Init::from_params(&params);
    let mut projects = Projects::new(&config.prelude, &init.policies);
    projects.set_lang(init.lang);
    for folder in &init.folders {
        projects.add_folder(folder);
    }
    let result = serde_json::json!({
        "capabilities": capabilities(),
        "serverInfo": { "name": "datalex-lsp", "version": env!("CARGO_PKG_VERSION") },
    });
    conn.initialize_finish(id, result)?;
    let mut server = Server {
        conn,
        projects,
        today: config.today,
        report_compiles: init.report_compiles,
    };
    if init.watch_files {
        server.watch_files()?;
    }
    server.publish()?;
    server.serve()
}

/// Runs the server on stdin and stdout (`datalex lsp`).
pub fn stdio(config: &Config) -> Result<(), ServerError> {
    let (conn, io) = transport::stdio()?;
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
            // Every message already received is handled before compiling: a burst of edits
            // is compiled once. (Over stdio the messages wait in an unbounded channel, see
            // [`transport`], as they do over the in-memory connection.)
            if self.projects.is_dirty() && self.conn.receiver.is_empty() {
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

    /// Asks the client to report changes of `.dlx` files on disk
    /// (`workspace/didChangeWatchedFiles`, registered dynamically).
    fn watch_files(&self) -> Result<(), ServerError> {
        let options = DidChangeWatchedFilesRegistrationOptions {
            watchers: vec![FileSystemWatcher {
                glob_pattern: GlobPattern::String("**/*.dlx".into()),
                kind: None,
            }],
        };
        let params = RegistrationParams {
            registrations: vec![Registration {
                id: WATCH_REGISTRATION.into(),
                method: DidChangeWatchedFiles::METHOD.into(),
                register_options: serde_json::to_value(options).ok(),
            }],
        };
        let request = lsp_server::Request::new(
            lsp_server::RequestId::from(WATCH_REGISTRATION.to_string()),
            RegisterCapability::METHOD.into(),
            params,
        );
        self.send(request.into())
    }

    /// Compiles what changed and publishes the diagnostics that changed.
    pub fn publish(&mut self) -> Result<(), ServerError> {
        let before = self.projects.compiles();
        let published = self.projects.diagnostics();
        let total = self.projects.compiles();
        if self.report_compiles && total > before {
            let params = serde_json::json!({ "compiles": total - before, "total": total });
            self.send(Notification::new(COMPILED.into(), params).into())?;
        }
        for p in published {
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
