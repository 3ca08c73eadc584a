//! The tamper-evident decision log: 来源可溯、去向可查、行为留痕、责任可究.
//!
//! Every decision the service makes is stored with its request (its contract fields, as
//! parsed), decision id, time, jurisdiction, policy version and caller in an embedded SQLite
//! database (WAL mode) or in PostgreSQL, one row of `records(chain, seq, decision_id, time,
//! jurisdiction, policy_version, caller, request, decision, key_id, prev_mac, mac)` per
//! decision. Each row is
//! chained to the one before it in its chain by a keyed MAC ([`chain`]): HMAC-SHA256 under a key
//! of the key file ([`keys`]) over the previous MAC and the row's fields, so nobody without the
//! key can edit, insert or re-chain a record. The chain's head is signed into a separate
//! checkpoint file every N records or T seconds and at shutdown ([`checkpoint`], ed25519), so
//! shortening the log, emptying it or rewriting it from some record on is detected against the
//! checkpoints (`datalex audit verify --checkpoint`).
//!
//! **Durable before answered.** [`DecisionLog::submit`] queues records (a bounded queue: a full
//! one is refused) for the writer thread, which commits every queued record in one transaction
//! (group commit) with `synchronous=FULL`, and then wakes each waiter ([`Receipt::durable`]).
//! The service answers a decision only once its record is committed, or 503
//! `decision_log_unavailable` if it cannot be; a failed write marks the log unavailable
//! ([`DecisionLog::is_available`], `/readyz`) until a write or a probe succeeds. The
//! asynchronous mode ([`LogMode::Async`]) answers without waiting (and commits with
//! `synchronous=NORMAL`): what was queued but not committed when the process dies is lost.
//!
//! **In PostgreSQL** ([`DecisionLog::open_postgres`], `serve --store postgres://… --replica
//! ID`) the same rows, MACs and guarantees hold for a deployment of several replicas: each
//! writes its own chain (chain id = replica id) so none waits on another, a group is one
//! transaction whose `COMMIT` the answers wait for, a replica restarted continues its chain from
//! the stored tail, any replica reads any replica's decisions through a pool, and checkpoints
//! are stored in the database too, each also signing the heads of the other chains it sees.
//! The key file and the signing key stay local files.
//!
//! The module is split by concern: [`schema`] (the tables, the typed [`Record`]), [`chain`]
//! (the MAC and the verification of one chain, pure), [`keys`] (key files, MAC, encryption,
//! signing), [`checkpoint`] (signed checkpoints), the writer thread ([`writer`]), the
//! PostgreSQL side (`postgres`: the writer's connection and the readers' pool), and
//! [`verify`](verify()) / [`verify_store`] (reading a log file, or every chain in PostgreSQL,
//! and the checkpoints into a typed [`Verification`], whose [`report`](Verification::report) is
//! what `datalex audit verify` prints).

pub mod chain;
pub mod checkpoint;
pub mod keys;
mod postgres;
mod sched;
pub mod schema;
pub mod stored;
pub mod texts;
mod verify;
mod wal;
pub mod writer;

pub use chain::{Break, BreakReason, ChainVerification, Outcome, GENESIS_MAC};
pub use postgres::host_name;
pub use schema::Record;
pub use verify::{
    verify, verify_client, verify_store, CheckpointProblem, CheckpointReport, KeySource,
    Verification, VerifyOptions,
};
pub use writer::MAX_BATCH;

use crate::metrics::LogMetrics;
use anyhow::{anyhow, bail, Context as _};
use keys::{KeyRing, Signer};
use postgres::{PgReader, PgWriter};
use rusqlite::{Connection, OpenFlags, OptionalExtension as _};
use schema::{check_format, tail, READ_BUSY_TIMEOUT, SCHEMA};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use texts::Interner;
use tokio::sync::oneshot;
use writer::{Checkpoints, Writer};

/// When a decision is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogMode {
    /// Once its record is committed and synced (the default).
    #[default]
    Durable,
    /// At once; the record is committed soon after (lost if the process dies first).
    Async,
}

impl std::str::FromStr for LogMode {
    type Err = String;
    fn from_str(s: &str) -> Result<LogMode, String> {
        match s {
            "durable" => Ok(LogMode::Durable),
            "async" => Ok(LogMode::Async),
            other => Err(format!("`{other}`: expected `durable` or `async`")),
        }
    }
}

/// What is stored encrypted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Encrypt {
    /// Nothing (the default).
    #[default]
    None,
    /// The request.
    Request,
    /// The request and the decision.
    All,
}

/// How a log is opened: the files beside it, the mode, the checkpoints.
#[derive(Debug, Clone)]
pub struct LogOptions {
    /// When a decision is answered.
    pub mode: LogMode,
    /// This writer's chain.
    pub chain: String,
    /// The MAC (and encryption) key file; created with a fresh key if absent.
    pub key_file: PathBuf,
    /// The checkpoint signing key; created if absent (its public key beside it, `.pub`).
    pub signing_key: PathBuf,
    /// The checkpoint file (append-only).
    pub checkpoints: PathBuf,
    /// A checkpoint every this many records…
    pub checkpoint_every: u64,
    /// …or this long after the last one, whichever comes first (if records came).
    pub checkpoint_interval: Duration,
    /// What is stored encrypted.
    pub encrypt: Encrypt,
    /// The most records queued and not yet committed; more are refused.
    pub queue: usize,
    /// How long the writer waits for another connection's write lock before the write fails.
    pub busy_timeout: Duration,
}

