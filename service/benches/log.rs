//! What the decision log costs per decision, and how long `audit verify` takes (issue 20).
//!
//! Decides the Binzhou share request of `benches/load.sh` once with the bundled policies,
//! renders it as the service does ([`answer::render`]), and logs `LOG_RECORDS` (default 20,000)
//! copies of it, each under its own decision id, in groups of 32 each waited for (as 32
//! connections would: one commit and sync per group), into a fresh durable SQLite log — once
//! stored whole (as before issue 20: `shared` empty) and once compact (its recurring pieces
//! as shared texts). For each it prints the writer thread's CPU time per record (from
//! `/proc/self/task/*/schedstat`), the submitting thread's, the bytes on disk per record, and
//! the time `audit verify` takes on the log. With `VERIFY_RECORDS=N` it also fills a log of N
//! records (groups of 4,096) per variant and times `audit verify` on it (`KEEP_DIR=DIR` keeps
//! that log as `DIR/<variant>.db`). `VARIANTS=compact` runs one variant only.
//!
//! `cargo bench -p datalex-service --bench log` (Linux: it reads `/proc`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    reason = "benchmarks may fail loudly and print their figures"
)]

use datalex_evaluator::Request;
use datalex_i18n::Lang;
use datalex_service::answer::{self, TraceMode};
use datalex_service::decision_log::{verify, DecisionLog, Rendered, VerifyOptions};
use datalex_service::project::{Flags, Project};
use datalex_service::AppState;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

const REQUEST: &str = r#"{"kind":"share","at":"2026-03-02","requester":"bz-wjw","dataset":"bz-ga-0001","scenario":"public_health","jurisdiction":"binzhou"}"#;

/// CPU time a thread of this process has run, by its id (`/proc/self/task/ID/schedstat`).
fn cpu_of(tid: &str) -> Duration {
    let text = std::fs::read_to_string(format!("/proc/self/task/{tid}/schedstat")).unwrap();
    Duration::from_nanos(text.split_whitespace().next().unwrap().parse().unwrap())
}

/// The id of this process's newest thread named `name` (the writer of the log opened last:
/// the service state's own log has one too).
fn thread_named(name: &str) -> String {
    let mut found: Vec<u64> = Vec::new();
    for entry in std::fs::read_dir("/proc/self/task").unwrap() {
        let tid = entry.unwrap().file_name().to_string_lossy().into_owned();
        let comm = std::fs::read_to_string(format!("/proc/self/task/{tid}/comm")).unwrap();
        if comm.trim() == name {
            found.push(tid.parse().unwrap());
        }
    }
    found
        .into_iter()
        .max()
        .expect("a thread of that name")
        .to_string()
}

