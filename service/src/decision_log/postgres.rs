//! The decision log in PostgreSQL: the shared store of a deployment of several replicas
//! (`datalex serve --store postgres://… --replica ID`).
//!
//! The same rows as the SQLite log (`service/migrations/V1__decision_log.sql`), JSON kept as
//! `TEXT` byte for byte as it was MACed, the same MAC ([`super::chain`]). Each replica writes
//! its own chain (chain id = replica id), so replicas never wait on each other: a group is one
//! transaction that takes an advisory lock on its chain (two processes given the same replica
//! id still keep one unbroken chain), reads the chain's tail, and inserts the group's records
//! in one statement; the answer waits for the `COMMIT` (`synchronous_commit` on; off in the
//! asynchronous mode). Checkpoints go to the `checkpoints` table, each also signing the heads
//! of the other chains it sees ([`super::checkpoint::Head`]).
//!
//! Two sides, each on a thread of its own with a current-thread Tokio runtime, so that the
//! synchronous [`DecisionLog`](super::DecisionLog) API works alike from a plain thread and
//! from inside the service's runtime:
//! - [`PgWriter`], on the writer thread: one connection, made again after any failure;
//! - [`PgReader`], a thread that runs reads (`get`, the recent list, counting, verification)
//!   on a pool of connections, several at once, and hands each result back over a channel.

use super::chain::{StoredRecord, GENESIS_MAC};
use super::checkpoint::{Checkpoint, Head};
use super::writer::{Backend, Batch, RecordRow, Tail};
use crate::pg;
use anyhow::{anyhow, bail, Context as _};
use std::future::Future;
use std::pin::Pin;
use std::thread::JoinHandle;
use std::time::Duration;
use tokio_postgres::{Client, GenericClient, NoTls, Statement};

/// The first key of the advisory locks a chain's writer takes (the second is the chain's
/// hash): "dlex" in ASCII, apart from the migration lock's single-key space.
const CHAIN_LOCK: i32 = 0x646c_6578;

/// Every record of every chain after `(chain, seq)` (from the start when `$1` is NULL), in
/// chain order, a page at a time.
const SELECT_PAGE: &str = "SELECT chain, seq, decision_id, time, jurisdiction, policy_version, \
     caller, request, decision, key_id, prev_mac, mac FROM records \
     WHERE $1::text IS NULL OR (chain, seq) > ($1, $2) ORDER BY chain, seq LIMIT $3";

/// How many records verification reads at a time.
const PAGE: i64 = 5000;

/// The writer thread's connection to PostgreSQL.
pub(super) struct PgWriter {
    rt: tokio::runtime::Runtime,
    config: tokio_postgres::Config,
    /// The connection string without its password, for messages.
    pub(super) location: String,
    client: Option<Client>,
    /// The group's statements, prepared once per connection.
    statements: Option<Statements>,
    asynchronous: bool,
}

/// The runtime, the connection, its prepared statements (once migrated) and where it goes.
type Parts<'w> = (
    &'w tokio::runtime::Runtime,
    &'w mut Client,
    Option<&'w Statements>,
    String,
);

/// The statements of a group's transaction, prepared on the writer's connection.
struct Statements {
    lock: Statement,
    tail: Statement,
    next_text: Statement,
    existing: Statement,
    insert_texts: Statement,
    insert: Statement,
}

/// Locks a chain for the transaction.
const LOCK: &str = "SELECT pg_advisory_xact_lock($1, hashtext($2))";

/// The newest record of a chain.
const TAIL: &str = "SELECT seq, mac FROM records WHERE chain = $1 ORDER BY seq DESC LIMIT 1";

/// The id a chain's next shared text gets.
const NEXT_TEXT: &str = "SELECT COALESCE(MAX(id), 0) + 1 FROM texts WHERE chain = $1";

/// A group's new shared texts ([`super::texts`]), one array per column.
const INSERT_TEXTS: &str = "INSERT INTO texts (chain, id, text, key_id, mac) \
     SELECT * FROM UNNEST($1::text[], $2::int8[], $3::text[], $4::text[], $5::text[])";

