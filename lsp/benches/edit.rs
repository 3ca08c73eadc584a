//! Language server benchmarks (criterion): diagnostics after an edit in a 5,000-line policy
//! file, the budget of `docs/performance.md` (under 50 ms on the 2-core machine).
//!
//! The workspace is the prelude, everything under `policies/`, and one generated file of about
//! 5,000 lines (`policies/gen/gen.dlx`: a regulation, params, values and several hundred rules of
//! the compiler benchmarks' generator, `benches/gen`), open in the editor. The edit renames one
//! field access in the middle of the file (`dataset.security_level` → `dataset.security_levle`,
//! an E0102) or renames it back (which clears it); each is measured from the change to the
//! diagnostics that the server publishes:
//!
//! - `edit/diagnostics/*`: the analysis alone — apply the change, parse again what changed,
//!   compile the workspace, convert and compare the diagnostics (`Workspace::change` and
//!   `Workspace::diagnostics`);
//! - `edit/protocol/*`: the same through the protocol, over an in-memory connection: send
//!   `didChange`, wait for `publishDiagnostics` of that version (the channel included);
//! - `edit/stdio/*`: the same over stdio: the server's stdio transport on OS pipes in this
//!   process (serialisation, framing, the reader and writer threads included); `*/burst` sends
//!   ten edits together and waits for the diagnostics of the last (the server compiles them
//!   once); `*/hover` and `*/completion` time a request on the edited field to its response;
//! - `edit/binary/*`: the same through the real binary, with
//!   `DATALEX_LSP_BIN=target/release/datalex`: `datalex lsp` spawned, on its stdin and stdout
//!   (skipped without the variable);
//! - `edit/reparse` and `edit/compile`: the two parts, to see where the time goes
//!   (`edit/compile` is the server's: `check_parsed` of the documents' kept trees);
//! - `edit/parse_all`: parsing every file of the workspace from its text, which the server no
//!   longer does to compile, and `edit/syntax_all`: what it does instead, every file's tree
//!   cloned from its cached chunks and moved into place.
//!
//! Run with `cargo bench -p datalex-lsp --bench edit`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unreachable,
    reason = "benchmarks may fail loudly"
)]

#[path = "../../benches/gen/mod.rs"]
#[allow(
    dead_code,
    reason = "the generator serves several benchmarks; this one uses a part"
)]
mod gen;

use criterion::{criterion_group, criterion_main, Criterion};
use datalex_lsp::document::Document;
use datalex_lsp::text::LineIndex;
use datalex_lsp::Workspace;
use lsp_server::{Connection, Message, Notification, Request, RequestId};
use lsp_types::{Range, TextDocumentContentChangeEvent, Uri};
use serde_json::json;
use std::hint::black_box;
use std::io::{BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const PRELUDE: &str = include_str!("../../stdlib/prelude.dlx");

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap()
}

/// One generated policy file of at least 5,000 lines: the generator's files of one package,
/// joined (one `package` line), with as many rules as it takes.
fn five_thousand_lines() -> (String, usize) {
    for rules in (300..).step_by(15) {
        let files = gen::generate(gen::Shape {
            articles: 60,
            params: 30,
            values: 40,
            rules,
        });
        let mut one = String::new();
        for (i, (_, t)) in files.iter().enumerate() {
            let t = if i == 0 {
                t.clone()
            } else {
                t.replacen("package gen\n", "", 1)
            };
            one.push_str(&t);
            one.push('\n');
        }
        if one.lines().count() >= 5000 {
            return (one, rules);
        }
    }
    unreachable!()
}

/// The generated file's URI (the file is only open in the editor, not on disk).
fn gen_uri() -> Uri {
    datalex_lsp::uri::from_path(&repo().join("policies/gen/gen.dlx")).unwrap()
}

