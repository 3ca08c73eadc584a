//! The log's table, its statements, and the typed record.

use super::chain::{StoredRecord, GENESIS_HASH};
use anyhow::{bail, Context as _};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags, OptionalExtension as _, Row};
use std::path::Path;
use std::time::Duration;

/// How long a connection waits for another one's lock before giving up.
pub(super) const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The one table.
pub(super) const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS decisions (
    seq INTEGER PRIMARY KEY,
    decision_id TEXT UNIQUE,
    time TEXT,
    jurisdiction TEXT,
    policy_version TEXT,
    request TEXT,
    decision TEXT,
    prev_hash TEXT,
    hash TEXT
)";

/// Appends one record.
pub(super) const INSERT: &str =
    "INSERT INTO decisions (seq, decision_id, time, jurisdiction, policy_version, \
     request, decision, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";

/// Every record, in chain order, in the column order [`stored_record`] reads.
pub(super) const SELECT_ALL: &str =
    "SELECT seq, decision_id, time, jurisdiction, policy_version, request, decision, \
     prev_hash, hash FROM decisions ORDER BY seq";

/// One decision as logged.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, PartialEq)]
pub struct Record {
    /// The decision's unique id (the contract's ULID).
    pub decision_id: String,
    /// RFC 3339, UTC, when the decision was made.
    pub time: String,
    /// The jurisdiction (policy package) that decided.
    pub jurisdiction: String,
    /// The content hash of the policy set and facts that decided (`policy.version`).
    pub policy_version: String,
    /// The request as received.
    pub request: serde_json::Value,
    /// The decision as answered.
    pub decision: serde_json::Value,
}

/// The last record's sequence number and hash (`0` and [`GENESIS_HASH`] for an empty log).
pub(super) fn tail(conn: &Connection) -> anyhow::Result<(i64, String)> {
    let last = conn
        .query_row(
            "SELECT seq, hash FROM decisions ORDER BY seq DESC LIMIT 1",
            [],
            |row| Ok((row.get::<_, i64>(0)?, row.get::<_, Option<String>>(1)?)),
        )
        .optional()?;
    match last {
        None => Ok((0, GENESIS_HASH.to_owned())),
        Some((seq, Some(hash))) => Ok((seq, hash)),
        Some((seq, None)) => bail!("the hash of the last record, #{seq}, is missing"),
    }
}

/// A row of [`SELECT_ALL`], each text column `None` unless it is valid UTF-8 text.
pub(super) fn stored_record(row: &Row<'_>) -> rusqlite::Result<StoredRecord> {
    let text = |column: usize| -> rusqlite::Result<Option<String>> {
        Ok(match row.get_ref(column)? {
            ValueRef::Text(bytes) => std::str::from_utf8(bytes).ok().map(str::to_owned),
            _ => None,
        })
    };
    Ok(StoredRecord {
        seq: row.get(0)?,
        decision_id: text(1)?,
        time: text(2)?,
        jurisdiction: text(3)?,
        policy_version: text(4)?,
        request: text(5)?,
        decision: text(6)?,
        prev_hash: text(7)?,
        hash: text(8)?,
    })
}

/// Opens an existing log for reading only (never creates one).
pub(super) fn open_read_only(path: &Path) -> anyhow::Result<Connection> {
    if !path.is_file() {
        bail!("there is no decision log at {}", path.display());
    }
    let context = || format!("cannot read the decision log {}", path.display());
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .with_context(context)?;
    conn.busy_timeout(BUSY_TIMEOUT).with_context(context)?;
    Ok(conn)
}
