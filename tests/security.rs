//! Who may ask, and a service that cannot be held: the real binary on a free loopback port with
//! a key file (401, 403, a reloaded key file, 429), open on loopback only without one, a client
//! sending its header one byte a second, the connection limit, TLS, JSON bodies on 405 and 408,
//! and its log on stderr without colour codes when redirected.

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
use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio_rustls::rustls;

const CONDITIONAL: &str = r#"{"kind": "share", "at": "2026-03-02", "requester": "bz-wjw", "dataset": "bz-ga-0001", "scenario": "public_health", "jurisdiction": "binzhou"}"#;

struct Server {
    child: Child,
    addr: String,
    dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Stops the server with SIGTERM and returns what it wrote to stdout and to stderr.
    fn stop(mut self) -> (String, String) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                assert!(
                    status.success(),
                    "the server did not exit cleanly: {status}"
                );
                let read = |name| std::fs::read_to_string(self.dir.path().join(name)).unwrap();
                return (read("stdout"), read("stderr"));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("the server did not stop on SIGTERM");
    }
}

fn free_addr() -> String {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    format!("127.0.0.1:{port}")
}

/// `datalex serve ARGS` at the repository root on a free loopback port, its decision log and
/// its stdout and stderr in a scratch directory; ready once `ready` says so.
fn start_with(args: &[&str], ready: impl Fn(&str) -> bool) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let addr = free_addr();
    let log = dir.path().join("decisions.db");
    let child = Command::new(env!("CARGO_BIN_EXE_datalex"))
        .env("DATALEX_LANG", "en")
        .env("RUST_LOG", "info")
        .args(["serve", "--addr", &addr, "--log", log.to_str().unwrap()])
        .args(args)
        .current_dir(common::root())
        .stdout(std::fs::File::create(dir.path().join("stdout")).unwrap())
        .stderr(std::fs::File::create(dir.path().join("stderr")).unwrap())
        .spawn()
        .expect("server starts");
    let mut server = Server { child, addr, dir };
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if ready(&server.addr) {
            return server;
        }
        if let Ok(Some(status)) = server.child.try_wait() {
            let stderr = std::fs::read_to_string(server.dir.path().join("stderr")).unwrap();
            panic!("the server exited ({status}): {stderr}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("the server did not become ready on {}", server.addr);
}

fn start(args: &[&str]) -> Server {
    start_with(
        args,
        |addr| matches!(request(addr, "GET", "/readyz", &[], ""), Ok(a) if a.status == 200),
    )
}

/// An answer: its status, its head (lowercased) and its body.
#[derive(Debug)]
struct Answer {
    status: u16,
    head: String,
    body: String,
}

impl Answer {
    fn parse(raw: &[u8]) -> Answer {
        let raw = String::from_utf8_lossy(raw).into_owned();
        let status = raw.get(9..12).and_then(|c| c.parse().ok()).unwrap_or(0);
        let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
        Answer {
            status,
            head: head.to_lowercase(),
            body: body.to_string(),
        }
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {} {}", self.status, self.body))
    }

    /// The value of header `name` (lowercase).
    fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|l| {
            l.strip_prefix(name)
                .and_then(|rest| rest.strip_prefix(':'))
                .map(|v| v.trim().to_string())
        })
    }

    /// The error's code, after checking it has a message.
    fn code(&self) -> String {
        let e = self.json();
        assert!(
            e["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{}",
            self.body
        );
        e["error"]["code"].as_str().unwrap_or_default().to_string()
    }
}

fn raw_request(
    method: &str,
    path: &str,
    addr: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> String {
    let extra: String = headers
        .iter()
        .map(|(k, v)| format!("{k}: {v}\r\n"))
        .collect();
    format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\n{extra}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len())
}

/// One HTTP/1.1 request with these headers.
fn request(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> std::io::Result<Answer> {
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(Duration::from_secs(30)))?;
    s.write_all(raw_request(method, path, addr, headers, body).as_bytes())?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)?;
    Ok(Answer::parse(&raw))
}

/// A request with `Authorization: Bearer KEY` (and English messages).
fn with_key(addr: &str, key: &str, method: &str, path: &str, body: &str) -> Answer {
    let auth = format!("Bearer {key}");
    request(
        addr,
        method,
        path,
        &[("Authorization", &auth), ("Accept-Language", "en")],
        body,
    )
    .unwrap()
}

fn wait_for(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if cond() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("timed out waiting for {what}");
}

