//! Issue 19's acceptance test: three replicas of the real `datalex` binary on loopback ports,
//! sharing a scratch PostgreSQL (tests/common/postgres.rs) for their decision log and their
//! signed policy bundles (docs/deploy.md).
//!
//! Under continuous load (client threads posting decisions to the replicas in turn, recording
//! every answer): a bundle published mid-load reaches all three within a second with no failed
//! request; a replica killed with `kill -9` and restarted lost none of the decisions it
//! answered; PostgreSQL stopped for ten seconds gives 503s and no 200 that is not logged, and
//! service resumes by itself; `audit verify --store` passes, then fails after a tampered row
//! naming it. And a bundle signed by an untrusted key, one whose package tests fail and a
//! truncated one are each refused by every replica, the previous bundle serving.
//!
//! Skipped, with the reason printed, where PostgreSQL is not installed; required in CI.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "tests may fail loudly"
)]

mod common;

use common::postgres::Postgres;
use common::server::{http, json, wait_for, Serve, Server};
use serde_json::Value;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

const REQUEST: &str = r#"{"kind": "share", "at": "2026-03-02", "requester": "bz-wjw", "dataset": "bz-ga-0001", "scenario": "public_health", "jurisdiction": "binzhou"}"#;

/// The replicas' ids, which are also their chains in the log.
const REPLICAS: [&str; 3] = ["r1", "r2", "r3"];

/// The shared HMAC key of the decision log (every replica's records are MACed with it).
const LOG_KEYS: &str = "[[keys]]\nid = \"k1\"\nsecret = \"5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a\"\n";

/// A deployment: the database, a scratch directory with the keys, the bundles and one working
/// directory per replica, and the replicas.
struct Deployment {
    pg: Postgres,
    work: tempfile::TempDir,
    replicas: Vec<Server>,
}

impl Deployment {
    /// PostgreSQL migrated with `datalex migrate`, the shared log key file, the bundle signing
    /// key pair and an untrusted one; `None` (after saying why) where PostgreSQL is missing.
    fn new(test: &str) -> Option<Deployment> {
        let pg = Postgres::start(test)?;
        let work = tempfile::tempdir().unwrap();
        std::fs::write(work.path().join("log.keys"), LOG_KEYS).unwrap();
        let d = Deployment {
            pg,
            work,
            replicas: Vec::new(),
        };
        let migrated = d.ok(&["migrate", "--store", &d.url()]);
        assert!(
            migrated.contains("decision_log"),
            "`datalex migrate` says what it applied: {migrated}"
        );
        for key in ["bundle-key", "rogue-key"] {
            d.ok(&["bundle", "keygen", key]);
        }
        Some(d)
    }

    fn url(&self) -> String {
        self.pg.url()
    }

    fn path(&self, name: &str) -> PathBuf {
        self.work.path().join(name)
    }

    /// `datalex ARGS` in the scratch directory.
    fn run(&self, args: &[&str]) -> Output {
        common::run_in(self.work.path(), args, "")
    }

