//! The log's tables, its statements, and the typed record.

use super::chain::{StoredRecord, GENESIS_MAC};
use anyhow::{bail, Context as _};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags, OptionalExtension as _, Row};
use std::path::Path;
use std::time::Duration;

/// How long a reader waits for another connection's lock before giving up.
pub(super) const READ_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The format this version writes, in `log_meta`.
pub(super) const FORMAT: &str = "datalex-log-v2";

/// The tables: the format marker, one row per record, keyed by chain and sequence number
/// (one chain per writer: a later deployment runs several replicas, each with its own chain),
/// and the shared texts of compact decisions ([`super::texts`]; created on opening a log
/// written before them, which then holds both kinds of record).
pub(super) const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS log_meta (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT OR IGNORE INTO log_meta (name, value) VALUES ('format', 'datalex-log-v2');
CREATE TABLE IF NOT EXISTS records (
    chain TEXT NOT NULL,
    seq INTEGER NOT NULL,
    decision_id TEXT NOT NULL UNIQUE,
    time TEXT NOT NULL,
    jurisdiction TEXT NOT NULL,
    policy_version TEXT NOT NULL,
    caller TEXT,
    request TEXT NOT NULL,
    decision TEXT NOT NULL,
    key_id TEXT NOT NULL,
    prev_mac TEXT NOT NULL,
    mac TEXT NOT NULL,
    PRIMARY KEY (chain, seq)
);
CREATE TABLE IF NOT EXISTS texts (
    chain TEXT NOT NULL,
    id INTEGER NOT NULL,
    text TEXT NOT NULL,
    key_id TEXT NOT NULL,
    mac TEXT NOT NULL,
    PRIMARY KEY (chain, id)
);
";

/// Appends one shared text of compact decisions ([`super::texts`]).
pub(super) const INSERT_TEXT: &str =
    "INSERT INTO texts (chain, id, text, key_id, mac) VALUES (?1, ?2, ?3, ?4, ?5)";

/// The id a chain's next shared text gets.
pub(super) const NEXT_TEXT: &str = "SELECT COALESCE(MAX(id), 0) + 1 FROM texts WHERE chain = ?1";

/// Every shared text, by chain and id, as verification reads them.
pub(super) const SELECT_TEXTS: &str =
    "SELECT chain, id, text, key_id, mac FROM texts ORDER BY chain, id";

/// Appends one record.
pub(super) const INSERT: &str = "INSERT INTO records (chain, seq, decision_id, time, \
     jurisdiction, policy_version, caller, request, decision, key_id, prev_mac, mac) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";

/// Every record, by chain and in chain order, in the column order [`stored_record`] reads.
pub(super) const SELECT_ALL: &str =
    "SELECT chain, seq, decision_id, time, jurisdiction, policy_version, caller, request, \
     decision, key_id, prev_mac, mac FROM records ORDER BY chain, seq";

/// One decision to log.
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
    /// The authenticated caller that asked (`None` when the service runs open).
    pub caller: Option<String>,
    /// The request: its contract fields, as the service parsed them.
    pub request: serde_json::Value,
    /// The decision as answered.
    pub decision: serde_json::Value,
}

/// Checks that the database at `path` (open as `conn`) is a log of this format, or empty;
/// refuses a log of the old, unkeyed format with a message that says what to do.
pub(super) fn check_format(conn: &Connection, path: &Path) -> anyhow::Result<()> {
    let table = |name: &str| -> anyhow::Result<bool> {
        let n: i64 = conn.query_row(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
            [name],
            |row| row.get(0),
        )?;
        Ok(n > 0)
    };
    if table("decisions")? && !table("records")? {
        bail!(
            "{} is a decision log of the old format (an unkeyed SHA-256 chain, table \
             `decisions`), which this version neither writes nor converts: converting would \
             vouch with the new key for records nothing vouches for. Keep it as an archive \
             (verify it first with the release that wrote it) and start a new log at another \
             path (`--log`)",
            path.display()
        );
    }
    if table("log_meta")? {
        let format: Option<String> = conn
            .query_row(
                "SELECT value FROM log_meta WHERE name = 'format'",
                [],
                |row| row.get(0),
            )
            .optional()?;
        if let Some(format) = format.filter(|f| f != FORMAT) {
            bail!(
                "{} is a decision log of format `{format}`, which this version does not know \
                 (it writes `{FORMAT}`)",
                path.display()
            );
        }
    }
    Ok(())
}

/// The last record of `chain`: its sequence number and MAC (`0` and [`GENESIS_MAC`] for an
/// empty chain).
pub(super) fn tail(conn: &Connection, chain: &str) -> anyhow::Result<(i64, String)> {
    // Cached: the writer asks once per group, and preparing was a tenth of its work.
    let last = conn
        .prepare_cached("SELECT seq, mac FROM records WHERE chain = ?1 ORDER BY seq DESC LIMIT 1")?
        .query_row([chain], |row| {
            Ok((row.get::<_, i64>(0)?, row.get::<_, Option<String>>(1)?))
        })
        .optional()?;
    match last {
        None => Ok((0, GENESIS_MAC.to_owned())),
        Some((seq, Some(mac))) => Ok((seq, mac)),
        Some((seq, None)) => {
            bail!("the MAC of the last record of chain `{chain}`, #{seq}, is missing")
        }
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
    let caller = match row.get_ref(6)? {
        ValueRef::Null => Ok(None),
        ValueRef::Text(bytes) => std::str::from_utf8(bytes)
            .map(|s| Some(s.to_owned()))
            .map_err(|_| ()),
        _ => Err(()),
    };
    Ok(StoredRecord {
        chain: text(0)?,
        seq: row.get(1)?,
        decision_id: text(2)?,
        time: text(3)?,
        jurisdiction: text(4)?,
        policy_version: text(5)?,
        caller,
        request: text(7)?,
        decision: text(8)?,
        key_id: text(9)?,
        prev_mac: text(10)?,
        mac: text(11)?,
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
    conn.busy_timeout(READ_BUSY_TIMEOUT).with_context(context)?;
    Ok(conn)
}