/// Which of the decision ids are stored already.
const EXISTING: &str = "SELECT decision_id FROM records WHERE decision_id = ANY($1)";

/// A group's records, one array per column.
const INSERT: &str = "INSERT INTO records (chain, seq, decision_id, time, jurisdiction, \
     policy_version, caller, request, decision, key_id, prev_mac, mac) \
     SELECT * FROM UNNEST($1::text[], $2::int8[], $3::text[], $4::text[], $5::text[], \
     $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[])";

/// What the writer finds when it opens the log.
pub(super) struct Opened {
    pub(super) writer: PgWriter,
    /// The chain's newest record: sequence number and MAC (0 and the genesis MAC when empty).
    pub(super) head: (i64, String),
    /// The chain's newest checkpoint in the `checkpoints` table.
    pub(super) last_checkpoint: Option<Checkpoint>,
}

/// `work`, at most [`pg::STATEMENT_TIMEOUT`].
async fn timed<T>(
    location: &str,
    work: impl Future<Output = anyhow::Result<T>>,
) -> anyhow::Result<T> {
    timed_within(pg::STATEMENT_TIMEOUT, location, work).await
}

/// `work`, at most `limit`.
async fn timed_within<T>(
    limit: Duration,
    location: &str,
    work: impl Future<Output = anyhow::Result<T>>,
) -> anyhow::Result<T> {
    match tokio::time::timeout(limit, work).await {
        Ok(outcome) => outcome,
        Err(_) => Err(anyhow!(
            "PostgreSQL at {location} did not answer within {} s",
            limit.as_secs()
        )),
    }
}

/// How long opening may take: the migrations wait for another replica's under their lock.
const OPEN_WITHIN: Duration = Duration::from_secs(60);

/// The current-thread runtime each side runs its connections on.
fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start a runtime for the PostgreSQL connection")
}

impl PgWriter {
    /// Connects to `url`, applies the migrations, checks the log's format, registers the chain
    /// and the signing key (`key_id`, its public key in hex), and reads the chain's tail and last
    /// checkpoint. Call it on the thread that will write.
    pub(super) fn open(
        url: &str,
        chain: &str,
        signer: (&str, &str),
        asynchronous: bool,
    ) -> anyhow::Result<Opened> {
        let location = pg::redact(url);
        let mut writer = PgWriter {
            rt: runtime()?,
            config: pg::config(url)?,
            location: location.clone(),
            client: None,
            statements: None,
            asynchronous,
        };
        let (key_id, public) = signer;
        let (head, last_checkpoint) = {
            let (rt, client, _, at) = writer
                .parts()
                .with_context(|| format!("cannot open the decision log in {location}"))?;
            rt.block_on(timed_within(OPEN_WITHIN, &at, async {
                for applied in pg::migrate(client).await? {
                    tracing::info!(migration = %applied, "applied a PostgreSQL migration");
                }
                let client = &*client;
                check_format(client).await?;
                let now = crate::project::Clock::timestamp(&crate::project::SystemClock);
                client
                    .execute(
                        "INSERT INTO chains (chain, since) VALUES ($1, $2) \
                         ON CONFLICT (chain) DO NOTHING",
                        &[&chain, &now],
                    )
                    .await?;
                client
                    .execute(
                        "INSERT INTO signers (key_id, public_key, chain, since) \
                         VALUES ($1, $2, $3, $4) ON CONFLICT (key_id) DO NOTHING",
                        &[&key_id, &public, &chain, &now],
                    )
                    .await?;
                let head = tail(client, chain).await?;
                let last = client
                    .query_opt(
                        "SELECT body FROM checkpoints WHERE chain = $1 ORDER BY id DESC LIMIT 1",
                        &[&chain],
                    )
                    .await?
                    .and_then(|row| serde_json::from_str::<Checkpoint>(row.get(0)).ok());
                Ok((head, last))
            }))
        }
        .with_context(|| format!("cannot open the decision log in {location}"))?;
        Ok(Opened {
            writer,
            head,
            last_checkpoint,
        })
    }