    /// `datalex ARGS`, which must succeed; its standard output.
    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "datalex {}: {}{}",
            args.join(" "),
            common::stdout(&out),
            common::stderr(&out)
        );
        common::stdout(&out)
    }

    /// A copy of the repository's project (policies, facts, datalex.toml) named `name`, changed
    /// by `edit`, built into `name.dlxb` and signed with `key`; the bundle's path and id.
    fn bundle(&self, name: &str, key: &str, edit: impl Fn(&Path)) -> (PathBuf, String) {
        let project = self.path(name);
        common::copy_dir(&common::root().join("policies"), &project.join("policies"));
        common::copy_dir(&common::root().join("data"), &project.join("data"));
        std::fs::copy(
            common::root().join("datalex.toml"),
            project.join("datalex.toml"),
        )
        .unwrap();
        edit(&project);
        let file = self.path(&format!("{name}.dlxb"));
        let built = self.ok(&[
            "bundle",
            "build",
            project.to_str().unwrap(),
            "-o",
            file.to_str().unwrap(),
        ]);
        let id = bundle_id(&built);
        self.ok(&["bundle", "sign", file.to_str().unwrap(), "--key", key]);
        (file, id)
    }

    /// `datalex bundle publish FILE --store URL`.
    fn publish(&self, file: &Path) -> Output {
        self.run(&[
            "bundle",
            "publish",
            file.to_str().unwrap(),
            "--store",
            &self.url(),
        ])
    }

    /// Starts replica `id` in its own directory (its datalex.toml names the shared key file
    /// and its own signing key), serving the active bundle, and waits until it is ready.
    fn start(&self, id: &str) -> Server {
        let dir = self.path(id);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("datalex.toml"),
            format!(
                "[decision_log]\nkey_file = {:?}\nsigning_key = \"signing-key\"\n",
                self.path("log.keys").to_str().unwrap()
            ),
        )
        .unwrap();
        let public = self.path("bundle-key.pub");
        Serve::in_dir(&dir)
            .log_in_args()
            .args(&[
                "--store",
                &self.url(),
                "--replica",
                id,
                "--bundles",
                "--bundle-public-key",
                public.to_str().unwrap(),
                // The poll cannot explain a bundle reaching the replicas: the notification must.
                "--bundle-poll",
                "3600",
            ])
            .start()
    }

    fn start_all(&mut self) {
        self.replicas = REPLICAS.iter().map(|id| self.start(id)).collect();
    }

    fn addrs(&self) -> Vec<String> {
        self.replicas.iter().map(|r| r.addr.clone()).collect()
    }

    /// Every decision id in the log, from PostgreSQL itself.
    fn logged(&self, chain: Option<&str>) -> HashSet<String> {
        let sql = match chain {
            Some(c) => format!("SELECT decision_id FROM records WHERE chain = '{c}'"),
            None => "SELECT decision_id FROM records".to_owned(),
        };
        self.pg.psql(&sql).lines().map(str::to_owned).collect()
    }

    /// `datalex audit verify --store URL` with the shared key file, every replica's public
    /// checkpoint key and a copy of the checkpoints if given: its exit code and its report.
    fn audit(&self, checkpoints: Option<&Path>) -> (Option<i32>, String) {
        let keys = self.path("log.keys");
        let mut args = vec![
            "audit".to_owned(),
            "verify".to_owned(),
            "--store".to_owned(),
            self.url(),
            "--key-file".to_owned(),
            keys.to_str().unwrap().to_owned(),
        ];
        for id in REPLICAS {
            args.push("--public-key".to_owned());
            args.push(
                self.path(id)
                    .join("signing-key.pub")
                    .to_str()
                    .unwrap()
                    .to_owned(),
            );
        }
        if let Some(file) = checkpoints {
            args.push("--checkpoint".to_owned());
            args.push(file.to_str().unwrap().to_owned());
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = self.run(&args);
        (
            out.status.code(),
            format!("{}{}", common::stdout(&out), common::stderr(&out)),
        )
    }
}

/// The bundle id (`sha256:…`) a `bundle build` or `bundle publish` printed.
fn bundle_id(printed: &str) -> String {
    printed
        .split_whitespace()
        .find(|w| w.starts_with("sha256:"))
        .unwrap_or_else(|| panic!("no bundle id in {printed:?}"))
        .trim_end_matches(['.', ',', ')'])
        .to_owned()
}

/// `GET /v1/policies` of a replica (`Null` if it does not answer 200).
fn policies(addr: &str) -> Value {
    match http(addr, "GET", "/v1/policies", "") {
        Ok((200, body)) => json(&body),
        _ => Value::Null,
    }
}

/// The id of the bundle a replica serves.
fn serving(addr: &str) -> Option<String> {
    policies(addr)["bundle"]["id"].as_str().map(str::to_owned)
}

