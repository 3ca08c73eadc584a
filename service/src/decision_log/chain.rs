//! The keyed chain, pure: the MAC of a record, and the verification of one chain's records.
//! No IO; [`super::verify()`] feeds it the rows of a log file, the writer uses [`mac_input`].
//!
//! ```text
//! mac = hex(HMAC-SHA256(K(key_id), "datalex-log-v2" F(chain) F(seq) F(prev_mac) F(key_id)
//!           F(decision_id) F(time) F(jurisdiction) F(policy_version) O(caller)
//!           F(request) F(decision)))
//! F(text) = the text's length in bytes as 8 bytes big-endian, then its UTF-8 bytes
//! O(none) = 8 bytes 0xFF;  O(text) = F(text)
//! ```
//!
//! over the exact stored texts (`seq` in decimal; `request` and `decision` as stored: compact
//! JSON, or encrypted), where `K(key_id)` is the MAC key derived from that key of the key file
//! ([`super::keys`]). The first record of a chain has `prev_mac` [`GENESIS_MAC`]; `seq` counts
//! from 1 without gaps, per chain.

use super::keys::{Key, KeyRing};
use super::texts;

/// The `prev_mac` of a chain's first record.
pub const GENESIS_MAC: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What a record's MAC covers besides the chain position (`prev_mac`, `seq`, key id), exactly
/// as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fields<'a> {
    /// The chain (one per writer; `main` for a single service).
    pub chain: &'a str,
    /// The decision id.
    pub decision_id: &'a str,
    /// When it was decided (RFC 3339).
    pub time: &'a str,
    /// The jurisdiction that decided.
    pub jurisdiction: &'a str,
    /// The policy version that decided.
    pub policy_version: &'a str,
    /// The authenticated caller (`None` when the service runs open).
    pub caller: Option<&'a str>,
    /// The request, as stored.
    pub request: &'a str,
    /// The decision, as stored.
    pub decision: &'a str,
}

/// Feeds the bytes a record's MAC is computed over to `put`, piece by piece.
fn feed(prev_mac: &str, seq: i64, key_id: &str, fields: &Fields<'_>, mut put: impl FnMut(&[u8])) {
    put(b"datalex-log-v2");
    let seq = seq.to_string();
    for part in [
        Some(fields.chain),
        Some(seq.as_str()),
        Some(prev_mac),
        Some(key_id),
        Some(fields.decision_id),
        Some(fields.time),
        Some(fields.jurisdiction),
        Some(fields.policy_version),
        fields.caller,
        Some(fields.request),
        Some(fields.decision),
    ] {
        match part {
            Some(text) => {
                put(&(text.len() as u64).to_be_bytes());
                put(text.as_bytes());
            }
            None => put(&[0xFF; 8]),
        }
    }
}

/// The bytes a record's MAC is computed over.
pub fn mac_input(prev_mac: &str, seq: i64, key_id: &str, fields: &Fields<'_>) -> Vec<u8> {
    let mut input = Vec::with_capacity(
        256 + fields.request.len() + fields.decision.len() + fields.policy_version.len(),
    );
    feed(prev_mac, seq, key_id, fields, |bytes| {
        input.extend_from_slice(bytes)
    });
    input
}

/// A record's MAC under `key`: `key.mac(&mac_input(…))`, computed without building the input.
pub fn record_mac(key: &Key, prev_mac: &str, seq: i64, fields: &Fields<'_>) -> String {
    let mut mac = key.mac_stream();
    feed(prev_mac, seq, &key.id, fields, |bytes| mac.update(bytes));
    mac.finish()
}

/// The MAC of a shared text ([`super::texts`]) under `key`:
/// `HMAC(K(key_id), "datalex-text-v1" F(chain) F(id) F(key_id) F(text))`, `id` in decimal.
pub fn text_mac(key: &Key, chain: &str, id: i64, text: &str) -> String {
    let mut mac = key.mac_stream();
    mac.update(b"datalex-text-v1");
    let id = id.to_string();
    for part in [chain, id.as_str(), key.id.as_str(), text] {
        mac.update(&(part.len() as u64).to_be_bytes());
        mac.update(part.as_bytes());
    }
    mac.finish()
}

