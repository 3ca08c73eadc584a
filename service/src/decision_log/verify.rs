//! `datalex audit verify`: reading a log file through the [chain](super::chain) checker, and
//! the report, rendered here and nowhere else.

use super::chain::{BreakReason, Checker, Outcome, Verification};
use super::schema::{open_read_only, stored_record, SELECT_ALL};
use anyhow::{bail, Context as _};
use std::fmt;
use std::path::Path;

/// Checks the whole chain of the log at `path` (read-only; also while a service writes it).
///
/// A missing file, a file that is not SQLite, or a database without a `decisions` table is an
/// error; a broken chain is not (it is the answer).
pub fn verify(path: &Path) -> anyhow::Result<Verification> {
    let context = || format!("cannot read the decision log {}", path.display());
    let conn = open_read_only(path)?;
    let tables: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'decisions'",
            [],
            |row| row.get(0),
        )
        .with_context(context)?;
    if tables == 0 {
        bail!(
            "{} is not a decision log: it has no `decisions` table",
            path.display()
        );
    }
    let mut stmt = conn.prepare(SELECT_ALL).with_context(context)?;
    let mut rows = stmt.query([]).with_context(context)?;
    let mut checker = Checker::new();
    while let Some(row) = rows.next().with_context(context)? {
        checker.push(stored_record(row).with_context(context)?);
    }
    Ok(checker.finish())
}

impl fmt::Display for BreakReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BreakReason::BeforeStart { seq } => {
                write!(f, "unexpected sequence number {seq}: the log starts at #1")
            }
            BreakReason::Missing { from, to } if from == to => {
                write!(f, "record #{from} before it is missing (deleted)")
            }
            BreakReason::Missing { from, to } => {
                write!(
                    f,
                    "records #{from} to #{to} before it are missing (deleted)"
                )
            }
            BreakReason::NotText { column } => write!(f, "its `{column}` is not text"),
            BreakReason::NotChainStart => {
                f.write_str("its prev_hash is not the chain's start (64 zeros)")
            }
            BreakReason::NotLinked { previous } => write!(
                f,
                "its prev_hash is not the hash of record #{previous} \
                 (a record before it was changed, replaced or deleted)"
            ),
            BreakReason::HashMismatch => {
                f.write_str("its hash does not match its contents (a field was changed)")
            }
        }
    }
}

/// The report `datalex audit verify` prints: `ok: N records, the chain is intact` or `broken:
/// record #SEQ (decision ID): WHY` and how many records precede it; then the last hash, for the
/// operator to note elsewhere (see [`Verification::last_hash`]).
impl fmt::Display for Verification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let records = self.records;
        match &self.outcome {
            Outcome::Intact => writeln!(f, "ok: {records} records, the chain is intact")?,
            Outcome::Broken(b) => {
                let id = b
                    .decision_id
                    .as_deref()
                    .filter(|id| !id.is_empty())
                    .unwrap_or("decision id unreadable");
                writeln!(f, "broken: record #{} ({id}): {}", b.seq, b.reason)?;
                writeln!(
                    f,
                    "{} records before it are intact; the log holds {records} records",
                    self.intact
                )?;
            }
        }
        match &self.last_hash {
            Some(hash) => writeln!(
                f,
                "last hash: {hash}\n\
                 (note it elsewhere: removing the newest records is detected only against it)"
            ),
            None if records == 0 => Ok(()),
            None => writeln!(f, "last hash: unreadable"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::chain::Break;
    use super::*;

    const NOTE: &str =
        "(note it elsewhere: removing the newest records is detected only against it)\n";

    fn broken(seq: u64, id: Option<&str>, reason: BreakReason) -> Outcome {
        Outcome::Broken(Break {
            seq,
            decision_id: id.map(str::to_owned),
            reason,
        })
    }

    /// The texts `datalex audit verify` printed before the report was typed, byte for byte.
    #[test]
    fn the_report_reads_as_it_always_did() {
        let hash = "d3".repeat(32);
        let cases = [
            (
                Verification {
                    records: 3,
                    intact: 3,
                    outcome: Outcome::Intact,
                    last_hash: Some(hash.clone()),
                },
                format!("ok: 3 records, the chain is intact\nlast hash: {hash}\n{NOTE}"),
            ),
            (
                Verification {
                    records: 0,
                    intact: 0,
                    outcome: Outcome::Intact,
                    last_hash: None,
                },
                "ok: 0 records, the chain is intact\n".to_owned(),
            ),
            (
                Verification {
                    records: 1,
                    intact: 0,
                    outcome: broken(3, Some("01M9"), BreakReason::Missing { from: 1, to: 2 }),
                    last_hash: Some(hash.clone()),
                },
                format!(
                    "broken: record #3 (01M9): records #1 to #2 before it are missing (deleted)\n\
                     0 records before it are intact; the log holds 1 records\n\
                     last hash: {hash}\n{NOTE}"
                ),
            ),
            (
                Verification {
                    records: 3,
                    intact: 2,
                    outcome: broken(3, Some("01M9"), BreakReason::NotText { column: "hash" }),
                    last_hash: None,
                },
                "broken: record #3 (01M9): its `hash` is not text\n\
                 2 records before it are intact; the log holds 3 records\n\
                 last hash: unreadable\n"
                    .to_owned(),
            ),
            (
                Verification {
                    records: 3,
                    intact: 1,
                    outcome: broken(
                        2,
                        None,
                        BreakReason::NotText {
                            column: "decision_id",
                        },
                    ),
                    last_hash: Some(hash.clone()),
                },
                format!(
                    "broken: record #2 (decision id unreadable): its `decision_id` is not text\n\
                     1 records before it are intact; the log holds 3 records\n\
                     last hash: {hash}\n{NOTE}"
                ),
            ),
        ];
        for (verification, expected) in cases {
            assert_eq!(verification.to_string(), expected);
        }
    }

    #[test]
    fn every_reason_reads_as_it_always_did() {
        let cases = [
            (
                BreakReason::BeforeStart { seq: -3 },
                "unexpected sequence number -3: the log starts at #1",
            ),
            (
                BreakReason::Missing { from: 2, to: 2 },
                "record #2 before it is missing (deleted)",
            ),
            (
                BreakReason::Missing { from: 1, to: 2 },
                "records #1 to #2 before it are missing (deleted)",
            ),
            (
                BreakReason::NotText { column: "time" },
                "its `time` is not text",
            ),
            (
                BreakReason::NotChainStart,
                "its prev_hash is not the chain's start (64 zeros)",
            ),
            (
                BreakReason::NotLinked { previous: 2 },
                "its prev_hash is not the hash of record #2 (a record before it was changed, replaced or deleted)",
            ),
            (
                BreakReason::HashMismatch,
                "its hash does not match its contents (a field was changed)",
            ),
        ];
        for (reason, expected) in cases {
            assert_eq!(reason.to_string(), expected);
        }
    }
}