/// `path` with `suffix` appended to its file name (`decisions.db` → `decisions.db.keys`).
pub fn beside(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

impl LogOptions {
    /// The defaults for the log at `path`: durable, chain `main`, the key file
    /// `<log>.keys`, the signing key `<log>.signing-key`, the checkpoints `<log>.checkpoints`,
    /// a checkpoint every 10,000 records or 60 s, nothing encrypted, 65,536 queued records, a
    /// 2 s busy timeout.
    pub fn beside(path: &Path) -> LogOptions {
        LogOptions {
            mode: LogMode::Durable,
            chain: "main".to_owned(),
            key_file: beside(path, ".keys"),
            signing_key: beside(path, ".signing-key"),
            checkpoints: beside(path, ".checkpoints"),
            checkpoint_every: 10_000,
            checkpoint_interval: Duration::from_secs(60),
            encrypt: Encrypt::None,
            queue: 65_536,
            busy_timeout: Duration::from_secs(2),
        }
    }
}

/// A record ready for the writer: its texts as they will be stored.
struct Entry {
    decision_id: String,
    time: String,
    jurisdiction: String,
    policy_version: String,
    caller: Option<String>,
    /// As stored (compact JSON, or encrypted).
    request: String,
    /// The decision, to be stored whole, compact or encrypted.
    decision: StoredDecision,
}

/// A decision as the writer gets it.
enum StoredDecision {
    /// Its JSON as answered, and the pieces of it to store as shared texts (none: stored whole).
    Plain {
        text: Arc<String>,
        shared: Vec<(u32, u32)>,
    },
    /// Encrypted, stored whole.
    Sealed(String),
}

/// A stored row as `get` reads it: decision as stored, caller, chain.
type Row = (String, Option<String>, String);

/// A shared text as read back: id, text, key id, MAC.
type TextRead = (i64, String, String, String);

/// Records submitted together, and who waits for their commit.
struct Prepared {
    entries: Vec<Entry>,
    waiter: Option<oneshot::Sender<Result<(), String>>>,
}

/// What the writer thread is asked to do, in order.
enum Msg {
    Append(Prepared),
    /// Answer once everything sent before is committed (or report why not).
    Flush(SyncSender<Result<(), String>>),
    /// Write a checkpoint now (if records came since the last).
    Checkpoint(SyncSender<Result<(), String>>),
    Stop,
}

/// Decisions submitted but not yet committed (asynchronous mode), by decision id: the decision
/// JSON and the caller.
type Pending = Arc<Mutex<HashMap<String, (Arc<String>, Option<String>)>>>;

/// A record to log with its JSON already rendered (the service has it so: the decision as
/// answered, serialised once for the answer and the log alike).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The decision id.
    pub decision_id: String,
    /// When it was decided (RFC 3339, UTC).
    pub time: String,
    /// The jurisdiction that decided.
    pub jurisdiction: String,
    /// The policy version that decided.
    pub policy_version: String,
    /// The authenticated caller (`None` when the service runs open).
    pub caller: Option<String>,
    /// The request's contract fields, compact JSON ([`stored::contract_request`]).
    pub request: String,
    /// The decision as answered, compact JSON.
    pub decision: Arc<String>,
    /// Byte ranges of `decision` (ascending, apart) that recur from one decision to the next —
    /// each step of the trace, the reasons, the obligations… — which the log stores once as
    /// shared texts and refers to ([`texts`]); empty: the decision is stored whole.
    pub shared: Vec<(u32, u32)>,
}

impl Record {
    /// Its JSON rendered (stored whole: no shared pieces).
    pub fn render(self) -> Rendered {
        Rendered {
            decision: Arc::new(self.decision.to_string()),
            shared: Vec::new(),
            request: self.request.to_string(),
            decision_id: self.decision_id,
            time: self.time,
            jurisdiction: self.jurisdiction,
            policy_version: self.policy_version,
            caller: self.caller,
        }
    }
}

/// Whether the log can be written, shared by the writer (which sets it) and the handlers.
#[derive(Debug, Default)]
struct Health {
    failing: AtomicBool,
    why: Mutex<Option<String>>,
}

impl Health {
    fn is_failing(&self) -> bool {
        self.failing.load(Ordering::SeqCst)
    }

    fn set_failing(&self, why: &str) {
        *lock(&self.why) = Some(why.to_owned());
        self.failing.store(true, Ordering::SeqCst);
    }

    /// Marks the log available; whether it was failing.
    fn set_available(&self) -> bool {
        self.failing.swap(false, Ordering::SeqCst)
    }

    fn why(&self) -> String {
        lock(&self.why)
            .clone()
            .unwrap_or_else(|| "the decision log cannot be written".to_owned())
    }
}

/// Why a decision cannot be logged: the service answers 503 `decision_log_unavailable`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Unavailable(pub String);

/// A logged decision as [`DecisionLog::get`] answers it.
#[derive(Debug, Clone, PartialEq)]
pub struct Logged {
    /// The decision as answered.
    pub decision: serde_json::Value,
    /// The caller that asked (`None` when the service ran open).
    pub caller: Option<String>,
}

/// A logged decision as [`DecisionLog::recent`] lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Recent {
    /// The decision id.
    pub decision_id: String,
    /// When it was decided.
    pub time: String,
    /// The jurisdiction that decided.
    pub jurisdiction: String,
    /// The caller that asked (`None` when the service ran open).
    pub caller: Option<String>,
    /// Its effect (`permit`, `deny`, `review`); `None` when the decision cannot be read (its
    /// key is not in the key file, or it is not JSON).
    pub effect: Option<String>,
}

/// The promise of a submission: [`durable`](Receipt::durable) waits for its commit.
#[derive(Debug)]
pub struct Receipt {
    waiter: Option<oneshot::Receiver<Result<(), String>>>,
    /// The log's file or database, for messages.
    log: String,
}

impl Receipt {
    /// Waits (at most `limit`) until the records are committed; in the asynchronous mode,
    /// returns at once.
    pub async fn durable(self, limit: Duration) -> Result<(), Unavailable> {
        let Some(waiter) = self.waiter else {
            return Ok(());
        };
        match tokio::time::timeout(limit, waiter).await {
            Ok(Ok(Ok(()))) => Ok(()),
            Ok(Ok(Err(why))) => Err(Unavailable(why)),
            Ok(Err(_)) => Err(Unavailable(format!(
                "the decision log writer for {} has stopped",
                self.log
            ))),
            Err(_) => Err(Unavailable(format!(
                "the decision log {} did not commit within {} ms",
                self.log,
                limit.as_millis()
            ))),
        }
    }

    /// Blocks until the records are committed (not from inside an async runtime).
    pub fn wait(self) -> Result<(), Unavailable> {
        let Some(waiter) = self.waiter else {
            return Ok(());
        };
        match waiter.blocking_recv() {
            Ok(Ok(())) => Ok(()),
            Ok(Err(why)) => Err(Unavailable(why)),
            Err(_) => Err(Unavailable(format!(
                "the decision log writer for {} has stopped",
                self.log
            ))),
        }
    }
}

/// The decision log of a running service: [`submit`](DecisionLog::submit) queues, a writer
/// thread commits in groups. `Send + Sync`, so one log serves every request handler (behind an
/// `Arc`).
///
/// One chain should have one writer at a time: two writers on the same chain of the same file
/// (two processes, say) still keep one unbroken chain, since each group reads the chain's tail
/// inside its write transaction, but their checkpoints interleave.
pub struct DecisionLog {
    sender: SyncSender<Msg>,
    writer: Option<JoinHandle<()>>,
    pending: Pending,
    queued: Arc<AtomicUsize>,
    health: Arc<Health>,
    metrics: LogMetrics,
    keys: Arc<KeyRing>,
    options: LogOptions,
    /// For `get` and `len`, apart from the writer's connection.
    reader: Reader,
    /// The log's file, or the database without its password: for messages.
    path: String,
    notes: Vec<String>,
    /// The SQLite log's WAL checkpointer ([`wal`]); stopped after the writer (fields drop
    /// after [`Drop::drop`] has joined it).
    _folder: Option<wal::Folder>,
}

