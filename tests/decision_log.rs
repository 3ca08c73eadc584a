//! The decision log as part of the decision (issue 17), with the real binary on a free loopback
//! port: a log that cannot be written gives 503 and never an unlogged 200, `kill -9` under load
//! loses no answered decision, every tampering is detected by `audit verify --checkpoint`, and
//! every file of the log is private.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "tests may fail loudly"
)]

mod common;

use datalex_service::decision_log::{chain, checkpoint, keys};
use serde_json::Value;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const REQUEST: &str = r#"{"kind": "share", "at": "2026-03-02", "requester": "bz-wjw", "dataset": "bz-ga-0001", "scenario": "public_health", "jurisdiction": "binzhou"}"#;

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

impl Server {
    /// Starts `datalex serve` at the repository root with the log at `log`, and `extra` flags;
    /// with `umask 0` if `open_umask` (the log's files must still be private).
    fn start(log: &Path, extra: &[&str], open_umask: bool) -> Server {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let addr = format!("127.0.0.1:{port}");
        let bin = env!("CARGO_BIN_EXE_datalex");
        let mut args = vec!["serve", "--addr", &addr, "--no-watch", "--log"];
        args.push(log.to_str().unwrap());
        args.extend_from_slice(extra);
        let mut command = if open_umask {
            let mut c = Command::new("sh");
            c.arg("-c").arg("umask 0; exec \"$0\" \"$@\"").arg(bin);
            c
        } else {
            Command::new(bin)
        };
        let child = command
            .args(&args)
            .current_dir(common::root())
            .env("DATALEX_LANG", "en")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("server starts");
        let server = Server { child, addr };
        wait_for("the server to be ready", || {
            matches!(http(&server.addr, "GET", "/readyz", ""), Ok((200, _)))
        });
        server
    }

    /// SIGTERM, and wait for a clean exit.
    fn terminate(mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let status = self.child.wait().unwrap();
        assert!(
            status.success(),
            "the server did not exit cleanly: {status}"
        );
    }
}

/// One HTTP/1.1 request; the status and the body.
fn http(addr: &str, method: &str, path: &str, body: &str) -> std::io::Result<(u16, String)> {
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(Duration::from_secs(30)))?;
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

fn wait_for(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if cond() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("timed out waiting for {what}");
}

fn json(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

/// What the load saw: each answer's status and, for a 200, its decision id (or the body).
type Answers = Arc<Mutex<Vec<(u16, String)>>>;

/// `threads` clients posting decisions until `stop`, recording every answer (connection errors
/// as status 0).
fn load(
    addr: &str,
    threads: usize,
    stop: &Arc<AtomicBool>,
    answers: &Answers,
) -> Vec<std::thread::JoinHandle<()>> {
    (0..threads)
        .map(|_| {
            let (addr, stop, answers) = (addr.to_owned(), Arc::clone(stop), Arc::clone(answers));
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    let answer = match http(&addr, "POST", "/v1/decisions", REQUEST) {
                        Ok((200, body)) => {
                            (200, json(&body)["decision_id"].as_str().unwrap().to_owned())
                        }
                        Ok((status, body)) => (status, body),
                        Err(e) => (0, e.to_string()),
                    };
                    answers.lock().unwrap().push(answer);
                }
            })
        })
        .collect()
}