    /// Connects if there is no open connection.
    fn connect(&mut self) -> anyhow::Result<()> {
        if self.client.as_ref().is_some_and(|c| !c.is_closed()) {
            return Ok(());
        }
        self.client = None;
        self.statements = None;
        let PgWriter {
            rt,
            config,
            location,
            asynchronous,
            ..
        } = self;
        let (fresh, statements) = rt.block_on(async {
            let (fresh, connection) = config
                .connect(NoTls)
                .await
                .with_context(|| format!("cannot connect to PostgreSQL at {location}"))?;
            tokio::spawn(async move {
                if let Err(e) = connection.await {
                    tracing::debug!(error = %e, "PostgreSQL connection closed");
                }
            });
            if *asynchronous {
                // The asynchronous mode answers before the commit anyway.
                fresh
                    .batch_execute("SET synchronous_commit = off")
                    .await
                    .context("cannot set synchronous_commit")?;
            }
            // The tables exist once migrated; before (at open) nothing is prepared yet.
            let migrated: bool = fresh
                .query_one("SELECT to_regclass('records') IS NOT NULL", &[])
                .await?
                .get(0);
            let statements = if migrated {
                Some(Statements {
                    lock: fresh.prepare(LOCK).await?,
                    tail: fresh.prepare(TAIL).await?,
                    next_text: fresh.prepare(NEXT_TEXT).await?,
                    existing: fresh.prepare(EXISTING).await?,
                    insert_texts: fresh.prepare(INSERT_TEXTS).await?,
                    insert: fresh.prepare(INSERT).await?,
                })
            } else {
                None
            };
            anyhow::Ok((fresh, statements))
        })?;
        self.client = Some(fresh);
        self.statements = statements;
        Ok(())
    }

    /// The runtime and the connection (connecting first if there is none), to run a piece of
    /// work with [`timed`]; its outcome goes through [`settle`](PgWriter::settle).
    fn parts(&mut self) -> anyhow::Result<Parts<'_>> {
        self.connect()?;
        let location = self.location.clone();
        match self.client.as_mut() {
            Some(client) => Ok((&self.rt, client, self.statements.as_ref(), location)),
            None => bail!("no connection to PostgreSQL at {location}"),
        }
    }

    /// After a failure the connection is dropped, and made again next time.
    fn settle<T>(&mut self, outcome: anyhow::Result<T>) -> anyhow::Result<T> {
        if outcome.is_err() {
            self.client = None;
            self.statements = None;
        }
        outcome
    }
}

