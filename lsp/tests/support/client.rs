//! A test client: runs the server on a thread over `Connection::memory()` and speaks the
//! protocol to it, with helpers to find positions in files and to render answers for
//! snapshots (paths relative to the workspace, 1-based lines and columns, the text at each
//! range).

use datalex_lsp::text::LineIndex;
use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::Notification as _;
use lsp_types::{Location, Position, PublishDiagnosticsParams, Range, Uri};
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::thread::JoinHandle;

/// The repository, whose `policies/` and `stdlib/` the tests read (never write).
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .expect("the repository")
}

/// The URI of a file of the repository, e.g. `policies/binzhou/sharing.dlx`.
pub fn uri(rel: &str) -> Uri {
    datalex_lsp::uri::from_path(&repo().join(rel)).expect("an absolute path")
}

/// The text of a file of the repository.
pub fn read(rel: &str) -> String {
    std::fs::read_to_string(repo().join(rel)).unwrap_or_else(|e| panic!("reading {rel}: {e}"))
}

/// The position of the `nth` (0-based) occurrence of `needle` in `text`, moved `into` bytes
/// into it.
pub fn pos(text: &str, needle: &str, nth: usize, into: usize) -> Position {
    let at = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("`{needle}` (#{nth}) not found"))
        .0;
    LineIndex::new(text).position(text, at + into)
}

pub struct Client {
    conn: Connection,
    server: Option<JoinHandle<Result<(), datalex_lsp::ServerError>>>,
    next: i32,
    /// Notifications received while waiting for something else.
    pub notifications: Vec<Notification>,
    /// Texts of the documents as the client has them (for rendering).
    texts: HashMap<String, String>,
    /// The answer to `initialize`.
    pub initialize_result: Option<Value>,
}

impl Client {
    /// Starts a server on the repository as the workspace folder and initializes it, with
    /// the locale `en` (the tests read English hover and diagnostics).
    pub fn start() -> Client {
        Client::start_locale("en")
    }

    /// Starts a server on the repository as the workspace folder and initializes it with the
    /// client's `locale`.
    pub fn start_locale(locale: &str) -> Client {
        Client::start_with(serde_json::json!({
            "processId": null,
            "rootUri": datalex_lsp::uri::from_path(&repo()).expect("root uri").as_str(),
            "capabilities": {},
            "locale": locale,
        }))
    }

    /// Starts a server and sends `initialize` with these parameters.
    pub fn start_with(params: Value) -> Client {
        let (server_side, client_side) = Connection::memory();
        let config = datalex_lsp::Config {
            prelude: read("stdlib/prelude.dlx"),
            today: None,
        };
        let server = std::thread::spawn(move || datalex_lsp::run(&server_side, &config));
        let mut c = Client {
            conn: client_side,
            server: Some(server),
            next: 0,
            notifications: Vec::new(),
            texts: HashMap::new(),
            initialize_result: None,
        };
        let init = c.request_raw("initialize", params);
        assert!(init.error.is_none(), "initialize failed: {:?}", init.error);
        c.notify_raw("initialized", serde_json::json!({}));
        c.initialize_result = init.result;
        c
    }

    fn recv(&mut self) -> Message {
        self.conn
            .receiver
            .recv()
            .expect("the server stopped (it disconnected)")
    }

    /// Sends a request and returns its response, keeping notifications that come first.
    pub fn request_raw(&mut self, method: &str, params: Value) -> Response {
        self.next += 1;
        let id = RequestId::from(self.next);
        let req = Request {
            id: id.clone(),
            method: method.into(),
            params,
        };
        self.conn.sender.send(req.into()).expect("send");
        loop {
            match self.recv() {
                Message::Response(r) if r.id == id => return r,
                Message::Notification(n) => self.notifications.push(n),
                other => panic!("unexpected message {other:?}"),
            }
        }
    }

    /// Sends a request and returns its result, failing the test on an error response.
    pub fn request<R: lsp_types::request::Request>(&mut self, params: R::Params) -> Value {
        let params = serde_json::to_value(params).expect("params");
        let r = self.request_raw(R::METHOD, params);
        match r.error {
            Some(e) => panic!("{} failed: {} ({})", R::METHOD, e.message, e.code),
            None => r.result.unwrap_or(Value::Null),
        }
    }

    pub fn notify_raw(&mut self, method: &str, params: Value) {
        let n = Notification::new(method.into(), params);
        self.conn.sender.send(n.into()).expect("send");
    }

    pub fn notify<N: lsp_types::notification::Notification>(&mut self, params: N::Params) {
        let params = serde_json::to_value(params).expect("params");
        self.notify_raw(N::METHOD, params);
    }

    /// Opens a document with this text (version 1).
    pub fn open(&mut self, rel: &str, text: &str) {
        self.texts
            .insert(uri(rel).as_str().to_string(), text.to_string());
        self.notify::<lsp_types::notification::DidOpenTextDocument>(
            lsp_types::DidOpenTextDocumentParams {
                text_document: lsp_types::TextDocumentItem {
                    uri: uri(rel),
                    language_id: "datalex".into(),
                    version: 1,
                    text: text.into(),
                },
            },
        );
    }