fn beside(log: &Path, suffix: &str) -> PathBuf {
    let mut name = log.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn metric(addr: &str, name: &str) -> f64 {
    let (_, text) = http(addr, "GET", "/metrics", "").unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or_else(|| panic!("no {name} in:\n{text}"))
}

#[test]
fn a_locked_log_gives_503_and_readiness_fails_but_no_answered_decision_is_lost() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("decisions.db");
    let server = Server::start(&log, &[], false);
    let addr = server.addr.clone();
    let stop = Arc::new(AtomicBool::new(false));
    let answers = Answers::default();
    let workers = load(&addr, 4, &stop, &answers);
    wait_for("some decisions", || answers.lock().unwrap().len() > 20);

    // Another process holds the log's write lock for 15 s.
    let holder = rusqlite::Connection::open(&log).unwrap();
    holder.busy_timeout(Duration::from_secs(30)).unwrap();
    holder.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let locked = Instant::now();
    let before = answers.lock().unwrap().len();
    wait_for("/readyz to fail", || {
        matches!(http(&addr, "GET", "/readyz", ""), Ok((503, _)))
    });
    let (_, ready) = http(&addr, "GET", "/readyz", "").unwrap();
    assert_eq!(
        json(&ready)["error"]["code"],
        "decision_log_unavailable",
        "{ready}"
    );
    assert!(metric(&addr, "datalex_decision_log_write_failures_total") >= 1.0);
    assert_eq!(metric(&addr, "datalex_decision_log_available"), 0.0);
    while locked.elapsed() < Duration::from_secs(15) {
        std::thread::sleep(Duration::from_millis(100));
    }
    let during = answers.lock().unwrap().len() - before;
    holder.execute_batch("COMMIT").unwrap();
    drop(holder);

    // It recovers by itself, and decisions are answered 200 again.
    wait_for("/readyz to recover", || {
        matches!(http(&addr, "GET", "/readyz", ""), Ok((200, _)))
    });
    let recovered = answers.lock().unwrap().len();
    wait_for("decisions after the lock", || {
        answers.lock().unwrap()[recovered..]
            .iter()
            .filter(|(s, _)| *s == 200)
            .count()
            > 20
    });
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        w.join().unwrap();
    }
    assert!(metric(&addr, "datalex_decision_log_unavailable_total") >= 1.0);
    assert_eq!(metric(&addr, "datalex_decision_log_available"), 1.0);

    let answers = answers.lock().unwrap();
    let unexpected: Vec<&(u16, String)> = answers
        .iter()
        .filter(|(s, _)| *s != 200 && *s != 503)
        .collect();
    assert!(
        unexpected.is_empty(),
        "answers neither 200 nor 503: {:?}",
        &unexpected[..unexpected.len().min(3)]
    );
    let refused: Vec<&String> = answers
        .iter()
        .filter(|(s, _)| *s == 503)
        .map(|(_, b)| b)
        .collect();
    assert!(
        !refused.is_empty(),
        "no 503 in {during} requests during the lock"
    );
    assert_eq!(
        json(refused[0])["error"]["code"],
        "decision_log_unavailable"
    );
    // Every 200 was logged: GET finds it.
    for (_, id) in answers.iter().filter(|(s, _)| *s == 200) {
        let (status, body) = http(&addr, "GET", &format!("/v1/decisions/{id}"), "").unwrap();
        assert_eq!(status, 200, "answered {id} but GET says {body}");
    }
    server.terminate();
    let out = common::run(
        &[
            "audit",
            "verify",
            "--log",
            log.to_str().unwrap(),
            "--checkpoint",
            beside(&log, ".checkpoints").to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", common::stdout(&out));
}

#[test]
fn kill_9_under_load_loses_no_answered_decision() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("decisions.db");
    let mut server = Server::start(&log, &[], false);
    let stop = Arc::new(AtomicBool::new(false));
    let answers = Answers::default();
    let workers = load(&server.addr, 4, &stop, &answers);
    wait_for("decisions under load", || {
        answers.lock().unwrap().len() > 200
    });
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        w.join().unwrap();
    }
    let answered: Vec<String> = answers
        .lock()
        .unwrap()
        .iter()
        .filter(|(s, _)| *s == 200)
        .map(|(_, id)| id.clone())
        .collect();
    assert!(answered.len() > 200);
    drop(server);

    // Restarted on the same log: every answered decision is there, and the chain holds.
    let server = Server::start(&log, &[], false);
    for id in &answered {
        let (status, body) = http(&server.addr, "GET", &format!("/v1/decisions/{id}"), "").unwrap();
        assert_eq!(
            status, 200,
            "answered {id} before kill -9, but GET says {body}"
        );
    }
    server.terminate();
    let out = common::run(&["audit", "verify", "--log", log.to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(0), "{}", common::stdout(&out));
}

/// A log written by the service (30 decisions, checkpointed at shutdown), copied for each attack.
fn served_log(dir: &Path) -> PathBuf {
    let log = dir.join("decisions.db");
    let server = Server::start(&log, &[], false);
    for _ in 0..30 {
        let (status, body) = http(&server.addr, "POST", "/v1/decisions", REQUEST).unwrap();
        assert_eq!(status, 200, "{body}");
    }
    server.terminate();
    log
}

/// `audit verify` of `log` with its checkpoints and the public key kept at `public`.
fn audit(log: &Path, public: &Path) -> (Option<i32>, String) {
    let out = common::run(
        &[
            "audit",
            "verify",
            "--log",
            log.to_str().unwrap(),
            "--checkpoint",
            beside(log, ".checkpoints").to_str().unwrap(),
            "--public-key",
            public.to_str().unwrap(),
        ],
        "",
    );
    (
        out.status.code(),
        format!("{}{}", common::stdout(&out), common::stderr(&out)),
    )
}

/// Changes a copy of a log as an attacker would.
type Tamper = Box<dyn Fn(&Path)>;