fn ready(addr: &str) -> Option<u16> {
    http(addr, "GET", "/readyz", "").ok().map(|(s, _)| s)
}

/// One answer the load saw: which replica, its status (0: no answer), and for a 200 the
/// decision id, else the body or the error.
#[derive(Clone, Debug)]
struct Seen {
    replica: usize,
    status: u16,
    text: String,
}

/// Client threads posting decisions to the replicas in turn until stopped; the replicas'
/// addresses can change (a restarted replica listens on a new port).
struct Load {
    stop: Arc<AtomicBool>,
    seen: Arc<Mutex<Vec<Seen>>>,
    addrs: Arc<RwLock<Vec<String>>>,
    workers: Vec<std::thread::JoinHandle<()>>,
}

impl Load {
    fn start(addrs: Vec<String>, threads: usize) -> Load {
        let stop = Arc::new(AtomicBool::new(false));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let addrs = Arc::new(RwLock::new(addrs));
        let workers = (0..threads)
            .map(|t| {
                let (stop, seen, addrs) = (stop.clone(), seen.clone(), addrs.clone());
                std::thread::spawn(move || {
                    let mut turn = t;
                    while !stop.load(Ordering::Relaxed) {
                        let (replica, addr) = {
                            let addrs = addrs.read().unwrap();
                            let i = turn % addrs.len();
                            (i, addrs[i].clone())
                        };
                        turn += 1;
                        let (status, text) = match http(&addr, "POST", "/v1/decisions", REQUEST) {
                            Ok((200, body)) => {
                                (200, json(&body)["decision_id"].as_str().unwrap().to_owned())
                            }
                            Ok((status, body)) => (status, body),
                            Err(e) => (0, e.to_string()),
                        };
                        if status != 200 {
                            // A client backs off a little after a refusal, as a real one would.
                            std::thread::sleep(Duration::from_millis(20));
                        }
                        seen.lock().unwrap().push(Seen {
                            replica,
                            status,
                            text,
                        });
                    }
                })
            })
            .collect();
        Load {
            stop,
            seen,
            addrs,
            workers,
        }
    }

    fn len(&self) -> usize {
        self.seen.lock().unwrap().len()
    }

    fn since(&self, from: usize) -> Vec<Seen> {
        self.seen.lock().unwrap()[from..].to_vec()
    }

    /// Waits until each replica answered `n` decisions 200 after answer number `from`.
    fn wait_answered(&self, from: usize, n: usize, what: &str) {
        wait_for(what, || {
            let seen = self.since(from);
            (0..REPLICAS.len()).all(|r| {
                seen.iter()
                    .filter(|s| s.replica == r && s.status == 200)
                    .count()
                    >= n
            })
        });
    }

    fn finish(self) -> Vec<Seen> {
        self.stop.store(true, Ordering::Relaxed);
        for w in self.workers {
            w.join().unwrap();
        }
        Arc::try_unwrap(self.seen).unwrap().into_inner().unwrap()
    }
}

fn answered(seen: &[Seen], replica: Option<usize>) -> Vec<String> {
    seen.iter()
        .filter(|s| s.status == 200 && replica.is_none_or(|r| s.replica == r))
        .map(|s| s.text.clone())
        .collect()
}

