//! The tamper-evident decision log: 来源可溯、去向可查、行为留痕、责任可究.
//!
//! Every decision the service makes is stored with its request, decision id, jurisdiction, policy
//! version and time in an embedded SQLite database (WAL mode, `synchronous=NORMAL`), one row of
//! `decisions(seq, decision_id, time, jurisdiction, policy_version, request, decision, prev_hash,
//! hash)` per decision. Each row is chained to the one before it:
//!
//! ```text
//! hash = hex(sha256(F(prev_hash) F(seq) F(decision_id) F(time) F(jurisdiction)
//!                   F(policy_version) F(request) F(decision)))
//! F(text) = the text's length in bytes as 8 bytes big-endian, then its UTF-8 bytes
//! ```
//!
//! over the exact stored texts (`seq` in decimal, `request` and `decision` as compact JSON;
//! [`chain::hash`]), so no choice of field contents can make two different rows hash the same
//! input. The first row's
//! `prev_hash` is 64 zeros; `seq` counts from 1 without gaps.
//!
//! Appending never waits for the disk: [`DecisionLog::append`] hands the record over a channel to
//! a writer thread that commits whatever has queued up in one transaction (up to
//! [`MAX_BATCH`] records), reading the chain's tail inside that transaction, so a log reopened
//! later continues the chain where it stopped.
//!
//! The module is split by concern: [`schema`] (the table, the typed [`Record`]), [`chain`] (the
//! hash and the verification of a sequence of records, pure), the writer thread
//! ([`writer`]), and [`verify`](verify()) (reading a log file into a typed [`Verification`],
//! whose `Display` is the report of `datalex audit verify`).
//!
//! [`verify`](verify()) detects a changed field (the row's hash no longer matches its contents),
//! a deleted record (a gap in `seq`, or a `prev_hash` that is not the previous row's hash) and a
//! record inserted or re-hashed in the middle (the next row's `prev_hash` no longer matches). What a chain
//! alone cannot detect is the removal of the newest records, or a rewrite of the whole tail with
//! fresh hashes: what remains is still a valid chain. That is why verification reports the last
//! hash: a deployment notes it elsewhere (another system, a signed report, a ledger) and compares
//! it later; the log holds nothing that would let a forger reproduce an anchored hash.

pub mod chain;
pub mod schema;
mod verify;
pub mod writer;

pub use chain::{Break, BreakReason, Outcome, Verification, GENESIS_HASH};
pub use schema::Record;
pub use verify::verify;
pub use writer::MAX_BATCH;

use anyhow::{anyhow, bail, Context as _};
use rusqlite::{Connection, OpenFlags, OptionalExtension as _};
use schema::{tail, BUSY_TIMEOUT, SCHEMA};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Sender, SyncSender};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use writer::Writer;

/// A record with its JSON already rendered: the texts that are stored and hashed.
struct Entry {
    decision_id: String,
    time: String,
    jurisdiction: String,
    policy_version: String,
    request: String,
    /// Shared with the map of queued decisions, so `get` sees it before it is written.
    decision: Arc<str>,
}

/// What the writer thread is asked to do, in order.
enum Msg {
    Append(Entry),
    /// Answer once everything sent before is committed (or report why not).
    Flush(SyncSender<Result<(), String>>),
    Stop,
}

/// Decisions appended but not yet committed, by decision id (their decision JSON).
type Pending = Arc<Mutex<HashMap<String, Arc<str>>>>;

/// The decision log of a running service: [`append`](DecisionLog::append) queues, a writer thread
/// commits in batches. `Send + Sync`, so one log serves every request handler (behind an `Arc`).
///
/// One log file should have one `DecisionLog` at a time. Two writers on the same file (two
/// processes, say) still keep one unbroken chain, since each batch reads the chain's tail inside
/// its write transaction, but their batches interleave.
pub struct DecisionLog {
    sender: Sender<Msg>,
    writer: Option<JoinHandle<()>>,
    pending: Pending,
    /// For `get` and `len`, apart from the writer's connection.
    reader: Mutex<Connection>,
    path: PathBuf,
}

