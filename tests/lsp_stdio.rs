//! `datalex lsp` over stdio, the real binary: it answers `initialize`, publishes diagnostics,
//! answers hover, and exits cleanly after `shutdown` and `exit`; it finds the project whether
//! the workspace folder is the project (the repository), a package folder in it
//! (`policies/binzhou`) or absent (a single file opened) — no false diagnostic, hover on a
//! citation shows its text, `§` completion lists the articles, definition and rename cross
//! files — and compiles a burst of ten edits written at once at most twice.
//!
//! Compiles are counted with the server's `datalex/compiled` notification, which it sends
//! after each compile when `initializationOptions.reportCompiles` is true (docs/lsp.md).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "tests may fail loudly"
)]

use datalex_lsp::text::LineIndex;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

fn frame(msg: &Value) -> String {
    let body = msg.to_string();
    format!("Content-Length: {}\r\n\r\n{body}", body.len())
}

fn recv(stdout: &mut impl BufRead) -> Value {
    let mut len = 0usize;
    loop {
        let mut line = String::new();
        assert!(
            stdout.read_line(&mut line).unwrap() > 0,
            "the server closed stdout"
        );
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(n) = line.strip_prefix("Content-Length: ") {
            len = n.parse().unwrap();
        }
    }
    let mut body = vec![0; len];
    stdout.read_exact(&mut body).unwrap();
    serde_json::from_slice(&body).unwrap()
}

/// The repository (the project of these tests; read, never written).
fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .canonicalize()
        .unwrap()
}

fn file_uri(path: &Path) -> String {
    datalex_lsp::uri::from_path(path)
        .unwrap()
        .as_str()
        .to_string()
}

/// `datalex lsp` as a child process, and what it sent that was not yet asked for.
struct Lsp {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    next: i64,
    /// Notifications and server requests received while waiting for something else.
    seen: Vec<Value>,
}

impl Lsp {
    /// Starts the server and initializes it with these parameters.
    fn start(params: Value) -> (Lsp, Value) {
        let mut child = Command::new(env!("CARGO_BIN_EXE_datalex"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let mut lsp = Lsp {
            child,
            stdin,
            stdout,
            next: 0,
            seen: Vec::new(),
        };
        let init = lsp.request("initialize", params);
        lsp.notify("initialized", json!({}));
        (lsp, init)
    }

    fn write(&mut self, text: &str) {
        self.stdin.write_all(text.as_bytes()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.write(&frame(
            &json!({"jsonrpc": "2.0", "method": method, "params": params}),
        ));
    }

    /// Sends a request and returns the whole response.
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next += 1;
        let id = self.next;
        self.write(&frame(
            &json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}),
        ));
        self.until(|m| m["id"] == id && m.get("method").is_none())
    }

    /// The first message received or still to come that satisfies `want`, keeping the
    /// others; the server's requests (`client/registerCapability`) are answered with `null`.
    fn until(&mut self, want: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.seen.iter().position(&want) {
            return self.seen.remove(i);
        }
        loop {
            let m = recv(&mut self.stdout);
            if want(&m) {
                return m;
            }
            if m.get("method").is_some() && m.get("id").is_some() {
                let answer = json!({"jsonrpc": "2.0", "id": m["id"], "result": null});
                self.write(&frame(&answer));
            }
            self.seen.push(m);
        }
    }