#[test]
fn three_replicas_on_postgres_under_load() {
    let test = "three_replicas_on_postgres_under_load";
    let Some(mut d) = Deployment::new(test) else {
        return;
    };
    let (first, first_id) = d.bundle("first", "bundle-key", |_| {});
    let published = d.publish(&first);
    assert!(published.status.success(), "{}", common::stderr(&published));
    assert_eq!(bundle_id(&common::stdout(&published)), first_id);
    d.start_all();
    for addr in d.addrs() {
        assert_eq!(serving(&addr).as_deref(), Some(first_id.as_str()), "{addr}");
    }
    let load = Load::start(d.addrs(), 3);
    load.wait_answered(0, 20, "decisions from every replica");

    // A new bundle published mid-load reaches every replica within a second; no request fails.
    let (second, second_id) = d.bundle("second", "bundle-key", |p| {
        let file = p.join("policies/binzhou/measures.dlx");
        let text = std::fs::read_to_string(&file).unwrap();
        std::fs::write(&file, format!("{text}\n// The second bundle.\n")).unwrap();
    });
    assert_ne!(first_id, second_id);
    let published = d.publish(&second);
    let at = Instant::now();
    assert!(published.status.success(), "{}", common::stderr(&published));
    let mut pending: Vec<String> = d.addrs();
    let mut reached = Vec::new();
    wait_for("the second bundle on every replica", || {
        pending.retain(|addr| {
            if serving(addr).as_deref() == Some(second_id.as_str()) {
                reached.push((addr.clone(), at.elapsed()));
                false
            } else {
                true
            }
        });
        pending.is_empty()
    });
    // They were told by NOTIFY (they poll once an hour). How soon is the cost of checking the
    // bundle (compiling it and running its package tests): well under a second in a release
    // build, which is where the bound holds and is asserted (`.ci/run` runs `cargo test
    // --release --test replicas`; benches/replicas.sh measures it too); a debug build under this
    // load takes seconds, so there it is only printed.
    eprintln!("the second bundle reached the replicas after {reached:?}");
    if !cfg!(debug_assertions) {
        for (addr, after) in &reached {
            assert!(
                *after <= Duration::from_secs(1),
                "{addr} served the new bundle only {after:?} after it was published"
            );
        }
    }
    let swapped = load.len();
    load.wait_answered(swapped, 20, "decisions under the second bundle");
    let failed: Vec<Seen> = load
        .since(0)
        .into_iter()
        .filter(|s| s.status != 200)
        .collect();
    assert!(
        failed.is_empty(),
        "{} failed requests across the publish: {:?}",
        failed.len(),
        &failed[..failed.len().min(3)]
    );

    // kill -9 one replica under load and restart it: every decision it answered is logged.
    let victim = 1;
    d.replicas[victim].child.kill().unwrap();
    d.replicas[victim].child.wait().unwrap();
    let killed = load.len();
    let before_kill = answered(&load.since(0), Some(victim));
    let restarted = d.start(REPLICAS[victim]);
    load.addrs.write().unwrap()[victim] = restarted.addr.clone();
    d.replicas[victim] = restarted;
    load.wait_answered(killed, 20, "decisions after the restart");
    let in_chain = d.logged(Some(REPLICAS[victim]));
    let lost: Vec<&String> = before_kill
        .iter()
        .filter(|id| !in_chain.contains(*id))
        .collect();
    assert!(
        lost.is_empty(),
        "{} of the {} decisions {} answered before kill -9 are not in its chain: {:?}",
        lost.len(),
        before_kill.len(),
        REPLICAS[victim],
        &lost[..lost.len().min(3)]
    );
    // ... and any replica answers them from PostgreSQL.
    let last = before_kill.last().unwrap();
    for addr in d.addrs() {
        let (status, body) = http(&addr, "GET", &format!("/v1/decisions/{last}"), "").unwrap();
        assert_eq!(status, 200, "{addr} GET {last}: {body}");
        assert_eq!(json(&body)["decision_id"], last.as_str(), "{body}");
    }

    // PostgreSQL down for ten seconds: 503s, readiness false, then service again by itself.
    let outage = load.len();
    d.pg.stop();
    let stopped = Instant::now();
    for addr in d.addrs() {
        wait_for(&format!("/readyz 503 on {addr}"), || {
            ready(&addr) == Some(503)
        });
    }
    while stopped.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(100));
    }
    d.pg.start_server();
    let back = load.len();
    for addr in d.addrs() {
        wait_for(&format!("/readyz 200 again on {addr}"), || {
            ready(&addr) == Some(200)
        });
    }
    load.wait_answered(back, 20, "decisions after PostgreSQL is back");
    let seen = load.finish();
    let during = &seen[outage..back];
    for (r, id) in REPLICAS.iter().enumerate() {
        let refused: Vec<&Seen> = during
            .iter()
            .filter(|s| s.replica == r && s.status == 503)
            .collect();
        assert!(
            !refused.is_empty(),
            "{id} gave no 503 while PostgreSQL was down"
        );
        assert_eq!(
            json(&refused[0].text)["error"]["code"],
            "decision_log_unavailable",
            "{}",
            refused[0].text
        );
    }
    let odd: Vec<&Seen> = seen[outage..]
        .iter()
        .filter(|s| s.status != 200 && s.status != 503)
        .collect();
    assert!(
        odd.is_empty(),
        "answers neither 200 nor 503 around the outage: {:?}",
        &odd[..odd.len().min(3)]
    );

    // Every 200 of the whole run, from every replica, is in the log.
    let all = answered(&seen, None);
    let logged = d.logged(None);
    let unlogged: Vec<&String> = all.iter().filter(|id| !logged.contains(*id)).collect();
    assert!(
        unlogged.is_empty(),
        "{} of {} decisions answered 200 are not logged: {:?}",
        unlogged.len(),
        all.len(),
        &unlogged[..unlogged.len().min(3)]
    );
    eprintln!(
        "{} requests, {} answered 200, {} logged records",
        seen.len(),
        all.len(),
        logged.len()
    );

    // The audit trail verifies; a tampered row is found and named.
    for replica in &mut d.replicas {
        replica.stop();
    }
    let (code, report) = d.audit(None);
    assert_eq!(code, Some(0), "audit verify --store: {report}");
    // The checkpoints exported from the database, as an operator copies them elsewhere
    // (docs/deploy.md), verify the log too.
    let copy = d.path("checkpoints.jsonl");
    std::fs::write(&copy, d.pg.psql("SELECT body FROM checkpoints ORDER BY id")).unwrap();
    let (code, report) = d.audit(Some(&copy));
    assert_eq!(
        code,
        Some(0),
        "audit verify --store --checkpoint COPY: {report}"
    );
    let victim_id =
        d.pg.psql("SELECT decision_id FROM records WHERE chain = 'r3' AND seq = 5")
            .trim()
            .to_owned();
    d.pg.psql(
        "UPDATE records SET decision = replace(decision, '\"review\"', '\"permit\"') \
         WHERE chain = 'r3' AND seq = 5",
    );
    let (code, report) = d.audit(None);
    assert_eq!(code, Some(1), "audit verify after tampering: {report}");
    for named in ["r3", "5", victim_id.as_str()] {
        assert!(report.contains(named), "the report names {named}: {report}");
    }
}

