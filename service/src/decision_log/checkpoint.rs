//! Signed checkpoints of a chain's head, one JSON line each in an append-only file
//! (`decision_log.checkpoints`, default `<log>.checkpoints`):
//!
//! ```json
//! {"chain":"main","seq":1000,"head":"…MAC of record #1000…","count":1000,
//!  "time":"2026-03-02T08:00:00.000Z","key_id":"…","signature":"…"}
//! ```
//!
//! `signature` is the ed25519 signature (hex) of
//! `"datalex-checkpoint-v1" F(chain) F(seq) F(head) F(count) F(time) F(key_id)` (`F` as in the
//! [chain](super::chain): 8-byte big-endian length, then the UTF-8 bytes; numbers in decimal).
//!
//! A replica writing one chain of a shared log (PostgreSQL) ties the chains together: its
//! checkpoints also hold `"others": [{"chain", "seq", "head"}, …]`, the newest record of every
//! other chain it sees, and are then signed as
//! `"datalex-checkpoint-v2" F(chain) F(seq) F(head) F(count) F(time) F(key_id) F(n)` followed by
//! `F(chain) F(seq) F(head)` of each of the `n` others, so each replica's signature also vouches
//! for the other replicas' chains up to those heads.
//! The service writes one every N records or T seconds and at shutdown; `datalex audit verify
//! --checkpoint FILE` checks each signature and that the log still reaches each checkpoint's
//! `seq` with the same `head`.

use super::keys::{self, Signer};
use anyhow::Context as _;
use serde::{Deserialize, Serialize};
use std::io::{BufRead as _, Write as _};
use std::path::Path;

/// A signed checkpoint of a chain's head.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checkpoint {
    /// The chain.
    pub chain: String,
    /// The sequence number of the chain's newest record.
    pub seq: i64,
    /// That record's MAC.
    pub head: String,
    /// How many records the chain held.
    pub count: u64,
    /// When it was written (RFC 3339, UTC).
    pub time: String,
    /// The id of the signing key ([`keys::public_key_id`]).
    pub key_id: String,
    /// The signature, hex.
    pub signature: String,
    /// The heads of the other chains of a shared log when it was written (empty for a log of
    /// one chain), signed with the rest.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub others: Vec<Head>,
}

/// The newest record of a chain: its sequence number and MAC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Head {
    /// The chain.
    pub chain: String,
    /// The sequence number of its newest record.
    pub seq: i64,
    /// That record's MAC.
    pub head: String,
}

impl Checkpoint {
    /// A checkpoint of `chain` at `seq` with head `head`, signed by `signer`.
    pub fn signed(
        signer: &Signer,
        chain: &str,
        seq: i64,
        head: &str,
        count: u64,
        time: String,
    ) -> Checkpoint {
        Checkpoint::tied(signer, chain, seq, head, count, time, Vec::new())
    }

    /// A checkpoint of `chain` at `seq` with head `head` that also vouches for the heads of the
    /// other chains `others`, signed by `signer`.
    pub fn tied(
        signer: &Signer,
        chain: &str,
        seq: i64,
        head: &str,
        count: u64,
        time: String,
        others: Vec<Head>,
    ) -> Checkpoint {
        let mut checkpoint = Checkpoint {
            chain: chain.to_owned(),
            seq,
            head: head.to_owned(),
            count,
            time,
            key_id: signer.id.clone(),
            signature: String::new(),
            others,
        };
        checkpoint.signature = signer.sign(&checkpoint.message());
        checkpoint
    }

    /// The bytes signed.
    pub fn message(&self) -> Vec<u8> {
        let mut out = if self.others.is_empty() {
            b"datalex-checkpoint-v1".to_vec()
        } else {
            b"datalex-checkpoint-v2".to_vec()
        };
        let mut put = |part: &str| {
            out.extend_from_slice(&(part.len() as u64).to_be_bytes());
            out.extend_from_slice(part.as_bytes());
        };
        for part in [
            self.chain.as_str(),
            &self.seq.to_string(),
            &self.head,
            &self.count.to_string(),
            &self.time,
            &self.key_id,
        ] {
            put(part);
        }
        if !self.others.is_empty() {
            put(&self.others.len().to_string());
            for other in &self.others {
                put(&other.chain);
                put(&other.seq.to_string());
                put(&other.head);
            }
        }
        out
    }