    fn open(&mut self, uri: &str, text: &str, version: i32) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "datalex", "version": version, "text": text}}),
        );
    }

    /// Waits for the diagnostics of `uri` at `version`.
    fn diagnostics(&mut self, uri: &str, version: i32) -> Vec<Value> {
        let m = self.until(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["version"] == version
        });
        m["params"]["diagnostics"].as_array().unwrap().clone()
    }

    /// Takes what was received: the publications with diagnostics, and the compiles counted.
    fn drain(&mut self) -> (Vec<Value>, u64) {
        let mut diagnostics = Vec::new();
        let mut compiles = 0;
        for m in std::mem::take(&mut self.seen) {
            if m["method"] == "textDocument/publishDiagnostics" {
                diagnostics.extend(m["params"]["diagnostics"].as_array().unwrap().clone());
            } else if m["method"] == "datalex/compiled" {
                compiles += m["params"]["compiles"].as_u64().unwrap();
            }
        }
        (diagnostics, compiles)
    }

    fn shutdown(mut self) {
        let down = self.request("shutdown", Value::Null);
        assert!(down.get("error").is_none(), "{down}");
        self.notify("exit", Value::Null);
        drop(self.stdin);
        let status = self.child.wait().unwrap();
        assert!(status.success(), "{status}");
    }
}

