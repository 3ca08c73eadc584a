//! The decision service, started as the README starts it, on a free loopback port.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // tests may fail loudly

mod common;

use serde_json::Value;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Server {
    child: Child,
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start() -> Server {
    let port = TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let addr = format!("127.0.0.1:{port}");
    let child = Command::new(env!("CARGO_BIN_EXE_datalex"))
        .args(["serve", "--addr", &addr])
        .current_dir(common::root())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("server starts");
    let server = Server { child, addr };
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if let Ok((200, _)) = http(&server.addr, "GET", "/readyz", "") {
            return server;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("the server did not become ready on {}", server.addr);
}

/// One HTTP/1.1 request; returns the status and the body.
fn http(addr: &str, method: &str, path: &str, body: &str) -> std::io::Result<(u16, String)> {
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(s, "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len())?;
    let mut raw = String::new();
    s.read_to_string(&mut raw)?;
    let status = raw.get(9..12).and_then(|c| c.parse().ok()).unwrap_or(0);
    let body = raw
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    Ok((status, body))
}

fn json(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

#[test]
fn serves_decisions_on_the_bundled_policies() {
    let server = start();
    let (status, body) = http(&server.addr, "POST", "/v1/decisions", r#"{"kind": "share", "at": "2026-03-02", "requester": "bz-wjw", "dataset": "bz-ga-0001", "scenario": "public_health"}"#).expect("post");
    assert_eq!(status, 200, "{body}");
    let d = json(&body);
    assert_eq!(d["effect"], "review");
    assert_eq!(d["deadlines"][0]["due"], "2026-03-16");
    assert_eq!(d["policy"]["jurisdiction"], "binzhou");
    let id = d["decision_id"].as_str().expect("decision id");

    let (status, body) =
        http(&server.addr, "GET", &format!("/v1/decisions/{id}"), "").expect("get");
    assert_eq!(status, 200);
    assert_eq!(json(&body)["decision_id"], id);
    assert_eq!(
        http(&server.addr, "GET", "/v1/decisions/01NOTADECISION", "")
            .expect("get")
            .0,
        404
    );

    let (status, body) = http(&server.addr, "POST", "/v1/decisions:batch", r#"{"requests": [{"kind": "open", "at": "2026-03-02", "requester": {"type": "citizen", "id": "1"}, "dataset": "bz-scj-0001"}, {"kind": "share", "at": "2026-02-30"}]}"#).expect("batch");
    assert_eq!(status, 200, "{body}");
    let b = json(&body);
    assert_eq!(b["decisions"][0]["effect"], "permit");
    assert!(
        b["decisions"][1]["error"]["field"]
            .as_str()
            .is_some_and(|f| f.starts_with("requests[1].")),
        "{body}"
    );

    let (status, body) = http(&server.addr, "GET", "/v1/policies", "").expect("policies");
    assert_eq!(status, 200);
    assert!(
        json(&body)["policies"][0]["version"]
            .as_str()
            .is_some_and(|v| v.starts_with("sha256:")),
        "{body}"
    );
    assert_eq!(
        http(&server.addr, "GET", "/healthz", "")
            .expect("healthz")
            .0,
        200
    );
    let (status, body) = http(&server.addr, "GET", "/metrics", "").expect("metrics");
    assert_eq!(status, 200);
    assert!(
        body.contains(
            "datalex_decisions_total{jurisdiction=\"binzhou\",kind=\"share\",effect=\"review\"} 1"
        ),
        "{body}"
    );
}

#[test]
fn bad_input_gets_an_error_naming_the_field() {
    let server = start();
    let (status, body) = http(&server.addr, "POST", "/v1/decisions", "{not json").expect("post");
    assert_eq!(status, 400);
    assert_eq!(json(&body)["error"]["code"], "malformed_json");
    let (status, body) = http(&server.addr, "POST", "/v1/decisions", r#"{"kind": "share", "at": "2026-02-30", "requester": "bz-wjw", "dataset": "bz-ga-0001", "scenario": "x"}"#).expect("post");
    assert_eq!(status, 422);
    assert_eq!(json(&body)["error"]["field"], "at");
    let (status, body) = http(&server.addr, "POST", "/v1/decisions", r#"{"kind": "develop", "developer": "dev-001", "scenario": "s", "datasets": [], "environment": "trusted"}"#).expect("post");
    assert_eq!(status, 422);
    assert_eq!(json(&body)["error"]["field"], "datasets");
}
