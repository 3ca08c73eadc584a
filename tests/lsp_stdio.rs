//! `datalex lsp` over stdio: the binary answers `initialize`, publishes diagnostics for a
//! document with an error, answers a hover, and exits cleanly after `shutdown` and `exit`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // tests may fail loudly

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

fn send(stdin: &mut impl Write, msg: &Value) {
    let body = msg.to_string();
    write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
    stdin.flush().unwrap();
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

/// Reads messages until one satisfies `want`.
fn until(stdout: &mut impl BufRead, want: impl Fn(&Value) -> bool) -> Value {
    loop {
        let m = recv(stdout);
        if want(&m) {
            return m;
        }
    }
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

    let mut child = Command::new(env!("CARGO_BIN_EXE_datalex"))
        .arg("lsp")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());

    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"processId": null, "rootUri": root, "capabilities": {}}}),
    );
    let init = until(&mut stdout, |m| m["id"] == 1);
    assert_eq!(
        init["result"]["capabilities"]["textDocumentSync"]["change"], 2,
        "{init}"
    );
    assert_eq!(init["result"]["serverInfo"]["name"], "datalex-lsp");
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
    );

    // No `stdlib/` in this folder: the embedded prelude is used, so `dataset` is known and
    // the unknown field is the one error.
    let text = "package demo\nregulation r \"R\" { article 1 \"一\" }\nguard g on share cites §1\n  when dataset.sharing is missing\n  => deny x \"y\"\notherwise on share cites §1 => deny z \"w\"\n";
    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
        "textDocument": {"uri": uri, "languageId": "datalex", "version": 1, "text": text}}}),
    );
    let published = until(&mut stdout, |m| {
        m["method"] == "textDocument/publishDiagnostics" && m["params"]["version"] == 1
    });
    let diags = published["params"]["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 1, "{published}");
    assert_eq!(diags[0]["code"], datalex_lang::Code::E0102.as_str());
    assert_eq!(
        diags[0]["range"]["start"],
        json!({"line": 3, "character": 15})
    );

    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "id": 2, "method": "textDocument/hover", "params": {
        "textDocument": {"uri": uri}, "position": {"line": 3, "character": 9}}}),
    );
    let hover = until(&mut stdout, |m| m["id"] == 2);
    let shown = hover["result"]["contents"]["value"].as_str().unwrap();
    assert!(shown.contains("value dataset: Dataset"), "{shown}");

    send(
        &mut stdin,
        &json!({"jsonrpc": "2.0", "id": 3, "method": "shutdown"}),
    );
    let down = until(&mut stdout, |m| m["id"] == 3);
    assert!(down.get("error").is_none(), "{down}");
    send(&mut stdin, &json!({"jsonrpc": "2.0", "method": "exit"}));
    drop(stdin);
    let status = child.wait().unwrap();
    assert!(status.success(), "{status}");
}