fn copy_log(from: &Path, to_dir: &Path) -> PathBuf {
    std::fs::create_dir_all(to_dir).unwrap();
    let to = to_dir.join("decisions.db");
    for suffix in [
        "",
        "-wal",
        ".keys",
        ".checkpoints",
        ".signing-key",
        ".signing-key.pub",
    ] {
        let f = beside(from, suffix);
        if f.exists() {
            std::fs::copy(&f, beside(&to, suffix)).unwrap();
        }
    }
    to
}

#[test]
fn every_tampering_is_detected_by_audit_verify_with_the_checkpoints() {
    let dir = tempfile::tempdir().unwrap();
    let original = served_log(&dir.path().join("served"));
    // The operator's copy of the public key, kept elsewhere.
    let public = dir.path().join("kept-elsewhere.pub");
    std::fs::copy(beside(&original, ".signing-key.pub"), &public).unwrap();

    let (code, report) = audit(&original, &public);
    assert_eq!(code, Some(0), "{report}");
    assert!(report.contains("30 records"), "{report}");
    assert!(report.contains("the log reaches every one"), "{report}");

    // A forger's own MAC key: they know the code and the documented layout, not the key.
    let forged_mac = |conn: &rusqlite::Connection, seq: i64, prev: &str, id: &str| -> String {
        // Under the id of the service's key, which the records show.
        let key_id: String = conn
            .query_row("SELECT key_id FROM records WHERE seq = 1", [], |r| r.get(0))
            .unwrap();
        let key = keys::Key::new(&key_id, &[7u8; 32]).unwrap();
        let fields = chain::Fields {
            chain: "main",
            decision_id: id,
            time: "2026-01-01T00:00:00Z",
            jurisdiction: "binzhou",
            policy_version: "sha256:0",
            caller: None,
            request: "{}",
            decision: "{\"effect\":\"permit\"}",
        };
        let mac = key.mac(&chain::mac_input(prev, seq, &key_id, &fields));
        conn.execute(
            "INSERT INTO records (chain, seq, decision_id, time, jurisdiction, policy_version, caller, request, decision, key_id, prev_mac, mac) \
             VALUES ('main', ?1, ?2, ?3, ?4, ?5, NULL, ?6, ?7, ?8, ?9, ?10)",
            rusqlite::params![seq, id, fields.time, fields.jurisdiction, fields.policy_version, fields.request, fields.decision, key_id, prev, mac],
        )
        .unwrap();
        mac
    };
    let attacks: Vec<(&str, &str, Tamper)> = vec![
        (
            "truncate the tail",
            "records were removed from its end",
            Box::new(|p: &Path| {
                rusqlite::Connection::open(p)
                    .unwrap()
                    .execute("DELETE FROM records WHERE seq > 25", [])
                    .unwrap();
            }),
        ),
        (
            "delete every row",
            "its records were deleted",
            Box::new(|p: &Path| {
                rusqlite::Connection::open(p)
                    .unwrap()
                    .execute("DELETE FROM records", [])
                    .unwrap();
            }),
        ),
        (
            "edit a record and re-chain from there",
            "its MAC does not match its contents",
            Box::new(move |p: &Path| {
                let conn = rusqlite::Connection::open(p).unwrap();
                let mut prev: String = conn
                    .query_row("SELECT mac FROM records WHERE seq = 9", [], |r| r.get(0))
                    .unwrap();
                for seq in 10..=30 {
                    let id: String = conn
                        .query_row(
                            "SELECT decision_id FROM records WHERE seq = ?1",
                            [seq],
                            |r| r.get(0),
                        )
                        .unwrap();
                    conn.execute("DELETE FROM records WHERE seq = ?1", [seq])
                        .unwrap();
                    prev = forged_mac(&conn, seq, &prev, &id);
                }
            }),
        ),
        (
            "append a forged record",
            "its MAC does not match its contents",
            Box::new(move |p: &Path| {
                let conn = rusqlite::Connection::open(p).unwrap();
                let prev: String = conn
                    .query_row("SELECT mac FROM records WHERE seq = 30", [], |r| r.get(0))
                    .unwrap();
                forged_mac(&conn, 31, &prev, "01JFORGEDFORGEDFORGEDFORGE");
            }),
        ),
        (
            "edit a record in the middle",
            "broken at record #12",
            Box::new(|p: &Path| {
                rusqlite::Connection::open(p)
                    .unwrap()
                    .execute("UPDATE records SET decision = replace(decision, '\"review\"', '\"permit\"') WHERE seq = 12", [])
                    .unwrap();
            }),
        ),
        (
            "rewrite the checkpoints with another signing key",
            "is not signed by the public key",
            Box::new(|p: &Path| {
                // The forger removes the newest records and replaces the checkpoints with one of
                // their own, signed with their own key (and their public key beside the log):
                // only the public key kept elsewhere tells.
                let conn = rusqlite::Connection::open(p).unwrap();
                conn.execute("DELETE FROM records WHERE seq > 25", [])
                    .unwrap();
                let head: String = conn
                    .query_row("SELECT mac FROM records WHERE seq = 25", [], |r| r.get(0))
                    .unwrap();
                for suffix in [".signing-key", ".signing-key.pub", ".checkpoints"] {
                    std::fs::remove_file(beside(p, suffix)).unwrap();
                }
                let (signer, _) = keys::Signer::read_or_create(&beside(p, ".signing-key")).unwrap();
                let forged = checkpoint::Checkpoint::signed(
                    &signer,
                    "main",
                    25,
                    &head,
                    25,
                    "2026-01-01T00:00:00Z".into(),
                );
                checkpoint::append(&beside(p, ".checkpoints"), &forged).unwrap();
            }),
        ),
    ];
    for (i, (attack, expected, tamper)) in attacks.iter().enumerate() {
        let log = copy_log(&original, &dir.path().join(format!("attack-{i}")));
        tamper(&log);
        let (code, report) = audit(&log, &public);
        assert_eq!(code, Some(1), "{attack}: not detected:\n{report}");
        assert!(
            report.contains(expected),
            "{attack}: expected {expected:?} in:\n{report}"
        );
        assert!(report.contains("broken: the log was changed"), "{report}");
    }

    // In Chinese, by default.
    let log = copy_log(&original, &dir.path().join("zh"));
    rusqlite::Connection::open(&log)
        .unwrap()
        .execute("DELETE FROM records WHERE seq > 25", [])
        .unwrap();
    let out = common::run_default_lang(
        &[
            "audit",
            "verify",
            "--log",
            log.to_str().unwrap(),
            "--checkpoint",
            beside(&log, ".checkpoints").to_str().unwrap(),
            "--public-key",
            public.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        common::stdout(&out).contains("末尾的记录被删除"),
        "{}",
        common::stdout(&out)
    );

    // Without the key file, the MACs cannot be checked: bad input, saying so.
    let log = copy_log(&original, &dir.path().join("nokey"));
    std::fs::remove_file(beside(&log, ".keys")).unwrap();
    let (code, report) = audit(&log, &public);
    assert_eq!(code, Some(2), "{report}");
    assert!(report.contains("no key file"), "{report}");
}

#[test]
fn the_log_and_its_keys_are_private_whatever_the_umask() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("decisions.db");
    let server = Server::start(&log, &[], true);
    let (status, _) = http(&server.addr, "POST", "/v1/decisions", REQUEST).unwrap();
    assert_eq!(status, 200);
    let files = [
        "",
        "-wal",
        "-shm",
        ".keys",
        ".signing-key",
        ".signing-key.pub",
    ];
    let mode = |f: &Path| {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::metadata(f).unwrap().permissions().mode() & 0o777
    };
    for suffix in files {
        let f = beside(&log, suffix);
        assert_eq!(mode(&f), 0o600, "{}", f.display());
    }
    server.terminate();
    let f = beside(&log, ".checkpoints");
    assert_eq!(mode(&f), 0o600, "{}", f.display());
}