#[test]
fn bad_bundles_are_refused_by_every_replica() {
    let test = "bad_bundles_are_refused_by_every_replica";
    let Some(mut d) = Deployment::new(test) else {
        return;
    };
    let (good, good_id) = d.bundle("good", "bundle-key", |_| {});
    assert!(d.publish(&good).status.success());
    d.start_all();

    let comment = |n: &'static str| {
        move |p: &Path| {
            let file = p.join("policies/binzhou/measures.dlx");
            let text = std::fs::read_to_string(&file).unwrap();
            std::fs::write(&file, format!("{text}\n// {n}\n")).unwrap();
        }
    };
    // Signed by a key the replicas do not trust.
    let (rogue, rogue_id) = d.bundle("rogue", "rogue-key", comment("rogue"));
    // Signed by the trusted key, but a package test fails: shandong's reply period, which the
    // tests pin at 10 working days, is 11.
    let (failing, failing_id) = d.bundle("failing", "bundle-key", |p| {
        let file = p.join("policies/shandong/measures.dlx");
        let text = std::fs::read_to_string(&file).unwrap();
        let changed = text.replace(
            "param reply_period = 10 working days",
            "param reply_period = 11 working days",
        );
        assert_ne!(text, changed);
        std::fs::write(&file, changed).unwrap();
    });

    for (what, file, id) in [
        ("signed by an untrusted key", &rogue, &rogue_id),
        ("whose tests fail", &failing, &failing_id),
    ] {
        let published = d.publish(file);
        assert!(
            published.status.success(),
            "publish the bundle {what}: {}",
            common::stderr(&published)
        );
        for addr in d.addrs() {
            refused(&addr, what, id, &good_id);
        }
    }

    // A truncated bundle: `publish` checks the archive and refuses it; stored anyway (a
    // damaged row, a store written by other means) each replica refuses it too.
    let (whole, truncated_id) = d.bundle("truncated", "bundle-key", comment("truncated"));
    let bytes = std::fs::read(&whole).unwrap();
    let cut = d.path("truncated-cut.dlxb");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let published = d.publish(&cut);
    assert!(
        !published.status.success() && common::stderr(&published).contains("truncated"),
        "publishing a truncated bundle: {}{}",
        common::stdout(&published),
        common::stderr(&published)
    );
    store_truncated(&d, &whole, &truncated_id);
    for addr in d.addrs() {
        refused(&addr, "truncated", &truncated_id, &good_id);
    }

    // A good bundle after the refusals is served by all three.
    let (next, next_id) = d.bundle("next", "bundle-key", comment("next"));
    assert!(d.publish(&next).status.success());
    for addr in d.addrs() {
        wait_for(&format!("{addr} to serve {next_id}"), || {
            serving(&addr).as_deref() == Some(next_id.as_str())
        });
        assert_eq!(policies(&addr)["reload"]["status"], "ok");
    }
}