/// A group is one transaction that locks its chain (advisory lock), reads the tail, the next
/// text id and the stored ids, inserts the group's texts and records each in one statement
/// (`INSERT … SELECT FROM UNNEST(…)`), and commits.
impl Backend for PgWriter {
    fn write<'e>(
        &mut self,
        chain: &str,
        ids: &[&str],
        compose: impl FnOnce(Tail) -> anyhow::Result<Batch<'e>>,
    ) -> anyhow::Result<Batch<'e>> {
        if self.statements.is_none() {
            // Connected before the migrations ran (at open): prepare them now.
            self.client = None;
        }
        let (rt, client, statements, at) = self.parts()?;
        let Some(statements) = statements else {
            bail!("the decision log's statements are not prepared on {at}");
        };
        let written = rt.block_on(timed(&at, async {
            let tx = client.transaction().await?;
            tx.execute(&statements.lock, &[&CHAIN_LOCK, &chain]).await?;
            let (seq, prev) = match tx.query_opt(&statements.tail, &[&chain]).await? {
                Some(row) => (row.get(0), row.get(1)),
                None => (0, GENESIS_MAC.to_owned()),
            };
            let next_text: i64 = tx.query_one(&statements.next_text, &[&chain]).await?.get(0);
            let existing = tx
                .query(&statements.existing, &[&ids])
                .await?
                .iter()
                .map(|row| row.get(0))
                .collect();
            let batch = compose(Tail {
                seq,
                prev,
                next_text,
                existing,
            })?;
            if !batch.texts.is_empty() {
                let n = batch.texts.len();
                let chains = vec![chain; n];
                let text_ids: Vec<i64> = batch.texts.iter().map(|t| t.id).collect();
                let texts: Vec<&str> = batch.texts.iter().map(|t| t.text.as_str()).collect();
                let key_ids = vec![batch.key_id.as_str(); n];
                let macs: Vec<&str> = batch.texts.iter().map(|t| t.mac.as_str()).collect();
                tx.execute(
                    &statements.insert_texts,
                    &[&chains, &text_ids, &texts, &key_ids, &macs],
                )
                .await?;
            }
            if !batch.records.is_empty() {
                let mut rows = Rows::default();
                for row in &batch.records {
                    rows.push(chain, row, &batch.key_id);
                }
                rows.insert(&tx, &statements.insert).await?;
            }
            tx.commit().await?;
            Ok(batch)
        }));
        self.settle(written)
    }

    fn probe(&mut self) -> anyhow::Result<()> {
        PgWriter::probe(self)
    }

    fn other_heads(&mut self, chain: &str) -> anyhow::Result<Vec<Head>> {
        PgWriter::other_heads(self, chain)
    }

    fn store_checkpoint(&mut self, checkpoint: &Checkpoint) -> anyhow::Result<()> {
        PgWriter::store_checkpoint(self, checkpoint)
    }
}

impl PgWriter {
    /// Whether the log can be written again: a write that changes nothing.
    pub(super) fn probe(&mut self) -> anyhow::Result<()> {
        let (rt, client, _, at) = self.parts()?;
        let probed = rt.block_on(timed(&at, async {
            client
                .execute(
                    "UPDATE log_meta SET value = value WHERE name = 'format'",
                    &[],
                )
                .await?;
            Ok(())
        }));
        self.settle(probed)
    }

    /// The newest record of every chain but `chain`, by chain id.
    pub(super) fn other_heads(&mut self, chain: &str) -> anyhow::Result<Vec<Head>> {
        let (rt, client, _, at) = self.parts()?;
        let heads = rt.block_on(timed(&at, async {
            let rows = client
                .query(
                    "SELECT c.chain, r.seq, r.mac FROM chains c CROSS JOIN LATERAL \
                     (SELECT seq, mac FROM records WHERE records.chain = c.chain \
                      ORDER BY seq DESC LIMIT 1) r WHERE c.chain <> $1 ORDER BY c.chain",
                    &[&chain],
                )
                .await?;
            Ok(rows
                .iter()
                .map(|row| Head {
                    chain: row.get(0),
                    seq: row.get(1),
                    head: row.get(2),
                })
                .collect())
        }));
        self.settle(heads)
    }

    /// Stores a signed checkpoint.
    pub(super) fn store_checkpoint(&mut self, checkpoint: &Checkpoint) -> anyhow::Result<()> {
        let body = serde_json::to_string(checkpoint)?;
        let (rt, client, _, at) = self.parts()?;
        let stored = rt.block_on(timed(&at, async {
            client
                .execute(
                    "INSERT INTO checkpoints (chain, seq, body) VALUES ($1, $2, $3)",
                    &[&checkpoint.chain, &checkpoint.seq, &body],
                )
                .await?;
            Ok(())
        }));
        self.settle(stored)
    }
}
/// The columns of the records a group inserts, for one `INSERT … SELECT FROM UNNEST(…)`.
#[derive(Default)]
struct Rows<'a> {
    chain: Vec<&'a str>,
    seq: Vec<i64>,
    decision_id: Vec<&'a str>,
    time: Vec<&'a str>,
    jurisdiction: Vec<&'a str>,
    policy_version: Vec<&'a str>,
    caller: Vec<Option<&'a str>>,
    request: Vec<&'a str>,
    decision: Vec<&'a str>,
    key_id: Vec<&'a str>,
    prev_mac: Vec<&'a str>,
    mac: Vec<&'a str>,
}