/// `{"textDocument": …, "position": …}` at the `nth` `needle` of `text`, `into` bytes in.
fn at(uri: &str, text: &str, needle: &str, into: usize) -> Value {
    let offset = text
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` not found"))
        + into;
    let p = LineIndex::new(text).position(text, offset);
    json!({"textDocument": {"uri": uri}, "position": p})
}

#[test]
fn lsp_speaks_the_protocol_on_stdio() {
    let dir = tempfile::tempdir().unwrap();
    let policies = dir.path().join("policies/demo");
    std::fs::create_dir_all(&policies).unwrap();
    let file = policies.join("demo.dlx");
    std::fs::write(&file, "package demo\n").unwrap();
    let root = format!("file://{}", dir.path().display());
    let uri = format!("file://{}", file.display());

    let (mut lsp, init) =
        Lsp::start(json!({"processId": null, "rootUri": root, "capabilities": {}}));
    assert_eq!(
        init["result"]["capabilities"]["textDocumentSync"]["change"], 2,
        "{init}"
    );
    assert_eq!(init["result"]["serverInfo"]["name"], "datalex-lsp");

    // No `stdlib/` in this folder: the embedded prelude is used, so `dataset` is known and
    // the unknown field is the one error.
    let text = "package demo\nregulation r \"R\" { article 1 \"一\" }\nguard g on share cites §1\n  when dataset.sharing is missing\n  => deny x \"y\"\notherwise on share cites §1 => deny z \"w\"\n";
    lsp.open(&uri, text, 1);
    let diags = lsp.diagnostics(&uri, 1);
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0]["code"], datalex_lang::Code::E0102.as_str());
    assert_eq!(
        diags[0]["range"]["start"],
        json!({"line": 3, "character": 15})
    );

    let hover = lsp.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 3, "character": 9}}),
    );
    let shown = hover["result"]["contents"]["value"].as_str().unwrap();
    assert!(shown.contains("value dataset: Dataset"), "{shown}");
    lsp.shutdown();
}

const SHARING: &str = "policies/binzhou/sharing.dlx";

/// The features on the repository's policies, with the workspace folder `folder` (relative to
/// the repository; `None`: no folder, a single file opened).
fn the_project_is_found_from(folder: Option<&str>) {
    let repo = repo();
    let folder_uri = folder.map(|f| file_uri(&repo.join(f)));
    let (mut lsp, init) = Lsp::start(json!({
        "processId": null,
        "rootUri": folder_uri,
        "workspaceFolders": folder_uri.as_ref().map(|u| json!([{"uri": u, "name": "folder"}])),
        "initializationOptions": {"reportCompiles": true},
        "capabilities": {"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}},
    }));
    assert!(init.get("error").is_none(), "{init}");
    let uri = file_uri(&repo.join(SHARING));
    let text = std::fs::read_to_string(repo.join(SHARING)).unwrap();
    lsp.open(&uri, &text, 1);
    assert_eq!(lsp.diagnostics(&uri, 1), Vec::<Value>::new(), "{folder:?}");

    // The server asked to be told about `.dlx` files changed on disk.
    let registration = lsp
        .seen
        .iter()
        .find(|m| m["method"] == "client/registerCapability")
        .cloned()
        .unwrap_or_else(|| panic!("no registration: {:?}", lsp.seen));
    let r = &registration["params"]["registrations"][0];
    assert_eq!(r["method"], "workspace/didChangeWatchedFiles");
    assert_eq!(
        r["registerOptions"]["watchers"][0]["globPattern"],
        "**/*.dlx"
    );

    // Hover on a citation: its label and the text it cites.
    let hover = lsp.request("textDocument/hover", at(&uri, &text, "§20.2.2", 3));
    let shown = hover["result"]["contents"]["value"].as_str().unwrap_or("");
    assert!(
        shown.contains("《滨州市公共数据管理办法》第二十条第二款第二项")
            && shown.contains("> 有条件共享类公共数据"),
        "{folder:?}: {hover}"
    );

    // Definition crosses files: binzhou's `override` names shandong's rule.
    let definition = lsp.request(
        "textDocument/definition",
        at(&uri, &text, "override rule conditional_share", 18),
    );
    assert_eq!(
        definition["result"][0]["uri"],
        file_uri(&repo.join("policies/shandong/measures.dlx")),
        "{folder:?}: {definition}"
    );

    // Rename edits every file, each place once.
    let rename = lsp.request(
        "textDocument/rename",
        json!({"newName": "provider_reply_period",
            "textDocument": {"uri": uri},
            "position": at(&uri, &text, "within reply_period", 9)["position"]}),
    );
    let mut edits: Vec<(String, Value)> = Vec::new();
    for doc in rename["result"]["documentChanges"].as_array().unwrap() {
        for e in doc["edits"].as_array().unwrap() {
            edits.push((
                doc["textDocument"]["uri"].as_str().unwrap().to_string(),
                e["range"].clone(),
            ));
        }
    }
    let files: std::collections::BTreeSet<&str> = edits.iter().map(|(u, _)| u.as_str()).collect();
    assert_eq!(edits.len(), 9, "{folder:?}: {rename}");
    assert_eq!(files.len(), 5, "{folder:?}: {files:?}");
    assert!(files.contains(file_uri(&repo.join("policies/shandong/measures.dlx")).as_str()));

    // `§` completion lists the regulation's articles.
    let needle = "override rule not_shared on share cites §20.2.3";
    let end = text.find(needle).unwrap() + needle.len();
    let insert_at = LineIndex::new(&text).position(&text, end);
    lsp.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2},
            "contentChanges": [{"range": {"start": insert_at, "end": insert_at}, "text": ", §"}]}),
    );
    let mut after = insert_at;
    after.character += 3;
    let completion = lsp.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri}, "position": after}),
    );
    let labels: Vec<&str> = completion["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert!(
        labels.len() > 40 && labels.contains(&"20") && labels.contains(&"45"),
        "{folder:?}: {labels:?}"
    );
    lsp.diagnostics(&uri, 2);
    // No false diagnostic anywhere, in any file, so far (a round trip first, so that every
    // publication of the last compile has arrived).
    lsp.request("textDocument/hover", at(&uri, &text, "§20.2.2", 3));
    let (diagnostics, _) = lsp.drain();
    assert_eq!(diagnostics, Vec::<Value>::new(), "{folder:?}");

    // A burst of ten edits in one write: compiled at most twice.
    let line_end = LineIndex::new(&text).position(&text, text.find('\n').unwrap());
    let mut burst = String::new();
    for i in 0..10u32 {
        let mut p = line_end;
        p.character += i;
        burst.push_str(&frame(
            &json!({"jsonrpc": "2.0", "method": "textDocument/didChange",
            "params": {"textDocument": {"uri": uri, "version": 3 + i},
                "contentChanges": [{"range": {"start": p, "end": p}, "text": " "}]}}),
        ));
    }
    lsp.write(&burst);
    lsp.diagnostics(&uri, 12);
    lsp.request("textDocument/hover", at(&uri, &text, "§20.2.2", 3));
    let (_, compiles) = lsp.drain();
    assert!(
        (1..=2).contains(&compiles),
        "{folder:?}: {compiles} compiles"
    );
    lsp.shutdown();
}

#[test]
fn the_project_is_found_from_its_root() {
    the_project_is_found_from(Some("."));
}

#[test]
fn the_project_is_found_from_a_package_folder() {
    the_project_is_found_from(Some("policies/binzhou"));
}

#[test]
fn the_project_is_found_from_a_single_file() {
    the_project_is_found_from(None);
}

#[test]
fn a_file_outside_every_project_is_compiled_alone() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("lone.dlx");
    let text = "package lone\nregulation r \"R\" { article 1 \"一\" }\nguard g on share cites §1\n  when dataset is missing\n  => deny x \"y\"\notherwise on share cites §1 => deny z \"w\"\n";
    std::fs::write(&file, text).unwrap();
    let uri = file_uri(&file);
    let (mut lsp, _) =
        Lsp::start(json!({"processId": null, "rootUri": null, "capabilities": {}, "locale": "en"}));
    lsp.open(&uri, text, 1);
    let diags = lsp.diagnostics(&uri, 1);
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0]["severity"], 3, "information: {diags:?}");
    assert!(
        diags[0]["message"]
            .as_str()
            .unwrap()
            .contains("outside a Datalex project"),
        "{diags:?}"
    );
    // Closing it clears it.
    lsp.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    let m = lsp.until(|m| {
        m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri.as_str()
    });
    assert_eq!(m["params"]["diagnostics"], json!([]));
    lsp.shutdown();
}

/// Issue 17: a 100,000-term `or` chain and a 100,000-term sum are opened, edited, hovered and
/// formatted in the language server without a crash (they overflowed its stack before the
/// chains were flat).
#[test]
fn a_100000_term_chain_is_edited_without_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let policies = dir.path().join("policies/demo");
    std::fs::create_dir_all(&policies).unwrap();
    let file = policies.join("demo.dlx");
    std::fs::write(&file, "package demo\n").unwrap();
    let root = format!("file://{}", dir.path().display());
    let uri = format!("file://{}", file.display());
    let (mut lsp, init) =
        Lsp::start(json!({"processId": null, "rootUri": root, "capabilities": {}}));
    assert!(init.get("error").is_none(), "{init}");

    let n = 100_000;
    let document = |term: &dyn Fn(usize) -> String| {
        let terms: Vec<String> = (0..n).map(term).collect();
        format!(
            "package demo\nregulation r \"R\" {{ article 1 \"一\" }}\n\
             guard g on share cites §1\n  when dataset.share == conditional or {}\n  => deny x \"y\"\n\
             check s on share cites §1\n  when {} > 3\n  => finding f warning on dataset.id \"z\"\n\
             otherwise on share cites §1 => deny z \"w\"\n",
            terms.join(" or "),
            vec!["1"; n].join(" + ")
        )
    };
    // `request.at` is a date: each comparison with a number is an error.
    let text = document(&|i| format!("request.at == {i}"));
    lsp.open(&uri, &text, 1);
    let diags = lsp.diagnostics(&uri, 1);
    assert_eq!(diags.len(), 1000, "the first 1,000 are published");

    let fixed = document(&|i| format!("dataset.id == \"d{i}\""));
    lsp.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": fixed}]}),
    );
    let diags = lsp.diagnostics(&uri, 2);
    assert_eq!(diags, Vec::<Value>::new());

    let hover = lsp.request("textDocument/hover", at(&uri, &fixed, "dataset.share", 1));
    assert!(hover.get("error").is_none(), "{hover}");
    let formatted = lsp.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": uri}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    assert!(formatted.get("error").is_none());
    lsp.shutdown();
}
