//! `datalex audit verify`: reading a log file through the [chain](super::chain) checker, with
//! the key file, and against the signed [checkpoints](super::checkpoint); and the report, in the
//! reader's language, rendered here and nowhere else.

use super::chain::{BreakReason, ChainVerification, Checker, Outcome};
use super::checkpoint::{self, Checkpoint};
use super::keys::{self, KeyRing};
use super::schema::{check_format, open_read_only, stored_record, SELECT_ALL};
use crate::words::say;
use anyhow::{bail, Context as _};
use datalex_i18n::Lang;
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// What to verify a log with.
#[derive(Debug, Clone)]
pub struct VerifyOptions {
    /// The MAC key file (default `<log>.keys`).
    pub key_file: PathBuf,
    /// The checkpoint file, if one is checked.
    pub checkpoints: Option<PathBuf>,
    /// The public key that signed the checkpoints (default: the one beside the log,
    /// `<log>.signing-key.pub`).
    pub public_key: Option<PathBuf>,
}

impl VerifyOptions {
    /// The key file beside the log, no checkpoints.
    pub fn beside(log: &Path) -> VerifyOptions {
        VerifyOptions {
            key_file: super::beside(log, ".keys"),
            checkpoints: None,
            public_key: None,
        }
    }
}

/// What is wrong with the checkpoints, or the log measured against them (the first found).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckpointProblem {
    /// A line is not a checkpoint.
    Unreadable {
        /// Its line number.
        line: usize,
        /// Why.
        why: String,
    },
    /// A checkpoint's signature does not hold under the public key.
    BadSignature {
        /// Its line number.
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

/// What checking the checkpoints found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckpointReport {
    /// The checkpoint file.
    pub file: PathBuf,
    /// The public key file the signatures were checked with.
    pub public_key: PathBuf,
    /// Whether that is the default one beside the log (which a forger on the machine could
    /// have replaced along with the checkpoints).
    pub public_key_beside_log: bool,
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
    if !options.key_file.exists() {
        bail!(
            "no key file at {}: the records' MACs cannot be checked without the service's key \
             file (`--key-file`)",
            options.key_file.display()
        );
    }
    let keys = KeyRing::read(&options.key_file)?;

    // The checkpoints first: the records at their sequence numbers are noted on the way.
    let checkpoints = match &options.checkpoints {
        Some(file) => Some(read_checkpoints(path, file, options.public_key.as_deref())?),
        None => None,
    };
    let mut wanted: HashMap<(String, i64), Option<String>> = HashMap::new();
    if let Some((_, list, _)) = &checkpoints {
        for (_, cp) in list {
            wanted.insert((cp.chain.clone(), cp.seq), None);
        }
    }

    let mut stmt = conn.prepare(SELECT_ALL).with_context(context)?;
    let mut rows = stmt.query([]).with_context(context)?;
    let mut chains = Vec::new();
    let mut checker: Option<Checker<'_>> = None;
    while let Some(row) = rows.next().with_context(context)? {
        let record = stored_record(row).with_context(context)?;
        let chain = record.chain.clone().unwrap_or_default();
        if checker.as_ref().is_none_or(|c| c.chain() != chain) {
            chains.extend(checker.take().map(Checker::finish));
            checker = Some(Checker::new(&chain, &keys));
        }
        if let Some(found) = wanted.get_mut(&(chain, record.seq)) {
            *found = record.mac.clone();
        }
        if let Some(checker) = checker.as_mut() {
            checker.push(record);
        }
    }
    chains.extend(checker.map(Checker::finish));

    let checkpoints = checkpoints.map(|(file, list, (public_key, beside_log))| {
        let mut report = CheckpointReport {
            file,
            public_key,
            public_key_beside_log: beside_log,
            checked: 0,
            problem: None,
            unanchored: 0,
        };
        let mut newest: HashMap<&str, i64> = HashMap::new();
        for (line, item) in &list {
            report.checked += 1;
            let last = chains
                .iter()
                .find(|c| c.chain == item.chain)
                .and_then(|c| c.last.as_ref().map(|(seq, _)| *seq))
                .unwrap_or(0);
            let problem = if let Err(why) = &item.signature_ok {
                Some(why.clone())
            } else if item.seq > last {
                Some(CheckpointProblem::Shortened {
                    line: *line,
                    chain: item.chain.clone(),
                    seq: item.seq,
                    last,
                })
            } else if wanted
                .get(&(item.chain.clone(), item.seq))
                .and_then(Option::as_deref)
                != Some(item.head.as_str())
            {
                Some(CheckpointProblem::HeadMismatch {
                    line: *line,
                    chain: item.chain.clone(),
                    seq: item.seq,
                })
            } else {
                None
            };
            if report.problem.is_none() {
                report.problem = problem;
            }
            let seq = newest.entry(item.chain.as_str()).or_insert(0);
            *seq = (*seq).max(item.seq);
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
    Ok(Verification {
        chains,
        checkpoints,
    })
}

/// A checkpoint read for verification, with its signature checked.
struct Read {
    chain: String,
    seq: i64,
    head: String,
    signature_ok: Result<(), CheckpointProblem>,
}

/// The checkpoint file, its checkpoints by line (an unreadable line or a bad signature is kept
/// as the problem it is), and the public key file used (and whether it is the default beside
/// the log).
#[allow(
    clippy::type_complexity,
    reason = "a private helper's one return value, destructured at once"
)]
fn read_checkpoints(
    log: &Path,
    file: &Path,
    public_key: Option<&Path>,
) -> anyhow::Result<(PathBuf, Vec<(usize, Read)>, (PathBuf, bool))> {
    let (public_path, beside_log) = match public_key {
        Some(p) => (p.to_path_buf(), false),
        None => (
            keys::public_key_path(&super::beside(log, ".signing-key")),
            true,
        ),
    };
    if !public_path.exists() {
        bail!(
            "no public key at {}: pass the checkpoints' public key with `--public-key`",
            public_path.display()
        );
    }
    let public = keys::read_public_key(&public_path)?;
    let mut out = Vec::new();
    for (line, item) in checkpoint::read_all(file)? {
        let read = match item {
            Ok(cp) => {
                let signature_ok = if cp.signed_by(&public) {
                    Ok(())
                } else {
                    Err(CheckpointProblem::BadSignature { line })
                };
                let Checkpoint {
                    chain, seq, head, ..
                } = cp;
                Read {
                    chain,
                    seq,
                    head,
                    signature_ok,
                }
            }
            Err(why) => Read {
                chain: String::new(),
                seq: 0,
                head: String::new(),
                signature_ok: Err(CheckpointProblem::Unreadable { line, why }),
            },
        };
        out.push((line, read));
    }
    Ok((file.to_path_buf(), out, (public_path, beside_log)))
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
                let file = cp.file.display().to_string();
                let key = cp.public_key.display().to_string();
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
                if cp.public_key_beside_log {
                    line(say(lang, "audit-key-beside-log", &[("key", key)]));
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
