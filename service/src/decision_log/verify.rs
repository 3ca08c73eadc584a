//! `datalex audit verify`: reading a log's records through the [chain](super::chain) checker,
//! with the key file, and against the signed [checkpoints](super::checkpoint); and the report,
//! in the reader's language, rendered here and nowhere else.
//!
//! Both stores feed the same [`Collector`]: [`verify`] the rows of an SQLite file and its
//! checkpoint file, [`verify_store`] (and [`verify_client`]) the rows of every chain in
//! PostgreSQL and its `checkpoints` table, whose checkpoints also vouch for the heads of the
//! other chains they saw.

use super::chain::{self, BreakReason, ChainVerification, Checker, Outcome, StoredRecord};
use super::checkpoint::{self, Checkpoint};
use super::keys::{self, KeyRing};
use super::postgres;
use super::schema::{check_format, open_read_only, stored_record, SELECT_ALL, SELECT_TEXTS};
use crate::words::say;
use anyhow::{bail, Context as _};
use datalex_i18n::Lang;
use ed25519_dalek::VerifyingKey;
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::Arc;
use std::thread::JoinHandle;

/// What to verify a log with.
#[derive(Debug, Clone)]
pub struct VerifyOptions {
    /// The MAC key file (default `<log>.keys`).
    pub key_file: PathBuf,
    /// The checkpoint file, if one is checked (with PostgreSQL: instead of the `checkpoints`
    /// table, e.g. a copy kept elsewhere).
    pub checkpoints: Option<PathBuf>,
    /// The public keys that signed the checkpoints (default: the one beside the log,
    /// `<log>.signing-key.pub`; with PostgreSQL, those the replicas registered there).
    pub public_keys: Vec<PathBuf>,
}

impl VerifyOptions {
    /// The key file beside the log, no checkpoints.
    pub fn beside(log: &Path) -> VerifyOptions {
        VerifyOptions {
            key_file: super::beside(log, ".keys"),
            checkpoints: None,
            public_keys: Vec::new(),
        }
    }
}

/// What is wrong with the checkpoints, or the log measured against them (the first found).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckpointProblem {
    /// A line is not a checkpoint.
    Unreadable {
        /// Its line number (in PostgreSQL, its id).
        line: usize,
        /// Why.
        why: String,
    },
    /// A checkpoint's signature does not hold under the public key (or it names a key that is
    /// not among the public keys).
    BadSignature {
        /// Its line number (in PostgreSQL, its id).
        line: usize,
    },
    /// The log ends before a checkpoint's record (`last` is 0 when the chain holds nothing):
    /// records were removed from its end, or all of them.
    Shortened {
        /// The checkpoint's line number.
        line: usize,
        /// The chain.
        chain: String,
        /// The checkpoint's sequence number.
        seq: i64,
        /// The chain's last sequence number in the log.
        last: i64,
    },
    /// The log's record at a checkpoint's sequence number has another MAC: the chain was
    /// rewritten from there or before.
    HeadMismatch {
        /// The checkpoint's line number.
        line: usize,
        /// The chain.
        chain: String,
        /// The checkpoint's sequence number.
        seq: i64,
    },
}

/// Where the public keys of the checkpoints came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySource {
    /// Given (`--public-key`): the copies kept elsewhere.
    Given,
    /// The default beside the log file (which a forger on the machine could have replaced
    /// along with the checkpoints).
    BesideLog,
    /// The `signers` table of the database verified (the same caveat).
    FromStore,
}

/// What checking the checkpoints found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckpointReport {
    /// Where the checkpoints were read: the checkpoint file, or the database's table.
    pub file: String,
    /// The public keys the signatures were checked with.
    pub public_key: String,
    /// Where those came from.
    pub key_source: KeySource,
    /// How many checkpoints were checked.
    pub checked: u64,
    /// The first problem, if any.
    pub problem: Option<CheckpointProblem>,
    /// How many records, over all chains, come after their chain's last checkpoint (vouched for
    /// by their MACs only).
    pub unanchored: u64,
}

/// What verifying a log found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// One per chain in the log, by chain id.
    pub chains: Vec<ChainVerification>,
    /// The checkpoints, if a checkpoint file was given.
    pub checkpoints: Option<CheckpointReport>,
}