/// A key file entry for `key`, made with `datalex keys hash` as an operator would.
fn entry(id: &str, key: &str, scopes: &[&str], extra: &str) -> String {
    let out = common::run(&["keys", "hash", key], "");
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    let hash = common::stdout(&out).trim().to_string();
    let scopes: Vec<String> = scopes.iter().map(|s| format!("\"{s}\"")).collect();
    format!(
        "[[caller]]\nid = \"{id}\"\nkey_sha256 = \"{hash}\"\nscopes = [{}]\n{extra}\n",
        scopes.join(", ")
    )
}

#[test]
fn keys_and_scopes_decide_who_may_ask_and_a_changed_key_file_is_reread() {
    let keys_dir = tempfile::tempdir().unwrap();
    let keys = keys_dir.path().join("callers.toml");
    let file = [
        entry("binzhou-platform", "dlx_decider", &["decide"], ""),
        entry("reader", "dlx_reader", &["read-policies"], ""),
        entry("auditor", "dlx_auditor", &["audit"], ""),
        entry(
            "jinan-platform",
            "dlx_jinan",
            &["decide", "read-decisions"],
            "",
        ),
        entry("slow-platform", "dlx_slow", &["decide"], "rate = \"2/h\""),
    ]
    .concat();
    std::fs::write(&keys, &file).unwrap();
    let server = start(&["--keys", keys.to_str().unwrap()]);
    let addr = server.addr.as_str();

    // No key: 401 with the challenge, in the request's language.
    let none = request(addr, "POST", "/v1/decisions", &[], CONDITIONAL).unwrap();
    assert_eq!(none.status, 401, "{none:?}");
    assert_eq!(none.code(), "unauthenticated");
    assert_eq!(
        none.header("www-authenticate").as_deref(),
        Some("bearer realm=\"datalex\"")
    );
    assert!(none.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("需要 API 密钥"));
    let en = request(addr, "GET", "/metrics", &[("Accept-Language", "en")], "").unwrap();
    assert_eq!(en.status, 401);
    assert!(en.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("needs an API key"));
    // A key the service does not know.
    let unknown = with_key(addr, "dlx_guessed", "POST", "/v1/decisions", CONDITIONAL);
    assert_eq!(
        (unknown.status, unknown.code().as_str()),
        (401, "unauthenticated")
    );
    assert!(unknown
        .header("www-authenticate")
        .unwrap()
        .contains("invalid_token"));
    // A known caller without the route's scope.
    let wrong = with_key(addr, "dlx_reader", "POST", "/v1/decisions", CONDITIONAL);
    assert_eq!((wrong.status, wrong.code().as_str()), (403, "forbidden"));
    assert_eq!(
        wrong.json()["error"]["message"],
        "caller `reader` may not use /v1/decisions: it needs the scope `decide`"
    );
    assert_eq!(
        with_key(addr, "dlx_reader", "GET", "/v1/policies", "").status,
        200
    );
    assert_eq!(
        with_key(addr, "dlx_reader", "GET", "/openapi.json", "").status,
        200
    );
    assert_eq!(
        with_key(addr, "dlx_reader", "GET", "/metrics", "").status,
        403
    );

    // The decider decides; reading it back needs `read-decisions` (its own) or `audit` (any).
    let decided = with_key(addr, "dlx_decider", "POST", "/v1/decisions", CONDITIONAL);
    assert_eq!(decided.status, 200, "{}", decided.body);
    let id = decided.json()["decision_id"].as_str().unwrap().to_string();
    let path = format!("/v1/decisions/{id}");
    let unscoped = with_key(addr, "dlx_decider", "GET", &path, "");
    assert_eq!(
        (unscoped.status, unscoped.code().as_str()),
        (403, "forbidden")
    );
    assert!(
        unscoped.body.contains("`read-decisions` or `audit`"),
        "{}",
        unscoped.body
    );
    let audited = with_key(addr, "dlx_auditor", "GET", &path, "");
    assert_eq!(audited.status, 200, "{}", audited.body);
    assert_eq!(audited.json()["decision_id"], id.as_str());
    // A caller with `read-decisions` reads its own decisions; another caller's is unknown to it
    // (404, as for an id never given), and the log records who asked.
    let own = with_key(addr, "dlx_jinan", "POST", "/v1/decisions", CONDITIONAL);
    assert_eq!(own.status, 200, "{}", own.body);
    let own_id = own.json()["decision_id"].as_str().unwrap().to_string();
    let own_path = format!("/v1/decisions/{own_id}");
    let read = with_key(addr, "dlx_jinan", "GET", &own_path, "");
    assert_eq!(read.status, 200, "{}", read.body);
    assert_eq!(read.json()["decision_id"], own_id.as_str());
    let others = with_key(addr, "dlx_jinan", "GET", &path, "");
    assert_eq!(
        (others.status, others.code().as_str()),
        (404, "not_found"),
        "{}",
        others.body
    );
    assert_eq!(
        with_key(addr, "dlx_auditor", "GET", &own_path, "").status,
        200
    );
    assert_eq!(
        with_key(addr, "dlx_reader", "POST", "/v1/decisions:batch", "{}").status,
        403
    );

    // Open routes need no key; nothing else does.
    assert_eq!(
        request(addr, "GET", "/healthz", &[], "").unwrap().status,
        200
    );
    assert_eq!(
        request(addr, "GET", "/readyz", &[], "").unwrap().status,
        200
    );
    assert_eq!(
        request(addr, "GET", "/openapi.json", &[], "")
            .unwrap()
            .status,
        401
    );
    // No such route: the key first, then 404.
    assert_eq!(
        request(addr, "GET", "/v2/nothing", &[], "").unwrap().status,
        401
    );
    assert_eq!(
        with_key(addr, "dlx_reader", "GET", "/v2/nothing", "").status,
        404
    );

    // Over its rate (2 an hour): 429 with Retry-After; other callers are not held back.
    for _ in 0..2 {
        assert_eq!(
            with_key(addr, "dlx_slow", "POST", "/v1/decisions", CONDITIONAL).status,
            200
        );
    }
    let limited = with_key(addr, "dlx_slow", "POST", "/v1/decisions", CONDITIONAL);
    assert_eq!(
        (limited.status, limited.code().as_str()),
        (429, "rate_limited")
    );
    let retry: u64 = limited.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=1800).contains(&retry), "Retry-After: {retry}");
    assert!(
        limited.body.contains("over the rate of 2/h"),
        "{}",
        limited.body
    );
    assert_eq!(
        with_key(addr, "dlx_decider", "POST", "/v1/decisions", CONDITIONAL).status,
        200
    );
    let metrics = with_key(addr, "dlx_auditor", "GET", "/metrics", "");
    assert_eq!(
        metrics.status, 403,
        "an auditor reads decisions, not metrics"
    );

    // A new caller added to the key file is let in without a restart; a removed one is not.
    assert_eq!(
        with_key(addr, "dlx_late", "GET", "/v1/policies", "").status,
        401
    );
    let rewritten = format!(
        "{}{}",
        file.replace(
            &entry("binzhou-platform", "dlx_decider", &["decide"], ""),
            ""
        ),
        entry(
            "late-platform",
            "dlx_late",
            &["read-policies", "metrics"],
            ""
        )
    );
    std::fs::write(&keys, rewritten).unwrap();
    wait_for("the new key", || {
        with_key(addr, "dlx_late", "GET", "/v1/policies", "").status == 200
    });
    assert_eq!(
        with_key(addr, "dlx_late", "GET", "/metrics", "").status,
        200
    );
    assert_eq!(
        with_key(addr, "dlx_decider", "POST", "/v1/decisions", CONDITIONAL).status,
        401
    );
    // A broken key file keeps the last good keys, and says why in the log.
    std::fs::write(&keys, "[[caller]]\nid = \"late-platform\"\n").unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(
        with_key(addr, "dlx_late", "GET", "/v1/policies", "").status,
        200
    );
    let (_, stderr) = server.stop();
    assert!(stderr.contains("reloaded the key file"), "{stderr}");
    assert!(
        stderr.contains("the last good keys keep authenticating"),
        "{stderr}"
    );
    assert!(stderr.contains("callers.toml"), "{stderr}");
}

