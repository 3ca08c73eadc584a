//! The hash chain, pure: the hash of a record, and the verification of a sequence of stored
//! records. No IO; [`super::verify()`] feeds it the rows of a log file, the writer uses [`hash`].
//!
//! ```text
//! hash = hex(sha256(F(prev_hash) F(seq) F(decision_id) F(time) F(jurisdiction)
//!                   F(policy_version) F(request) F(decision)))
//! F(text) = the text's length in bytes as 8 bytes big-endian, then its UTF-8 bytes
//! ```
//!
//! The first record's `prev_hash` is [`GENESIS_HASH`]; `seq` counts from 1 without gaps.

use sha2::{Digest as _, Sha256};
use std::fmt::Write as _;

/// The `prev_hash` of the first record.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The hashed texts of a record besides its `prev_hash` and `seq`, exactly as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fields<'a> {
    /// The decision id.
    pub decision_id: &'a str,
    /// When it was decided (RFC 3339).
    pub time: &'a str,
    /// The jurisdiction that decided.
    pub jurisdiction: &'a str,
    /// The policy version that decided.
    pub policy_version: &'a str,
    /// The request, compact JSON.
    pub request: &'a str,
    /// The decision, compact JSON.
    pub decision: &'a str,
}

/// The hash of the record `seq` with these fields, following the record whose hash is
/// `prev_hash`.
pub fn hash(prev_hash: &str, seq: i64, fields: &Fields<'_>) -> String {
    let seq = seq.to_string();
    let parts = [
        prev_hash,
        seq.as_str(),
        fields.decision_id,
        fields.time,
        fields.jurisdiction,
        fields.policy_version,
        fields.request,
        fields.decision,
    ];
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part.as_bytes());
    }
    let mut hex = String::with_capacity(64);
    for byte in hasher.finalize() {
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

/// A record as read back from a log: every text column `None` where it is not text (a forger
/// may have stored anything).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoredRecord {
    /// The sequence number.
    pub seq: i64,
    /// The decision id.
    pub decision_id: Option<String>,
    /// The time.
    pub time: Option<String>,
    /// The jurisdiction.
    pub jurisdiction: Option<String>,
    /// The policy version.
    pub policy_version: Option<String>,
    /// The request JSON.
    pub request: Option<String>,
    /// The decision JSON.
    pub decision: Option<String>,
    /// The previous record's hash.
    pub prev_hash: Option<String>,
    /// This record's hash.
    pub hash: Option<String>,
}

impl StoredRecord {
    /// The column that is not text, if any (the first, in column order).
    fn not_text(&self) -> Option<&'static str> {
        [
            ("decision_id", &self.decision_id),
            ("time", &self.time),
            ("jurisdiction", &self.jurisdiction),
            ("policy_version", &self.policy_version),
            ("request", &self.request),
            ("decision", &self.decision),
            ("prev_hash", &self.prev_hash),
            ("hash", &self.hash),
        ]
        .into_iter()
        .find_map(|(name, text)| text.is_none().then_some(name))
    }

    /// The record's hash recomputed from its contents.
    fn computed_hash(&self) -> String {
        let text = |field: &Option<String>| field.as_deref().unwrap_or_default().to_owned();
        let (decision_id, time, jurisdiction) = (
            text(&self.decision_id),
            text(&self.time),
            text(&self.jurisdiction),
        );
        let (policy_version, request, decision) = (
            text(&self.policy_version),
            text(&self.request),
            text(&self.decision),
        );
        hash(
            self.prev_hash.as_deref().unwrap_or_default(),
            self.seq,
            &Fields {
                decision_id: &decision_id,
                time: &time,
                jurisdiction: &jurisdiction,
                policy_version: &policy_version,
                request: &request,
                decision: &decision,
            },
        )
    }
}

