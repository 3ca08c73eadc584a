//! The writer thread: group commit. It takes every queued record (up to [`MAX_BATCH`]), writes
//! them in one transaction that continues the chain, commits (with `synchronous=FULL` in the
//! durable mode: the WAL is synced before the commit returns), then wakes every waiter with the
//! outcome. A failed commit marks the log unavailable until a write, or a probe while idle,
//! succeeds again. It also writes the signed checkpoints.
//!
//! One loop for both stores: the writer is generic over a `Backend` (the SQLite file, or
//! PostgreSQL's `PgWriter`) that opens a group's transaction, reads the chain's tail, the
//! next shared text's id and which decision ids are stored already, inserts the rows that
//! `compose` made (the MAC chain and the shared texts of compact decisions, computed the same
//! way for both) and commits.

use super::chain::{record_mac, text_mac, Fields};
use super::checkpoint::{self, Checkpoint, Head};
use super::keys::{Key, KeyRing, Signer};
use super::schema::{tail, INSERT, INSERT_TEXT, NEXT_TEXT};
use super::texts::{self, Interner};
use super::{lock, Entry, Health, Msg, Pending, Prepared, StoredDecision};
use crate::metrics::LogMetrics;
use crate::project::{Clock as _, SystemClock};
use rusqlite::{params, Connection, TransactionBehavior};
use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The writer's sets and maps of decision ids and shared texts, hashed with foldhash (randomly
/// seeded per process): SipHash was a tenth of the writer's own work per group.
pub(super) type HashSet<T> = std::collections::HashSet<T, foldhash::fast::RandomState>;
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

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

/// What a group's transaction finds before it writes.
pub(super) struct Tail {
    /// The chain's newest record: sequence number and MAC.
    pub(super) seq: i64,
    pub(super) prev: String,
    /// The id the chain's next shared text gets.
    pub(super) next_text: i64,
    /// Which of the group's decision ids are stored already.
    pub(super) existing: HashSet<String>,
}

/// A shared text to insert.
pub(super) struct TextRow {
    pub(super) id: i64,
    pub(super) text: String,
    pub(super) mac: String,
}

/// A record to insert, MACed.
pub(super) struct RecordRow<'e> {
    pub(super) seq: i64,
    pub(super) entry: &'e Entry,
    /// The decision as stored: whole, encrypted, or compact.
    pub(super) decision: Cow<'e, str>,
    pub(super) prev: String,
    pub(super) mac: String,
}

/// The rows of one group's transaction, and the chain's head after it.
pub(super) struct Batch<'e> {
    pub(super) key_id: String,
    pub(super) texts: Vec<TextRow>,
    pub(super) records: Vec<RecordRow<'e>>,
    pub(super) head: (i64, String),
}

/// Where the writer writes: one transaction per group, and the checkpoints' extras.
pub(super) trait Backend {
    /// In one transaction: finds the [`Tail`] of `chain` (and which of `ids` are stored), lets
    /// `compose` make the rows, inserts them and commits; returns the rows written.
    fn write<'e>(
        &mut self,
        chain: &str,
        ids: &[&str],
        compose: impl FnOnce(Tail) -> anyhow::Result<Batch<'e>>,
    ) -> anyhow::Result<Batch<'e>>;

    /// Whether the store can be written again: a write that changes nothing.
    fn probe(&mut self) -> anyhow::Result<()>;

    /// The heads of the other chains of a shared store (none for a file of one writer).
    fn other_heads(&mut self, chain: &str) -> anyhow::Result<Vec<Head>>;

    /// Stores a checkpoint in the store too (a shared store keeps them beside the records).
    fn store_checkpoint(&mut self, checkpoint: &Checkpoint) -> anyhow::Result<()>;
}

/// The rows of a group continuing the chain from `tail`: each record not stored already (nor
/// repeated in the group) MACed under `key`, compact decisions cut into shared texts (those
/// the chain holds, by `interner`, referred to; new ones added, each with its MAC).
pub(super) fn compose<'e>(
    chain: &str,
    key: &Key,
    tail: Tail,
    entries: &[&'e Entry],
    interner: &Interner,
) -> Batch<'e> {
    let Tail {
        mut seq,
        mut prev,
        mut next_text,
        existing,
    } = tail;
    let mut texts: Vec<TextRow> = Vec::new();
    let mut staged: HashMap<&'e str, i64> = HashMap::default();
    let mut records = Vec::with_capacity(entries.len());
    // The group's ids, to skip a repeat within it: borrowed, not copied.
    let mut seen: HashSet<&'e str> =
        HashSet::with_capacity_and_hasher(entries.len(), Default::default());
    for &entry in entries {
        let id = entry.decision_id.as_str();
        if existing.contains(id) || !seen.insert(id) {
            tracing::warn!(
                decision_id = %entry.decision_id,
                "decision id already logged: the repeat is not logged"
            );
            continue;
        }
        let decision: Cow<'e, str> = match &entry.decision {
            StoredDecision::Sealed(text) => Cow::Borrowed(text.as_str()),
            StoredDecision::Plain { text, shared } if shared.is_empty() => {
                Cow::Borrowed(text.as_ref())
            }
            StoredDecision::Plain { text, shared } => {
                let text: &'e str = text.as_ref();
                Cow::Owned(texts::encode(text, shared, |piece: &'e str| {
                    if let Some(id) = interner.get(piece).or_else(|| staged.get(piece).copied()) {
                        return id;
                    }
                    let id = next_text;
                    next_text += 1;
                    staged.insert(piece, id);
                    texts.push(TextRow {
                        id,
                        text: piece.to_owned(),
                        mac: text_mac(key, chain, id, piece),
                    });
                    id
                }))
            }
        };
        let next = seq + 1;
        let fields = Fields {
            chain,
            decision_id: &entry.decision_id,
            time: &entry.time,
            jurisdiction: &entry.jurisdiction,
            policy_version: &entry.policy_version,
            caller: entry.caller.as_deref(),
            request: &entry.request,
            decision: &decision,
        };
        let mac = record_mac(key, &prev, next, &fields);
        let row_prev = std::mem::replace(&mut prev, mac.clone());
        records.push(RecordRow {
            seq: next,
            entry,
            decision,
            prev: row_prev,
            mac,
        });
        seq = next;
    }
    Batch {
        key_id: key.id.clone(),
        texts,
        records,
        head: (seq, prev),
    }
}