impl DecisionLog {
    /// Opens (creating if needed, `0600`) the log at `path` with the default options beside it.
    pub fn open(path: &Path) -> anyhow::Result<DecisionLog> {
        DecisionLog::open_with(path, LogOptions::beside(path), LogMetrics::default())
    }

    /// Opens (creating if needed) the log at `path`, its key file and signing key (each created
    /// `0600` with a fresh key if absent: [`notes`](DecisionLog::notes) says so), and starts
    /// the writer.
    ///
    /// Creates missing parent directories. Fails if the file is not an SQLite database, is a log
    /// of the old format, cannot be written, or if the last record's MAC is unreadable.
    pub fn open_with(
        path: &Path,
        options: LogOptions,
        metrics: LogMetrics,
    ) -> anyhow::Result<DecisionLog> {
        if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create the directory {}", dir.display()))?;
        }
        let context = || format!("cannot open the decision log {}", path.display());
        // Created 0600 before SQLite opens it, so it is never readable by others.
        keys::private_options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .with_context(context)?;
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .with_context(context)?;
        if conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(true) {
            bail!(
                "cannot open the decision log {}: it cannot be written (read-only file or directory)",
                path.display()
            );
        }
        conn.busy_timeout(options.busy_timeout)
            .with_context(context)?;
        check_format(&conn, path).with_context(context)?;
        let mode: String = conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))
            .with_context(context)?;
        if !mode.eq_ignore_ascii_case("wal") {
            bail!(
                "cannot open the decision log {}: journal mode {mode}, not WAL",
                path.display()
            );
        }
        let synchronous = match options.mode {
            LogMode::Durable => "FULL",
            LogMode::Async => "NORMAL",
        };
        conn.pragma_update(None, "synchronous", synchronous)
            .with_context(context)?;
        conn.execute_batch(SCHEMA).with_context(context)?;
        let folder = wal::Folder::start(path, synchronous)?;
        for suffix in ["", "-wal", "-shm"] {
            let file = beside(path, suffix);
            if file.exists() {
                keys::set_private(&file)?;
            }
        }
        let head = tail(&conn, &options.chain).with_context(context)?;

        let (keys, signer, mut notes) = open_keys(&options)?;
        let last = checkpoint::last_of(&options.checkpoints, &options.chain)?;
        if let Some(cp) = &last {
            if cp.seq > head.0 {
                notes.push(format!(
                    "the decision log {} ends at record #{} of chain `{}`, but a checkpoint in \
                     {} was written at #{}: the log was shortened or replaced \
                     (`datalex audit verify --checkpoint` tells more)",
                    path.display(),
                    head.0,
                    options.chain,
                    options.checkpoints.display(),
                    cp.seq
                ));
            }
        }

        let reader = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .with_context(context)?;
        reader
            .busy_timeout(READ_BUSY_TIMEOUT)
            .with_context(context)?;

        let keys = Arc::new(keys);
        let pending = Pending::default();
        let queued = Arc::new(AtomicUsize::new(0));
        let health = Arc::new(Health::default());
        metrics.available.set(1);
        let (sender, receiver) = mpsc::sync_channel(options.queue.max(1));
        let writer = Writer {
            store: conn,
            interner: Interner::default(),
            receiver,
            pending: Arc::clone(&pending),
            queued: Arc::clone(&queued),
            health: Arc::clone(&health),
            metrics: metrics.clone(),
            keys: Arc::clone(&keys),
            chain: options.chain.clone(),
            checkpoints: Checkpoints {
                signer,
                path: options.checkpoints.clone(),
                every: options.checkpoint_every.max(1),
                interval: options.checkpoint_interval,
                last_seq: last.map_or(0, |cp| cp.seq.min(head.0)),
                last_time: Instant::now(),
            },
            path: path.display().to_string(),
            unreported: None,
            head,
        };
        let writer = std::thread::Builder::new()
            .name("decision-log".to_owned())
            .spawn(move || {
                sched::as_batch();
                writer.run();
            })
            .context("cannot start the decision log writer")?;
        Ok(DecisionLog {
            sender,
            writer: Some(writer),
            pending,
            queued,
            health,
            metrics,
            keys,
            options,
            reader: Reader::Sqlite(Mutex::new(reader), path.to_path_buf()),
            path: path.display().to_string(),
            notes,
            _folder: Some(folder),
        })
    }

    /// Opens the decision log in the PostgreSQL database at `url` (`postgres://…`): applies
    /// the migrations, registers this writer's chain (`options.chain`, the replica id) and its
    /// checkpoint signing key, reads the chain's tail (a replica restarted, also after
    /// `kill -9`, continues its chain), and starts the writer and the pool of readers. The key
    /// file, the signing key and the checkpoint file are the local files of `options`, as for
    /// SQLite; the checkpoints are also stored in the database.
    ///
    /// Fails if the database cannot be reached or migrated, or holds a log of another format.
    pub fn open_postgres(
        url: &str,
        options: LogOptions,
        metrics: LogMetrics,
    ) -> anyhow::Result<DecisionLog> {
        let location = crate::pg::redact(url);
        if options.chain.is_empty() {
            bail!("the replica id (the chain of the decision log in {location}) is empty");
        }
        let (keys, signer, mut notes) = open_keys(&options)?;
        let file_last = checkpoint::last_of(&options.checkpoints, &options.chain)?;
        let keys = Arc::new(keys);
        let pending = Pending::default();
        let queued = Arc::new(AtomicUsize::new(0));
        let health = Arc::new(Health::default());
        let (sender, receiver) = mpsc::sync_channel(options.queue.max(1));
        let (opened, on_open) = mpsc::sync_channel(1);
        let writer = {
            let (url, chain) = (url.to_owned(), options.chain.clone());
            let asynchronous = options.mode == LogMode::Async;
            let (pending, queued, health) = (
                Arc::clone(&pending),
                Arc::clone(&queued),
                Arc::clone(&health),
            );
            let (metrics, keys) = (metrics.clone(), Arc::clone(&keys));
            let (path, every, interval) = (
                options.checkpoints.clone(),
                options.checkpoint_every.max(1),
                options.checkpoint_interval,
            );
            let location = location.clone();
            std::thread::Builder::new()
                .name("decision-log".to_owned())
                .spawn(move || {
                    sched::as_batch();
                    let public = signer.public_hex();
                    let id = signer.id.clone();
                    let pg = match PgWriter::open(&url, &chain, (&id, &public), asynchronous) {
                        Ok(pg) => pg,
                        Err(e) => {
                            let _ = opened.send(Err(e));
                            return;
                        }
                    };
                    let last = [pg.last_checkpoint.map(|c| c.seq), file_last.map(|c| c.seq)]
                        .into_iter()
                        .flatten()
                        .max();
                    let _ = opened.send(Ok((pg.head.clone(), last)));
                    Writer {
                        store: pg.writer,
                        interner: Interner::default(),
                        receiver,
                        pending,
                        queued,
                        health,
                        metrics,
                        keys,
                        checkpoints: Checkpoints {
                            signer,
                            path,
                            every,
                            interval,
                            last_seq: last.map_or(0, |seq| seq.min(pg.head.0)),
                            last_time: Instant::now(),
                        },
                        chain,
                        path: location,
                        unreported: None,
                        head: pg.head,
                    }
                    .run();
                })
                .context("cannot start the decision log writer")?
        };
        let (head, last) = match on_open.recv() {
            Ok(Ok(found)) => found,
            Ok(Err(e)) => {
                let _ = writer.join();
                return Err(e);
            }
            Err(_) => bail!("the decision log writer for {location} stopped while opening"),
        };
        if let Some(seq) = last.filter(|seq| *seq > head.0) {
            notes.push(format!(
                "the decision log in {location} ends at record #{} of chain `{}`, but a \
                 checkpoint was written at #{seq}: the log was shortened or replaced \
                 (`datalex audit verify --store` tells more)",
                head.0, options.chain
            ));
        }
        let reader = PgReader::start(url, READ_POOL)?;
        metrics.available.set(1);
        Ok(DecisionLog {
            sender,
            writer: Some(writer),
            pending,
            queued,
            health,
            metrics,
            keys,
            options,
            reader: Reader::Postgres(reader),
            path: location,
            notes,
            _folder: None,
        })
    }

    /// What opening the log created (keys), for the operator.
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// The mode: whether answers wait for the commit.
    pub fn mode(&self) -> LogMode {
        self.options.mode
    }

    /// The options the log was opened with.
    pub fn options(&self) -> &LogOptions {
        &self.options
    }

    /// Whether the last write (or probe) succeeded: `/readyz`.
    pub fn is_available(&self) -> bool {
        !self.health.is_failing()
    }

    /// Why the log is unavailable, if it is.
    pub fn unavailable(&self) -> Option<String> {
        self.health.is_failing().then(|| self.health.why())
    }

    /// Queues records to be committed together; never blocks on the disk. Refused (nothing is
    /// queued) if the log is failing, the queue is full or the writer has stopped.
    ///
    /// The records are (if configured) encrypted here, on the caller's thread; the writer MACs
    /// and commits them. In the durable mode the [`Receipt`] resolves once they are committed;
    /// in the asynchronous mode at once (and [`get`](Self::get) finds them before they are
    /// written).
    pub fn submit(&self, records: Vec<Rendered>) -> Result<Receipt, Unavailable> {
        let n = records.len();
        let refused = |why: String| {
            self.metrics.unavailable.inc_by(n as u64);
            Err(Unavailable(why))
        };
        if self.health.is_failing() {
            return refused(self.health.why());
        }
        let before = self.queued.fetch_add(n, Ordering::SeqCst);
        if before + n > self.options.queue {
            self.queued.fetch_sub(n, Ordering::SeqCst);
            return refused(format!(
                "the decision log's queue is full ({before} records waiting to be written)"
            ));
        }
        let asynchronous = self.options.mode == LogMode::Async;
        if asynchronous {
            let mut pending = lock(&self.pending);
            for r in &records {
                pending.insert(
                    r.decision_id.clone(),
                    (Arc::clone(&r.decision), r.caller.clone()),
                );
            }
        }
        let ids: Vec<String> = if asynchronous {
            records.iter().map(|r| r.decision_id.clone()).collect()
        } else {
            Vec::new()
        };
        let undo = |why: String| {
            self.queued.fetch_sub(n, Ordering::SeqCst);
            let mut pending = lock(&self.pending);
            for id in &ids {
                pending.remove(id);
            }
            refused(why)
        };
        let entries = match self.prepare(records) {
            Ok(entries) => entries,
            Err(e) => return undo(format!("{e:#}")),
        };
        let (waiter, receiver) = if asynchronous {
            (None, None)
        } else {
            let (tx, rx) = oneshot::channel();
            (Some(tx), Some(rx))
        };
        match self
            .sender
            .try_send(Msg::Append(Prepared { entries, waiter }))
        {
            Ok(()) => Ok(Receipt {
                waiter: receiver,
                log: self.path.clone(),
            }),
            Err(TrySendError::Full(_)) => undo("the decision log's queue is full".to_owned()),
            Err(TrySendError::Disconnected(_)) => undo(format!(
                "the decision log writer for {} has stopped",
                self.path
            )),
        }
    }

    /// The records' texts as stored.
    fn prepare(&self, records: Vec<Rendered>) -> anyhow::Result<Vec<Entry>> {
        let key = self
            .keys
            .current()
            .ok_or_else(|| anyhow!("the key file holds no key"))?;
        records
            .into_iter()
            .map(|r| {
                let plain = |r: &Rendered| StoredDecision::Plain {
                    text: Arc::clone(&r.decision),
                    shared: r.shared.clone(),
                };
                let (request, decision) = match self.options.encrypt {
                    Encrypt::None => {
                        let decision = plain(&r);
                        (r.request, decision)
                    }
                    Encrypt::Request => (key.encrypt(&r.request, &r.decision_id)?, plain(&r)),
                    // Whole: no piece of an encrypted decision is stored in clear.
                    Encrypt::All => (
                        key.encrypt(&r.request, &r.decision_id)?,
                        StoredDecision::Sealed(key.encrypt(&r.decision, &r.decision_id)?),
                    ),
                };
                Ok(Entry {
                    decision_id: r.decision_id,
                    time: r.time,
                    jurisdiction: r.jurisdiction,
                    policy_version: r.policy_version,
                    caller: r.caller,
                    request,
                    decision,
                })
            })
            .collect()
    }

    /// Logs one record and blocks until it is committed (tests and tools; the service uses
    /// [`submit`](Self::submit)).
    pub fn append(&self, record: Record) -> anyhow::Result<()> {
        self.submit(vec![record.render()])?.wait()?;
        Ok(())
    }

    /// The logged decision with this id, and its caller (written, or queued in the
    /// asynchronous mode).
    pub fn get(&self, decision_id: &str) -> anyhow::Result<Option<Logged>> {
        // Queued first: the writer removes a record from the queue only after committing it, so
        // one that is no longer queued is in the database.
        let queued = lock(&self.pending).get(decision_id).cloned();
        if let Some((text, caller)) = queued {
            let decision = serde_json::from_str(&text)
                .with_context(|| format!("queued decision {decision_id} is not JSON"))?;
            return Ok(Some(Logged { decision, caller }));
        }
        let row = match &self.reader {
            Reader::Sqlite(conn, _) => lock(conn)
                .prepare_cached(
                    "SELECT decision, caller, chain FROM records WHERE decision_id = ?1",
                )
                .and_then(|mut stmt| {
                    stmt.query_row([decision_id], |row| {
                        Ok((row.get(0)?, row.get(1)?, row.get(2)?))
                    })
                    .optional()
                })
                .map_err(anyhow::Error::from),
            Reader::Postgres(pg) => pg.row(decision_id),
        }
        .with_context(|| format!("cannot read the decision log {}", self.path))?;
        let Some((stored, caller, chain)) = row else {
            return Ok(None);
        };
        let text = self
            .reveal(&stored, &chain, decision_id)
            .with_context(|| format!("decision {decision_id} in {} cannot be read", self.path))?;
        let decision = serde_json::from_str(&text)
            .with_context(|| format!("decision {decision_id} in {} is not JSON", self.path))?;
        Ok(Some(Logged { decision, caller }))
    }

    /// The newest committed decisions, newest first (by decision id: ULIDs sort by time), at
    /// most `n`: those before the decision id `before` if given, and only those `caller` asked
    /// for if given. A decision stored encrypted is decrypted for its effect.
    pub fn recent(
        &self,
        n: usize,
        before: Option<&str>,
        caller: Option<&str>,
    ) -> anyhow::Result<Vec<Recent>> {
        let rows = match &self.reader {
            Reader::Sqlite(conn, _) => recent_rows(&lock(conn), n, before, caller),
            Reader::Postgres(pg) => pg.recent(n, before, caller),
        }
        .with_context(|| format!("cannot read the decision log {}", self.path))?;
        Ok(rows
            .into_iter()
            .map(|(decision_id, time, jurisdiction, caller, stored, chain)| {
                let effect = self
                    .reveal(&stored, &chain, &decision_id)
                    .ok()
                    .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
                    .and_then(|d| d.get("effect")?.as_str().map(str::to_owned));
                Recent {
                    decision_id,
                    time,
                    jurisdiction,
                    caller,
                    effect,
                }
            })
            .collect())
    }

    /// A stored decision as answered: decrypted if stored encrypted, its shared texts put back
    /// if stored compact (each text's own MAC checked: a text that does not hold is an error,
    /// not a decision).
    fn reveal(&self, stored: &str, chain: &str, decision_id: &str) -> anyhow::Result<String> {
        let stored = self.keys.reveal(stored, decision_id)?;
        if !texts::is_compact(&stored) {
            return Ok(stored);
        }
        let mut ids = texts::references(&stored)?;
        ids.sort_unstable();
        ids.dedup();
        let found: Vec<TextRead> = match &self.reader {
            Reader::Sqlite(conn, _) => {
                let conn = lock(conn);
                let mut stmt = conn.prepare_cached(
                    "SELECT id, text, key_id, mac FROM texts WHERE chain = ?1 AND id = ?2",
                )?;
                let mut found = Vec::with_capacity(ids.len());
                for id in &ids {
                    let row = stmt
                        .query_row(rusqlite::params![chain, id], |row| {
                            Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
                        })
                        .optional()?;
                    found.extend(row);
                }
                found
            }
            Reader::Postgres(pg) => pg.texts(chain, ids)?,
        };
        let mut by_id: HashMap<i64, String> = HashMap::with_capacity(found.len());
        for (id, text, key_id, mac) in found {
            let key = self
                .keys
                .get(&key_id)
                .ok_or_else(|| anyhow!("shared text {id} is MACed with key `{key_id}`, which the key file does not hold"))?;
            if chain::text_mac(key, chain, id, &text) != mac {
                bail!("shared text {id} of chain `{chain}` does not match its MAC");
            }
            by_id.insert(id, text);
        }
        texts::render(&stored, |id| {
            by_id
                .get(&id)
                .cloned()
                .ok_or_else(|| anyhow!("shared text {id} of chain `{chain}` is missing"))
        })
    }

    /// Blocks until every record submitted so far is committed.
    ///
    /// Fails if a group could not be committed since the last flush (the error says why), or
    /// if the writer has stopped.
    pub fn flush(&self) -> anyhow::Result<()> {
        self.ask(Msg::Flush)
    }

    /// Blocks until every record submitted so far is committed and a checkpoint of the chain's
    /// head is written (if records came since the last one).
    pub fn checkpoint(&self) -> anyhow::Result<()> {
        self.flush()?;
        self.ask(Msg::Checkpoint)
    }

    fn ask(&self, msg: fn(SyncSender<Result<(), String>>) -> Msg) -> anyhow::Result<()> {
        let stopped = || anyhow!("the decision log writer for {} has stopped", self.path);
        let (answer, answered) = mpsc::sync_channel(1);
        self.sender.send(msg(answer)).map_err(|_| stopped())?;
        match answered.recv() {
            Ok(Ok(())) => Ok(()),
            Ok(Err(why)) => Err(anyhow!(
                "cannot write the decision log {}: {why}",
                self.path
            )),
            Err(_) => Err(stopped()),
        }
    }

    /// How many records are in the log (after flushing).
    pub fn len(&self) -> anyhow::Result<u64> {
        self.flush()?;
        match &self.reader {
            Reader::Sqlite(conn, _) => lock(conn)
                .query_row("SELECT COUNT(*) FROM records", [], |row| {
                    row.get::<_, i64>(0)
                })
                .map(|n| u64::try_from(n).unwrap_or(0))
                .map_err(anyhow::Error::from),
            Reader::Postgres(pg) => pg.count(),
        }
        .with_context(|| format!("cannot read the decision log {}", self.path))
    }

    /// Verifies the log (after flushing) as `datalex audit verify` does, with its own key file:
    /// the SQLite file against its checkpoint file when it and the public key beside the signing
    /// key exist; PostgreSQL, every chain, against the checkpoints stored there and the public
    /// keys the replicas registered.
    pub fn verify(&self) -> anyhow::Result<Verification> {
        self.flush()?;
        let mut options = VerifyOptions {
            key_file: self.options.key_file.clone(),
            checkpoints: None,
            public_keys: Vec::new(),
        };
        match &self.reader {
            Reader::Sqlite(_, file) => {
                let public_key = keys::public_key_path(&self.options.signing_key);
                if self.options.checkpoints.exists() && public_key.exists() {
                    options.checkpoints = Some(self.options.checkpoints.clone());
                    options.public_keys = vec![public_key];
                }
                verify(file, &options)
            }
            Reader::Postgres(pg) => {
                let location = pg.location.clone();
                // Every record is read: longer than one statement may take.
                pg.call_within(VERIFY_WITHIN, move |client| async move {
                    verify_client(&client, &location, &options).await
                })
            }
        }
    }

    /// Whether the log holds no record (after flushing).
    pub fn is_empty(&self) -> anyhow::Result<bool> {
        Ok(self.len()? == 0)
    }
}

