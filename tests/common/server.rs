//! The decision service for the end-to-end tests: `datalex serve` on a free loopback port, a
//! small HTTP/1.1 client over `std::net`, and bounded waits.

use serde_json::Value;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

/// How long a client waits for an answer, and a server for readiness or a clean exit: bounds
/// that only stop a hung test.
const PATIENCE: Duration = Duration::from_secs(60);

/// A free loopback address (`127.0.0.1:PORT`).
pub fn free_addr() -> String {
    let port = TcpListener::bind("127.0.0.1:0")
        .expect("bind a loopback port")
        .local_addr()
        .expect("local address")
        .port();
    format!("127.0.0.1:{port}")
}

/// A scratch copy of `policies/` and `data/`, for a server whose files a test edits.
pub fn scratch_tree() -> tempfile::TempDir {
    let dir = super::scratch_policies();
    super::copy_dir(&super::root().join("data"), &dir.path().join("data"));
    dir
}

/// How to start `datalex serve`: `datalex serve --addr ADDR [--log LOG] ARGS` in a directory,
/// with English messages, `RUST_LOG` as given (`warn` unless said) and its stdout and stderr in
/// the server's own scratch directory.
pub struct Serve {
    dir: PathBuf,
    workdir: Option<tempfile::TempDir>,
    args: Vec<String>,
    rust_log: String,
    own_log: bool,
    open_umask: bool,
}

impl Serve {
    /// Serving the repository root.
    pub fn at_root() -> Serve {
        Serve::in_dir(&super::root())
    }

    /// Serving `dir`.
    pub fn in_dir(dir: &Path) -> Serve {
        Serve {
            dir: dir.to_path_buf(),
            workdir: None,
            args: Vec::new(),
            rust_log: "warn".to_string(),
            own_log: true,
            open_umask: false,
        }
    }

    /// Serving the scratch directory `dir`, which lives as long as the server.
    pub fn in_scratch(dir: tempfile::TempDir) -> Serve {
        let mut serve = Serve::in_dir(dir.path());
        serve.workdir = Some(dir);
        serve
    }

    /// More arguments after `serve --addr ADDR [--log LOG]`.
    pub fn args(mut self, args: &[&str]) -> Serve {
        self.args.extend(args.iter().map(|a| (*a).to_string()));
        self
    }

    /// `RUST_LOG` for the server.
    pub fn rust_log(mut self, filter: &str) -> Serve {
        self.rust_log = filter.to_string();
        self
    }

    /// No `--log` of the server's own: the arguments name the decision log.
    pub fn log_in_args(mut self) -> Serve {
        self.own_log = false;
        self
    }

    /// Starts the server under `umask 0` (its files must still be private).
    pub fn open_umask(mut self) -> Serve {
        self.open_umask = true;
        self
    }

    /// Starts the server and waits until `GET /readyz` answers 200.
    pub fn start(self) -> Server {
        self.start_when(|addr| matches!(http(addr, "GET", "/readyz", ""), Ok((200, _))))
    }