impl Verification {
    /// Whether every chain holds and the log reaches every checkpoint.
    pub fn is_intact(&self) -> bool {
        self.chains.iter().all(ChainVerification::is_intact)
            && self
                .checkpoints
                .as_ref()
                .is_none_or(|c| c.problem.is_none())
    }

    /// How many records the log holds.
    pub fn records(&self) -> u64 {
        self.chains.iter().map(|c| c.records).sum()
    }

    /// The chain with this id.
    pub fn chain(&self, id: &str) -> Option<&ChainVerification> {
        self.chains.iter().find(|c| c.chain == id)
    }
}

/// Checks every chain of the log at `path` with the MAC keys, and the checkpoints if given
/// (read-only; also while a service writes it).
///
/// A missing file, a file that is not a log, or a missing or invalid key, public key or
/// checkpoint file is an error; a broken chain or a checkpoint the log does not reach is not
/// (it is the answer).
pub fn verify(path: &Path, options: &VerifyOptions) -> anyhow::Result<Verification> {
    let context = || format!("cannot read the decision log {}", path.display());
    let conn = open_read_only(path)?;
    check_format(&conn, path)?;
    let tables: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'records'",
            [],
            |row| row.get(0),
        )
        .with_context(context)?;
    if tables == 0 {
        bail!(
            "{} is not a decision log: it has no `records` table",
            path.display()
        );
    }
    let keys = read_keys(&options.key_file)?;

    // The checkpoints first: the records at their sequence numbers are noted on the way.
    let checkpoints = match &options.checkpoints {
        Some(file) => {
            let (public, source) = if options.public_keys.is_empty() {
                let beside = keys::public_key_path(&super::beside(path, ".signing-key"));
                if !beside.exists() {
                    bail!(
                        "no public key at {}: pass the checkpoints' public key with \
                         `--public-key`",
                        beside.display()
                    );
                }
                (read_public_keys(&[beside])?, KeySource::BesideLog)
            } else {
                (read_public_keys(&options.public_keys)?, KeySource::Given)
            };
            Some(from_file(file, public, source)?)
        }
        None => None,
    };
    let mut texts = TextCheck::new(&keys);
    let has_texts: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'texts'",
            [],
            |row| row.get(0),
        )
        .with_context(context)?;
    if has_texts > 0 {
        let mut stmt = conn.prepare(SELECT_TEXTS).with_context(context)?;
        let mut rows = stmt.query([]).with_context(context)?;
        while let Some(row) = rows.next().with_context(context)? {
            texts.push(
                &row.get::<_, String>(0).with_context(context)?,
                row.get(1).with_context(context)?,
                &row.get::<_, String>(2).with_context(context)?,
                &row.get::<_, String>(3).with_context(context)?,
                &row.get::<_, String>(4).with_context(context)?,
            );
        }
    }
    let texts = texts.finish();
    let mut collector = Collector::new(&keys, checkpoints.as_ref(), &texts);
    // The MACs are recomputed on worker threads while this one reads the rows.
    let mut hashers = Hashers::start(&keys)?;
    let mut stmt = conn.prepare(SELECT_ALL).with_context(context)?;
    let mut rows = stmt.query([]).with_context(context)?;
    while let Some(row) = rows.next().with_context(context)? {
        hashers.push(stored_record(row).with_context(context)?, &mut collector)?;
    }
    hashers.finish(&mut collector)?;
    Ok(collector.finish(checkpoints))
}

/// Checks every chain of the decision log in the PostgreSQL database at `url` with the MAC
/// keys, and the checkpoints stored there (or those of `options.checkpoints`, a copy), each
/// checkpoint's own head and the other chains' heads it vouches for. From a thread outside any
/// Tokio runtime (`datalex audit verify --store`).
pub fn verify_store(url: &str, options: &VerifyOptions) -> anyhow::Result<Verification> {
    let location = crate::pg::redact(url);
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start a runtime for PostgreSQL")?
        .block_on(async {
            let client = crate::pg::connect(url).await?;
            verify_client(&client, &location, options).await
        })
}