/// A record as read back from a log: every text column `None` where it is not text (a forger
/// may have stored anything).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRecord {
    /// The chain.
    pub chain: Option<String>,
    /// The sequence number in its chain.
    pub seq: i64,
    /// The decision id.
    pub decision_id: Option<String>,
    /// The time.
    pub time: Option<String>,
    /// The jurisdiction.
    pub jurisdiction: Option<String>,
    /// The policy version.
    pub policy_version: Option<String>,
    /// The caller: `Ok(None)` for NULL, `Err(())` if neither NULL nor text.
    pub caller: Result<Option<String>, ()>,
    /// The request, as stored.
    pub request: Option<String>,
    /// The decision, as stored.
    pub decision: Option<String>,
    /// The id of the key that MACed it.
    pub key_id: Option<String>,
    /// The previous record's MAC.
    pub prev_mac: Option<String>,
    /// This record's MAC.
    pub mac: Option<String>,
}

impl StoredRecord {
    /// The column that is not text, if any (the first, in column order).
    fn not_text(&self) -> Option<&'static str> {
        [
            ("chain", self.chain.is_none()),
            ("decision_id", self.decision_id.is_none()),
            ("time", self.time.is_none()),
            ("jurisdiction", self.jurisdiction.is_none()),
            ("policy_version", self.policy_version.is_none()),
            ("caller", self.caller.is_err()),
            ("request", self.request.is_none()),
            ("decision", self.decision.is_none()),
            ("key_id", self.key_id.is_none()),
            ("prev_mac", self.prev_mac.is_none()),
            ("mac", self.mac.is_none()),
        ]
        .into_iter()
        .find_map(|(name, bad)| bad.then_some(name))
    }

    /// The record's MAC recomputed from its contents under `keys`; `None` if its key is not
    /// among them.
    pub fn computed_mac(&self, keys: &KeyRing) -> Option<String> {
        let key = keys.get(self.key_id.as_deref()?)?;
        fn text(field: &Option<String>) -> &str {
            field.as_deref().unwrap_or_default()
        }
        let fields = Fields {
            chain: text(&self.chain),
            decision_id: text(&self.decision_id),
            time: text(&self.time),
            jurisdiction: text(&self.jurisdiction),
            policy_version: text(&self.policy_version),
            caller: self.caller.as_ref().ok().and_then(Option::as_deref),
            request: text(&self.request),
            decision: text(&self.decision),
        };
        Some(record_mac(key, text(&self.prev_mac), self.seq, &fields))
    }
}

/// Why a record breaks the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BreakReason {
    /// A sequence number below the one expected (only the first record in `seq` order can have
    /// one).
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
    /// The first record's `prev_mac` is not [`GENESIS_MAC`].
    NotChainStart,
    /// The `prev_mac` is not the MAC of the record before.
    NotLinked {
        /// The sequence number of the record before.
        previous: i64,
    },
    /// The record names a key the key file does not hold.
    UnknownKey {
        /// The key id it names.
        key_id: String,
    },
    /// The MAC does not match the record's contents under its key.
    MacMismatch,
    /// The stored decision is compact ([`super::texts`]) but not of that form.
    BadEncoding,
    /// The stored decision refers to a shared text of its chain that is missing or whose own
    /// MAC does not hold.
    TextUnverified {
        /// The text's id.
        id: i64,
    },
}

/// The first record that breaks a chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Break {
    /// Its sequence number (0 for a record whose stored sequence number is zero or negative).
    pub seq: u64,
    /// Its decision id, if readable.
    pub decision_id: Option<String>,
    /// Why.
    pub reason: BreakReason,
}

/// Whether a chain holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Every record is linked and matches its MAC.
    Intact,
    /// The first record that does not.
    Broken(Break),
}

