//! The writer thread: group commit. It takes every queued record (up to [`MAX_BATCH`]), writes
//! them in one transaction that continues the chain, commits (with `synchronous=FULL` in the
//! durable mode: the WAL is synced before the commit returns), then wakes every waiter with the
//! outcome. A failed commit marks the log unavailable until a write, or a probe while idle,
//! succeeds again. It also writes the signed checkpoints.

use super::chain::{mac_input, Fields};
use super::checkpoint::{self, Checkpoint};
use super::keys::{KeyRing, Signer};
use super::postgres::PgWriter;
use super::schema::{tail, INSERT};
use super::{lock, Health, Msg, Pending, Prepared};
use crate::metrics::LogMetrics;
use crate::project::{Clock as _, SystemClock};
use rusqlite::{params, Connection, TransactionBehavior};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The most records the writer commits in one transaction.
pub const MAX_BATCH: usize = 4096;

/// How often an unavailable log is probed while no record comes.
pub const PROBE_INTERVAL: Duration = Duration::from_millis(500);

/// When the writer writes checkpoints, and where.
pub(super) struct Checkpoints {
    pub(super) signer: Signer,
    pub(super) path: PathBuf,
    pub(super) every: u64,
    pub(super) interval: Duration,
    /// The sequence number of the last checkpoint written (or found at start).
    pub(super) last_seq: i64,
    pub(super) last_time: Instant,
}

/// Where the writer writes.
pub(super) enum Store {
    /// The SQLite file.
    Sqlite(Connection),
    /// PostgreSQL (boxed: it holds its own runtime).
    Postgres(Box<PgWriter>),
}

/// The writer thread's state.
pub(super) struct Writer {
    pub(super) store: Store,
    pub(super) receiver: Receiver<Msg>,
    pub(super) pending: Pending,
    pub(super) queued: Arc<AtomicUsize>,
    pub(super) health: Arc<Health>,
    pub(super) metrics: LogMetrics,
    pub(super) keys: Arc<KeyRing>,
    pub(super) chain: String,
    pub(super) checkpoints: Checkpoints,
    /// The log's file or database, for messages.
    pub(super) path: String,
    /// Why a group nobody waited for failed, until a flush reports it.
    pub(super) unreported: Option<String>,
    /// The chain's head after the last commit: sequence number and MAC.
    pub(super) head: (i64, String),
}

impl Writer {
    /// Answers messages in order until `Stop` or until every sender is gone; writes a last
    /// checkpoint on the way out.
    pub(super) fn run(mut self) {
        loop {
            let first = match self.next_message() {
                Ok(Some(msg)) => msg,
                Ok(None) => continue,
                Err(()) => break,
            };
            let mut groups: Vec<Prepared> = Vec::new();
            let mut records = 0;
            let mut flushes = Vec::new();
            let mut checkpoint_asked = Vec::new();
            let mut stop = false;
            let mut next = Some(first);
            while let Some(msg) = next.take() {
                match msg {
                    Msg::Append(group) => {
                        records += group.entries.len();
                        groups.push(group);
                    }
                    Msg::Flush(waiter) => flushes.push(waiter),
                    Msg::Checkpoint(waiter) => checkpoint_asked.push(waiter),
                    Msg::Stop => {
                        stop = true;
                        break;
                    }
                }
                if records < MAX_BATCH {
                    next = self.receiver.try_recv().ok();
                }
            }
            if !groups.is_empty() {
                self.commit(groups, records);
            }
            if !flushes.is_empty() {
                let outcome = self.unreported.take().map_or(Ok(()), Err);
                for waiter in flushes {
                    let _ = waiter.send(outcome.clone());
                }
            }
            let force = stop || !checkpoint_asked.is_empty();
            let written = self.maybe_checkpoint(force);
            for waiter in checkpoint_asked {
                let _ = waiter.send(written.clone());
            }
            if stop {
                break;
            }
        }
        if let Err(why) = self.maybe_checkpoint(true) {
            tracing::error!(log = %self.path, "{why}");
        }
    }

    /// The next message: `Ok(None)` after a timeout (a probe or a checkpoint may have been
    /// due), `Err` when every sender is gone.
    fn next_message(&mut self) -> Result<Option<Msg>, ()> {
        let wait = if self.health.is_failing() {
            PROBE_INTERVAL
        } else if self.head.0 > self.checkpoints.last_seq {
            self.checkpoints
                .interval
                .saturating_sub(self.checkpoints.last_time.elapsed())
                .max(Duration::from_millis(10))
        } else {
            Duration::from_secs(3600)
        };
        match self.receiver.recv_timeout(wait) {
            Ok(msg) => Ok(Some(msg)),
            Err(RecvTimeoutError::Timeout) => {
                if self.health.is_failing() {
                    self.probe();
                } else if let Err(why) = self.maybe_checkpoint(false) {
                    tracing::error!(log = %self.path, "{why}");
                }
                Ok(None)
            }
            Err(RecvTimeoutError::Disconnected) => Err(()),
        }
    }