impl Drop for DecisionLog {
    /// Writes what is queued, a last checkpoint, and stops the writer.
    fn drop(&mut self) {
        // The writer answers messages in order, so `Stop` comes after every queued record.
        let _ = self.sender.send(Msg::Stop);
        if let Some(writer) = self.writer.take() {
            if writer.join().is_err() {
                tracing::error!(log = %self.path, "the decision log writer panicked");
            }
        }
    }
}

/// The key file and the signing key of `options` (each created `0600` with a fresh key if
/// absent), and what was created, for the operator.
fn open_keys(options: &LogOptions) -> anyhow::Result<(KeyRing, Signer, Vec<String>)> {
    let mut notes = Vec::new();
    let (keys, created) = KeyRing::read_or_create(&options.key_file)?;
    if created {
        notes.push(format!(
            "created the decision log's key file {} (0600) with a new random key: keep it \
             with the service and a copy somewhere safe; `datalex audit verify` needs it",
            options.key_file.display()
        ));
    }
    let (signer, created) = Signer::read_or_create(&options.signing_key)?;
    if created {
        notes.push(format!(
            "created the checkpoint signing key {} (0600); copy its public key {} off this \
             machine: `datalex audit verify --public-key` checks checkpoints against it",
            options.signing_key.display(),
            keys::public_key_path(&options.signing_key).display()
        ));
    }
    Ok((keys, signer, notes))
}