impl DecisionLog {
    /// Opens (creating if needed) the log at `path`, and starts the writer.
    ///
    /// Creates missing parent directories. Fails if the file is not an SQLite database, or if the
    /// last record's hash is unreadable (so there is no chain to continue: `datalex audit verify`
    /// says what happened).
    pub fn open(path: &Path) -> anyhow::Result<DecisionLog> {
        if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create the directory {}", dir.display()))?;
        }
        let context = || format!("cannot open the decision log {}", path.display());
        let conn = Connection::open(path).with_context(context)?;
        conn.busy_timeout(BUSY_TIMEOUT).with_context(context)?;
        let mode: String = conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))
            .with_context(context)?;
        if !mode.eq_ignore_ascii_case("wal") {
            bail!(
                "cannot open the decision log {}: journal mode {mode}, not WAL",
                path.display()
            );
        }
        conn.pragma_update(None, "synchronous", "NORMAL")
            .with_context(context)?;
        conn.execute_batch(SCHEMA).with_context(context)?;
        tail(&conn).with_context(context)?;

        let reader = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .with_context(context)?;
        reader.busy_timeout(BUSY_TIMEOUT).with_context(context)?;

        let pending = Pending::default();
        let (sender, receiver) = mpsc::channel();
        let writer = Writer {
            conn,
            receiver,
            pending: Arc::clone(&pending),
            path: path.to_path_buf(),
            unreported: None,
        };
        let writer = std::thread::Builder::new()
            .name("decision-log".to_owned())
            .spawn(move || writer.run())
            .context("cannot start the decision log writer")?;
        Ok(DecisionLog {
            sender,
            writer: Some(writer),
            pending,
            reader: Mutex::new(reader),
            path: path.to_path_buf(),
        })
    }

    /// Queues a record; never blocks on the disk.
    ///
    /// The JSON is rendered here, on the caller's thread; the writer hashes and commits it soon
    /// after. A record whose decision id is already in the log is not logged (the writer warns);
    /// a batch that cannot be committed is reported by the next [`flush`](DecisionLog::flush).
    pub fn append(&self, record: Record) {
        let decision: Arc<str> = Arc::from(record.decision.to_string());
        self.append_rendered(
            record.decision_id,
            record.time,
            record.jurisdiction,
            record.policy_version,
            record.request.to_string(),
            decision,
        );
    }

    /// Queues a record whose request and decision are already JSON text (the service has them
    /// so: the request as received, the decision as answered), saving a second serialisation.
    pub fn append_rendered(
        &self,
        decision_id: String,
        time: String,
        jurisdiction: String,
        policy_version: String,
        request: String,
        decision: Arc<str>,
    ) {
        let entry = Entry {
            request,
            decision: Arc::clone(&decision),
            decision_id,
            time,
            jurisdiction,
            policy_version,
        };
        lock(&self.pending).insert(entry.decision_id.clone(), decision);
        if let Err(mpsc::SendError(Msg::Append(entry))) = self.sender.send(Msg::Append(entry)) {
            lock(&self.pending).remove(&entry.decision_id);
            tracing::error!(
                decision_id = %entry.decision_id,
                log = %self.path.display(),
                "the decision log writer has stopped: decision not logged"
            );
        }
    }

    /// The logged decision JSON with this id (written or still queued).
    pub fn get(&self, decision_id: &str) -> anyhow::Result<Option<serde_json::Value>> {
        // Queued first: the writer removes a record from the queue only after committing it, so
        // one that is no longer queued is in the database.
        let queued = lock(&self.pending).get(decision_id).cloned();
        let text: Option<String> = match queued {
            Some(text) => Some(text.as_ref().to_owned()),
            None => lock(&self.reader)
                .prepare_cached("SELECT decision FROM decisions WHERE decision_id = ?1")
                .and_then(|mut stmt| stmt.query_row([decision_id], |row| row.get(0)).optional())
                .with_context(|| format!("cannot read the decision log {}", self.path.display()))?,
        };
        text.map(|text| {
            serde_json::from_str(&text).with_context(|| {
                format!(
                    "decision {decision_id} in {} is not JSON",
                    self.path.display()
                )
            })
        })
        .transpose()
    }

    /// Blocks until every record appended so far is written and committed.
    ///
    /// Fails if a batch could not be committed since the last flush (its records are lost; the
    /// error says why), or if the writer has stopped.
    pub fn flush(&self) -> anyhow::Result<()> {
        let stopped = || {
            anyhow!(
                "the decision log writer for {} has stopped",
                self.path.display()
            )
        };
        let (answer, answered) = mpsc::sync_channel(1);
        self.sender
            .send(Msg::Flush(answer))
            .map_err(|_| stopped())?;
        match answered.recv() {
            Ok(Ok(())) => Ok(()),
            Ok(Err(why)) => Err(anyhow!(
                "cannot write the decision log {}: {why}",
                self.path.display()
            )),
            Err(_) => Err(stopped()),
        }
    }

    /// How many records are in the log (after flushing).
    pub fn len(&self) -> anyhow::Result<u64> {
        self.flush()?;
        let count: i64 = lock(&self.reader)
            .query_row("SELECT COUNT(*) FROM decisions", [], |row| row.get(0))
            .with_context(|| format!("cannot read the decision log {}", self.path.display()))?;
        Ok(u64::try_from(count).unwrap_or(0))
    }

    /// Whether the log holds no record (after flushing).
    pub fn is_empty(&self) -> anyhow::Result<bool> {
        Ok(self.len()? == 0)
    }
}