impl<'a> Rows<'a> {
    fn push(&mut self, chain: &'a str, row: &'a RecordRow<'_>, key_id: &'a str) {
        let entry = row.entry;
        self.chain.push(chain);
        self.seq.push(row.seq);
        self.decision_id.push(&entry.decision_id);
        self.time.push(&entry.time);
        self.jurisdiction.push(&entry.jurisdiction);
        self.policy_version.push(&entry.policy_version);
        self.caller.push(entry.caller.as_deref());
        self.request.push(&entry.request);
        self.decision.push(&row.decision);
        self.key_id.push(key_id);
        self.prev_mac.push(&row.prev);
        self.mac.push(&row.mac);
    }

    async fn insert(&self, client: &impl GenericClient, insert: &Statement) -> anyhow::Result<()> {
        client
            .execute(
                insert,
                &[
                    &self.chain,
                    &self.seq,
                    &self.decision_id,
                    &self.time,
                    &self.jurisdiction,
                    &self.policy_version,
                    &self.caller,
                    &self.request,
                    &self.decision,
                    &self.key_id,
                    &self.prev_mac,
                    &self.mac,
                ],
            )
            .await?;
        Ok(())
    }
}

/// Refuses a database whose log is of another format than this version writes.
async fn check_format(client: &impl GenericClient) -> anyhow::Result<()> {
    let format: Option<String> = client
        .query_opt("SELECT value FROM log_meta WHERE name = 'format'", &[])
        .await?
        .map(|row| row.get(0));
    match format {
        Some(f) if f == super::schema::FORMAT => Ok(()),
        Some(f) => bail!(
            "the decision log is of format `{f}`, which this version does not know (it writes \
             `{}`)",
            super::schema::FORMAT
        ),
        None => bail!("the decision log's format is not recorded in `log_meta`"),
    }
}

/// The last record of `chain`: its sequence number and MAC.
async fn tail(client: &impl GenericClient, chain: &str) -> anyhow::Result<(i64, String)> {
    let row = client.query_opt(TAIL, &[&chain]).await?;
    Ok(match row {
        Some(row) => (row.get(0), row.get(1)),
        None => (0, GENESIS_MAC.to_owned()),
    })
}

/// A job for the reader thread: given the pool, the future that runs the read and hands its
/// result back.
type Job =
    Box<dyn FnOnce(deadpool_postgres::Pool) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send>;

/// Reads of a log in PostgreSQL, from any thread: each runs on the reader thread's runtime with
/// a pooled connection, several at once.
pub(super) struct PgReader {
    jobs: Option<tokio::sync::mpsc::UnboundedSender<Job>>,
    thread: Option<JoinHandle<()>>,
    /// The connection string without its password, for messages.
    pub(super) location: String,
}

impl PgReader {
    /// Starts the reader thread with a pool of at most `size` connections to `url`.
    pub(super) fn start(url: &str, size: usize) -> anyhow::Result<PgReader> {
        let pool = pg::pool(url, size)?;
        let rt = runtime()?;
        let (jobs, mut queue) = tokio::sync::mpsc::unbounded_channel::<Job>();
        let thread = std::thread::Builder::new()
            .name("decision-log-reader".to_owned())
            .spawn(move || {
                rt.block_on(async move {
                    while let Some(job) = queue.recv().await {
                        tokio::spawn(job(pool.clone()));
                    }
                });
            })
            .context("cannot start the decision log reader")?;
        Ok(PgReader {
            jobs: Some(jobs),
            thread: Some(thread),
            location: pg::redact(url),
        })
    }

    /// Runs `read` with a pooled connection on the reader thread and waits for its result
    /// (blocking this thread, as a read of the SQLite file does), at most
    /// [`pg::STATEMENT_TIMEOUT`].
    pub(super) fn call<T, F, Fut>(&self, read: F) -> anyhow::Result<T>
    where
        T: Send + 'static,
        F: FnOnce(deadpool_postgres::Object) -> Fut + Send + 'static,
        Fut: Future<Output = anyhow::Result<T>> + Send + 'static,
    {
        self.call_within(pg::STATEMENT_TIMEOUT, read)
    }