/// How long the explorer's verification of a log in PostgreSQL may take.
const VERIFY_WITHIN: Duration = Duration::from_secs(300);

/// How many connections to PostgreSQL the handlers' reads share.
const READ_POOL: usize = 8;

/// Where the handlers read the log, apart from the writer's connection.
enum Reader {
    /// A read-only connection to the SQLite file, and the file.
    Sqlite(Mutex<Connection>, PathBuf),
    /// A pool of connections to PostgreSQL, on a thread of its own.
    Postgres(PgReader),
}

/// A row of the recent list: decision id, time, jurisdiction, caller, stored decision, chain.
type RecentRow = (String, String, String, Option<String>, String, String);

/// The newest records of the SQLite log (see [`DecisionLog::recent`]).
fn recent_rows(
    conn: &Connection,
    n: usize,
    before: Option<&str>,
    caller: Option<&str>,
) -> anyhow::Result<Vec<RecentRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT decision_id, time, jurisdiction, caller, decision, chain FROM records \
         WHERE (?1 IS NULL OR decision_id < ?1) AND (?2 IS NULL OR caller = ?2) \
         ORDER BY decision_id DESC LIMIT ?3",
    )?;
    let limit = i64::try_from(n).unwrap_or(i64::MAX);
    let rows = stmt
        .query_map(rusqlite::params![before, caller, limit], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, Option<String>>(3)?,
                row.get::<_, String>(4)?,
                row.get::<_, String>(5)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// Locks a mutex, also after another thread panicked holding it (the data stay consistent: every
/// critical section here is a single map or connection call).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::params;
    use serde_json::json;

    fn record(n: usize) -> Record {
        Record {
            decision_id: format!("01J{n:023}"),
            time: format!(
                "2025-03-{:02}T08:{:02}:{:02}Z",
                n % 28 + 1,
                n / 60 % 60,
                n % 60
            ),
            jurisdiction: "cn-sh".to_owned(),
            policy_version: "sha256:5f2c0a9e".to_owned(),
            caller: (n % 2 == 1).then(|| format!("platform-{}", n % 5)),
            request: json!({"kind": "share", "dataset": format!("ds-{n}"), "requester": "org-1"}),
            decision: json!({"decision_id": format!("01J{n:023}"), "effect": "permit"}),
        }
    }

    fn log_path(dir: &tempfile::TempDir) -> PathBuf {
        dir.path().join("audit").join("decisions.db")
    }

    fn options(path: &Path) -> LogOptions {
        LogOptions {
            checkpoint_every: 10,
            ..LogOptions::beside(path)
        }
    }

    fn open(path: &Path, options: LogOptions) -> DecisionLog {
        DecisionLog::open_with(path, options, LogMetrics::default()).unwrap()
    }

    fn fill(path: &Path, range: std::ops::Range<usize>) {
        let log = open(path, options(path));
        let ids: Vec<Rendered> = range.map(|n| record(n).render()).collect();
        log.submit(ids).unwrap().wait().unwrap();
    }

    fn raw(path: &Path) -> Connection {
        Connection::open(path).unwrap()
    }

    fn verified(path: &Path) -> Verification {
        let mut o = VerifyOptions::beside(path);
        o.checkpoints = Some(beside(path, ".checkpoints"));
        verify(path, &o).unwrap()
    }

    #[test]
    fn the_log_is_shareable_between_threads() {
        fn send_sync<T: Send + Sync>() {}
        send_sync::<DecisionLog>();
    }

    #[test]
    fn records_are_chained_checkpointed_and_read_back_with_their_caller() {
        let dir = tempfile::tempdir().unwrap();
        let path = log_path(&dir);
        let log = open(&path, options(&path));
        assert_eq!(
            log.notes().len(),
            2,
            "a key file and a signing key were created"
        );
        for n in 0..25 {
            log.append(record(n)).unwrap();
        }
        assert_eq!(log.len().unwrap(), 25);
        let got = log.get(&record(3).decision_id).unwrap().unwrap();
        assert_eq!(got.decision, record(3).decision);
        assert_eq!(got.caller.as_deref(), Some("platform-3"));
        assert_eq!(
            log.get(&record(4).decision_id).unwrap().unwrap().caller,
            None
        );
        assert_eq!(log.get("no-such-id").unwrap(), None);
        // Verification while the log is open, then after it is closed (a last checkpoint).
        let open_v = verified(&path);
        assert!(open_v.is_intact(), "{open_v}");
        drop(log);
        let v = verified(&path);
        assert!(v.is_intact(), "{v}");
        let cps = checkpoint::read_all(&beside(&path, ".checkpoints")).unwrap();
        let seqs: Vec<i64> = cps.iter().map(|(_, c)| c.as_ref().unwrap().seq).collect();
        assert_eq!(seqs, [10, 20, 25]);
        assert_eq!(
            v.checkpoints.as_ref().map(|c| (c.checked, c.unanchored)),
            Some((3, 0))
        );
        // Reopened, the chain goes on, and so do the checkpoints; the keys are not made again.
        fill(&path, 25..40);
        let reopened = open(&path, options(&path));
        assert!(reopened.notes().is_empty(), "{:?}", reopened.notes());
        assert_eq!(reopened.len().unwrap(), 40);
        drop(reopened);
        let v = verified(&path);
        assert!(v.is_intact(), "{v}");
        assert_eq!(v.chain("main").map(|c| c.records), Some(40));
    }

    #[test]
    fn the_wal_is_folded_into_the_database_beside_the_writer() {
        let dir = tempfile::tempdir().unwrap();
        let path = log_path(&dir);
        let log = open(&path, options(&path));
        let before = std::fs::metadata(&path).unwrap().len();
        log.submit((0..300).map(|n| record(n).render()).collect())
            .unwrap()
            .wait()
            .unwrap();
        // A few dozen pages: far below the writer's own checkpoint (1,000 pages), so only the
        // folder copies them into the database while the log is open.
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut size = before;
        while size <= before && Instant::now() < deadline {
            std::thread::sleep(wal::FOLD_EVERY);
            size = std::fs::metadata(&path).unwrap().len();
        }
        assert!(
            size > before,
            "the database file stayed at {before} bytes: the WAL was not checkpointed"
        );
        assert_eq!(log.len().unwrap(), 300);
        drop(log);
        assert!(verified(&path).is_intact());
    }

    #[test]
    fn the_stored_mac_is_the_documented_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = log_path(&dir);
        fill(&path, 0..2);
        let keys = KeyRing::read(&beside(&path, ".keys")).unwrap();
        let row = raw(&path)
            .query_row("SELECT * FROM records WHERE seq = 2", [], |r| {
                schema::stored_record(r)
            })
            .unwrap();
        // Recomputed by hand from the documented layout.
        let key = keys.get(row.key_id.as_deref().unwrap()).unwrap();
        let mut input = b"datalex-log-v2".to_vec();
        let caller = row.caller.clone().unwrap();
        for part in [
            Some("main"),
            Some("2"),
            row.prev_mac.as_deref(),
            row.key_id.as_deref(),
            row.decision_id.as_deref(),
            row.time.as_deref(),
            row.jurisdiction.as_deref(),
            row.policy_version.as_deref(),
            caller.as_deref(),
            row.request.as_deref(),
            row.decision.as_deref(),
        ] {
            match part {
                Some(t) => {
                    input.extend_from_slice(&(t.len() as u64).to_be_bytes());
                    input.extend_from_slice(t.as_bytes());
                }
                None => input.extend_from_slice(&[0xFF; 8]),
            }
        }
        assert_eq!(row.mac, Some(key.mac(&input)));
        assert_eq!(caller.as_deref(), Some("platform-1"));
        assert_eq!(row.request, Some(record(1).request.to_string()));
    }

    #[test]
    fn every_file_of_the_log_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = log_path(&dir);
        let log = open(&path, options(&path));
        log.append(record(1)).unwrap();
        log.checkpoint().unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            for suffix in [
                "",
                "-wal",
                "-shm",
                ".keys",
                ".signing-key",
                ".signing-key.pub",
                ".checkpoints",
            ] {
                let file = beside(&path, suffix);
                let mode = std::fs::metadata(&file).unwrap().permissions().mode();
                assert_eq!(mode & 0o777, 0o600, "{}", file.display());
            }
        }
    }

    #[test]
    fn encrypted_records_are_read_and_verified_with_the_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = log_path(&dir);
        let log = open(
            &path,
            LogOptions {
                encrypt: Encrypt::All,
                ..options(&path)
            },
        );
        for n in 0..3 {
            log.append(record(n)).unwrap();
        }
        assert_eq!(
            log.get(&record(2).decision_id).unwrap().unwrap().decision,
            record(2).decision
        );
        drop(log);
        let (request, decision): (String, String) = raw(&path)
            .query_row(
                "SELECT request, decision FROM records WHERE seq = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert!(request.starts_with(keys::ENCRYPTED_PREFIX), "{request}");
        assert!(decision.starts_with(keys::ENCRYPTED_PREFIX), "{decision}");
        assert!(!request.contains("ds-0"));
        assert!(verified(&path).is_intact());
        // Without the key, the service cannot read them.
        std::fs::remove_file(beside(&path, ".keys")).unwrap();
        let log = open(&path, options(&path));
        assert!(log.get(&record(1).decision_id).is_err());
    }

    #[test]
    fn a_log_of_the_old_format_is_refused_with_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        raw(&path)
            .execute_batch("CREATE TABLE decisions (seq INTEGER PRIMARY KEY, hash TEXT)")
            .unwrap();
        let e = format!("{:#}", DecisionLog::open(&path).err().unwrap());
        assert!(e.contains("old format"), "{e}");
        assert!(e.contains("start a new log"), "{e}");
    }

    #[test]
    fn a_locked_log_fails_the_commit_marks_it_unavailable_and_recovers() {
        let dir = tempfile::tempdir().unwrap();
        let path = log_path(&dir);
        let metrics = LogMetrics::default();
        let log = DecisionLog::open_with(
            &path,
            LogOptions {
                busy_timeout: Duration::from_millis(200),
                queue: 2,
                ..options(&path)
            },
            metrics.clone(),
        )
        .unwrap();
        log.append(record(0)).unwrap();
        let holder = raw(&path);
        holder.execute_batch("BEGIN EXCLUSIVE").unwrap();
        // The first waits for the lock; the queue (2) has no room for two more.
        let first = log.submit(vec![record(1).render()]).unwrap();
        let full = log.submit(vec![record(2).render(), record(3).render()]);
        assert!(full.unwrap_err().0.contains("queue is full"));
        let failed = first.wait().unwrap_err();
        assert!(failed.0.contains("1 decisions not logged"), "{failed}");
        assert!(!log.is_available());
        assert!(
            log.submit(vec![record(4).render()]).is_err(),
            "refused while failing"
        );
        assert_eq!(metrics.write_failures.get(), 1);
        assert_eq!(metrics.unavailable.get(), 3);
        assert_eq!(metrics.available.get(), 0);
        holder.execute_batch("COMMIT").unwrap();
        // The writer probes the log while idle and finds it writable again.
        let deadline = Instant::now() + Duration::from_secs(20);
        while !log.is_available() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(log.is_available());
        assert_eq!(metrics.available.get(), 1);
        log.append(record(5)).unwrap();
        assert_eq!(log.get(&record(1).decision_id).unwrap(), None, "not logged");
        log.flush().unwrap(); // The failure was its waiter's answer, not the next flush's.
        assert_eq!(log.len().unwrap(), 2);
        drop(log);
        assert!(verified(&path).is_intact());
    }

    #[test]
    fn the_asynchronous_mode_answers_at_once_and_get_sees_the_queued_record() {
        let dir = tempfile::tempdir().unwrap();
        let path = log_path(&dir);
        let log = open(
            &path,
            LogOptions {
                mode: LogMode::Async,
                ..options(&path)
            },
        );
        let mut receipts = Vec::new();
        for n in 0..200 {
            receipts.push(log.submit(vec![record(n).render()]).unwrap());
            // Right after submit, before any flush: from the queue or already written.
            let got = log.get(&record(n).decision_id).unwrap().unwrap();
            assert_eq!(got.decision, record(n).decision);
        }
        assert!(receipts.into_iter().all(|r| r.wait().is_ok()));
        assert_eq!(log.len().unwrap(), 200);
    }

    #[test]
    fn a_checkpoint_is_written_when_its_interval_passes_without_more_records() {
        let dir = tempfile::tempdir().unwrap();
        let path = log_path(&dir);
        let log = open(
            &path,
            LogOptions {
                checkpoint_every: 1000,
                checkpoint_interval: Duration::from_millis(50),
                ..options(&path)
            },
        );
        log.append(record(0)).unwrap();
        log.append(record(1)).unwrap();
        let file = beside(&path, ".checkpoints");
        let deadline = Instant::now() + Duration::from_secs(20);
        // The file is created before its first line is written: wait for the line, not the file.
        let read = || {
            if file.exists() {
                checkpoint::read_all(&file).unwrap()
            } else {
                Vec::new()
            }
        };
        let mut cps = read();
        while cps.is_empty() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
            cps = read();
        }
        let last = cps.last().unwrap().1.clone().unwrap();
        assert_eq!(last.chain, "main");
        assert!((1..=2).contains(&last.seq), "{last:?}");
        assert_eq!(last.count, last.seq as u64);
        drop(log);
        assert!(verified(&path).is_intact());
    }

    #[test]
    fn a_repeated_decision_id_is_not_logged_and_the_chain_holds() {
        let dir = tempfile::tempdir().unwrap();
        let path = log_path(&dir);
        let log = open(&path, options(&path));
        log.append(record(1)).unwrap();
        let mut again = record(1);
        again.decision = json!({"effect": "forged"});
        log.append(again).unwrap();
        log.append(record(3)).unwrap();
        assert_eq!(log.len().unwrap(), 2);
        assert_eq!(
            log.get(&record(1).decision_id).unwrap().unwrap().decision,
            record(1).decision
        );
        drop(log);
        assert!(verified(&path).is_intact());
    }

    #[test]
    fn ids_stored_already_or_repeated_in_a_group_are_logged_once() {
        // A group of 151: three of its ids stored already (at its start, middle and end), one
        // of them in the group twice.
        let dir = tempfile::tempdir().unwrap();
        let path = log_path(&dir);
        let log = open(&path, options(&path));
        let stored = [3, 70, 149];
        for n in stored {
            log.append(record(n)).unwrap();
        }
        let mut group: Vec<Rendered> = (0..150).map(|n| record(n).render()).collect();
        group.push(record(70).render());
        log.submit(group).unwrap().wait().unwrap();
        assert_eq!(log.len().unwrap(), 150);
        drop(log);
        let v = verified(&path);
        assert!(v.is_intact(), "{v}");
    }

    #[test]
    fn concurrent_submissions_from_four_threads_keep_one_chain() {
        let dir = tempfile::tempdir().unwrap();
        let path = log_path(&dir);
        let log = open(
            &path,
            LogOptions {
                checkpoint_every: 1000,
                ..options(&path)
            },
        );
        std::thread::scope(|scope| {
            for thread in 0..4 {
                let log = &log;
                scope.spawn(move || {
                    for n in 0..250 {
                        log.append(record(thread * 250 + n)).unwrap();
                    }
                });
            }
        });
        assert_eq!(log.len().unwrap(), 1000);
        drop(log);
        let v = verified(&path);
        assert!(v.is_intact(), "{v}");
    }

    /// Each attack of issue 17 on a closed log, and what verification says.
    #[test]
    fn every_tampering_is_detected_against_the_checkpoints() {
        type Attack = (&'static str, fn(&Path));
        let attacks: [Attack; 5] = [
            ("truncate the tail", |p| {
                raw(p)
                    .execute("DELETE FROM records WHERE seq > 20", [])
                    .unwrap();
            }),
            ("delete every row", |p| {
                raw(p).execute("DELETE FROM records", []).unwrap();
            }),
            ("edit and re-MAC from there without the key", |p| {
                let forger = KeyRing::parse(
                    Path::new("forged"),
                    &format!("[[keys]]\nid = \"x\"\nsecret = \"{}\"\n", "ab".repeat(32)),
                )
                .unwrap();
                rewrite_from(p, 12, &forger);
            }),
            ("append a forged record", |p| {
                let forger = KeyRing::parse(
                    Path::new("forged"),
                    &format!("[[keys]]\nid = \"x\"\nsecret = \"{}\"\n", "cd".repeat(32)),
                )
                .unwrap();
                let conn = raw(p);
                let (seq, prev) = tail(&conn, "main").unwrap();
                forge_insert(&conn, &forger, seq + 1, &prev, "01JFORGED");
            }),
            ("edit in the middle", |p| {
                raw(p)
                    .execute(
                        "UPDATE records SET decision = '{\"effect\":\"deny\"}' WHERE seq = 7",
                        [],
                    )
                    .unwrap();
            }),
        ];
        for (attack, tamper) in attacks {
            let dir = tempfile::tempdir().unwrap();
            let path = log_path(&dir);
            fill(&path, 0..25);
            assert!(verified(&path).is_intact());
            tamper(&path);
            let v = verified(&path);
            assert!(!v.is_intact(), "{attack}: not detected:\n{v}");
        }
    }

    /// Rewrites every record from `from` on with a changed decision, re-MACed with `keys`.
    fn rewrite_from(path: &Path, from: i64, keys: &KeyRing) {
        let conn = raw(path);
        let prev: String = conn
            .query_row("SELECT mac FROM records WHERE seq = ?1", [from - 1], |r| {
                r.get(0)
            })
            .unwrap();
        let rows: Vec<i64> = conn
            .prepare("SELECT seq FROM records WHERE seq >= ?1 ORDER BY seq")
            .unwrap()
            .query_map([from], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let mut prev = prev;
        for seq in rows {
            let id: String = conn
                .query_row(
                    "SELECT decision_id FROM records WHERE seq = ?1",
                    [seq],
                    |r| r.get(0),
                )
                .unwrap();
            conn.execute("DELETE FROM records WHERE seq = ?1", [seq])
                .unwrap();
            prev = forge_insert(&conn, keys, seq, &prev, &id);
        }
    }

    /// Inserts a record of the forger's, MACed with `keys`; returns its MAC.
    fn forge_insert(conn: &Connection, keys: &KeyRing, seq: i64, prev: &str, id: &str) -> String {
        let key = keys.current().unwrap();
        let fields = chain::Fields {
            chain: "main",
            decision_id: id,
            time: "2026-01-01T00:00:00Z",
            jurisdiction: "binzhou",
            policy_version: "sha256:0",
            caller: None,
            request: "{}",
            decision: "{\"effect\":\"permit\"}",
        };
        let mac = key.mac(&chain::mac_input(prev, seq, &key.id, &fields));
        conn.execute(
            schema::INSERT,
            params![
                "main",
                seq,
                id,
                fields.time,
                fields.jurisdiction,
                fields.policy_version,
                Option::<String>::None,
                fields.request,
                fields.decision,
                key.id,
                prev,
                mac
            ],
        )
        .unwrap();
        mac
    }
}