/// The edits: break the field access nearest the middle of the file, and fix it again.
struct Edits {
    text: String,
    break_it: TextDocumentContentChangeEvent,
    fix_it: TextDocumentContentChangeEvent,
    /// On the field name the edits change (hover shows the field and its type).
    hover_at: lsp_types::Position,
    /// Just after `dataset.` there (completion offers the record's fields).
    complete_at: lsp_types::Position,
}

fn edits() -> Edits {
    let (text, rules) = five_thousand_lines();
    let needle = "dataset.security_level";
    let middle = text.len() / 2;
    let at = text
        .match_indices(needle)
        .map(|(i, _)| i)
        .min_by_key(|i| i.abs_diff(middle))
        .unwrap()
        + "dataset.".len();
    let ix = LineIndex::new(&text);
    let start = ix.position(&text, at);
    let old_end = ix.position(&text, at + "security_level".len());
    let new_end = ix.position(&text, at + "security_levle".len());
    let change = |end, text: &str| TextDocumentContentChangeEvent {
        range: Some(Range { start, end }),
        range_length: None,
        text: text.into(),
    };
    let items = Document::new(None, String::new(), text.clone(), None)
        .chunks
        .len();
    eprintln!(
        "edit/*: generated file of {} lines, {} bytes, {rules} rules, {items} items; the edit is on line {}",
        text.lines().count(),
        text.len(),
        start.line + 1
    );
    Edits {
        break_it: change(old_end, "security_levle"),
        fix_it: change(new_end, "security_level"),
        hover_at: ix.position(&text, at + 3),
        complete_at: start,
        text,
    }
}

fn workspace(e: &Edits) -> Workspace {
    let mut ws = Workspace::new(PRELUDE);
    ws.load(&repo(), Path::new("policies"));
    ws.open(&gen_uri(), e.text.clone(), 1);
    let first = ws.diagnostics();
    let errors: usize = first
        .iter()
        .flat_map(|p| &p.diagnostics)
        .filter(|d| d.severity == Some(lsp_types::DiagnosticSeverity::ERROR))
        .count();
    assert_eq!(errors, 0, "the workspace compiles without errors");
    ws
}

/// Times `measured` (after `setup`, untimed) `iters` times; both get the state and the next
/// document version.
fn alternate<S>(
    iters: u64,
    state: &mut S,
    mut setup: impl FnMut(&mut S, i32),
    mut measured: impl FnMut(&mut S, i32),
    version: &mut i32,
) -> Duration {
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        *version += 1;
        setup(state, *version);
        *version += 1;
        let t = Instant::now();
        measured(state, *version);
        total += t.elapsed();
    }
    total
}

