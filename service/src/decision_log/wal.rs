//! The SQLite log's WAL folded into the database beside the writer, not in its commits.
//!
//! A commit appends the group's pages to the WAL and syncs it; SQLite's automatic checkpoint
//! then copies the WAL into the database and syncs that, inside the commit that crossed the
//! threshold, while every decision waiting for a later commit waits for it too. The
//! [`Folder`] runs PASSIVE checkpoints on a connection of its own, every [`FOLD_EVERY`], while
//! the writer goes on appending: when the writer's own checkpoint comes (SQLite's default
//! threshold, kept so that the WAL is reset and stays bounded however far the folder falls
//! behind), most pages are already in the database, and it copies and syncs only the last
//! few. What is durable when is unchanged: a record is durable when its commit has synced the
//! WAL, as before.

use anyhow::Context as _;
use rusqlite::{Connection, OpenFlags};
use std::path::Path;
use std::sync::mpsc::{self, RecvTimeoutError, SyncSender};
use std::thread::JoinHandle;
use std::time::Duration;

/// How often the folder checkpoints the WAL.
pub(super) const FOLD_EVERY: Duration = Duration::from_millis(25);

/// The thread that folds the WAL into the database; stopped when dropped.
pub(super) struct Folder {
    stop: Option<SyncSender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Folder {
    /// Starts folding the WAL of the log at `path` (already opened in WAL mode by the writer),
    /// syncing the database as `synchronous` says (the writer's setting).
    pub(super) fn start(path: &Path, synchronous: &str) -> anyhow::Result<Folder> {
        let context = || format!("cannot open the decision log {}", path.display());
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .with_context(context)?;
        conn.pragma_update(None, "synchronous", synchronous)
            .with_context(context)?;
        // This connection never writes a record, so it never checkpoints on its own.
        conn.pragma_update(None, "wal_autocheckpoint", 0)
            .with_context(context)?;
        let (stop, stopped) = mpsc::sync_channel::<()>(1);
        let log = path.display().to_string();
        let thread = std::thread::Builder::new()
            .name("decision-log-wal".to_owned())
            .spawn(move || {
                super::sched::as_batch();
                // Said once until a checkpoint succeeds again, not every round.
                let mut failing = false;
                // Until `Folder` is dropped (a message, or the sender gone).
                while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(FOLD_EVERY) {
                    // PASSIVE: copies what it can without waiting for the writer or a reader;
                    // what it cannot copy now, the next round or the writer's own checkpoint
                    // does (so a busy log is not an error here).
                    match conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
                        Ok(()) => failing = false,
                        Err(e) if is_busy(&e) => {}
                        Err(error) if !failing => {
                            failing = true;
                            tracing::warn!(log = %log, %error, "cannot checkpoint the decision log's WAL beside the writer; the writer's own checkpoints still do");
                        }
                        Err(_) => {}
                    }
                }
            })
            .context("cannot start the decision log's WAL checkpointer")?;
        Ok(Folder {
            stop: Some(stop),
            thread: Some(thread),
        })
    }
}

impl Drop for Folder {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Whether SQLite answered that another connection holds what the checkpoint needs.
fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}