/// Why a record breaks the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BreakReason {
    /// A sequence number below 1 (only the first record in `seq` order can have one).
    BeforeStart {
        /// The stored sequence number.
        seq: i64,
    },
    /// Records before this one are missing: `from` to `to`, inclusive (one if equal).
    Missing {
        /// The first missing sequence number.
        from: i64,
        /// The last missing sequence number.
        to: i64,
    },
    /// A column is not text.
    NotText {
        /// The column.
        column: &'static str,
    },
    /// The first record's `prev_hash` is not [`GENESIS_HASH`].
    NotChainStart,
    /// The `prev_hash` is not the hash of the record before.
    NotLinked {
        /// The sequence number of the record before.
        previous: i64,
    },
    /// The hash does not match the record's contents.
    HashMismatch,
}

/// The first record that breaks the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Break {
    /// Its sequence number (0 for a record whose stored sequence number is zero or negative).
    pub seq: u64,
    /// Its decision id, if readable.
    pub decision_id: Option<String>,
    /// Why.
    pub reason: BreakReason,
}

/// Whether the chain holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Every record is linked and matches its hash.
    Intact,
    /// The first record that does not.
    Broken(Break),
}

/// What verifying a log found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// How many records the log holds (all of them, also those after a break).
    pub records: u64,
    /// How many records precede the first break, all verified (all records when intact).
    pub intact: u64,
    /// Whether the chain holds, and if not where it breaks first.
    pub outcome: Outcome,
    /// The stored hash of the newest record (`None` for an empty log, or if it is not text).
    /// Removing the newest records leaves a valid chain, so an operator notes this hash
    /// elsewhere and compares it later: a log whose chain is intact but whose records no
    /// longer reach the noted hash has lost its tail.
    pub last_hash: Option<String>,
}

impl Verification {
    /// Whether the chain holds.
    pub fn is_intact(&self) -> bool {
        self.outcome == Outcome::Intact
    }

    /// The first break, if any.
    pub fn first_broken(&self) -> Option<&Break> {
        match &self.outcome {
            Outcome::Intact => None,
            Outcome::Broken(b) => Some(b),
        }
    }
}

/// Verifies records one at a time, in `seq` order (so a log of any size is checked in constant
/// memory). Records after the first break are counted but not judged.
#[derive(Debug, Clone)]
pub struct Checker {
    records: u64,
    broken: Option<(u64, Break)>,
    last_hash: Option<String>,
    expected_seq: i64,
    expected_prev: String,
}

impl Default for Checker {
    fn default() -> Checker {
        Checker {
            records: 0,
            broken: None,
            last_hash: None,
            expected_seq: 1,
            expected_prev: GENESIS_HASH.to_owned(),
        }
    }
}

impl Checker {
    /// A checker at the start of a chain.
    pub fn new() -> Checker {
        Checker::default()
    }

    /// The next record, in `seq` order.
    pub fn push(&mut self, record: StoredRecord) {
        let index = self.records;
        self.records += 1;
        self.last_hash.clone_from(&record.hash);
        if self.broken.is_some() {
            return;
        }
        match self.judge(&record) {
            Some(reason) => {
                let seq = u64::try_from(record.seq).unwrap_or(0);
                self.broken = Some((
                    index,
                    Break {
                        seq,
                        decision_id: record.decision_id,
                        reason,
                    },
                ));
            }
            None => {
                self.expected_seq = record.seq + 1;
                self.expected_prev = record.hash.unwrap_or_default();
            }
        }
    }

    /// Why `record` breaks the chain, if it does.
    fn judge(&self, record: &StoredRecord) -> Option<BreakReason> {
        let seq = record.seq;
        if seq < self.expected_seq {
            return Some(BreakReason::BeforeStart { seq });
        }
        if seq > self.expected_seq {
            return Some(BreakReason::Missing {
                from: self.expected_seq,
                to: seq - 1,
            });
        }
        if let Some(column) = record.not_text() {
            return Some(BreakReason::NotText { column });
        }
        if record.prev_hash.as_deref() != Some(self.expected_prev.as_str()) {
            return Some(if seq == 1 {
                BreakReason::NotChainStart
            } else {
                BreakReason::NotLinked { previous: seq - 1 }
            });
        }
        if record.hash.as_deref() != Some(record.computed_hash().as_str()) {
            return Some(BreakReason::HashMismatch);
        }
        None
    }