/// [`verify_store`] on a connection (`location` names the database in the report).
pub async fn verify_client(
    client: &tokio_postgres::Client,
    location: &str,
    options: &VerifyOptions,
) -> anyhow::Result<Verification> {
    let context = || format!("cannot read the decision log in {location}");
    let migrated = client
        .query_one("SELECT to_regclass('records') IS NOT NULL", &[])
        .await
        .with_context(context)?;
    if !migrated.get::<_, bool>(0) {
        bail!(
            "{location} holds no decision log: it has no `records` table (`datalex migrate \
             --store` creates it; `serve --store` writes it)"
        );
    }
    let keys = read_keys(&options.key_file)?;
    let (public, source) = if options.public_keys.is_empty() {
        let mut found = HashMap::new();
        for (id, hex) in postgres::signers(client).await.with_context(context)? {
            let key = keys::unhex(&hex)
                .and_then(|b| <[u8; 32]>::try_from(b).ok())
                .and_then(|b| VerifyingKey::from_bytes(&b).ok());
            match key {
                Some(key) => {
                    found.insert(id, key);
                }
                None => bail!(
                    "the public key of signer `{id}` in {location} is not an ed25519 key: pass \
                     the checkpoints' public keys with `--public-key`"
                ),
            }
        }
        let mut ids: Vec<&str> = found.keys().map(String::as_str).collect();
        ids.sort_unstable();
        let described = format!("the keys {} of table `signers`", ids.join(", "));
        (
            PublicKeys {
                by_id: found,
                described,
            },
            KeySource::FromStore,
        )
    } else {
        (read_public_keys(&options.public_keys)?, KeySource::Given)
    };
    let checkpoints = match &options.checkpoints {
        Some(file) => from_file(file, public, source)?,
        None => {
            let stored = postgres::checkpoints(client).await.with_context(context)?;
            let list = stored
                .into_iter()
                .map(|(id, item)| {
                    let line = usize::try_from(id).unwrap_or(0);
                    (line, judge_signature(line, item, &public.by_id))
                })
                .collect();
            CheckpointSet {
                place: format!("table `checkpoints` of {location} (line = id)"),
                list,
                public_keys: public.described,
                source,
            }
        }
    };
    let mut texts = TextCheck::new(&keys);
    postgres::each_text(client, |chain, id, text, key_id, mac| {
        texts.push(&chain, id, &text, &key_id, &mac)
    })
    .await
    .with_context(context)?;
    let texts = texts.finish();
    let mut collector = Collector::new(&keys, Some(&checkpoints), &texts);
    postgres::each_record(client, |record| collector.push(record))
        .await
        .with_context(context)?;
    Ok(collector.finish(Some(checkpoints)))
}

/// The MAC keys, or why not.
fn read_keys(key_file: &Path) -> anyhow::Result<KeyRing> {
    if !key_file.exists() {
        bail!(
            "no key file at {}: the records' MACs cannot be checked without the service's key \
             file (`--key-file`)",
            key_file.display()
        );
    }
    KeyRing::read(key_file)
}

/// Public keys by key id, and where they were read (for the report).
struct PublicKeys {
    by_id: HashMap<String, VerifyingKey>,
    described: String,
}

/// Public key files, by key id; described by their paths.
fn read_public_keys(paths: &[PathBuf]) -> anyhow::Result<PublicKeys> {
    let by_id = paths
        .iter()
        .map(|p| {
            let key = keys::read_public_key(p)?;
            Ok((keys::public_key_id(&key), key))
        })
        .collect::<anyhow::Result<_>>()?;
    let described = paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    Ok(PublicKeys { by_id, described })
}

/// The checkpoints to check, wherever they were read.
struct CheckpointSet {
    /// Where: the file, or the table.
    place: String,
    /// By line (or id), each with its signature judged.
    list: Vec<(usize, Read)>,
    /// The public keys, for the report.
    public_keys: String,
    source: KeySource,
}

/// A checkpoint read for verification, with its signature checked: the heads it vouches for
/// (its chain's first, then the others it saw).
struct Read {
    heads: Vec<(String, i64, String)>,
    signature_ok: Result<(), CheckpointProblem>,
}