#[test]
fn unknown_request_fields_are_not_stored_and_a_batch_is_logged_whole() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("decisions.db");
    let server = Server::start(&log, &[], false);
    let junk = "x".repeat(100_000);
    let body = REQUEST.replace("\"kind\"", &format!("\"junk\": \"{junk}\", \"kind\""));
    let (status, answer) = http(&server.addr, "POST", "/v1/decisions", &body).unwrap();
    assert_eq!(status, 200, "{answer}");
    let id = json(&answer)["decision_id"].as_str().unwrap().to_owned();
    let items: Vec<&str> = (0..50).map(|_| REQUEST).collect();
    let batch = format!("{{\"requests\": [{}]}}", items.join(","));
    let (status, answer) = http(&server.addr, "POST", "/v1/decisions:batch", &batch).unwrap();
    assert_eq!(status, 200, "{answer}");
    let ids: Vec<String> = json(&answer)["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["decision_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), 50);
    for id in &ids {
        assert_eq!(
            http(&server.addr, "GET", &format!("/v1/decisions/{id}"), "")
                .unwrap()
                .0,
            200
        );
    }
    server.terminate();
    let db = rusqlite::Connection::open(&log).unwrap();
    let stored: String = db
        .query_row(
            "SELECT request FROM records WHERE decision_id = ?1",
            [&id],
            |r| r.get(0),
        )
        .unwrap();
    let stored = json(&stored);
    assert_eq!(stored, json(REQUEST), "only the contract's fields");
    let count: i64 = db
        .query_row("SELECT COUNT(*) FROM records", [], |r| r.get(0))
        .unwrap();
    assert_eq!(count, 51);
}
