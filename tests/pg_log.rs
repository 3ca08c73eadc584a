//! The decision log in PostgreSQL (issue 19), with the real binary against a scratch cluster
//! (tests/common/postgres.rs; skipped with a printed reason where PostgreSQL is missing, required
//! under `DATALEX_REQUIRE_POSTGRES=1`): two replicas write their own chains and answer for each
//! other's decisions, `audit verify --store` passes and then names an edited row and a shortened
//! chain (through another replica's checkpoint), PostgreSQL stopped gives 503s and a failing
//! `/readyz` and the service recovers by itself, and a replica killed with `kill -9` continues
//! its chain; and any replica answers a caller for its own decisions only.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests may fail loudly"
)]

mod common;

use common::postgres::Postgres;
use common::server::{http, json, wait_for, Serve, Server};
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

const REQUEST: &str = r#"{"kind": "share", "at": "2026-03-02", "requester": "bz-wjw", "dataset": "bz-ga-0001", "scenario": "public_health", "jurisdiction": "binzhou"}"#;

/// `datalex serve --store URL --replica ID`, its key files beside `dir/decisions.db`.
fn replica(pg: &Postgres, dir: &Path, id: &str) -> Server {
    replica_with(pg, dir, id, &[])
}

/// [`replica`] with more flags.
fn replica_with(pg: &Postgres, dir: &Path, id: &str, extra: &[&str]) -> Server {
    std::fs::create_dir_all(dir).unwrap();
    let log = dir.join("decisions.db");
    let url = pg.url();
    let mut args = vec![
        "--no-watch",
        "--log",
        log.to_str().unwrap(),
        "--store",
        &url,
        "--replica",
        id,
    ];
    args.extend_from_slice(extra);
    Serve::at_root().args(&args).log_in_args().start()
}

fn beside(dir: &Path, suffix: &str) -> PathBuf {
    dir.join(format!("decisions.db{suffix}"))
}

/// Decides once on `addr`; the decision id.
fn decide(addr: &str) -> String {
    let (status, body) = http(addr, "POST", "/v1/decisions", REQUEST).unwrap();
    assert_eq!(status, 200, "{body}");
    json(&body)["decision_id"].as_str().unwrap().to_owned()
}

