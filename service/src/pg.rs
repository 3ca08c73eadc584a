//! PostgreSQL, the shared store of a deployment of several replicas (docs/deploy.md): the
//! decision log of every replica (one chain each) and the signed policy bundles they serve.
//!
//! This module owns connecting and the schema: [`connect`] for one connection, [`pool`] for the
//! request handlers, and [`migrate`], which applies the embedded migrations of
//! `service/migrations/` in order under an advisory lock, so that replicas starting together
//! migrate once.

use anyhow::Context as _;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use std::time::Duration;
use tokio_postgres::{Client, Config, NoTls};

mod embedded {
    refinery::embed_migrations!("migrations");
}

/// The advisory lock key [`migrate`] holds (any constant; "datalex" in ASCII).
const MIGRATION_LOCK: i64 = 0x0064_6174_616c_6578;

/// Whether `store` names a PostgreSQL database (`postgres://…` or `postgresql://…`) rather
/// than a file.
pub fn is_url(store: &str) -> bool {
    store.starts_with("postgres://") || store.starts_with("postgresql://")
}

/// `url` with its password replaced by `***`, for messages and logs.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, tail) = match rest.find('/') {
        Some(at) => rest.split_at(at),
        None => (rest, ""),
    };
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _password)) => format!("{scheme}://{user}:***@{host}{tail}"),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

/// How long connecting may take unless the connection string says (`connect_timeout=`): a
/// database that is down is noticed quickly (503 `decision_log_unavailable`, `/readyz`).
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);

/// How long a pooled connection is waited for, and a statement of the decision log at most.
pub const STATEMENT_TIMEOUT: Duration = Duration::from_secs(5);

/// Parses a connection string (`postgres://user:password@host:port/db?…`), with a
/// [`CONNECT_TIMEOUT`] unless it sets one.
pub fn config(url: &str) -> anyhow::Result<Config> {
    let mut config = url
        .parse::<Config>()
        .with_context(|| format!("`{}` is not a PostgreSQL connection string", redact(url)))?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(CONNECT_TIMEOUT);
    }
    Ok(config)
}

/// Opens one connection and drives it on the current Tokio runtime.
pub async fn connect(url: &str) -> anyhow::Result<Client> {
    let config = config(url)?;
    let (client, connection) = config
        .connect(NoTls)
        .await
        .with_context(|| format!("cannot connect to PostgreSQL at {}", redact(url)))?;
    tokio::spawn(async move {
        if let Err(e) = connection.await {
            tracing::warn!(error = %e, "PostgreSQL connection closed");
        }
    });
    Ok(client)
}

/// A pool of at most `size` connections to `url`, each checked before it is handed out again;
/// waiting for a connection, making one or checking one each fail after a few seconds rather
/// than hang while the database is down.
pub fn pool(url: &str, size: usize) -> anyhow::Result<Pool> {
    let manager = Manager::from_config(
        config(url)?,
        NoTls,
        ManagerConfig {
            recycling_method: RecyclingMethod::Verified,
        },
    );
    Pool::builder(manager)
        .max_size(size.max(1))
        .runtime(deadpool_postgres::Runtime::Tokio1)
        .wait_timeout(Some(STATEMENT_TIMEOUT))
        .create_timeout(Some(CONNECT_TIMEOUT))
        .recycle_timeout(Some(CONNECT_TIMEOUT))
        .build()
        .with_context(|| format!("cannot make a connection pool for {}", redact(url)))
}

/// Applies the migrations `client`'s database does not have yet, holding an advisory lock so
/// that replicas starting at once apply each migration once. Returns the names of those it
/// applied (none when the schema is current).
pub async fn migrate(client: &mut Client) -> anyhow::Result<Vec<String>> {
    client
        .execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK])
        .await
        .context("cannot take the migration lock")?;
    let outcome = embedded::migrations::runner()
        .set_grouped(false)
        .run_async(client)
        .await;
    let unlocked = client
        .execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK])
        .await;
    let report = outcome.context("cannot migrate the PostgreSQL schema")?;
    unlocked.context("cannot release the migration lock")?;
    Ok(report
        .applied_migrations()
        .iter()
        .map(|m| m.to_string())
        .collect())
}

/// Connects to `url` and [`migrate`]s it, from a thread outside any Tokio runtime (`datalex
/// migrate`).
pub fn migrate_url(url: &str) -> anyhow::Result<Vec<String>> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start a runtime for PostgreSQL")?
        .block_on(async {
            let mut client = connect(url).await?;
            migrate(&mut client).await
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_is_never_shown() {
        assert_eq!(
            redact("postgres://datalex:s3cret@db.example:5432/datalex"),
            "postgres://datalex:***@db.example:5432/datalex"
        );
        assert_eq!(
            redact("postgres://datalex@127.0.0.1/datalex"),
            "postgres://datalex@127.0.0.1/datalex"
        );
        assert!(is_url("postgresql://x/y"));
        assert!(!is_url("data/decisions.sqlite"));
    }

    #[test]
    fn a_bad_url_is_named() {
        let e = config("postgres://u:pw@host:notaport/db").unwrap_err();
        let message = format!("{e:#}");
        assert!(
            message.contains("postgres://u:***@host:notaport/db"),
            "{message}"
        );
        assert!(!message.contains("pw"), "{message}");
    }
}
