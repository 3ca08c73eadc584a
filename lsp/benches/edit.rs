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
//!   `didChange`, wait for `publishDiagnostics` of that version (serialisation and the channel
//!   included);
//! - `edit/reparse` and `edit/compile`: the two parts, to see where the time goes
//!   (`edit/compile` is the server's: `compile_parsed` of the documents' cached trees);
//! - `edit/parse_all`: parsing every file of the workspace from its text, which the server no
//!   longer does to compile, and `edit/syntax_all`: what it does instead, every file's tree
//!   cloned from its cached chunks and moved into place.
//!
//! Run with `cargo bench -p datalex-lsp --bench edit`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // benchmarks may fail loudly

#[path = "../../benches/gen/mod.rs"]
#[allow(dead_code)]
mod gen;

use criterion::{criterion_group, criterion_main, Criterion};
use datalex_lsp::document::Document;
use datalex_lsp::text::LineIndex;
use datalex_lsp::Workspace;
use lsp_server::{Connection, Message, Notification, Request, RequestId};
use lsp_types::{Range, TextDocumentContentChangeEvent, Uri};
use serde_json::json;
use std::hint::black_box;
use std::path::{Path, PathBuf};
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

/// The server on a thread, initialized on the repository, with the generated file open.
struct Server {
    client: Connection,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    fn start(text: &str) -> Server {
        let (server, client) = Connection::memory();
        let thread = std::thread::spawn(move || {
            let config = datalex_lsp::Config {
                prelude: PRELUDE.into(),
                today: None,
            };
            datalex_lsp::run(&server, &config).unwrap();
        });
        let root = datalex_lsp::uri::from_path(&repo()).unwrap();
        let init = Request::new(
            RequestId::from(1),
            "initialize".into(),
            json!({"processId": null, "rootUri": root.as_str(), "capabilities": {}}),
        );
        client.sender.send(init.into()).unwrap();
        let s = Server {
            client,
            thread: Some(thread),
        };
        loop {
            if let Message::Response(_) = s.client.receiver.recv().unwrap() {
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

    fn notify(&self, method: &str, params: serde_json::Value) {
        let n = Notification::new(method.into(), params);
        self.client.sender.send(n.into()).unwrap();
    }

    fn change(&self, change: &TextDocumentContentChangeEvent, version: i32) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": gen_uri().as_str(), "version": version}, "contentChanges": [change]}),
        );
    }

    /// Waits for the diagnostics of the generated file at `version`; returns how many errors.
    fn wait(&self, version: i32) -> usize {
        loop {
            if let Message::Notification(n) = self.client.receiver.recv().unwrap() {
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
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let shutdown = Request::new(RequestId::from(2), "shutdown".into(), json!(null));
        let _ = self.client.sender.send(shutdown.into());
        while let Ok(m) = self.client.receiver.recv() {
            if let Message::Response(_) = m {
                break;
            }
        }
        self.notify("exit", json!(null));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn protocol(c: &mut Criterion) {
    let e = edits();
    let server = Server::start(&e.text);
    let mut g = c.benchmark_group("edit");
    g.sample_size(30).measurement_time(Duration::from_secs(20));
    let mut version = 1;
    g.bench_function("protocol/introduce_error", |b| {
        b.iter_custom(|iters| {
            alternate(
                iters,
                &mut &server,
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
    g.bench_function("protocol/fix_error", |b| {
        b.iter_custom(|iters| {
            alternate(
                iters,
                &mut &server,
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
    g.finish();
}

criterion_group!(benches, analysis, protocol);
criterion_main!(benches);