#[test]
fn keys_add_writes_an_entry_the_service_accepts_and_prints_the_key_once() {
    let dir = tempfile::tempdir().unwrap();
    let keys = dir.path().join("callers.toml");
    let k = keys.to_str().unwrap();
    let out = common::run(
        &[
            "keys",
            "add",
            "--file",
            k,
            "--id",
            "jinan-platform",
            "--scope",
            "decide",
            "--scope",
            "read-decisions",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    let key = common::stdout(&out).trim().to_string();
    assert!(key.starts_with("dlx_"), "{key}");
    assert!(common::stderr(&out).contains("shown only this once"));
    let text = std::fs::read_to_string(&keys).unwrap();
    assert!(
        !text.contains(&key),
        "the key file holds only the key's hash"
    );
    let hash = common::run(&["keys", "hash"], &format!("{key}\n"));
    assert!(text.contains(common::stdout(&hash).trim()), "{text}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&keys).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // A second caller appends; bad ids and scopes are refused naming what is wrong.
    let out = common::run(
        &[
            "keys", "add", "--file", k, "--id", "auditor", "--scope", "audit",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(0));
    let out = common::run(
        &["keys", "add", "--file", k, "--id", "x", "--scope", "judge"],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        common::stderr(&out).contains("unknown scope `judge`"),
        "{}",
        common::stderr(&out)
    );
    let out = common::run(
        &[
            "keys",
            "add",
            "--file",
            k,
            "--id",
            "anonymous",
            "--scope",
            "audit",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
    let out = common::run(
        &[
            "keys", "add", "--file", k, "--id", "auditor", "--scope", "decide",
        ],
        "",
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "a caller's keys share its scopes"
    );
    assert_eq!(
        std::fs::read_to_string(&keys)
            .unwrap()
            .matches("[[caller]]")
            .count(),
        2
    );

    let server = start(&["--keys", k]);
    let decided = with_key(&server.addr, &key, "POST", "/v1/decisions", CONDITIONAL);
    assert_eq!(decided.status, 200, "{}", decided.body);
}

#[test]
fn without_keys_it_serves_open_on_loopback_only_and_logs_to_stderr_without_colour() {
    let server = start(&[]);
    // Open: every route without a key.
    assert_eq!(
        request(&server.addr, "POST", "/v1/decisions", &[], CONDITIONAL)
            .unwrap()
            .status,
        200
    );
    assert_eq!(
        request(&server.addr, "GET", "/metrics", &[], "")
            .unwrap()
            .status,
        200
    );
    let (stdout, stderr) = server.stop();
    assert_eq!(stdout, "", "the log goes to stderr");
    assert!(stderr.contains("serving decisions"), "{stderr}");
    assert!(
        stderr.contains("no key file: serving WITHOUT authentication, on the loopback address"),
        "{stderr}"
    );
    assert!(
        !stderr.contains('\u{1b}'),
        "colour codes in a redirected log: {stderr:?}"
    );

    // Not on another address without keys (the service refuses before it listens).
    let out = common::run(
        &["serve", "--addr", "0.0.0.0:0", "--log", "/nonexistent/x.db"],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = common::stderr(&out);
    assert!(
        stderr.contains("refusing to serve 0.0.0.0:0 without authentication"),
        "{stderr}"
    );
    assert!(stderr.contains("--insecure-open"), "{stderr}");
}

#[test]
fn a_client_sending_its_header_a_byte_a_second_is_cut_off() {
    let server = start(&["--header-read-timeout", "2"]);
    let mut s = TcpStream::connect(&server.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(1))).unwrap();
    let head = format!(
        "GET /healthz HTTP/1.1\r\nHost: {}\r\nX-Slow: {}\r\n\r\n",
        server.addr,
        "x".repeat(40)
    );
    let mut sent = 0;
    let mut buf = [0u8; 512];
    let cut = loop {
        let Some(byte) = head.as_bytes().get(sent) else {
            break false;
        };
        if s.write_all(&[*byte]).is_err() {
            break true;
        }
        sent += 1;
        // Waits a second for the server to say something or close.
        match s.read(&mut buf) {
            Ok(_) => break true,
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(_) => break true,
        }
    };
    assert!(
        cut,
        "a client sending its head a byte a second held its connection for {sent} s"
    );
    assert!(sent < 20, "cut off only after {sent} bytes");
    // The service still answers others.
    assert_eq!(
        request(&server.addr, "GET", "/healthz", &[], "")
            .unwrap()
            .status,
        200
    );
}

#[test]
fn connections_over_the_limit_wait_until_one_closes() {
    let server = start(&["--max-connections", "2", "--header-read-timeout", "60"]);
    // Two idle connections take both places.
    let a = TcpStream::connect(&server.addr).unwrap();
    let b = TcpStream::connect(&server.addr).unwrap();
    // The third is not served while they are open…
    let mut c = TcpStream::connect(&server.addr).unwrap();
    c.write_all(raw_request("GET", "/healthz", &server.addr, &[], "").as_bytes())
        .unwrap();
    c.set_read_timeout(Some(Duration::from_secs(1))).unwrap();
    let mut buf = [0u8; 64];
    let early = c.read(&mut buf);
    assert!(
        matches!(&early, Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut)),
        "served over the connection limit: {early:?}"
    );
    // …and is once one of them closes.
    drop(a);
    c.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut raw = Vec::new();
    c.read_to_end(&mut raw).unwrap();
    assert_eq!(Answer::parse(&raw).status, 200);
    drop(b);
}

#[test]
fn every_error_answer_has_a_json_body_even_405_and_408() {
    let server = start(&["--request-timeout", "1"]);
    let addr = server.addr.as_str();
    let not_allowed = request(
        addr,
        "GET",
        "/v1/decisions",
        &[("Accept-Language", "en")],
        "",
    )
    .unwrap();
    assert_eq!(not_allowed.status, 405);
    assert_eq!(not_allowed.code(), "method_not_allowed");
    assert_eq!(
        not_allowed.json()["error"]["message"],
        "GET is not a method of /v1/decisions; see /openapi.json"
    );
    let zh = request(addr, "DELETE", "/healthz", &[], "").unwrap();
    assert_eq!((zh.status, zh.code().as_str()), (405, "method_not_allowed"));
    assert_eq!(
        zh.json()["error"]["message"],
        "/healthz 不支持 DELETE 方法；参见 /openapi.json"
    );
    // A body that never finishes arriving: 408 after the request timeout, as JSON.
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(s, "POST /v1/decisions HTTP/1.1\r\nHost: {addr}\r\nAccept-Language: en\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{{\"kind\": ").unwrap();
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let timed_out = Answer::parse(&raw);
    assert_eq!(timed_out.status, 408, "{timed_out:?}");
    assert_eq!(timed_out.code(), "request_timeout");
    assert_eq!(
        timed_out.json()["error"]["message"],
        "the request was not done within 1 s"
    );
    let metrics = request(addr, "GET", "/metrics", &[], "").unwrap();
    assert!(
        metrics
            .body
            .contains("datalex_request_errors_total{status=\"408\",code=\"request_timeout\"} 1"),
        "{}",
        metrics.body
    );
}

/// A TLS client that trusts `ca` (the server's self-signed certificate).
fn tls_request(
    addr: &str,
    ca: &rustls::pki_types::CertificateDer<'static>,
    method: &str,
    path: &str,
    body: &str,
) -> std::io::Result<Answer> {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(ca.clone()).unwrap();
    #[allow(
        deprecated,
        reason = "the ring provider the service uses (no post-quantum key exchange)"
    )]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
    let conn = rustls::ClientConnection::new(Arc::new(config), name).unwrap();
    let tcp = TcpStream::connect(addr)?;
    tcp.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut tls = rustls::StreamOwned::new(conn, tcp);
    tls.write_all(raw_request(method, path, addr, &[], body).as_bytes())?;
    let mut raw = Vec::new();
    match tls.read_to_end(&mut raw) {
        Ok(_) => {}
        // A peer closing without close_notify, after the whole answer.
        Err(e) if e.kind() == ErrorKind::UnexpectedEof && !raw.is_empty() => {}
        Err(e) => return Err(e),
    }
    Ok(Answer::parse(&raw))
}

#[test]
fn with_a_certificate_it_speaks_tls_only() {
    let dir = tempfile::tempdir().unwrap();
    let made = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    std::fs::write(&cert, made.cert.pem()).unwrap();
    std::fs::write(&key, made.signing_key.serialize_pem()).unwrap();
    let ca = made.cert.der().clone();
    let ca2 = ca.clone();
    let server = start_with(
        &[
            "--tls-cert",
            cert.to_str().unwrap(),
            "--tls-key",
            key.to_str().unwrap(),
        ],
        move |addr| matches!(tls_request(addr, &ca2, "GET", "/readyz", ""), Ok(a) if a.status == 200),
    );
    let decided = tls_request(&server.addr, &ca, "POST", "/v1/decisions", CONDITIONAL).unwrap();
    assert_eq!(decided.status, 200, "{}", decided.body);
    assert_eq!(decided.json()["effect"], "review");
    // Plain HTTP on the TLS port is not answered as HTTP.
    let plain = request(&server.addr, "GET", "/readyz", &[], "");
    assert!(!matches!(&plain, Ok(a) if a.status == 200), "{plain:?}");
    // A client that does not trust the certificate fails the handshake.
    let other = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    assert!(tls_request(&server.addr, other.cert.der(), "GET", "/readyz", "").is_err());
    let (_, stderr) = server.stop();
    assert!(stderr.contains("tls=true"), "{stderr}");
}