fn analysis(c: &mut Criterion) {
    let e = edits();
    let uri = gen_uri();
    let mut g = c.benchmark_group("edit");
    g.sample_size(30).measurement_time(Duration::from_secs(20));

    let mut ws = workspace(&e);
    let mut version = 1;
    let errors = |p: &[datalex_lsp::workspace::Publish]| {
        p.iter()
            .filter(|p| p.uri == uri)
            .flat_map(|p| &p.diagnostics)
            .filter(|d| d.severity == Some(lsp_types::DiagnosticSeverity::ERROR))
            .count()
    };
    g.bench_function("diagnostics/introduce_error", |b| {
        b.iter_custom(|iters| {
            alternate(
                iters,
                &mut ws,
                |ws, v| {
                    ws.change(&uri, std::slice::from_ref(&e.fix_it), v);
                    ws.diagnostics();
                },
                |ws, v| {
                    ws.change(&uri, std::slice::from_ref(&e.break_it), v);
                    assert_eq!(errors(&black_box(ws.diagnostics())), 1);
                },
                &mut version,
            )
        })
    });
    g.bench_function("diagnostics/fix_error", |b| {
        b.iter_custom(|iters| {
            alternate(
                iters,
                &mut ws,
                |ws, v| {
                    ws.change(&uri, std::slice::from_ref(&e.break_it), v);
                    ws.diagnostics();
                },
                |ws, v| {
                    ws.change(&uri, std::slice::from_ref(&e.fix_it), v);
                    assert_eq!(errors(&black_box(ws.diagnostics())), 0);
                },
                &mut version,
            )
        })
    });

    // The parts: parsing again after the edit, and compiling the workspace.
    let mut doc = Document::new(
        Some(uri.clone()),
        "policies/gen/gen.dlx".into(),
        e.text.clone(),
        Some(1),
    );
    g.bench_function("reparse", |b| {
        b.iter_custom(|iters| {
            alternate(
                iters,
                &mut doc,
                |doc, v| {
                    doc.apply_changes(std::slice::from_ref(&e.fix_it), v);
                },
                |doc, v| {
                    let stats = doc.apply_changes(std::slice::from_ref(&e.break_it), v);
                    assert_eq!(stats.parsed, 1);
                },
                &mut version,
            )
        })
    });
    let ws = workspace(&e);
    g.bench_function("compile", |b| b.iter(|| black_box(ws.compile())));
    // What compiling from texts would spend parsing again what the server has already parsed:
    // every file of the workspace through `datalex_lang::parse`, as `compile` does first.
    let texts: Vec<String> = ws.docs().map(|(_, d)| d.text.clone()).collect();
    g.bench_function("parse_all", |b| {
        b.iter(|| {
            let mut items = 0;
            for (i, t) in texts.iter().enumerate() {
                items += datalex_lang::parse(i as u32, black_box(t)).0.items.len();
            }
            items
        })
    });
    // What the server hands the compiler instead: every file's tree from its cached chunks,
    // cloned and moved into place (`Document::syntax`).
    g.bench_function("syntax_all", |b| {
        b.iter(|| {
            let mut diagnostics = Vec::new();
            let files: Vec<_> = ws
                .docs()
                .enumerate()
                .map(|(i, (_, d))| d.syntax(i as u32, &mut diagnostics))
                .collect();
            black_box((files, diagnostics))
        })
    });
    g.finish();
}

/// How the benchmark talks to the server.
enum Link {
    /// The in-memory connection (`lsp_server::Connection::memory`), messages passed as values.
    Memory(Connection),
    /// Bytes: the server's stdio transport (`datalex_lsp::server::transport`) on OS pipes, or
    /// the `datalex lsp` binary named by `DATALEX_LSP_BIN` on its stdin and stdout. Messages
    /// are serialised, framed, written, read and parsed both ways, as an editor's are.
    Stream {
        to: Box<dyn Write + Send>,
        from: BufReader<Box<dyn Read + Send>>,
        child: Option<Child>,
    },
}

impl Link {
    fn send(&mut self, msg: Message) {
        match self {
            Link::Memory(c) => c.sender.send(msg).unwrap(),
            Link::Stream { to, .. } => msg.write(to).unwrap(),
        }
    }

    fn recv(&mut self) -> Option<Message> {
        match self {
            Link::Memory(c) => c.receiver.recv().ok(),
            Link::Stream { from, .. } => Message::read(from).unwrap(),
        }
    }
}

/// The server, initialized on the repository, with the generated file open.
struct Server {
    link: Link,
    thread: Option<std::thread::JoinHandle<()>>,
    /// The id of the next request.
    next_id: i32,
}

fn config() -> datalex_lsp::Config {
    datalex_lsp::Config {
        prelude: PRELUDE.into(),
        today: None,
    }
}

impl Server {
    /// Over the in-memory connection.
    fn memory(text: &str) -> Server {
        let (server, client) = Connection::memory();
        let thread = std::thread::spawn(move || {
            datalex_lsp::run(&server, &config()).unwrap();
        });
        Server::init(Link::Memory(client), Some(thread), text)
    }