    /// [`call`](PgReader::call), at most `limit`.
    pub(super) fn call_within<T, F, Fut>(&self, limit: Duration, read: F) -> anyhow::Result<T>
    where
        T: Send + 'static,
        F: FnOnce(deadpool_postgres::Object) -> Fut + Send + 'static,
        Fut: Future<Output = anyhow::Result<T>> + Send + 'static,
    {
        let location = self.location.clone();
        let (answer, answered) = std::sync::mpsc::sync_channel(1);
        let job: Job = Box::new(move |pool| {
            Box::pin(async move {
                let outcome = async {
                    let client = pool
                        .get()
                        .await
                        .with_context(|| format!("cannot connect to PostgreSQL at {location}"))?;
                    timed_within(limit, &location, read(client)).await
                }
                .await;
                let _ = answer.send(outcome);
            })
        });
        let stopped = || anyhow!("the decision log reader for {} has stopped", self.location);
        self.jobs
            .as_ref()
            .ok_or_else(stopped)?
            .send(job)
            .map_err(|_| stopped())?;
        answered.recv().map_err(|_| stopped())?
    }

    /// The stored decision, caller and chain of `decision_id`.
    pub(super) fn row(&self, decision_id: &str) -> anyhow::Result<Option<super::Row>> {
        let id = decision_id.to_owned();
        self.call(move |client| async move {
            Ok(client
                .query_opt(
                    "SELECT decision, caller, chain FROM records WHERE decision_id = $1",
                    &[&id],
                )
                .await?
                .map(|row| (row.get(0), row.get(1), row.get(2))))
        })
    }

    /// The shared texts `ids` of `chain`: id, text, key id, MAC.
    pub(super) fn texts(&self, chain: &str, ids: Vec<i64>) -> anyhow::Result<Vec<super::TextRead>> {
        let chain = chain.to_owned();
        self.call(move |client| async move {
            Ok(client
                .query(
                    "SELECT id, text, key_id, mac FROM texts WHERE chain = $1 AND id = ANY($2)",
                    &[&chain, &ids],
                )
                .await?
                .iter()
                .map(|row| (row.get(0), row.get(1), row.get(2), row.get(3)))
                .collect())
        })
    }

    /// The newest records (see [`DecisionLog::recent`](super::DecisionLog::recent)): decision
    /// id, time, jurisdiction, caller, stored decision, chain.
    pub(super) fn recent(
        &self,
        n: usize,
        before: Option<&str>,
        caller: Option<&str>,
    ) -> anyhow::Result<Vec<super::RecentRow>> {
        let (before, caller) = (before.map(str::to_owned), caller.map(str::to_owned));
        let limit = i64::try_from(n).unwrap_or(i64::MAX);
        self.call(move |client| async move {
            let rows = client
                .query(
                    "SELECT decision_id, time, jurisdiction, caller, decision, chain FROM records \
                     WHERE ($1::text IS NULL OR decision_id < $1) \
                     AND ($2::text IS NULL OR caller = $2) \
                     ORDER BY decision_id DESC LIMIT $3",
                    &[&before, &caller, &limit],
                )
                .await?;
            Ok(rows
                .iter()
                .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5)))
                .collect())
        })
    }

    /// How many records the log holds, over every chain.
    pub(super) fn count(&self) -> anyhow::Result<u64> {
        self.call(|client| async move {
            let n: i64 = client
                .query_one("SELECT COUNT(*) FROM records", &[])
                .await?
                .get(0);
            Ok(u64::try_from(n).unwrap_or(0))
        })
    }
}