    /// Starts the server and waits until `ready(addr)` holds; panics, with its stderr, if it
    /// exits first.
    pub fn start_when(self, ready: impl Fn(&str) -> bool) -> Server {
        let scratch = tempfile::tempdir().expect("tempdir");
        let addr = free_addr();
        let log = scratch.path().join("decisions.db");
        let bin = env!("CARGO_BIN_EXE_datalex");
        let mut command = if self.open_umask {
            let mut c = Command::new("sh");
            c.arg("-c").arg("umask 0; exec \"$0\" \"$@\"").arg(bin);
            c
        } else {
            Command::new(bin)
        };
        command.args(["serve", "--addr", &addr]);
        if self.own_log {
            command.arg("--log").arg(&log);
        }
        let child = command
            .args(&self.args)
            .current_dir(&self.dir)
            .env("DATALEX_LANG", "en")
            .env("RUST_LOG", &self.rust_log)
            .stdout(std::fs::File::create(scratch.path().join("stdout")).expect("stdout file"))
            .stderr(std::fs::File::create(scratch.path().join("stderr")).expect("stderr file"))
            .spawn()
            .expect("server starts");
        let mut server = Server {
            child,
            addr,
            log,
            scratch,
            _workdir: self.workdir,
        };
        let deadline = Instant::now() + PATIENCE;
        while Instant::now() < deadline {
            if ready(&server.addr) {
                return server;
            }
            if let Ok(Some(status)) = server.child.try_wait() {
                panic!("the server exited ({status}): {}", server.output("stderr"));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("the server did not become ready on {}", server.addr);
    }
}

/// A running `datalex serve`, killed when dropped.
pub struct Server {
    /// The process, for a test that kills it its own way.
    pub child: Child,
    /// Where it listens (`127.0.0.1:PORT`).
    pub addr: String,
    /// Its decision log, unless the arguments named another.
    pub log: PathBuf,
    scratch: tempfile::TempDir,
    _workdir: Option<tempfile::TempDir>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// What it wrote so far to `stdout` or `stderr`.
    pub fn output(&self, name: &str) -> String {
        std::fs::read_to_string(self.scratch.path().join(name)).expect("the server's output")
    }

    /// Stops it as an operator would (SIGTERM), checks that it exits cleanly, and returns what
    /// it wrote to stdout and to stderr. Its files stay until it is dropped.
    pub fn stop(&mut self) -> (String, String) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + PATIENCE;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                assert!(
                    status.success(),
                    "the server did not exit cleanly: {status}"
                );
                return (self.output("stdout"), self.output("stderr"));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("the server did not stop on SIGTERM");
    }
}

/// An answer: its status, its head (lowercased) and its body.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub head: String,
    pub body: String,
}

impl Answer {
    /// Parses a raw HTTP/1.1 answer (status 0 if it has none).
    pub fn parse(raw: &[u8]) -> Answer {
        let raw = String::from_utf8_lossy(raw).into_owned();
        let status = raw.get(9..12).and_then(|c| c.parse().ok()).unwrap_or(0);
        let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
        Answer {
            status,
            head: head.to_lowercase(),
            body: body.to_string(),
        }
    }

    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {} {}", self.status, self.body))
    }

    /// The value of header `name` (lowercase).
    pub fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|l| {
            l.strip_prefix(name)
                .and_then(|rest| rest.strip_prefix(':'))
                .map(|v| v.trim().to_string())
        })
    }

    /// The error's code, after checking it has a message.
    pub fn code(&self) -> String {
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

/// The text of an HTTP/1.1 request with these headers and a JSON body.
pub fn raw_request(
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
pub fn request(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> std::io::Result<Answer> {
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(PATIENCE))?;
    s.write_all(raw_request(method, path, addr, headers, body).as_bytes())?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)?;
    Ok(Answer::parse(&raw))
}

/// One HTTP/1.1 request; the status and the body.
pub fn http(addr: &str, method: &str, path: &str, body: &str) -> std::io::Result<(u16, String)> {
    http_in(addr, method, path, body, None)
}

/// One HTTP/1.1 request with an `Accept-Language` header if `lang` is given.
pub fn http_in(
    addr: &str,
    method: &str,
    path: &str,
    body: &str,
    lang: Option<&str>,
) -> std::io::Result<(u16, String)> {
    let headers: Vec<(&str, &str)> = lang.map(|l| ("Accept-Language", l)).into_iter().collect();
    request(addr, method, path, &headers, body).map(|a| (a.status, a.body))
}

/// `body` as JSON.
pub fn json(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

/// Waits (at most a minute) until `cond` holds.
pub fn wait_for(what: &str, cond: impl FnMut() -> bool) {
    wait_for_within(what, PATIENCE, cond);
}

/// Waits at most `limit` until `cond` holds; the bound only stops a hung test.
pub fn wait_for_within(what: &str, limit: Duration, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if cond() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("timed out waiting for {what}");
}