    /// Replaces `range` of an open document with `text`, as the next version.
    pub fn edit(&mut self, rel: &str, version: i32, range: Range, text: &str) {
        let key = uri(rel).as_str().to_string();
        if let Some(t) = self.texts.get_mut(&key) {
            let ix = LineIndex::new(t);
            let (s, e) = (ix.offset(t, range.start), ix.offset(t, range.end));
            t.replace_range(s..e, text);
        }
        self.notify::<lsp_types::notification::DidChangeTextDocument>(
            lsp_types::DidChangeTextDocumentParams {
                text_document: lsp_types::VersionedTextDocumentIdentifier {
                    uri: uri(rel),
                    version,
                },
                content_changes: vec![lsp_types::TextDocumentContentChangeEvent {
                    range: Some(range),
                    range_length: None,
                    text: text.into(),
                }],
            },
        );
    }

    /// Waits for the diagnostics of `rel` published for `version` (skipping earlier ones).
    pub fn diagnostics(&mut self, rel: &str, version: i32) -> PublishDiagnosticsParams {
        self.diagnostics_for(rel, Some(version))
    }

    /// Waits for diagnostics of `rel` published without a version (a file not open).
    pub fn diagnostics_unversioned(&mut self, rel: &str) -> PublishDiagnosticsParams {
        self.diagnostics_for(rel, None)
    }

    fn diagnostics_for(&mut self, rel: &str, version: Option<i32>) -> PublishDiagnosticsParams {
        let want = uri(rel);
        let mut pending = std::mem::take(&mut self.notifications).into_iter();
        loop {
            let n = match pending.next() {
                Some(n) => n,
                None => match self.recv() {
                    Message::Notification(n) => n,
                    other => panic!("unexpected message {other:?}"),
                },
            };
            if n.method == lsp_types::notification::PublishDiagnostics::METHOD {
                let p: PublishDiagnosticsParams =
                    serde_json::from_value(n.params.clone()).expect("publishDiagnostics");
                if p.uri == want && p.version == version {
                    self.notifications.extend(pending);
                    return p;
                }
            }
            self.notifications.push(n);
        }
    }

    /// Shuts the server down (`shutdown`, `exit`) and waits for its thread.
    pub fn shutdown(mut self) {
        let r = self.request_raw("shutdown", Value::Null);
        assert!(r.error.is_none());
        self.notify_raw("exit", Value::Null);
        let result = self
            .server
            .take()
            .expect("server")
            .join()
            .expect("server thread");
        assert!(result.is_ok(), "server: {result:?}");
    }

    /// The text of a document: as opened or edited by this client, else from disk.
    pub fn text_of(&self, uri: &str) -> String {
        if let Some(t) = self.texts.get(uri) {
            return t.clone();
        }
        let path = datalex_lsp::uri::to_path(&Uri::from_str(uri).expect("uri")).expect("path");
        std::fs::read_to_string(path).expect("read")
    }

    /// `policies/x.dlx:3:5-3:9 `text`` for a range of a document.
    pub fn render_range(&self, uri: &str, range: Range) -> String {
        let text = self.text_of(uri);
        let ix = LineIndex::new(&text);
        let (s, e) = (ix.offset(&text, range.start), ix.offset(&text, range.end));
        format!(
            "{}:{}:{}-{}:{} `{}`",
            relative(uri),
            range.start.line + 1,
            range.start.character + 1,
            range.end.line + 1,
            range.end.character + 1,
            text.get(s..e).unwrap_or("?").replace('\n', "⏎")
        )
    }

    /// Locations, one a line.
    pub fn render_locations(&self, value: &Value) -> String {
        let locations: Vec<Location> = match value {
            Value::Null => Vec::new(),
            v => serde_json::from_value(v.clone()).expect("locations"),
        };
        let lines: Vec<String> = locations
            .iter()
            .map(|l| self.render_range(l.uri.as_str(), l.range))
            .collect();
        lines.join("\n")
    }
}

/// A URI shown relative to the repository.
pub fn relative(uri: &str) -> String {
    let root = datalex_lsp::uri::from_path(&repo()).expect("root");
    uri.strip_prefix(root.as_str())
        .map(|s| s.trim_start_matches('/').to_string())
        .unwrap_or_else(|| uri.to_string())
}

/// A JSON value with every repository URI made relative and object keys sorted, for
/// snapshots (whether `serde_json` keeps insertion order depends on the features other crates
/// of the workspace turn on).
pub fn redact(v: Value) -> Value {
    match v {
        Value::String(s) if s.starts_with("file://") => Value::String(relative(&s)),
        Value::Array(xs) => Value::Array(xs.into_iter().map(redact).collect()),
        Value::Object(m) => {
            let mut entries: Vec<(String, Value)> = m
                .into_iter()
                .map(|(k, v)| {
                    let k = if k.starts_with("file://") {
                        relative(&k)
                    } else {
                        k
                    };
                    (k, redact(v))
                })
                .collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(entries.into_iter().collect())
        }
        other => other,
    }
}