fn this_thread() -> String {
    std::fs::read_link("/proc/thread-self")
        .unwrap()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

/// Records `range` of the decision `full` (its id replaced by the record's number), stored
/// whole or compact.
fn records(
    full: &str,
    id: &str,
    shared: &[(u32, u32)],
    compact: bool,
    range: std::ops::Range<usize>,
) -> Vec<Rendered> {
    range
        .map(|i| {
            let new_id = format!("01BENCH{i:019}");
            assert_eq!(new_id.len(), id.len());
            Rendered {
                decision_id: new_id.clone(),
                time: "2026-03-02T08:00:00.000Z".to_owned(),
                jurisdiction: "binzhou".to_owned(),
                policy_version: "sha256:bench".to_owned(),
                caller: Some("bench".to_owned()),
                request: REQUEST.to_owned(),
                decision: Arc::new(full.replacen(id, &new_id, 1)),
                shared: if compact { shared.to_vec() } else { Vec::new() },
            }
        })
        .collect()
}

fn size_of(path: &Path) -> u64 {
    ["", "-wal"]
        .iter()
        .filter_map(|s| std::fs::metadata(format!("{}{s}", path.display())).ok())
        .map(|m| m.len())
        .sum()
}

fn main() {
    let n: usize = std::env::var("LOG_RECORDS").map_or(20_000, |v| v.parse().unwrap());
    let big: Option<usize> = std::env::var("VERIFY_RECORDS")
        .ok()
        .map(|v| v.parse().unwrap());
    let variants = std::env::var("VARIANTS").unwrap_or_else(|_| "whole,compact".to_owned());

    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let scratch = tempfile::tempdir().unwrap();
    let project = Project::at(root, Flags::default()).unwrap();
    let state = AppState::new(project, &scratch.path().join("unused.db"), Lang::En).unwrap();
    let snap = state.snapshot();
    let j = snap
        .jurisdictions
        .iter()
        .find(|j| j.name == "binzhou")
        .unwrap();
    let body: serde_json::Value = serde_json::from_str(REQUEST).unwrap();
    let request = Request::from_json(&body, snap.project.clock().today()).unwrap();
    let mut d = j.decide(&request).unwrap();
    d.decision_id = ulid::Ulid::new().to_string();
    let a = answer::render(&d, TraceMode::Full);
    println!(
        "decision: {} bytes, {} trace steps, {} shared pieces",
        a.full.len(),
        d.trace.len(),
        a.shared.len()
    );

    for variant in variants.split(',') {
        let compact = variant == "compact";
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("decisions.db");
        let log = DecisionLog::open(&path).unwrap();
        // Warm up: the writer's statements and the texts of the first decision.
        log.submit(records(&a.full, &d.decision_id, &a.shared, compact, 0..1))
            .unwrap()
            .wait()
            .unwrap();
        let all = records(&a.full, &d.decision_id, &a.shared, compact, 0..n + 1);
        let writer = thread_named("decision-log");
        let me = this_thread();
        let (w0, m0, t0) = (cpu_of(&writer), cpu_of(&me), Instant::now());
        let mut it = all.into_iter().skip(1);
        loop {
            let group: Vec<Rendered> = it.by_ref().take(32).collect();
            if group.is_empty() {
                break;
            }
            log.submit(group).unwrap().wait().unwrap();
        }
        let (w1, m1, wall) = (cpu_of(&writer), cpu_of(&me), t0.elapsed());
        drop(log);
        let per = |d: Duration| d.as_secs_f64() * 1e6 / n as f64;
        println!(
            "{variant}: {n} records in groups of 32: writer CPU {:.1} µs/record, submitting thread {:.1} µs/record, wall {:.2} s, {} bytes/record on disk",
            per(w1 - w0),
            per(m1 - m0),
            wall.as_secs_f64(),
            size_of(&path) / (n as u64 + 1)
        );
        let t = Instant::now();
        let v = verify(&path, &VerifyOptions::beside(&path)).unwrap();
        assert!(v.is_intact() && v.records() == n as u64 + 1, "{v}");
        println!(
            "{variant}: audit verify of {} records: {:.3} s ({:.2} µs/record)",
            n + 1,
            t.elapsed().as_secs_f64(),
            t.elapsed().as_secs_f64() * 1e6 / (n + 1) as f64
        );

        if let Some(big) = big {
            let dir = tempfile::tempdir().unwrap();
            // KEEP_DIR: the big log is kept there (`<variant>.db`), e.g. to verify it with
            // another build's `datalex audit verify`.
            let path = match std::env::var("KEEP_DIR") {
                Ok(keep) => Path::new(&keep).join(format!("{variant}.db")),
                Err(_) => dir.path().join("decisions.db"),
            };
            let log = DecisionLog::open(&path).unwrap();
            let t = Instant::now();
            let mut done = 0;
            while done < big {
                let k = (big - done).min(4096);
                let group = records(&a.full, &d.decision_id, &a.shared, compact, done..done + k);
                log.submit(group).unwrap().wait().unwrap();
                done += k;
            }
            drop(log);
            println!(
                "{variant}: filled {big} records in {:.1} s, {} bytes on disk",
                t.elapsed().as_secs_f64(),
                size_of(&path)
            );
            let t = Instant::now();
            let v = verify(&path, &VerifyOptions::beside(&path)).unwrap();
            assert!(v.is_intact() && v.records() == big as u64, "{v}");
            println!(
                "{variant}: audit verify of {big} records: {:.2} s ({:.2} µs/record)",
                t.elapsed().as_secs_f64(),
                t.elapsed().as_secs_f64() * 1e6 / big as f64
            );
        }
    }
}