impl Drop for DecisionLog {
    /// Writes what is queued and stops the writer.
    fn drop(&mut self) {
        // The writer answers messages in order, so `Stop` comes after every queued record.
        let _ = self.sender.send(Msg::Stop);
        if let Some(writer) = self.writer.take() {
            if writer.join().is_err() {
                tracing::error!(log = %self.path.display(), "the decision log writer panicked");
            }
        }
    }
}

/// Locks a mutex, also after another thread panicked holding it (the data stay consistent: every
/// critical section here is a single map or connection call).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::params;
    use serde_json::json;
    use std::time::{Duration, Instant};

    fn record(n: usize) -> Record {
        Record {
            decision_id: format!("01J{n:023}"),
            time: format!(
                "2025-03-{:02}T08:{:02}:{:02}Z",
                n % 28 + 1,
                n / 60 % 60,
                n % 60
            ),
            jurisdiction: "cn-sh".to_owned(),
            policy_version: "sha256:5f2c0a9e".to_owned(),
            request: json!({
                "dataset": format!("ds-{n}"),
                "requester": {"kind": "enterprise", "id": format!("org-{}", n % 97)},
                "purpose": "research",
                "fields": ["name", "district", "year"],
            }),
            decision: json!({
                "decision_id": format!("01J{n:023}"),
                "allowed": !n.is_multiple_of(3),
                "obligations": ["watermark", "audit"],
                "citations": [{"article": "art-12", "paragraph": 2}],
            }),
        }
    }

    fn log_path(dir: &tempfile::TempDir) -> PathBuf {
        dir.path().join("audit").join("decisions.db")
    }

    fn fill(path: &Path, range: std::ops::Range<usize>) {
        let log = DecisionLog::open(path).unwrap();
        for n in range {
            log.append(record(n));
        }
        log.flush().unwrap();
    }

    fn raw(path: &Path) -> Connection {
        Connection::open(path).unwrap()
    }

    /// Asserts that the log at `path` holds `records` records in an intact chain.
    fn assert_intact(path: &Path, records: u64) {
        let found = verify(path).unwrap();
        assert_eq!((found.records, first_broken(&found)), (records, None));
        assert_eq!(found.intact, records);
    }

    /// The first break as (seq, decision id or "", why).
    fn first_broken(v: &Verification) -> Option<(u64, String, String)> {
        v.first_broken().map(|b| {
            (
                b.seq,
                b.decision_id.clone().unwrap_or_default(),
                b.reason.to_string(),
            )
        })
    }

    #[test]
    fn the_log_is_shareable_between_threads() {
        fn send_sync<T: Send + Sync>() {}
        send_sync::<DecisionLog>();
    }

    #[test]
    fn hundred_records_verify() {
        let dir = tempfile::tempdir().unwrap();
        let path = log_path(&dir);
        let log = DecisionLog::open(&path).unwrap();
        for n in 0..100 {
            log.append(record(n));
        }
        assert_eq!(log.len().unwrap(), 100);
        // Verification while the log is open (the service runs) and after it is closed.
        let open = verify(&path).unwrap();
        drop(log);
        let closed = verify(&path).unwrap();
        assert_eq!(open, closed);
        assert_eq!(closed.records, 100);
        assert_eq!(first_broken(&closed), None);
        let last: String = raw(&path)
            .query_row("SELECT hash FROM decisions WHERE seq = 100", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(closed.last_hash, Some(last));
        let first_prev: String = raw(&path)
            .query_row("SELECT prev_hash FROM decisions WHERE seq = 1", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(first_prev, GENESIS_HASH);
        assert!(closed.is_intact());
        assert_eq!(closed.intact, 100);
    }

    #[test]
    fn the_stored_hash_is_the_documented_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = log_path(&dir);
        fill(&path, 0..2);
        let (id, time, jur, ver, req, dec, prev, hash): (
            String,
            String,
            String,
            String,
            String,
            String,
            String,
            String,
        ) = raw(&path)
            .query_row(
                "SELECT decision_id, time, jurisdiction, policy_version, request, decision, \
                 prev_hash, hash FROM decisions WHERE seq = 2",
                [],
                |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                        r.get(6)?,
                        r.get(7)?,
                    ))
                },
            )
            .unwrap();
        let expected = chain::documented_hash([&prev, "2", &id, &time, &jur, &ver, &req, &dec]);
        assert_eq!(hash, expected);
        assert_eq!(req, record(1).request.to_string());
    }

    #[test]
    fn get_sees_a_record_at_once_and_after_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let path = log_path(&dir);
        let log = DecisionLog::open(&path).unwrap();
        for n in 0..1000 {
            log.append(record(n));
            // Right after append, before any flush: from the queue or already written.
            assert_eq!(
                log.get(&record(n).decision_id).unwrap(),
                Some(record(n).decision)
            );
        }
        assert_eq!(log.get("no-such-id").unwrap(), None);
        drop(log);
        let log = DecisionLog::open(&path).unwrap();
        assert_eq!(
            log.get(&record(7).decision_id).unwrap(),
            Some(record(7).decision)
        );
        assert_eq!(
            log.get(&record(999).decision_id).unwrap(),
            Some(record(999).decision)
        );
        assert_eq!(log.len().unwrap(), 1000);
    }

    #[test]
    fn an_edited_decision_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = log_path(&dir);
        fill(&path, 0..100);
        let changed = raw(&path)
            .execute(
                "UPDATE decisions SET decision = '{\"allowed\":true}' WHERE seq = 37",
                [],
            )
            .unwrap();
        assert_eq!(changed, 1);
        let found = verify(&path).unwrap();
        assert_eq!(found.records, 100);
        let (seq, id, why) = first_broken(&found).unwrap();
        assert_eq!(seq, 37);
        assert_eq!(id, record(36).decision_id);
        assert!(why.contains("hash does not match"), "{why}");
        assert_eq!(found.intact, 36);
        assert_eq!(
            found.first_broken().map(|b| &b.reason),
            Some(&BreakReason::HashMismatch)
        );
        let text = found.to_string();
        assert!(
            text.starts_with(&format!(
                "broken: record #37 ({}): ",
                record(36).decision_id
            )),
            "{text}"
        );
        assert!(text.contains("36 records before it are intact"), "{text}");
        assert!(!found.is_intact());
    }

    #[test]
    fn a_rehashed_edit_is_named_by_the_next_record() {
        let dir = tempfile::tempdir().unwrap();
        let path = log_path(&dir);
        fill(&path, 0..10);
        // A forger who edits record #4 and gives it a fitting hash breaks the link to #5.
        let conn = raw(&path);
        let prev: String = conn
            .query_row("SELECT prev_hash FROM decisions WHERE seq = 4", [], |r| {
                r.get(0)
            })
            .unwrap();
        let r = record(3);
        let forged_decision = json!({"allowed": true}).to_string();
        let request = r.request.to_string();
        let hash = chain::hash(
            &prev,
            4,
            &chain::Fields {
                decision_id: &r.decision_id,
                time: &r.time,
                jurisdiction: &r.jurisdiction,
                policy_version: &r.policy_version,
                request: &request,
                decision: &forged_decision,
            },
        );
        conn.execute(
            "UPDATE decisions SET decision = ?1, hash = ?2 WHERE seq = 4",
            params![forged_decision, hash],
        )
        .unwrap();
        let (seq, id, why) = first_broken(&verify(&path).unwrap()).unwrap();
        assert_eq!((seq, id.as_str()), (5, record(4).decision_id.as_str()));
        assert!(
            why.contains("prev_hash is not the hash of record #4"),
            "{why}"
        );
    }

    #[test]
    fn a_deleted_record_is_named_by_the_one_after_the_gap() {
        let dir = tempfile::tempdir().unwrap();
        let path = log_path(&dir);
        fill(&path, 0..100);
        raw(&path)
            .execute("DELETE FROM decisions WHERE seq = 50", [])
            .unwrap();
        let found = verify(&path).unwrap();
        assert_eq!(found.records, 99);
        let (seq, id, why) = first_broken(&found).unwrap();
        assert_eq!(seq, 51);
        assert_eq!(id, record(50).decision_id);
        assert!(why.contains("record #50 before it is missing"), "{why}");
        assert_eq!(found.intact, 49);

        // Deleting the first record is caught too.
        raw(&path)
            .execute("DELETE FROM decisions WHERE seq = 1", [])
            .unwrap();
        let (seq, _, why) = first_broken(&verify(&path).unwrap()).unwrap();
        assert_eq!(seq, 2);
        assert!(why.contains("record #1 before it is missing"), "{why}");
    }

    #[test]
    fn a_renumbered_record_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = log_path(&dir);
        fill(&path, 0..5);
        raw(&path)
            .execute("UPDATE decisions SET seq = -3 WHERE seq = 1", [])
            .unwrap();
        let (seq, id, why) = first_broken(&verify(&path).unwrap()).unwrap();
        assert_eq!((seq, id), (0, record(0).decision_id));
        assert!(why.contains("unexpected sequence number -3"), "{why}");
        assert_eq!(verify(&path).unwrap().intact, 0);
    }

    #[test]
    fn a_deleted_last_record_shows_only_in_the_last_hash() {
        let dir = tempfile::tempdir().unwrap();
        let path = log_path(&dir);
        fill(&path, 0..10);
        let noted = verify(&path).unwrap().last_hash;
        raw(&path)
            .execute("DELETE FROM decisions WHERE seq = 10", [])
            .unwrap();
        let found = verify(&path).unwrap();
        assert_eq!(first_broken(&found), None, "a chain alone cannot see this");
        assert_eq!(found.records, 9);
        assert_ne!(found.last_hash, noted);
    }

    #[test]
    fn reopening_continues_the_chain() {
        let dir = tempfile::tempdir().unwrap();
        let path = log_path(&dir);
        fill(&path, 0..40);
        fill(&path, 40..70);
        let log = DecisionLog::open(&path).unwrap();
        for n in 70..100 {
            log.append(record(n));
        }
        assert_eq!(log.len().unwrap(), 100);
        drop(log);
        assert_intact(&path, 100);
        let (seq, prev): (i64, String) = raw(&path)
            .query_row(
                "SELECT seq, prev_hash FROM decisions WHERE decision_id = ?1",
                [record(40).decision_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        let hash_40: String = raw(&path)
            .query_row("SELECT hash FROM decisions WHERE seq = 40", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!((seq, prev), (41, hash_40));
    }

    #[test]
    fn flush_is_idempotent() {
        let dir = tempfile::tempdir().unwrap();
        let path = log_path(&dir);
        let log = DecisionLog::open(&path).unwrap();
        log.flush().unwrap();
        log.flush().unwrap();
        assert_eq!(log.len().unwrap(), 0);
        assert!(log.is_empty().unwrap());
        for n in 0..10 {
            log.append(record(n));
        }
        log.flush().unwrap();
        log.flush().unwrap();
        log.flush().unwrap();
        assert_eq!(log.len().unwrap(), 10);
        assert_eq!(log.len().unwrap(), 10);
        drop(log);
        assert_intact(&path, 10);
    }

    #[test]
    fn a_repeated_decision_id_is_not_logged_and_the_chain_holds() {
        let dir = tempfile::tempdir().unwrap();
        let path = log_path(&dir);
        let log = DecisionLog::open(&path).unwrap();
        log.append(record(1));
        log.append(record(2));
        let mut again = record(1);
        again.decision = json!({"allowed": "forged"});
        log.append(again);
        log.append(record(3));
        assert_eq!(log.len().unwrap(), 3);
        assert_eq!(
            log.get(&record(1).decision_id).unwrap(),
            Some(record(1).decision)
        );
        drop(log);
        assert_intact(&path, 3);
    }

    #[test]
    fn concurrent_appends_from_four_threads() {
        let dir = tempfile::tempdir().unwrap();
        let path = log_path(&dir);
        let log = DecisionLog::open(&path).unwrap();
        std::thread::scope(|scope| {
            for thread in 0..4 {
                let log = &log;
                scope.spawn(move || {
                    for n in 0..2500 {
                        log.append(record(thread * 2500 + n));
                    }
                });
            }
        });
        assert_eq!(log.len().unwrap(), 10_000);
        drop(log);
        assert_intact(&path, 10_000);
    }

    #[test]
    fn bad_input_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.db");
        assert!(verify(&missing).is_err());
        assert!(!missing.exists(), "verify must not create a log");

        let text = dir.path().join("notes.txt");
        std::fs::write(
            &text,
            "not a database, just some words in a file\n".repeat(100),
        )
        .unwrap();
        assert!(verify(&text).is_err());

        let other = dir.path().join("other.db");
        raw(&other)
            .execute_batch("CREATE TABLE t (x INTEGER)")
            .unwrap();
        let error = verify(&other).unwrap_err().to_string();
        assert!(error.contains("not a decision log"), "{error}");

        // An empty log is fine.
        let empty = log_path(&dir);
        drop(DecisionLog::open(&empty).unwrap());
        assert_intact(&empty, 0);
        assert_eq!(verify(&empty).unwrap().last_hash, None);
    }

    /// `cargo test -p datalex-service decision_log::tests::throughput -- --nocapture` prints the
    /// rate; not asserted.
    #[test]
    fn throughput() {
        let dir = tempfile::tempdir().unwrap();
        let path = log_path(&dir);
        let records: Vec<Record> = (0..100_000).map(record).collect();
        let log = DecisionLog::open(&path).unwrap();
        let start = Instant::now();
        for record in records {
            log.append(record);
        }
        let appended = start.elapsed();
        log.flush().unwrap();
        let flushed = start.elapsed();
        assert_eq!(log.len().unwrap(), 100_000);
        drop(log);
        let start = Instant::now();
        let found = verify(&path).unwrap();
        let verified = start.elapsed();
        assert_eq!((found.records, first_broken(&found)), (100_000, None));
        let rate = |d: Duration| 100_000.0 / d.as_secs_f64();
        println!(
            "decision log, 100000 records: append {:.0} ms ({:.0}/s on the caller), \
             append+flush {:.0} ms ({:.0}/s), verify {:.0} ms ({:.0}/s)",
            appended.as_secs_f64() * 1e3,
            rate(appended),
            flushed.as_secs_f64() * 1e3,
            rate(flushed),
            verified.as_secs_f64() * 1e3,
            rate(verified),
        );
    }
}