/// A checkpoint (or why the line is not one) with its signature checked against the key it
/// names.
fn judge_signature(
    line: usize,
    item: Result<Checkpoint, String>,
    public: &HashMap<String, VerifyingKey>,
) -> Read {
    match item {
        Ok(cp) => {
            let signature_ok = match public.get(&cp.key_id) {
                Some(key) if cp.signed_by(key) => Ok(()),
                _ => Err(CheckpointProblem::BadSignature { line }),
            };
            Read {
                heads: cp
                    .heads()
                    .map(|(chain, seq, head)| (chain.to_owned(), seq, head.to_owned()))
                    .collect(),
                signature_ok,
            }
        }
        Err(why) => Read {
            heads: Vec::new(),
            signature_ok: Err(CheckpointProblem::Unreadable { line, why }),
        },
    }
}

/// The checkpoint file's checkpoints by line (an unreadable line or a bad signature is kept as
/// the problem it is).
fn from_file(file: &Path, public: PublicKeys, source: KeySource) -> anyhow::Result<CheckpointSet> {
    let list = checkpoint::read_all(file)?
        .into_iter()
        .map(|(line, item)| (line, judge_signature(line, item, &public.by_id)))
        .collect();
    Ok(CheckpointSet {
        place: file.display().to_string(),
        list,
        public_keys: public.described,
        source,
    })
}

/// Verifies the records of every chain as they come, in chain order, noting the records the
/// checkpoints vouch for on the way (so a log of any size is checked in constant memory).
struct Collector<'k> {
    keys: &'k KeyRing,
    chains: Vec<ChainVerification>,
    checker: Option<Checker<'k>>,
    /// The MAC found at each (chain, seq) a checkpoint vouches for, by chain.
    wanted: HashMap<String, HashMap<i64, Option<String>>>,
    /// Which shared texts hold, by chain ([`TextCheck`]).
    texts: &'k HashMap<String, Vec<bool>>,
}

impl<'k> Collector<'k> {
    fn new(
        keys: &'k KeyRing,
        checkpoints: Option<&CheckpointSet>,
        texts: &'k HashMap<String, Vec<bool>>,
    ) -> Collector<'k> {
        let mut wanted: HashMap<String, HashMap<i64, Option<String>>> = HashMap::new();
        for (_, cp) in checkpoints.iter().flat_map(|c| &c.list) {
            for (chain, seq, _) in &cp.heads {
                wanted.entry(chain.clone()).or_default().insert(*seq, None);
            }
        }
        Collector {
            keys,
            chains: Vec::new(),
            checker: None,
            wanted,
            texts,
        }
    }

    /// The next record, in (chain, seq) order.
    fn push(&mut self, record: StoredRecord) {
        let mac = record.computed_mac(self.keys);
        self.push_computed(record, mac);
    }

    /// The next record, in (chain, seq) order, with its MAC recomputed.
    fn push_computed(&mut self, record: StoredRecord, computed: Option<String>) {
        let chain = record.chain.as_deref().unwrap_or_default();
        if self.checker.as_ref().is_none_or(|c| c.chain() != chain) {
            self.chains.extend(self.checker.take().map(Checker::finish));
            let texts = self.texts.get(chain).map_or(&[][..], Vec::as_slice);
            self.checker = Some(Checker::new(chain, self.keys).with_texts(texts));
        }
        if let Some(found) = self
            .wanted
            .get_mut(chain)
            .and_then(|seqs| seqs.get_mut(&record.seq))
        {
            found.clone_from(&record.mac);
        }
        if let Some(checker) = self.checker.as_mut() {
            checker.push_computed(record, computed);
        }
    }

    /// The chains, and the checkpoints measured against them.
    fn finish(mut self, checkpoints: Option<CheckpointSet>) -> Verification {
        self.chains.extend(self.checker.take().map(Checker::finish));
        let chains = self.chains;
        let wanted = self.wanted;
        let checkpoints = checkpoints.map(|set| {
            let mut report = CheckpointReport {
                file: set.place,
                public_key: set.public_keys,
                key_source: set.source,
                checked: 0,
                problem: None,
                unanchored: 0,
            };
            let mut newest: HashMap<&str, i64> = HashMap::new();
            for (line, item) in &set.list {
                report.checked += 1;
                let mut problem = item.signature_ok.clone().err();
                for (chain, seq, head) in &item.heads {
                    if problem.is_some() {
                        break;
                    }
                    let last = chains
                        .iter()
                        .find(|c| &c.chain == chain)
                        .and_then(|c| c.last.as_ref().map(|(seq, _)| *seq))
                        .unwrap_or(0);
                    if *seq > last {
                        problem = Some(CheckpointProblem::Shortened {
                            line: *line,
                            chain: chain.clone(),
                            seq: *seq,
                            last,
                        });
                    } else if wanted
                        .get(chain)
                        .and_then(|seqs| seqs.get(seq))
                        .and_then(Option::as_deref)
                        != Some(head.as_str())
                    {
                        problem = Some(CheckpointProblem::HeadMismatch {
                            line: *line,
                            chain: chain.clone(),
                            seq: *seq,
                        });
                    }
                }
                if report.problem.is_none() {
                    report.problem = problem;
                }
                for (chain, seq, _) in &item.heads {
                    let anchored = newest.entry(chain.as_str()).or_insert(0);
                    *anchored = (*anchored).max(*seq);
                }
            }
            report.unanchored = chains
                .iter()
                .map(|c| {
                    let last = c.last.as_ref().map_or(0, |(seq, _)| *seq);
                    let anchored = newest.get(c.chain.as_str()).copied().unwrap_or(0);
                    u64::try_from(last - anchored).unwrap_or(0)
                })
                .sum();
            report
        });
        Verification {
            chains,
            checkpoints,
        }
    }
}