    /// Every head it vouches for: its own chain's, then the others'.
    pub fn heads(&self) -> impl Iterator<Item = (&str, i64, &str)> {
        std::iter::once((self.chain.as_str(), self.seq, self.head.as_str())).chain(
            self.others
                .iter()
                .map(|o| (o.chain.as_str(), o.seq, o.head.as_str())),
        )
    }

    /// Whether `public` signed it.
    pub fn signed_by(&self, public: &ed25519_dalek::VerifyingKey) -> bool {
        keys::public_key_id(public) == self.key_id
            && keys::signature_holds(public, &self.message(), &self.signature)
    }
}

/// Appends `checkpoint` to the file at `path` (created `0600`), durably.
pub fn append(path: &Path, checkpoint: &Checkpoint) -> anyhow::Result<()> {
    let context = || format!("cannot write the checkpoint file {}", path.display());
    let mut file = keys::private_options()
        .append(true)
        .create(true)
        .open(path)
        .with_context(context)?;
    keys::set_private(path)?;
    let mut line = serde_json::to_string(checkpoint).with_context(context)?;
    line.push('\n');
    file.write_all(line.as_bytes()).with_context(context)?;
    file.sync_all().with_context(context)
}

/// The checkpoints of the file at `path`, each with its line number, or why a line is not one.
pub fn read_all(path: &Path) -> anyhow::Result<Vec<(usize, Result<Checkpoint, String>)>> {
    let file = std::fs::File::open(path)
        .with_context(|| format!("cannot read the checkpoint file {}", path.display()))?;
    let mut out = Vec::new();
    for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line =
            line.with_context(|| format!("cannot read the checkpoint file {}", path.display()))?;
        if line.trim().is_empty() {
            continue;
        }
        out.push((
            i + 1,
            serde_json::from_str::<Checkpoint>(&line).map_err(|e| e.to_string()),
        ));
    }
    Ok(out)
}

/// The last checkpoint of `chain` in the file at `path`, if the file exists and holds one.
pub fn last_of(path: &Path, chain: &str) -> anyhow::Result<Option<Checkpoint>> {
    if !path.exists() {
        return Ok(None);
    }
    Ok(read_all(path)?
        .into_iter()
        .filter_map(|(_, c)| c.ok())
        .rfind(|c| c.chain == chain))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checkpoints_are_appended_signed_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let (signer, _) = Signer::read_or_create(&dir.path().join("sk")).unwrap();
        let public = keys::read_public_key(&keys::public_key_path(&dir.path().join("sk"))).unwrap();
        let path = dir.path().join("cp");
        let a = Checkpoint::signed(&signer, "main", 3, "aa", 3, "t1".into());
        let b = Checkpoint::signed(&signer, "main", 7, "bb", 7, "t2".into());
        append(&path, &a).unwrap();
        append(&path, &b).unwrap();
        let read = read_all(&path).unwrap();
        assert_eq!(read.len(), 2);
        assert_eq!(read[1], (2, Ok(b.clone())));
        assert!(a.signed_by(&public) && b.signed_by(&public));
        let forged = Checkpoint {
            seq: 6,
            ..b.clone()
        };
        assert!(!forged.signed_by(&public));
        assert_eq!(last_of(&path, "main").unwrap(), Some(b.clone()));
        assert_eq!(last_of(&path, "other").unwrap(), None);
        // A checkpoint tied to another chain signs its head too.
        let other = Head {
            chain: "replica-b".into(),
            seq: 4,
            head: "cc".into(),
        };
        let tied = Checkpoint::tied(&signer, "main", 8, "dd", 8, "t3".into(), vec![other]);
        assert!(tied.signed_by(&public));
        let line = serde_json::to_string(&tied).unwrap();
        assert!(
            line.contains("\"others\":[{\"chain\":\"replica-b\""),
            "{line}"
        );
        assert!(!serde_json::to_string(&b).unwrap().contains("others"));
        let mut moved = tied.clone();
        moved.others[0].seq = 3;
        assert!(!moved.signed_by(&public), "another chain's head is signed");
        let mut dropped = tied.clone();
        dropped.others.clear();
        assert!(!dropped.signed_by(&public), "the others cannot be removed");
        assert_eq!(
            tied.heads().collect::<Vec<_>>(),
            [("main", 8, "dd"), ("replica-b", 4, "cc")]
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
