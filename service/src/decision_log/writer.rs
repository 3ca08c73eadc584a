//! The writer thread: commits queued records in batches, continuing the chain.

use super::chain::{self, Fields};
use super::schema::{tail, INSERT};
use super::{lock, Entry, Msg, Pending};
use rusqlite::{params, Connection, TransactionBehavior};
use std::path::PathBuf;
use std::sync::mpsc::Receiver;

/// The most records the writer commits in one transaction.
pub const MAX_BATCH: usize = 4096;

/// The writer thread's state.
pub(super) struct Writer {
    pub(super) conn: Connection,
    pub(super) receiver: Receiver<Msg>,
    pub(super) pending: Pending,
    pub(super) path: PathBuf,
    /// Why a batch failed, until a flush reports it.
    pub(super) unreported: Option<String>,
}

impl Writer {
    /// Answers messages in order until `Stop` or until every sender is gone.
    pub(super) fn run(mut self) {
        while let Ok(first) = self.receiver.recv() {
            let mut entries = Vec::new();
            let mut waiters = Vec::new();
            let mut stop = false;
            let mut next = Some(first);
            while let Some(msg) = next.take() {
                match msg {
                    Msg::Append(entry) => entries.push(entry),
                    Msg::Flush(waiter) => waiters.push(waiter),
                    Msg::Stop => {
                        stop = true;
                        break;
                    }
                }
                if entries.len() < MAX_BATCH {
                    next = self.receiver.try_recv().ok();
                }
            }
            if !entries.is_empty() {
                if let Err(error) = self.write(&entries) {
                    let why = format!("{} decisions not logged: {error}", entries.len());
                    tracing::error!(log = %self.path.display(), "{why}");
                    self.unreported.get_or_insert(why);
                }
                let mut pending = lock(&self.pending);
                for entry in &entries {
                    pending.remove(&entry.decision_id);
                }
            }
            if !waiters.is_empty() {
                let outcome = self.unreported.take().map_or(Ok(()), Err);
                for waiter in waiters {
                    let _ = waiter.send(outcome.clone());
                }
            }
            if stop {
                break;
            }
        }
    }

    /// Commits one batch, continuing the chain from the last stored record.
    fn write(&mut self, entries: &[Entry]) -> anyhow::Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let (mut seq, mut prev) = tail(&tx)?;
        {
            let mut insert = tx.prepare_cached(INSERT)?;
            for entry in entries {
                let next = seq + 1;
                let hash = chain::hash(
                    &prev,
                    next,
                    &Fields {
                        decision_id: &entry.decision_id,
                        time: &entry.time,
                        jurisdiction: &entry.jurisdiction,
                        policy_version: &entry.policy_version,
                        request: &entry.request,
                        decision: &entry.decision,
                    },
                );
                let inserted = insert.execute(params![
                    next,
                    entry.decision_id,
                    entry.time,
                    entry.jurisdiction,
                    entry.policy_version,
                    entry.request,
                    &*entry.decision,
                    prev,
                    hash,
                ]);
                match inserted {
                    Ok(_) => {
                        seq = next;
                        prev = hash;
                    }
                    // Only this statement is undone; the batch goes on.
                    Err(rusqlite::Error::SqliteFailure(error, _))
                        if error.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE =>
                    {
                        tracing::warn!(
                            decision_id = %entry.decision_id,
                            log = %self.path.display(),
                            "decision id already logged: the repeat is not logged"
                        );
                    }
                    Err(error) => return Err(error.into()),
                }
            }
        }
        tx.commit()?;
        Ok(())
    }
}