/// Checks the shared texts of compact decisions as they come, in (chain, id) order: a text
/// holds if its id is the next of its chain (ids count from 1 without gaps) and its MAC holds
/// under its key. Memory: a flag per text.
struct TextCheck<'k> {
    keys: &'k KeyRing,
    by_chain: HashMap<String, Vec<bool>>,
}

impl<'k> TextCheck<'k> {
    fn new(keys: &'k KeyRing) -> TextCheck<'k> {
        TextCheck {
            keys,
            by_chain: HashMap::new(),
        }
    }

    fn push(&mut self, chain: &str, id: i64, text: &str, key_id: &str, mac: &str) {
        if !self.by_chain.contains_key(chain) {
            self.by_chain.insert(chain.to_owned(), Vec::new());
        }
        let Some(flags) = self.by_chain.get_mut(chain) else {
            return;
        };
        // Out of sequence (a gap before it, or a forged id): the texts from here on do not hold.
        if usize::try_from(id).ok() != Some(flags.len() + 1) {
            return;
        }
        let holds = self
            .keys
            .get(key_id)
            .is_some_and(|key| chain::text_mac(key, chain, id, text) == mac);
        flags.push(holds);
    }

    fn finish(self) -> HashMap<String, Vec<bool>> {
        self.by_chain
    }
}

/// A record with its MAC recomputed (`None`: its key is unknown).
type Hashed = (StoredRecord, Option<String>);

/// How many records a hashing worker takes at a time.
const HASH_BATCH: usize = 256;

/// Worker threads that recompute the records' MACs while the caller reads the rows; the
/// results come back in order, to the [`Collector`]. At most two batches wait per worker.
struct Hashers {
    to: Vec<SyncSender<Vec<StoredRecord>>>,
    from: Vec<Receiver<Vec<Hashed>>>,
    threads: Vec<JoinHandle<()>>,
    batch: Vec<StoredRecord>,
    sent: usize,
    received: usize,
}

impl Hashers {
    /// One worker per core (at most 8).
    fn start(keys: &KeyRing) -> anyhow::Result<Hashers> {
        let keys = Arc::new(keys.clone());
        let workers = std::thread::available_parallelism().map_or(1, |n| n.get().clamp(1, 8));
        let mut hashers = Hashers {
            to: Vec::with_capacity(workers),
            from: Vec::with_capacity(workers),
            threads: Vec::with_capacity(workers),
            batch: Vec::with_capacity(HASH_BATCH),
            sent: 0,
            received: 0,
        };
        for _ in 0..workers {
            let (to, work) = mpsc::sync_channel::<Vec<StoredRecord>>(2);
            let (done, from) = mpsc::sync_channel(2);
            let keys = Arc::clone(&keys);
            let thread = std::thread::Builder::new()
                .name("audit-verify".to_owned())
                .spawn(move || {
                    for batch in work {
                        let hashed: Vec<Hashed> = batch
                            .into_iter()
                            .map(|r| {
                                let mac = r.computed_mac(&keys);
                                (r, mac)
                            })
                            .collect();
                        if done.send(hashed).is_err() {
                            return;
                        }
                    }
                })
                .context("cannot start a verification thread")?;
            hashers.to.push(to);
            hashers.from.push(from);
            hashers.threads.push(thread);
        }
        Ok(hashers)
    }

