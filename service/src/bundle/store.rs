//! The bundles in PostgreSQL (`service/migrations/V2__bundles.sql`): publishing one (stored,
//! made active, announced with `NOTIFY`), reading the active pointer, an archive, and the
//! earlier activations.

use anyhow::Context as _;
use tokio_postgres::Client;

/// The channel a publish notifies, with the bundle id as the payload.
pub const CHANNEL: &str = "datalex_bundles";

/// The advisory lock publishes take, so that two at once number their generations in turn
/// (any constant; "dlxbundl" in ASCII).
const PUBLISH_LOCK: i64 = 0x646c_7862_756e_646c;

/// A timestamp as RFC 3339 text in UTC, with milliseconds.
const RFC3339: &str =
    r#"to_char(activated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')"#;

/// An activation of a bundle: the active pointer, or an earlier one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activation {
    /// The bundle.
    pub id: String,
    /// Its place in the order of publishes (1, 2, …).
    pub generation: i64,
    /// When it was published (RFC 3339, UTC).
    pub activated_at: String,
}

/// Stores `archive` (the bundle `id`, already read and checked by the caller) and makes it the
/// active bundle, in one transaction that notifies [`CHANNEL`] when it commits.
pub async fn publish(client: &mut Client, id: &str, archive: &[u8]) -> anyhow::Result<Activation> {
    let tx = client
        .transaction()
        .await
        .context("cannot begin the publish")?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&PUBLISH_LOCK])
        .await
        .context("cannot take the publish lock")?;
    let size = i64::try_from(archive.len()).unwrap_or(i64::MAX);
    tx.execute(
        "INSERT INTO bundles (id, archive, size) VALUES ($1, $2, $3)
         ON CONFLICT (id) DO UPDATE SET archive = EXCLUDED.archive, size = EXCLUDED.size",
        &[&id, &archive, &size],
    )
    .await
    .context("cannot store the bundle")?;
    let row = tx
        .query_one(
            &format!(
                "INSERT INTO bundle_activations (generation, id)
                 SELECT COALESCE(MAX(generation), 0) + 1, $1 FROM bundle_activations
                 RETURNING generation, {RFC3339}"
            ),
            &[&id],
        )
        .await
        .context("cannot record the activation")?;
    let generation: i64 = row.try_get(0)?;
    tx.execute(
        "INSERT INTO bundle_active (one, generation, id, activated_at)
         SELECT TRUE, generation, id, activated_at FROM bundle_activations WHERE generation = $1
         ON CONFLICT (one) DO UPDATE
         SET generation = EXCLUDED.generation, id = EXCLUDED.id, activated_at = EXCLUDED.activated_at",
        &[&generation],
    )
    .await
    .context("cannot move the active pointer")?;
    tx.execute("SELECT pg_notify($1, $2)", &[&CHANNEL, &id])
        .await
        .context("cannot notify the replicas")?;
    tx.commit().await.context("cannot commit the publish")?;
    Ok(Activation {
        id: id.to_owned(),
        generation,
        activated_at: row.try_get(1)?,
    })
}

/// The active pointer, if any bundle was published.
pub async fn active(client: &Client) -> anyhow::Result<Option<Activation>> {
    let row = client
        .query_opt(
            &format!("SELECT id, generation, {RFC3339} FROM bundle_active"),
            &[],
        )
        .await
        .context("cannot read the active bundle")?;
    row.map(|r| {
        Ok(Activation {
            id: r.try_get(0)?,
            generation: r.try_get(1)?,
            activated_at: r.try_get(2)?,
        })
    })
    .transpose()
}

/// The activations before `generation`, newest first, at most `limit`.
pub async fn earlier(
    client: &Client,
    generation: i64,
    limit: i64,
) -> anyhow::Result<Vec<Activation>> {
    let rows = client
        .query(
            &format!(
                "SELECT id, generation, {RFC3339} FROM bundle_activations
                 WHERE generation < $1 ORDER BY generation DESC LIMIT $2"
            ),
            &[&generation, &limit],
        )
        .await
        .context("cannot read the earlier bundles")?;
    rows.iter()
        .map(|r| {
            Ok(Activation {
                id: r.try_get(0)?,
                generation: r.try_get(1)?,
                activated_at: r.try_get(2)?,
            })
        })
        .collect()
}

/// The stored archive of the bundle `id`.
pub async fn archive(client: &Client, id: &str) -> anyhow::Result<Vec<u8>> {
    let row = client
        .query_opt("SELECT archive FROM bundles WHERE id = $1", &[&id])
        .await
        .with_context(|| format!("cannot read the bundle {id}"))?;
    row.map(|r| r.try_get::<_, Vec<u8>>(0))
        .transpose()?
        .with_context(|| format!("the bundle {id} is not stored"))
}