/// `datalex audit verify --store URL --key-file KEYS --public-key P…`.
fn audit(pg: &Postgres, keys: &Path, public: &[PathBuf]) -> (Option<i32>, String) {
    let mut args = vec![
        "audit".to_owned(),
        "verify".to_owned(),
        "--store".to_owned(),
        pg.url(),
        "--key-file".to_owned(),
        keys.display().to_string(),
    ];
    for p in public {
        args.push("--public-key".to_owned());
        args.push(p.display().to_string());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out: Output = common::run(&args, "");
    (
        out.status.code(),
        format!(
            "{}{}",
            common::stdout(&out),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[test]
fn two_replicas_keep_two_chains_answer_for_each_other_and_audit_verify_finds_tampering() {
    let Some(pg) = Postgres::start("two_replicas_keep_two_chains") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (dir_a, dir_b) = (dir.path().join("a"), dir.path().join("b"));
    let mut a = replica(&pg, &dir_a, "replica-a");
    // One deployment shares the MAC key file; each replica has its own signing key.
    std::fs::create_dir_all(&dir_b).unwrap();
    std::fs::copy(beside(&dir_a, ".keys"), beside(&dir_b, ".keys")).unwrap();
    let mut b = replica(&pg, &dir_b, "replica-b");

    let mut by_a = Vec::new();
    let mut by_b = Vec::new();
    for _ in 0..12 {
        by_a.push(decide(&a.addr));
        by_b.push(decide(&b.addr));
    }
    // Each replica answers for the other's decisions, as they were answered.
    for (id, other) in by_a
        .iter()
        .map(|id| (id, &b.addr))
        .chain(by_b.iter().map(|id| (id, &a.addr)))
    {
        let (status, body) = http(other, "GET", &format!("/v1/decisions/{id}"), "").unwrap();
        assert_eq!(status, 200, "{id} from the other replica: {body}");
        assert_eq!(json(&body)["decision_id"], id.as_str());
    }
    let chains = pg.psql(
        "SELECT chain || ':' || COUNT(*) || ':' || MAX(seq) FROM records GROUP BY chain \
         ORDER BY chain",
    );
    assert_eq!(
        chains.split_whitespace().collect::<Vec<_>>(),
        ["replica-a:12:12", "replica-b:12:12"]
    );
    // Stopped in turn, each writes a last checkpoint; b's also signs a's head.
    a.stop();
    b.stop();
    let tied =
        pg.psql("SELECT body FROM checkpoints WHERE chain = 'replica-b' ORDER BY id DESC LIMIT 1");
    assert!(
        tied.contains(r#""others":[{"chain":"replica-a","seq":12"#),
        "{tied}"
    );

    let keys = beside(&dir_a, ".keys");
    let public = [
        beside(&dir_a, ".signing-key.pub"),
        beside(&dir_b, ".signing-key.pub"),
    ];
    let (code, report) = audit(&pg, &keys, &public);
    assert_eq!(code, Some(0), "{report}");
    assert!(
        report.contains("chain `replica-a`: ok, 12 records"),
        "{report}"
    );
    assert!(
        report.contains("chain `replica-b`: ok, 12 records"),
        "{report}"
    );
    assert!(report.contains("ok: the log is intact"), "{report}");
    // Without --public-key: the keys the replicas registered, with a warning.
    let (code, report) = audit(&pg, &keys, &[]);
    assert_eq!(code, Some(0), "{report}");
    assert!(report.contains("read from the database"), "{report}");

    // A decision edited in place: its chain breaks there, named with its id.
    pg.psql("UPDATE records SET decision = '{\"effect\":\"deny\"}' WHERE chain = 'replica-b' AND seq = 5");
    let (code, report) = audit(&pg, &keys, &public);
    assert_eq!(code, Some(1), "{report}");
    let edited = &by_b[4];
    assert!(
        report.contains(&format!(
            "chain `replica-b`: broken at record #5 ({edited})"
        )),
        "{report}"
    );
    assert!(report.contains("chain `replica-a`: ok"), "{report}");

    // The decisions are stored compact, their recurring pieces once per chain as shared texts
    // (migration V3): each chain's texts are numbered from 1, and an edited text breaks the
    // first record of its chain that refers to it.
    let compact = pg.psql("SELECT COUNT(*) FROM records WHERE decision LIKE 'txt1:%'");
    assert_eq!(compact.trim(), "23", "all but the edited one: {compact}");
    let texts = pg.psql("SELECT chain || ':' || MIN(id) FROM texts GROUP BY chain ORDER BY chain");
    assert_eq!(
        texts.split_whitespace().collect::<Vec<_>>(),
        ["replica-a:1", "replica-b:1"]
    );
    pg.psql(
        "UPDATE texts SET text = replace(text, 'binzhou', 'binzhoU') WHERE chain = 'replica-a'",
    );
    let (code, report) = audit(&pg, &keys, &public);
    assert_eq!(code, Some(1), "{report}");
    assert!(
        report.contains(&format!(
            "chain `replica-a`: broken at record #1 ({})",
            by_a[0]
        )),
        "{report}"
    );
    assert!(report.contains("shared text"), "{report}");
}

#[test]
fn a_chain_shortened_with_its_own_checkpoints_is_found_by_another_replicas_checkpoint() {
    let Some(pg) = Postgres::start("a_chain_shortened_is_found_by_another_replica") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (dir_a, dir_b) = (dir.path().join("a"), dir.path().join("b"));
    let mut a = replica(&pg, &dir_a, "a");
    std::fs::create_dir_all(&dir_b).unwrap();
    std::fs::copy(beside(&dir_a, ".keys"), beside(&dir_b, ".keys")).unwrap();
    let mut b = replica(&pg, &dir_b, "b");
    for _ in 0..6 {
        decide(&a.addr);
        decide(&b.addr);
    }
    a.stop();
    b.stop();
    // Whoever removes a's newest record and a's own checkpoints (a's signing key cannot sign
    // new ones for them either) still meets b's checkpoint, which signed a's head.
    pg.psql("DELETE FROM checkpoints WHERE chain = 'a'");
    pg.psql("DELETE FROM records WHERE chain = 'a' AND seq = 6");
    let public = [
        beside(&dir_a, ".signing-key.pub"),
        beside(&dir_b, ".signing-key.pub"),
    ];
    let (code, report) = audit(&pg, &beside(&dir_a, ".keys"), &public);
    assert_eq!(code, Some(1), "{report}");
    assert!(report.contains("chain `a`: ok, 5 records"), "{report}");
    assert!(
        report.contains("vouches for record #6 of chain `a`, but the log ends at #5"),
        "{report}"
    );
}

/// `threads` clients posting decisions until `stop`, recording every answer (connection errors
/// as status 0): the status and, for a 200, the decision id (else the body).
fn load(
    addr: &str,
    threads: usize,
    stop: &Arc<AtomicBool>,
    answers: &Arc<Mutex<Vec<(u16, String)>>>,
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

#[test]
fn postgres_stopped_gives_503_and_readiness_fails_then_the_service_recovers_by_itself() {
    let Some(pg) = Postgres::start("postgres_stopped_gives_503") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut server = replica(&pg, dir.path(), "r1");
    let addr = server.addr.clone();
    let stop = Arc::new(AtomicBool::new(false));
    let answers = Arc::new(Mutex::new(Vec::new()));
    let workers = load(&addr, 3, &stop, &answers);
    wait_for("some decisions", || answers.lock().unwrap().len() > 20);

    pg.stop();
    wait_for("/readyz to fail", || {
        matches!(http(&addr, "GET", "/readyz", ""), Ok((503, _)))
    });
    let (_, ready) = http(&addr, "GET", "/readyz", "").unwrap();
    assert_eq!(
        json(&ready)["error"]["code"],
        "decision_log_unavailable",
        "{ready}"
    );
    let (status, body) = http(&addr, "POST", "/v1/decisions", REQUEST).unwrap();
    assert_eq!(status, 503, "{body}");
    assert_eq!(json(&body)["error"]["code"], "decision_log_unavailable");
    let during = answers.lock().unwrap().len();
    wait_for("more refusals while PostgreSQL is down", || {
        answers.lock().unwrap().len() > during + 20
    });

    pg.start_server();
    wait_for("/readyz to recover", || {
        matches!(http(&addr, "GET", "/readyz", ""), Ok((200, _)))
    });
    let recovered = answers.lock().unwrap().len();
    wait_for("decisions after the outage", || {
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
    let answers = answers.lock().unwrap();
    let unexpected: Vec<_> = answers
        .iter()
        .filter(|(s, _)| *s != 200 && *s != 503)
        .take(3)
        .collect();
    assert!(unexpected.is_empty(), "neither 200 nor 503: {unexpected:?}");
    assert!(answers.iter().any(|(s, _)| *s == 503));
    // No 200 that is not logged.
    for (_, id) in answers.iter().filter(|(s, _)| *s == 200) {
        let (status, body) = http(&addr, "GET", &format!("/v1/decisions/{id}"), "").unwrap();
        assert_eq!(status, 200, "answered {id} but GET says {body}");
    }
    server.stop();
    let (code, report) = audit(
        &pg,
        &beside(dir.path(), ".keys"),
        &[beside(dir.path(), ".signing-key.pub")],
    );
    assert_eq!(code, Some(0), "{report}");
}

#[test]
fn a_replica_killed_with_kill_9_continues_its_chain_and_loses_no_answered_decision() {
    let Some(pg) = Postgres::start("a_replica_killed_continues_its_chain") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut server = replica(&pg, dir.path(), "r9");
    let stop = Arc::new(AtomicBool::new(false));
    let answers = Arc::new(Mutex::new(Vec::new()));
    let workers = load(&server.addr, 4, &stop, &answers);
    wait_for("decisions under load", || {
        answers.lock().unwrap().len() > 100
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
    drop(server);
    let before: i64 = pg
        .psql("SELECT MAX(seq) FROM records WHERE chain = 'r9'")
        .trim()
        .parse()
        .unwrap();
    assert!(before >= answered.len() as i64);

    let mut server = replica(&pg, dir.path(), "r9");
    for id in &answered {
        let (status, body) = http(&server.addr, "GET", &format!("/v1/decisions/{id}"), "").unwrap();
        assert_eq!(
            status, 200,
            "answered {id} before kill -9, but GET says {body}"
        );
    }
    let after = decide(&server.addr);
    server.stop();
    let seq = pg.psql(&format!(
        "SELECT chain || ':' || seq FROM records WHERE decision_id = '{after}'"
    ));
    assert_eq!(
        seq.trim(),
        format!("r9:{}", before + 1),
        "the chain goes on"
    );
    let (code, report) = audit(
        &pg,
        &beside(dir.path(), ".keys"),
        &[beside(dir.path(), ".signing-key.pub")],
    );
    assert_eq!(code, Some(0), "{report}");
    assert!(report.contains("chain `r9`: ok"), "{report}");
}

/// A key file entry for `key`, made with `datalex keys hash` as an operator would.
fn caller(id: &str, key: &str) -> String {
    let out = common::run(&["keys", "hash", key], "");
    assert_eq!(out.status.code(), Some(0));
    let hash = common::stdout(&out).trim().to_owned();
    format!(
        "[[caller]]\nid = \"{id}\"\nkey_sha256 = \"{hash}\"\nscopes = [\"decide\", \
         \"read-decisions\"]\n"
    )
}

#[test]
fn any_replica_answers_a_callers_own_decision_and_no_other_callers() {
    let Some(pg) = Postgres::start("any_replica_answers_a_callers_own_decision") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let callers = dir.path().join("callers.toml");
    std::fs::write(
        &callers,
        caller("platform-x", "dlx_x") + &caller("platform-y", "dlx_y"),
    )
    .unwrap();
    let keys = ["--keys", callers.to_str().unwrap()];
    let (dir_a, dir_b) = (dir.path().join("a"), dir.path().join("b"));
    let start = |dir: &Path, id: &str| replica_with(&pg, dir, id, &keys);
    let a = start(&dir_a, "a");
    std::fs::create_dir_all(&dir_b).unwrap();
    std::fs::copy(beside(&dir_a, ".keys"), beside(&dir_b, ".keys")).unwrap();
    let b = start(&dir_b, "b");
    let ask = |addr: &str, key: &str, method: &str, path: &str, body: &str| {
        let auth = format!("Bearer {key}");
        common::server::request(addr, method, path, &[("Authorization", &auth)], body).unwrap()
    };
    let decided = ask(&a.addr, "dlx_x", "POST", "/v1/decisions", REQUEST);
    assert_eq!(decided.status, 200, "{}", decided.body);
    let id = json(&decided.body)["decision_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/v1/decisions/{id}");
    let own = ask(&b.addr, "dlx_x", "GET", &path, "");
    assert_eq!(own.status, 200, "{}", own.body);
    assert_eq!(json(&own.body)["decision_id"], id.as_str());
    let other = ask(&b.addr, "dlx_y", "GET", &path, "");
    assert_eq!(other.status, 404, "{}", other.body);
    assert_eq!(
        pg.psql(&format!(
            "SELECT chain || ':' || caller FROM records WHERE decision_id = '{id}'"
        ))
        .trim(),
        "a:platform-x"
    );
}