    fn push(&mut self, record: StoredRecord, collector: &mut Collector<'_>) -> anyhow::Result<()> {
        self.batch.push(record);
        if self.batch.len() >= HASH_BATCH {
            self.send(collector)?;
        }
        Ok(())
    }

    fn send(&mut self, collector: &mut Collector<'_>) -> anyhow::Result<()> {
        let workers = self.to.len();
        while self.sent - self.received >= 2 * workers {
            self.receive(collector)?;
        }
        let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(HASH_BATCH));
        let stopped = || anyhow::anyhow!("a verification thread stopped");
        self.to
            .get(self.sent % workers)
            .ok_or_else(stopped)?
            .send(batch)
            .map_err(|_| stopped())?;
        self.sent += 1;
        Ok(())
    }

    fn receive(&mut self, collector: &mut Collector<'_>) -> anyhow::Result<()> {
        let stopped = || anyhow::anyhow!("a verification thread stopped");
        let hashed = self
            .from
            .get(self.received % self.from.len())
            .ok_or_else(stopped)?
            .recv()
            .map_err(|_| stopped())?;
        self.received += 1;
        for (record, mac) in hashed {
            collector.push_computed(record, mac);
        }
        Ok(())
    }

    /// Hashes what is left, hands every result to `collector`, and stops the workers.
    fn finish(mut self, collector: &mut Collector<'_>) -> anyhow::Result<()> {
        if !self.batch.is_empty() {
            self.send(collector)?;
        }
        while self.received < self.sent {
            self.receive(collector)?;
        }
        self.to.clear();
        for thread in self.threads.drain(..) {
            if thread.join().is_err() {
                bail!("a verification thread panicked");
            }
        }
        Ok(())
    }
}

impl BreakReason {
    /// Why, in `lang`.
    pub fn describe(&self, lang: Lang) -> String {
        match self {
            BreakReason::BeforeStart { seq } => {
                say(lang, "audit-before-start", &[("seq", seq.to_string())])
            }
            BreakReason::Missing { from, to } if from == to => {
                say(lang, "audit-missing-one", &[("seq", from.to_string())])
            }
            BreakReason::Missing { from, to } => say(
                lang,
                "audit-missing-range",
                &[("from", from.to_string()), ("to", to.to_string())],
            ),
            BreakReason::NotText { column } => {
                say(lang, "audit-not-text", &[("column", (*column).to_owned())])
            }
            BreakReason::NotChainStart => say(lang, "audit-not-chain-start", &[]),
            BreakReason::NotLinked { previous } => say(
                lang,
                "audit-not-linked",
                &[("previous", previous.to_string())],
            ),
            BreakReason::UnknownKey { key_id } => {
                say(lang, "audit-unknown-key", &[("key", key_id.clone())])
            }
            BreakReason::MacMismatch => say(lang, "audit-mac-mismatch", &[]),
            BreakReason::BadEncoding => say(lang, "audit-bad-encoding", &[]),
            BreakReason::TextUnverified { id } => {
                say(lang, "audit-text-unverified", &[("id", id.to_string())])
            }
        }
    }
}

impl fmt::Display for BreakReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe(Lang::En))
    }
}