/// The writer thread's state.
pub(super) struct Writer<B> {
    pub(super) store: B,
    /// The shared texts the chain is known to hold.
    pub(super) interner: Interner,
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

impl<B: Backend> Writer<B> {
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
    /// returns the new head. A decision id already stored (or repeated in the groups) is not
    /// written again, and the chain goes on without it.
    fn write(&mut self, groups: &[Prepared]) -> anyhow::Result<(i64, String)> {
        let keys = Arc::clone(&self.keys);
        let key = keys
            .current()
            .ok_or_else(|| anyhow::anyhow!("the key file holds no key"))?;
        let entries: Vec<&Entry> = groups.iter().flat_map(|g| &g.entries).collect();
        let ids: Vec<&str> = entries.iter().map(|e| e.decision_id.as_str()).collect();
        let Writer {
            store,
            interner,
            chain,
            ..
        } = self;
        let batch = store.write(chain, &ids, |tail| {
            Ok(compose(chain, key, tail, &entries, interner))
        })?;
        interner.remember(batch.texts.into_iter().map(|t| (t.text, t.id)));
        Ok(batch.head)
    }

    /// Whether the log can be written again: takes the write lock and lets it go.
    fn probe(&mut self) {
        let probed = self.store.probe();
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
        let others = match self.store.other_heads(&self.chain) {
            Ok(others) => others,
            Err(error) => {
                cp.last_time = Instant::now();
                self.metrics.checkpoint_failures.inc();
                return Err(format!("cannot write a checkpoint: {error:#}"));
            }
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
        let stored = self.store.store_checkpoint(&checkpoint);
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

/// The SQLite file: one writer's chain (or several writers' chains, each group under the
/// file's write lock).
impl Backend for Connection {
    fn write<'e>(
        &mut self,
        chain: &str,
        ids: &[&str],
        compose: impl FnOnce(Tail) -> anyhow::Result<Batch<'e>>,
    ) -> anyhow::Result<Batch<'e>> {
        let tx = self.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let (seq, prev) = tail(&tx, chain)?;
        let next_text: i64 = tx
            .prepare_cached(NEXT_TEXT)?
            .query_row([chain], |row| row.get(0))?;
        let mut existing = HashSet::default();
        {
            let mut stored = tx.prepare_cached("SELECT 1 FROM records WHERE decision_id = ?1")?;
            for id in ids {
                if stored.exists([id])? {
                    existing.insert((*id).to_owned());
                }
            }
        }
        let batch = compose(Tail {
            seq,
            prev,
            next_text,
            existing,
        })?;
        {
            let mut insert = tx.prepare_cached(INSERT_TEXT)?;
            for text in &batch.texts {
                insert.execute(params![chain, text.id, text.text, batch.key_id, text.mac])?;
            }
            let mut insert = tx.prepare_cached(INSERT)?;
            for row in &batch.records {
                let entry = row.entry;
                insert.execute(params![
                    chain,
                    row.seq,
                    entry.decision_id,
                    entry.time,
                    entry.jurisdiction,
                    entry.policy_version,
                    entry.caller,
                    entry.request,
                    row.decision,
                    batch.key_id,
                    row.prev,
                    row.mac,
                ])?;
            }
        }
        tx.commit()?;
        Ok(batch)
    }

    fn probe(&mut self) -> anyhow::Result<()> {
        let tx = self.transaction_with_behavior(TransactionBehavior::Immediate)?;
        // A write that changes nothing, so a read-only or full database fails here.
        tx.execute(
            "UPDATE log_meta SET value = value WHERE name = 'format'",
            [],
        )?;
        tx.commit()?;
        Ok(())
    }

    fn other_heads(&mut self, _chain: &str) -> anyhow::Result<Vec<Head>> {
        Ok(Vec::new())
    }

    fn store_checkpoint(&mut self, _checkpoint: &Checkpoint) -> anyhow::Result<()> {
        Ok(())
    }
}