impl Drop for PgReader {
    fn drop(&mut self) {
        // Closing the queue ends the thread's loop.
        self.jobs = None;
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Every record of every chain, in chain order, a page at a time: `each` sees them one by one.
pub(super) async fn each_record(
    client: &impl GenericClient,
    mut each: impl FnMut(StoredRecord),
) -> anyhow::Result<()> {
    let mut after: Option<(String, i64)> = None;
    loop {
        let (chain, seq) = match &after {
            Some((chain, seq)) => (Some(chain.as_str()), *seq),
            None => (None, 0),
        };
        let rows = client
            .query(SELECT_PAGE, &[&chain, &seq, &PAGE])
            .await
            .context("cannot read the records")?;
        let Some(last) = rows.last() else {
            return Ok(());
        };
        after = Some((last.get(0), last.get(1)));
        let full = rows.len() as i64 == PAGE;
        for row in &rows {
            each(StoredRecord {
                chain: Some(row.get(0)),
                seq: row.get(1),
                decision_id: Some(row.get(2)),
                time: Some(row.get(3)),
                jurisdiction: Some(row.get(4)),
                policy_version: Some(row.get(5)),
                caller: Ok(row.get(6)),
                request: Some(row.get(7)),
                decision: Some(row.get(8)),
                key_id: Some(row.get(9)),
                prev_mac: Some(row.get(10)),
                mac: Some(row.get(11)),
            });
        }
        if !full {
            return Ok(());
        }
    }
}

/// Every shared text of every chain, in chain order, a page at a time: `each` sees chain, id,
/// text, key id and MAC (an empty store before migration V3 has none).
pub(super) async fn each_text(
    client: &impl GenericClient,
    mut each: impl FnMut(String, i64, String, String, String),
) -> anyhow::Result<()> {
    let present: bool = client
        .query_one("SELECT to_regclass('texts') IS NOT NULL", &[])
        .await?
        .get(0);
    if !present {
        return Ok(());
    }
    let mut after: Option<(String, i64)> = None;
    loop {
        let (chain, id) = match &after {
            Some((chain, id)) => (Some(chain.as_str()), *id),
            None => (None, 0),
        };
        let rows = client
            .query(
                "SELECT chain, id, text, key_id, mac FROM texts \
                 WHERE $1::text IS NULL OR (chain, id) > ($1, $2) ORDER BY chain, id LIMIT $3",
                &[&chain, &id, &PAGE],
            )
            .await
            .context("cannot read the shared texts")?;
        let Some(last) = rows.last() else {
            return Ok(());
        };
        after = Some((last.get(0), last.get(1)));
        let full = rows.len() as i64 == PAGE;
        for row in &rows {
            each(row.get(0), row.get(1), row.get(2), row.get(3), row.get(4));
        }
        if !full {
            return Ok(());
        }
    }
}

/// The stored checkpoints, by id: each parsed, or why its body is not one.
pub(super) async fn checkpoints(
    client: &impl GenericClient,
) -> anyhow::Result<Vec<(i64, Result<Checkpoint, String>)>> {
    let rows = client
        .query("SELECT id, body FROM checkpoints ORDER BY id", &[])
        .await
        .context("cannot read the checkpoints")?;
    Ok(rows
        .iter()
        .map(|row| {
            let body: &str = row.get(1);
            (
                row.get(0),
                serde_json::from_str::<Checkpoint>(body).map_err(|e| e.to_string()),
            )
        })
        .collect())
}

/// The public keys the replicas registered: key id and hex.
pub(super) async fn signers(client: &impl GenericClient) -> anyhow::Result<Vec<(String, String)>> {
    let rows = client
        .query(
            "SELECT key_id, public_key FROM signers ORDER BY key_id",
            &[],
        )
        .await
        .context("cannot read the signers")?;
    Ok(rows.iter().map(|row| (row.get(0), row.get(1))).collect())
}

/// This machine's host name: the default replica id.
pub fn host_name() -> Option<String> {
    ["/proc/sys/kernel/hostname", "/etc/hostname"]
        .iter()
        .find_map(|p| std::fs::read_to_string(p).ok())
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok().filter(|s| !s.is_empty()))
}