impl CheckpointProblem {
    /// What is wrong, in `lang`.
    pub fn describe(&self, lang: Lang) -> String {
        match self {
            CheckpointProblem::Unreadable { line, why } => say(
                lang,
                "audit-cp-unreadable",
                &[("line", line.to_string()), ("detail", why.clone())],
            ),
            CheckpointProblem::BadSignature { line } => say(
                lang,
                "audit-cp-bad-signature",
                &[("line", line.to_string())],
            ),
            CheckpointProblem::Shortened {
                line,
                chain,
                seq,
                last,
            } if *last == 0 => say(
                lang,
                "audit-cp-emptied",
                &[
                    ("line", line.to_string()),
                    ("chain", chain.clone()),
                    ("seq", seq.to_string()),
                ],
            ),
            CheckpointProblem::Shortened {
                line,
                chain,
                seq,
                last,
            } => say(
                lang,
                "audit-cp-shortened",
                &[
                    ("line", line.to_string()),
                    ("chain", chain.clone()),
                    ("seq", seq.to_string()),
                    ("last", last.to_string()),
                ],
            ),
            CheckpointProblem::HeadMismatch { line, chain, seq } => say(
                lang,
                "audit-cp-head-mismatch",
                &[
                    ("line", line.to_string()),
                    ("chain", chain.clone()),
                    ("seq", seq.to_string()),
                ],
            ),
        }
    }
}

impl Verification {
    /// The report `datalex audit verify` prints, in `lang`: per chain, `ok` with its record
    /// count and last MAC, or the first broken record and why; then the checkpoints (or that
    /// none were checked, and what that leaves undetected); then the verdict.
    pub fn report(&self, lang: Lang) -> String {
        let mut out = String::new();
        let mut line = |text: String| {
            out.push_str(&text);
            out.push('\n');
        };
        if self.chains.is_empty() {
            line(say(lang, "audit-empty", &[]));
        }
        for c in &self.chains {
            let records = c.records.to_string();
            match &c.outcome {
                Outcome::Intact => line(say(
                    lang,
                    "audit-chain-ok",
                    &[("chain", c.chain.clone()), ("records", records.clone())],
                )),
                Outcome::Broken(b) => {
                    let id = b
                        .decision_id
                        .clone()
                        .filter(|id| !id.is_empty())
                        .unwrap_or_else(|| say(lang, "audit-id-unreadable", &[]));
                    line(say(
                        lang,
                        "audit-chain-broken",
                        &[
                            ("chain", c.chain.clone()),
                            ("seq", b.seq.to_string()),
                            ("id", id),
                            ("reason", b.reason.describe(lang)),
                        ],
                    ));
                    line(say(
                        lang,
                        "audit-intact-before",
                        &[("intact", c.intact.to_string()), ("records", records)],
                    ));
                }
            }
            if let Some((seq, mac)) = &c.last {
                line(say(
                    lang,
                    "audit-last-mac",
                    &[("seq", seq.to_string()), ("mac", mac.clone())],
                ));
            }
        }
        match &self.checkpoints {
            None => line(say(lang, "audit-no-checkpoints", &[])),
            Some(cp) => {
                let file = cp.file.clone();
                let key = cp.public_key.clone();
                match &cp.problem {
                    None => line(say(
                        lang,
                        "audit-cp-ok",
                        &[
                            ("count", cp.checked.to_string()),
                            ("file", file),
                            ("key", key.clone()),
                        ],
                    )),
                    Some(problem) => line(say(
                        lang,
                        "audit-cp-broken",
                        &[("file", file), ("problem", problem.describe(lang))],
                    )),
                }
                if cp.unanchored > 0 {
                    line(say(
                        lang,
                        "audit-unanchored",
                        &[("count", cp.unanchored.to_string())],
                    ));
                }
                match cp.key_source {
                    KeySource::Given => {}
                    KeySource::BesideLog => {
                        line(say(lang, "audit-key-beside-log", &[("key", key)]));
                    }
                    KeySource::FromStore => {
                        line(say(lang, "audit-key-from-store", &[("key", key)]));
                    }
                }
            }
        }
        line(if self.is_intact() {
            say(lang, "audit-verdict-ok", &[])
        } else {
            say(lang, "audit-verdict-broken", &[])
        });
        out
    }
}

/// The report in English (see [`Verification::report`]).
impl fmt::Display for Verification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.report(Lang::En))
    }
}
