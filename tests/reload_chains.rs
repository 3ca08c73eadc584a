//! Issue 17: a policy file with a 100,000-term `or` chain and a 100,000-term sum saved into the
//! policies a running service watches is compiled by its reload (which used to overflow the
//! stack of the blocking thread it compiles on and abort the service); the service keeps
//! answering and `/v1/policies` shows the reload. A file nested too deep fails the reload with
//! E0006, cleanly, and the last good version keeps serving.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "tests may fail loudly"
)]

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

fn http(addr: &str, method: &str, path: &str, body: &str) -> std::io::Result<(u16, String)> {
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(Duration::from_secs(60)))?;
    write!(s, "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len())?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)?;
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let status = raw.get(9..12).and_then(|c| c.parse().ok()).unwrap_or(0);
    let body = raw
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    Ok((status, body))
}

fn policies(addr: &str) -> Value {
    let (status, body) = http(addr, "GET", "/v1/policies", "").expect("the service answers");
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).expect("JSON")
}

fn version(addr: &str, jurisdiction: &str) -> String {
    policies(addr)["policies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|j| j["jurisdiction"] == jurisdiction)
        .unwrap()["version"]
        .as_str()
        .unwrap()
        .to_string()
}

fn wait_for(what: &str, mut cond: impl FnMut() -> bool) {
    // A debug build compiles 100,000 terms in seconds; the bound only stops a hung test.
    let deadline = Instant::now() + Duration::from_secs(300);
    while Instant::now() < deadline {
        if cond() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("timed out waiting for {what}");
}

const DEVELOP: &str = r#"{"kind": "develop", "at": "2026-03-02", "jurisdiction": "zunyi", "developer": "zy-dev-001", "scenario": "s99999", "datasets": ["zy-tjj-0001"], "environment": "trusted", "purpose": "p", "source_departments": ["zy-tjj"], "use_scope": "u", "use_period": "2026-03-02至2027-03-01", "security_controls": "c"}"#;

#[test]
fn a_running_service_reloads_a_100000_term_chain_and_refuses_deep_nesting_cleanly() {
    let dir = common::scratch_policies();
    common::copy_dir(&common::root().join("data"), &dir.path().join("data"));
    std::fs::copy(
        common::root().join("datalex.toml"),
        dir.path().join("datalex.toml"),
    )
    .unwrap();
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let log = dir.path().join("decisions.db");
    let child = Command::new(env!("CARGO_BIN_EXE_datalex"))
        .env("DATALEX_LANG", "en")
        .env("RUST_LOG", "warn")
        .args(["serve", "--addr", &addr, "--log", log.to_str().unwrap()])
        .current_dir(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("server starts");
    let server = Server { child, addr };
    wait_for("readiness", || {
        matches!(http(&server.addr, "GET", "/readyz", ""), Ok((200, _)))
    });
    let v1 = version(&server.addr, "zunyi");

    let n = 100_000;
    let terms: Vec<String> = (0..n)
        .map(|i| format!("request.scenario == \"s{i}\""))
        .collect();
    let chains = format!(
        "package zunyi\n\n\
         check long_or on develop cites reading zunyi_application_contents\n  when {}\n  \
         => finding application_content_missing violation on \"场景应用\" \"long or\"\n\n\
         check long_sum on develop cites reading zunyi_application_contents\n  when {} < 5\n  \
         => finding application_content_missing violation on \"场景应用\" \"long sum\"\n",
        terms.join(" or "),
        vec!["1"; n].join(" + ")
    );
    let file = dir.path().join("policies/zunyi/chains.dlx");
    std::fs::write(&file, chains).unwrap();
    wait_for("the reload of the chains", || {
        version(&server.addr, "zunyi") != v1
    });
    let p = policies(&server.addr);
    assert_eq!(p["reload"]["status"], "ok", "{p}");
    // The new version decides, and evaluates the chain: the last term holds.
    let (status, body) = http(&server.addr, "POST", "/v1/decisions", DEVELOP).unwrap();
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("long or"), "{body}");
    let v2 = version(&server.addr, "zunyi");

    // Nested beyond the limit: the reload fails with E0006, the service keeps serving v2.
    let mut cond = String::from("request.scenario == \"x\"");
    for _ in 0..400 {
        cond = format!("not ({cond})");
    }
    std::fs::write(
        &file,
        format!(
            "package zunyi\n\ncheck deep on develop cites reading zunyi_application_contents\n  \
             when {cond}\n  => finding application_content_missing violation on \"x\" \"deep\"\n"
        ),
    )
    .unwrap();
    wait_for("the reload failure", || {
        policies(&server.addr)["reload"]["status"] == "failed"
    });
    let p = policies(&server.addr);
    assert!(
        p["reload"]["message"].as_str().unwrap().contains("E0006"),
        "{p}"
    );
    assert_eq!(version(&server.addr, "zunyi"), v2);
    let (status, body) = http(&server.addr, "POST", "/v1/decisions", DEVELOP).unwrap();
    assert_eq!(status, 200, "{body}");
}