    /// Commits the groups as one transaction and tells every waiter how it went.
    fn commit(&mut self, groups: Vec<Prepared>, records: usize) {
        let written = self.write(&groups);
        let outcome = match written {
            Ok(head) => {
                self.head = head;
                if self.health.set_available() {
                    tracing::info!(log = %self.path, "the decision log is writable again");
                }
                self.metrics.available.set(1);
                Ok(())
            }
            Err(error) => {
                let why = format!("{records} decisions not logged: {error:#}");
                tracing::error!(log = %self.path, "{why}");
                self.health.set_failing(&why);
                self.metrics.available.set(0);
                self.metrics.write_failures.inc();
                // Reported to the waiters; a group nobody waits for (the asynchronous mode) is
                // reported by the next flush.
                if groups.iter().any(|g| g.waiter.is_none()) {
                    self.unreported.get_or_insert(why.clone());
                }
                Err(why)
            }
        };
        let mut pending = lock(&self.pending);
        for group in groups {
            for entry in &group.entries {
                pending.remove(&entry.decision_id);
            }
            self.queued.fetch_sub(group.entries.len(), Ordering::SeqCst);
            if let Some(waiter) = group.waiter {
                let _ = waiter.send(outcome.clone());
            }
        }
    }

    /// Writes the groups in one transaction, continuing the chain from the last stored record;
    /// returns the new head.
    fn write(&mut self, groups: &[Prepared]) -> anyhow::Result<(i64, String)> {
        let conn = match &mut self.store {
            Store::Sqlite(conn) => conn,
            Store::Postgres(pg) => return pg.write(&self.chain, &self.keys, groups),
        };
        let key = self
            .keys
            .current()
            .ok_or_else(|| anyhow::anyhow!("the key file holds no key"))?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let (mut seq, mut prev) = tail(&tx, &self.chain)?;
        {
            let mut insert = tx.prepare_cached(INSERT)?;
            for entry in groups.iter().flat_map(|g| &g.entries) {
                let next = seq + 1;
                let fields = Fields {
                    chain: &self.chain,
                    decision_id: &entry.decision_id,
                    time: &entry.time,
                    jurisdiction: &entry.jurisdiction,
                    policy_version: &entry.policy_version,
                    caller: entry.caller.as_deref(),
                    request: &entry.request,
                    decision: &entry.stored_decision,
                };
                let mac = key.mac(&mac_input(&prev, next, &key.id, &fields));
                let inserted = insert.execute(params![
                    self.chain,
                    next,
                    entry.decision_id,
                    entry.time,
                    entry.jurisdiction,
                    entry.policy_version,
                    entry.caller,
                    entry.request,
                    entry.stored_decision,
                    key.id,
                    prev,
                    mac,
                ]);
                match inserted {
                    Ok(_) => {
                        seq = next;
                        prev = mac;
                    }
                    // Only this statement is undone; the batch goes on.
                    Err(rusqlite::Error::SqliteFailure(error, _))
                        if error.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE =>
                    {
                        tracing::warn!(
                            decision_id = %entry.decision_id,
                            log = %self.path,
                            "decision id already logged: the repeat is not logged"
                        );
                    }
                    Err(error) => return Err(error.into()),
                }
            }
        }
        tx.commit()?;
        Ok((seq, prev))
    }

    /// Whether the log can be written again: takes the write lock and lets it go.
    fn probe(&mut self) {
        let probed = match &mut self.store {
            Store::Sqlite(conn) => conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .and_then(|tx| {
                    // A write that changes nothing, so a read-only or full database fails here.
                    tx.execute(
                        "UPDATE log_meta SET value = value WHERE name = 'format'",
                        [],
                    )?;
                    tx.commit()
                })
                .map_err(anyhow::Error::from),
            Store::Postgres(pg) => pg.probe(),
        };
        match probed {
            Ok(()) => {
                if self.health.set_available() {
                    tracing::info!(log = %self.path, "the decision log is writable again");
                }
                self.metrics.available.set(1);
            }
            Err(error) => {
                self.health
                    .set_failing(&format!("the decision log cannot be written: {error:#}"));
            }
        }
    }

    /// Writes a checkpoint of the head if records came since the last one and one is due (or
    /// `force`); says why not if it could not.
    fn maybe_checkpoint(&mut self, force: bool) -> Result<(), String> {
        let cp = &mut self.checkpoints;
        let (seq, head) = &self.head;
        if *seq <= cp.last_seq {
            return Ok(());
        }
        let due = force
            || (*seq - cp.last_seq) as u64 >= cp.every
            || cp.last_time.elapsed() >= cp.interval;
        if !due {
            return Ok(());
        }
        // In a shared store, the other chains' heads are signed too.
        let others = match &mut self.store {
            Store::Sqlite(_) => Vec::new(),
            Store::Postgres(pg) => match pg.other_heads(&self.chain) {
                Ok(others) => others,
                Err(error) => {
                    cp.last_time = Instant::now();
                    self.metrics.checkpoint_failures.inc();
                    return Err(format!("cannot write a checkpoint: {error:#}"));
                }
            },
        };
        let checkpoint = Checkpoint::tied(
            &cp.signer,
            &self.chain,
            *seq,
            head,
            u64::try_from(*seq).unwrap_or(0),
            SystemClock.timestamp(),
            others,
        );
        let stored = match &mut self.store {
            Store::Sqlite(_) => Ok(()),
            Store::Postgres(pg) => pg.store_checkpoint(&checkpoint),
        };
        match stored.and_then(|()| checkpoint::append(&cp.path, &checkpoint)) {
            Ok(()) => {
                cp.last_seq = *seq;
                cp.last_time = Instant::now();
                self.metrics.checkpoints.inc();
                Ok(())
            }
            Err(error) => {
                // Tried again an interval later (or at the next forced one), not at once.
                cp.last_time = Instant::now();
                self.metrics.checkpoint_failures.inc();
                Err(format!("cannot write a checkpoint: {error:#}"))
            }
        }
    }
}