/// What verifying one chain found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainVerification {
    /// The chain's id.
    pub chain: String,
    /// How many records it holds (all of them, also those after a break).
    pub records: u64,
    /// How many records precede the first break, all verified (all records when intact).
    pub intact: u64,
    /// Whether the chain holds, and if not where it breaks first.
    pub outcome: Outcome,
    /// The sequence number and stored MAC of the newest record (`None` for an empty chain, or
    /// if its MAC is not text): what a checkpoint of the chain's head must match.
    pub last: Option<(i64, String)>,
}

impl ChainVerification {
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

/// Verifies one chain's records one at a time, in `seq` order (so a log of any size is checked
/// in constant memory). Records after the first break are counted but not judged.
#[derive(Debug, Clone)]
pub struct Checker<'k> {
    keys: &'k KeyRing,
    chain: String,
    records: u64,
    broken: Option<(u64, Break)>,
    last: Option<(i64, String)>,
    expected_seq: i64,
    expected_prev: String,
    /// The chain's shared texts ([`super::texts`]): whether each id (from 1) is present with a
    /// MAC that holds.
    texts: &'k [bool],
}

impl<'k> Checker<'k> {
    /// A checker at the start of the chain `chain`, checking MACs with `keys`.
    pub fn new(chain: &str, keys: &'k KeyRing) -> Checker<'k> {
        Checker {
            keys,
            chain: chain.to_owned(),
            records: 0,
            broken: None,
            last: None,
            expected_seq: 1,
            expected_prev: GENESIS_MAC.to_owned(),
            texts: &[],
        }
    }

    /// The same, checking the references of compact decisions against `texts`: whether each
    /// shared text of the chain (id 1 at index 0) is present with a MAC that holds.
    pub fn with_texts(mut self, texts: &'k [bool]) -> Checker<'k> {
        self.texts = texts;
        self
    }

    /// The chain it checks.
    pub fn chain(&self) -> &str {
        &self.chain
    }

    /// The next record of the chain, in `seq` order.
    pub fn push(&mut self, record: StoredRecord) {
        let mac = record.computed_mac(self.keys);
        self.push_computed(record, mac);
    }

    /// The next record of the chain, in `seq` order, with its MAC already recomputed
    /// ([`StoredRecord::computed_mac`], e.g. on another thread).
    pub fn push_computed(&mut self, record: StoredRecord, computed: Option<String>) {
        let index = self.records;
        self.records += 1;
        self.last = record.mac.clone().map(|mac| (record.seq, mac));
        if self.broken.is_some() {
            return;
        }
        match self.judge(&record, computed) {
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
                self.expected_prev = record.mac.unwrap_or_default();
            }
        }
    }

    /// Why `record` breaks the chain, if it does.
    fn judge(&self, record: &StoredRecord, computed: Option<String>) -> Option<BreakReason> {
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
        if record.prev_mac.as_deref() != Some(self.expected_prev.as_str()) {
            return Some(if seq == 1 {
                BreakReason::NotChainStart
            } else {
                BreakReason::NotLinked { previous: seq - 1 }
            });
        }
        match computed {
            None => Some(BreakReason::UnknownKey {
                key_id: record.key_id.clone().unwrap_or_default(),
            }),
            Some(mac) if record.mac.as_deref() != Some(mac.as_str()) => {
                Some(BreakReason::MacMismatch)
            }
            Some(_) => self.unverified_text(record.decision.as_deref().unwrap_or_default()),
        }
    }

    /// Why a compact decision's references do not hold, if they do not.
    fn unverified_text(&self, decision: &str) -> Option<BreakReason> {
        if !texts::is_compact(decision) {
            return None;
        }
        let Ok(ids) = texts::references(decision) else {
            return Some(BreakReason::BadEncoding);
        };
        ids.into_iter().find_map(|id| {
            let ok = usize::try_from(id - 1)
                .ok()
                .and_then(|i| self.texts.get(i))
                .copied()
                .unwrap_or(false);
            (!ok).then_some(BreakReason::TextUnverified { id })
        })
    }

    /// What was found.
    pub fn finish(self) -> ChainVerification {
        let (intact, outcome) = match self.broken {
            None => (self.records, Outcome::Intact),
            Some((index, b)) => (index, Outcome::Broken(b)),
        };
        ChainVerification {
            chain: self.chain,
            records: self.records,
            intact,
            outcome,
            last: self.last,
        }
    }
}

/// Verifies a whole chain's records, in `seq` order.
pub fn verify_records(
    chain: &str,
    keys: &KeyRing,
    records: impl IntoIterator<Item = StoredRecord>,
) -> ChainVerification {
    let mut checker = Checker::new(chain, keys);
    for record in records {
        checker.push(record);
    }
    checker.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn keys() -> KeyRing {
        KeyRing::parse(
            Path::new("test.keys"),
            &format!(
                "[[keys]]\nid = \"k0\"\nsecret = \"{}\"\n[[keys]]\nid = \"k1\"\nsecret = \"{}\"\n",
                "01".repeat(32),
                "02".repeat(32)
            ),
        )
        .unwrap()
    }

    fn seal(r: &mut StoredRecord, keys: &KeyRing) {
        r.mac = r.computed_mac(keys);
    }

    /// A valid chain of `n` records (the first half under key `k0`, the rest under `k1`: a
    /// rotation in the middle).
    fn chain(n: i64, keys: &KeyRing) -> Vec<StoredRecord> {
        let mut prev = GENESIS_MAC.to_owned();
        (1..=n)
            .map(|seq| {
                let mut r = StoredRecord {
                    chain: Some("main".into()),
                    seq,
                    decision_id: Some(format!("01J{seq:023}")),
                    time: Some(format!("2026-03-02T08:00:{:02}.000Z", seq % 60)),
                    jurisdiction: Some("binzhou".into()),
                    policy_version: Some("sha256:5f2c".into()),
                    caller: Ok((seq % 2 == 0).then(|| "platform-a".to_owned())),
                    request: Some(format!("{{\"n\":{seq}}}")),
                    decision: Some(format!("{{\"effect\":\"permit\",\"n\":{seq}}}")),
                    key_id: Some(if seq <= n / 2 { "k0" } else { "k1" }.into()),
                    prev_mac: Some(prev.clone()),
                    mac: None,
                };
                seal(&mut r, keys);
                prev = r.mac.clone().unwrap();
                r
            })
            .collect()
    }

    fn broken(v: &ChainVerification) -> (u64, BreakReason) {
        let b = v.first_broken().expect("a break");
        (b.seq, b.reason.clone())
    }

    #[test]
    fn a_valid_chain_across_a_key_rotation_is_intact() {
        let keys = keys();
        let records = chain(10, &keys);
        let last = records.last().map(|r| (10, r.mac.clone().unwrap()));
        let v = verify_records("main", &keys, records);
        assert_eq!((v.records, v.intact, v.is_intact()), (10, 10, true));
        assert_eq!(v.last, last);
        let empty = verify_records("main", &keys, Vec::new());
        assert_eq!((empty.records, empty.last), (0, None));
    }

    #[test]
    fn the_mac_input_is_length_prefixed_and_marks_an_absent_caller() {
        let fields = Fields {
            chain: "c",
            decision_id: "id",
            time: "t",
            jurisdiction: "j",
            policy_version: "v",
            caller: None,
            request: "{}",
            decision: "{\"a\":1}",
        };
        let input = mac_input(GENESIS_MAC, 7, "k", &fields);
        assert!(input.starts_with(b"datalex-log-v2\0\0\0\0\0\0\0\x01c\0\0\0\0\0\0\0\x017"));
        assert!(input
            .windows(8 + 8 + 1)
            .any(|w| w == b"\0\0\0\0\0\0\0\x01v\xff\xff\xff\xff\xff\xff\xff\xff".as_slice()));
        // An empty caller is not an absent one; moving a byte between fields changes the input.
        let empty = Fields {
            caller: Some(""),
            ..fields
        };
        assert_ne!(input, mac_input(GENESIS_MAC, 7, "k", &empty));
        let shifted = Fields {
            decision_id: "i",
            time: "dt",
            ..fields
        };
        assert_ne!(input, mac_input(GENESIS_MAC, 7, "k", &shifted));
    }

    #[test]
    fn an_edit_is_detected_at_the_edited_record_even_rehashed_without_the_key() {
        let keys = keys();
        let mut records = chain(10, &keys);
        records[4].decision = Some("{\"effect\":\"deny\"}".into());
        let v = verify_records("main", &keys, records.clone());
        assert_eq!(broken(&v), (5, BreakReason::MacMismatch));
        assert_eq!(v.intact, 4);
        // A forger without the key re-MACs the edited record and all after it with a key of
        // their own: the first one already fails.
        let forger = KeyRing::parse(
            Path::new("forged.keys"),
            &format!("[[keys]]\nid = \"k1\"\nsecret = \"{}\"\n", "ee".repeat(32)),
        )
        .unwrap();
        let mut prev = records[3].mac.clone().unwrap();
        for r in records.iter_mut().skip(4) {
            r.key_id = Some("k1".into());
            r.prev_mac = Some(prev.clone());
            r.mac = r.computed_mac(&forger);
            prev = r.mac.clone().unwrap();
        }
        let v = verify_records("main", &keys, records);
        assert_eq!(broken(&v), (5, BreakReason::MacMismatch));
    }

    #[test]
    fn an_edited_caller_or_an_unknown_key_is_detected() {
        let keys = keys();
        let mut records = chain(4, &keys);
        records[1].caller = Ok(Some("platform-b".into()));
        assert_eq!(
            broken(&verify_records("main", &keys, records)),
            (2, BreakReason::MacMismatch)
        );
        let mut records = chain(4, &keys);
        records[2].key_id = Some("k9".into());
        assert_eq!(
            broken(&verify_records("main", &keys, records)),
            (
                3,
                BreakReason::UnknownKey {
                    key_id: "k9".into()
                }
            )
        );
    }

    #[test]
    fn the_first_record_must_start_the_chain() {
        let keys = keys();
        let mut records = chain(3, &keys);
        records[0].prev_mac = Some("ab".repeat(32));
        seal(&mut records[0], &keys);
        let v = verify_records("main", &keys, records);
        assert_eq!(broken(&v), (1, BreakReason::NotChainStart));
    }

    #[test]
    fn a_relinked_record_is_detected_at_the_next() {
        let keys = keys();
        let mut records = chain(10, &keys);
        // With the key, a forger re-MACs record 5 alone: record 6 no longer links to it.
        records[4].decision = Some("{\"effect\":\"deny\"}".into());
        seal(&mut records[4], &keys);
        let v = verify_records("main", &keys, records);
        assert_eq!(broken(&v), (6, BreakReason::NotLinked { previous: 5 }));
    }

    #[test]
    fn deletions_reorders_and_renumbering_are_named() {
        let keys = keys();
        let mut records = chain(10, &keys);
        records.remove(6);
        records.remove(5);
        let v = verify_records("main", &keys, records);
        assert_eq!(broken(&v), (8, BreakReason::Missing { from: 6, to: 7 }));
        assert_eq!((v.intact, v.records), (5, 8));

        let mut records = chain(6, &keys);
        records.swap(2, 3);
        assert_eq!(
            broken(&verify_records("main", &keys, records)),
            (4, BreakReason::Missing { from: 3, to: 3 })
        );

        let mut records = chain(3, &keys);
        records[0].seq = -3;
        let v = verify_records("main", &keys, records);
        assert_eq!(broken(&v), (0, BreakReason::BeforeStart { seq: -3 }));
    }

    #[test]
    fn a_column_that_is_not_text_is_named() {
        let keys = keys();
        let mut records = chain(5, &keys);
        records[1].time = None;
        let v = verify_records("main", &keys, records);
        assert_eq!(broken(&v), (2, BreakReason::NotText { column: "time" }));
        let mut records = chain(2, &keys);
        records[1].caller = Err(());
        let v = verify_records("main", &keys, records);
        assert_eq!(broken(&v), (2, BreakReason::NotText { column: "caller" }));
    }
}