/// Waits until the replica at `addr` reports the refusal of bundle `id` (`what`) in
/// `/v1/policies`, then checks that `serving` still serves and decides.
fn refused(addr: &str, what: &str, id: &str, serving_id: &str) {
    let hex = id.trim_start_matches("sha256:");
    wait_for(&format!("{addr} to refuse the bundle {what}"), || {
        let p = policies(addr);
        p["reload"]["status"] == "failed"
            && p["reload"]["message"]
                .as_str()
                .is_some_and(|m| m.contains(&hex[..12]))
    });
    let p = policies(addr);
    assert_eq!(
        p["bundle"]["id"], serving_id,
        "{addr} serves the previous bundle after refusing the one {what}: {p}"
    );
    let (status, body) = http(addr, "POST", "/v1/decisions", REQUEST).unwrap();
    assert_eq!(
        status, 200,
        "{addr} decides after refusing the bundle {what}: {body}"
    );
}

/// Stores the bundle at `whole` cut in half as the active bundle, as a damaged store would
/// hold it (the tables of service/migrations/V2__bundles.sql), and tells the replicas.
fn store_truncated(d: &Deployment, whole: &Path, id: &str) {
    let bytes = std::fs::read(whole).unwrap();
    let half = bytes[..bytes.len() / 2].to_vec();
    let size = i64::try_from(half.len()).unwrap();
    let url = d.url();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let mut client = datalex_service::pg::connect(&url).await.unwrap();
        let tx = client.transaction().await.unwrap();
        tx.execute(
            "INSERT INTO bundles (id, archive, size) VALUES ($1, $2, $3)",
            &[&id, &half, &size],
        )
        .await
        .unwrap();
        tx.execute(
            "INSERT INTO bundle_activations (generation, id) \
             SELECT coalesce(max(generation), 0) + 1, $1 FROM bundle_activations",
            &[&id],
        )
        .await
        .unwrap();
        tx.execute(
            "UPDATE bundle_active SET generation = a.generation, id = a.id, \
             activated_at = a.activated_at FROM (SELECT * FROM bundle_activations \
             ORDER BY generation DESC LIMIT 1) a",
            &[],
        )
        .await
        .unwrap();
        tx.execute(&format!("NOTIFY datalex_bundles, '{id}'"), &[])
            .await
            .unwrap();
        tx.commit().await.unwrap();
    });
}