    /// The binary `DATALEX_LSP_BIN`, `datalex lsp` on its stdin and stdout.
    fn binary(text: &str) -> Server {
        let bin = lsp_bin();
        {
            let mut child = Command::new(&bin)
                .arg("lsp")
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .spawn()
                .unwrap_or_else(|e| panic!("cannot start `{} lsp`: {e}", bin.display()));
            let to: Box<dyn Write + Send> = Box::new(child.stdin.take().unwrap());
            let from: Box<dyn Read + Send> = Box::new(child.stdout.take().unwrap());
            let link = Link::Stream {
                to,
                from: BufReader::new(from),
                child: Some(child),
            };
            Server::init(link, None, text)
        }
    }

    /// Over stdio: the server's stdio transport on OS pipes, in this process.
    fn stdio(text: &str) -> Server {
        let (server_in, to) = std::io::pipe().unwrap();
        let (from, server_out) = std::io::pipe().unwrap();
        let thread = std::thread::spawn(move || {
            let (conn, io) =
                datalex_lsp::server::transport::streams(BufReader::new(server_in), server_out)
                    .unwrap();
            datalex_lsp::run(&conn, &config()).unwrap();
            drop(conn);
            io.join().unwrap();
        });
        let to: Box<dyn Write + Send> = Box::new(to);
        let from: Box<dyn Read + Send> = Box::new(from);
        let link = Link::Stream {
            to,
            from: BufReader::new(from),
            child: None,
        };
        Server::init(link, Some(thread), text)
    }

    fn init(link: Link, thread: Option<std::thread::JoinHandle<()>>, text: &str) -> Server {
        let mut s = Server {
            link,
            thread,
            next_id: 10,
        };
        let root = datalex_lsp::uri::from_path(&repo()).unwrap();
        let init = Request::new(
            RequestId::from(1),
            "initialize".into(),
            json!({"processId": null, "rootUri": root.as_str(), "capabilities": {}}),
        );
        s.link.send(init.into());
        while let Some(m) = s.link.recv() {
            if let Message::Response(_) = m {
                break;
            }
        }
        s.notify("initialized", json!({}));
        s.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": gen_uri().as_str(), "languageId": "datalex", "version": 1, "text": text}}),
        );
        s.wait(1);
        s
    }

    fn notify(&mut self, method: &str, params: serde_json::Value) {
        let n = Notification::new(method.into(), params);
        self.link.send(n.into());
    }

    fn change(&mut self, change: &TextDocumentContentChangeEvent, version: i32) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": gen_uri().as_str(), "version": version}, "contentChanges": [change]}),
        );
    }

    /// Sends a request and waits for its response; returns the result.
    fn request(&mut self, method: &str, params: serde_json::Value) -> serde_json::Value {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        self.link
            .send(Request::new(id.clone(), method.into(), params).into());
        while let Some(m) = self.link.recv() {
            if let Message::Response(r) = m {
                if r.id == id {
                    assert!(r.error.is_none(), "{method}: {:?}", r.error);
                    return r.result.unwrap_or_default();
                }
            }
        }
        panic!("the server stopped");
    }

    /// Waits for the diagnostics of the generated file at `version`; returns how many errors.
    fn wait(&mut self, version: i32) -> usize {
        while let Some(m) = self.link.recv() {
            if let Message::Notification(n) = m {
                if n.method == "textDocument/publishDiagnostics"
                    && n.params["version"] == version
                    && n.params["uri"] == gen_uri().as_str()
                {
                    let all = n.params["diagnostics"]
                        .as_array()
                        .cloned()
                        .unwrap_or_default();
                    return all.iter().filter(|d| d["severity"] == 1).count();
                }
            }
        }
        panic!("the server stopped");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let shutdown = Request::new(RequestId::from(2), "shutdown".into(), json!(null));
        self.link.send(shutdown.into());
        while let Some(m) = self.link.recv() {
            if let Message::Response(_) = m {
                break;
            }
        }
        self.notify("exit", json!(null));
        if let Link::Stream {
            child: Some(child), ..
        } = &mut self.link
        {
            let _ = child.wait();
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// `{via}/introduce_error` and `{via}/fix_error`: one edit, to its diagnostics;
/// `{via}/burst`: ten edits sent together (break, fix, … — the file ends fixed), to the
/// diagnostics of the last, which the server compiles once; `{via}/hover` and
/// `{via}/completion`: a request on the field the edits change, to its response.
fn through(c: &mut Criterion, via: &str, start: fn(&str) -> Server) {
    let e = edits();
    let mut server = start(&e.text);
    let mut g = c.benchmark_group("edit");
    g.sample_size(30).measurement_time(Duration::from_secs(20));
    let mut version = 1;
    g.bench_function(format!("{via}/introduce_error"), |b| {
        b.iter_custom(|iters| {
            alternate(
                iters,
                &mut server,
                |server, v| {
                    server.change(&e.fix_it, v);
                    server.wait(v);
                },
                |server, v| {
                    server.change(&e.break_it, v);
                    assert_eq!(server.wait(v), 1);
                },
                &mut version,
            )
        })
    });
    g.bench_function(format!("{via}/fix_error"), |b| {
        b.iter_custom(|iters| {
            alternate(
                iters,
                &mut server,
                |server, v| {
                    server.change(&e.break_it, v);
                    server.wait(v);
                },
                |server, v| {
                    server.change(&e.fix_it, v);
                    assert_eq!(server.wait(v), 0);
                },
                &mut version,
            )
        })
    });
    g.bench_function(format!("{via}/burst"), |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let t = Instant::now();
                for i in 0..10 {
                    version += 1;
                    let change = if i % 2 == 0 { &e.break_it } else { &e.fix_it };
                    server.change(change, version);
                }
                assert_eq!(server.wait(version), 0);
                total += t.elapsed();
            }
            total
        })
    });
    let at = |p: lsp_types::Position| json!({"textDocument": {"uri": gen_uri().as_str()}, "position": {"line": p.line, "character": p.character}});
    g.bench_function(format!("{via}/hover"), |b| {
        b.iter(|| {
            let r = server.request("textDocument/hover", at(e.hover_at));
            assert!(r["contents"].is_object(), "hover on a field: {r}");
        })
    });
    g.bench_function(format!("{via}/completion"), |b| {
        b.iter(|| {
            let r = server.request("textDocument/completion", at(e.complete_at));
            let items = r.as_array().or_else(|| r["items"].as_array());
            assert!(
                items.is_some_and(|i| i.iter().any(|x| x["label"] == "security_level")),
                "completion after `dataset.` offers its fields: {r}"
            );
        })
    });
    g.finish();
}