    /// What was found.
    pub fn finish(self) -> Verification {
        let (intact, outcome) = match self.broken {
            None => (self.records, Outcome::Intact),
            Some((index, b)) => (index, Outcome::Broken(b)),
        };
        Verification {
            records: self.records,
            intact,
            outcome,
            last_hash: self.last_hash,
        }
    }
}

/// Verifies a whole sequence of records, in `seq` order.
pub fn verify_records(records: impl IntoIterator<Item = StoredRecord>) -> Verification {
    let mut checker = Checker::new();
    for record in records {
        checker.push(record);
    }
    checker.finish()
}

/// The hash as the module documentation spells it, computed independently of [`hash`]: the
/// tests hold [`hash`] and the stored hashes to it.
#[cfg(test)]
pub(crate) fn documented_hash(parts: [&str; 8]) -> String {
    let mut input = Vec::new();
    for part in parts {
        input.extend_from_slice(&(part.len() as u64).to_be_bytes());
        input.extend_from_slice(part.as_bytes());
    }
    Sha256::digest(&input)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A valid chain of `n` records.
    fn chain(n: i64) -> Vec<StoredRecord> {
        let mut prev = GENESIS_HASH.to_owned();
        (1..=n)
            .map(|seq| {
                let mut r = StoredRecord {
                    seq,
                    decision_id: Some(format!("01J{seq:023}")),
                    time: Some(format!("2026-03-02T08:00:{:02}.000Z", seq % 60)),
                    jurisdiction: Some("binzhou".into()),
                    policy_version: Some("sha256:5f2c".into()),
                    request: Some(format!("{{\"n\":{seq}}}")),
                    decision: Some(format!("{{\"effect\":\"permit\",\"n\":{seq}}}")),
                    prev_hash: Some(prev.clone()),
                    hash: None,
                };
                let h = r.computed_hash();
                r.hash = Some(h.clone());
                prev = h;
                r
            })
            .collect()
    }

    fn broken(v: &Verification) -> (u64, BreakReason) {
        let b = v.first_broken().expect("a break");
        (b.seq, b.reason.clone())
    }

    #[test]
    fn a_valid_chain_is_intact_and_reports_its_last_hash() {
        let records = chain(10);
        let last = records.last().and_then(|r| r.hash.clone());
        let v = verify_records(records);
        assert_eq!(
            v,
            Verification {
                records: 10,
                intact: 10,
                outcome: Outcome::Intact,
                last_hash: last
            }
        );
        assert!(v.is_intact());
        assert_eq!(
            verify_records(Vec::new()),
            Verification {
                records: 0,
                intact: 0,
                outcome: Outcome::Intact,
                last_hash: None
            }
        );
    }

    #[test]
    fn the_hash_is_the_documented_one() {
        let fields = Fields {
            decision_id: "id",
            time: "t",
            jurisdiction: "j",
            policy_version: "v",
            request: "{}",
            decision: "{\"a\":1}",
        };
        let expected = documented_hash([GENESIS_HASH, "7", "id", "t", "j", "v", "{}", "{\"a\":1}"]);
        assert_eq!(hash(GENESIS_HASH, 7, &fields), expected);
        // Lengths are hashed, so moving a byte from one field to the next changes the hash.
        let shifted = Fields {
            decision_id: "i",
            time: "dt",
            ..fields
        };
        assert_ne!(hash(GENESIS_HASH, 7, &shifted), expected);
    }

    #[test]
    fn the_first_records_prev_hash_must_be_the_genesis_hash() {
        let records = chain(3);
        assert_eq!(
            records.first().and_then(|r| r.prev_hash.as_deref()),
            Some(GENESIS_HASH)
        );
        // A first record chained to something else (and re-hashed to fit) is caught.
        let mut forged = records.clone();
        if let Some(first) = forged.first_mut() {
            first.prev_hash = Some("ab".repeat(32));
            first.hash = Some(first.computed_hash());
        }
        let v = verify_records(forged);
        assert_eq!(broken(&v), (1, BreakReason::NotChainStart));
        assert_eq!((v.intact, v.records), (0, 3));
    }

    #[test]
    fn an_edit_in_the_middle_is_detected_at_the_edited_record() {
        let mut records = chain(10);
        if let Some(r) = records.get_mut(4) {
            r.decision = Some("{\"effect\":\"deny\"}".into());
        }
        let v = verify_records(records);
        assert_eq!(broken(&v), (5, BreakReason::HashMismatch));
        assert_eq!(v.intact, 4);
        assert_eq!(
            v.first_broken().and_then(|b| b.decision_id.as_deref()),
            Some("01J00000000000000000000005")
        );
    }

    #[test]
    fn a_rehashed_edit_in_the_middle_is_detected_at_the_next_record() {
        let mut records = chain(10);
        if let Some(r) = records.get_mut(4) {
            r.decision = Some("{\"effect\":\"deny\"}".into());
            r.hash = Some(r.computed_hash());
        }
        let v = verify_records(records);
        assert_eq!(broken(&v), (6, BreakReason::NotLinked { previous: 5 }));
        assert_eq!(v.intact, 5);
    }

    #[test]
    fn a_reorder_is_detected() {
        // Two records swapped as stored (each keeps its number): the gap shows at once.
        let mut records = chain(6);
        records.swap(2, 3);
        let v = verify_records(records);
        assert_eq!(broken(&v), (4, BreakReason::Missing { from: 3, to: 3 }));
        assert_eq!(v.intact, 2);

        // Two records' contents swapped and renumbered to fit: their hashes no longer match.
        let mut records = chain(6);
        let (a, b) = (records[2].clone(), records[3].clone());
        records[2] = StoredRecord { seq: 3, ..b };
        records[3] = StoredRecord { seq: 4, ..a };
        let v = verify_records(records);
        assert_eq!(broken(&v).0, 3);
        assert_ne!(v.outcome, Outcome::Intact);

        // Even re-hashed in their new places, the next record's link breaks.
        let mut records = chain(6);
        let (a, b) = (records[2].clone(), records[3].clone());
        let prev = records[1].hash.clone();
        records[2] = StoredRecord {
            seq: 3,
            prev_hash: prev,
            ..b
        };
        records[2].hash = Some(records[2].computed_hash());
        records[3] = StoredRecord {
            seq: 4,
            prev_hash: records[2].hash.clone(),
            ..a
        };
        records[3].hash = Some(records[3].computed_hash());
        let v = verify_records(records);
        assert_eq!(broken(&v), (5, BreakReason::NotLinked { previous: 4 }));
    }

    #[test]
    fn deletions_and_renumbering_are_named() {
        let mut records = chain(10);
        records.remove(6);
        records.remove(5);
        let v = verify_records(records);
        assert_eq!(broken(&v), (8, BreakReason::Missing { from: 6, to: 7 }));
        assert_eq!((v.intact, v.records), (5, 8));

        let mut records = chain(3);
        records.remove(0);
        assert_eq!(
            broken(&verify_records(records)),
            (2, BreakReason::Missing { from: 1, to: 1 })
        );

        let mut records = chain(3);
        if let Some(first) = records.first_mut() {
            first.seq = -3;
        }
        let v = verify_records(records);
        assert_eq!(broken(&v), (0, BreakReason::BeforeStart { seq: -3 }));
        assert_eq!(v.intact, 0);
    }

    #[test]
    fn a_column_that_is_not_text_is_named_and_the_last_hash_counts_every_record() {
        let mut records = chain(5);
        if let Some(r) = records.get_mut(1) {
            r.time = None;
        }
        let last = records.last().and_then(|r| r.hash.clone());
        let v = verify_records(records);
        assert_eq!(broken(&v), (2, BreakReason::NotText { column: "time" }));
        assert_eq!((v.intact, v.records, v.last_hash), (1, 5, last));

        let mut records = chain(2);
        if let Some(r) = records.last_mut() {
            r.hash = None;
        }
        let v = verify_records(records);
        assert_eq!(broken(&v), (2, BreakReason::NotText { column: "hash" }));
        assert_eq!(v.last_hash, None);
    }
}