fn protocol(c: &mut Criterion) {
    through(c, "protocol", Server::memory);
}

fn stdio(c: &mut Criterion) {
    through(c, "stdio", Server::stdio);
}

/// `DATALEX_LSP_BIN`; a relative path is read from the workspace's root, where the command is
/// typed (cargo runs a benchmark in its package's directory, `lsp/`).
fn lsp_bin() -> std::path::PathBuf {
    let bin = std::path::PathBuf::from(std::env::var_os("DATALEX_LSP_BIN").unwrap_or_default());
    if bin.is_relative() {
        return std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .join(bin);
    }
    bin
}

/// `edit/binary/*`: the `datalex lsp` binary named by `DATALEX_LSP_BIN`, spawned, on its stdin
/// and stdout (skipped, with a note, when the variable is not set).
fn binary(c: &mut Criterion) {
    let Ok(bin) = std::env::var("DATALEX_LSP_BIN") else {
        eprintln!(
            "edit/binary/*: skipped; set DATALEX_LSP_BIN to the datalex binary (cargo build --release; DATALEX_LSP_BIN=target/release/datalex)"
        );
        return;
    };
    eprintln!("edit/binary/*: {bin} lsp");
    through(c, "binary", Server::binary);
}

criterion_group!(benches, analysis, protocol, stdio, binary);
criterion_main!(benches);
