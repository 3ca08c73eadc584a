//! `datalex serve --bundles`: serving the active policy bundle of PostgreSQL instead of local
//! files, and following it.
//!
//! At start, [`start`] fetches the active bundle and checks it ([`super::check`]); if it is
//! refused, the newest earlier activation that passes serves instead (and the refusal is shown),
//! so a replica restarted while a bad bundle is active still serves the last good one. Then
//! [`spawn`] follows: a dedicated connection `LISTEN`s on [`CHANNEL`] (reconnecting when it
//! drops) and a timer polls every `poll` seconds, because notifications can be missed; either
//! wakes one loop that reads the active pointer and, on a new id, fetches, verifies and swaps
//! the snapshot atomically — or records the refusal in `/v1/policies` and keeps serving. A
//! notification and a poll for the same id do the work once (the loop compares ids), and a
//! refused activation is not tried again until the pointer moves.

use super::store::{self, Activation, CHANNEL};
use super::{check, remove_stale, Bundle};
use crate::pg;
use crate::project::Project;
use crate::state::{AppState, ReloadFailure, Snapshot};
use anyhow::Context as _;
use datalex_i18n::Lang;
use ed25519_dalek::VerifyingKey;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio_postgres::{AsyncMessage, Client, NoTls};

/// How many earlier activations a replica starting while the active bundle is refused tries.
const FALLBACK: i64 = 20;
/// How long reading the active pointer and an archive may take before the follower gives up
/// until its next wake-up (a host that stopped answering).
const STORE_WAIT: Duration = Duration::from_secs(30);
/// How long the listening connection waits before connecting again after it dropped.
const RECONNECT: Duration = Duration::from_secs(1);

/// How a replica follows the bundles (`serve --bundles`).
#[derive(Debug, Clone)]
pub struct Follow {
    /// The PostgreSQL store (`postgres://…`).
    pub store: String,
    /// The public keys whose signatures are trusted (`--bundle-public-key`, at least one).
    pub public_keys: Vec<PathBuf>,
    /// How often the active pointer is polled besides `LISTEN` (`--bundle-poll`, default 5 s).
    pub poll: Duration,
    /// Where bundles are unpacked (`bundles/` in the data directory).
    pub dir: PathBuf,
}

/// What [`start`] found: the project serving the bundle (for the service's state), and the
/// refusal of the active bundle if an earlier one serves instead.
pub struct Started {
    /// The project whose files are the unpacked bundle's ([`Project::serving`]).
    pub project: Project,
    /// The snapshot the check built, served first (taken by the service's state, so that the
    /// first bundle is compiled and tested once).
    pub snapshot: Option<Snapshot>,
    /// The activation served.
    pub serving: Activation,
    /// The active activation and why it was refused, when an earlier one serves.
    pub refused: Option<(Activation, String)>,
    trusted: Vec<VerifyingKey>,
}

/// Reads the trusted public keys; at least one is needed.
fn trusted(follow: &Follow) -> anyhow::Result<Vec<VerifyingKey>> {
    if follow.public_keys.is_empty() {
        anyhow::bail!(
            "`serve --bundles` needs the public key of the bundles' signer: --bundle-public-key FILE"
        );
    }
    follow
        .public_keys
        .iter()
        .map(|p| crate::decision_log::keys::read_public_key(p))
        .collect()
}

/// Fetches and checks the active bundle (or, if it is refused, the newest earlier one that
/// passes); fails when none is published (naming `datalex bundle publish`) or none passes.
/// Runs the checks on the calling thread (before the service starts).
pub async fn start(follow: &Follow, base: &Project, lang: Lang) -> anyhow::Result<Started> {
    let trusted = trusted(follow)?;
    std::fs::create_dir_all(&follow.dir)
        .with_context(|| format!("cannot create {}", follow.dir.display()))?;
    remove_stale(&follow.dir);
    let mut client = pg::connect(&follow.store).await?;
    pg::migrate(&mut client).await?;
    let Some(active) = store::active(&client).await? else {
        anyhow::bail!(
            "no policy bundle is published in {} yet: publish one with `datalex bundle publish FILE.dlxb --store {}`",
            pg::redact(&follow.store),
            pg::redact(&follow.store)
        );
    };
    let mut candidates = vec![active.clone()];
    candidates.extend(store::earlier(&client, active.generation, FALLBACK).await?);
    let mut refused: Option<(Activation, String)> = None;
    let mut tried: Vec<String> = Vec::new();
    for candidate in candidates {
        if tried.contains(&candidate.id) {
            continue;
        }
        tried.push(candidate.id.clone());
        let bytes = store::archive(&client, &candidate.id).await?;
        let checked = Bundle::read(&bytes)
            .map_err(anyhow::Error::from)
            .and_then(|bundle| {
                check(
                    &bundle,
                    &trusted,
                    &candidate.activated_at,
                    base,
                    &follow.dir,
                    lang,
                )
            });
        match checked {
            Ok((snapshot, unpacked)) => {
                unpacked.keep();
                return Ok(Started {
                    project: (*snapshot.project).clone(),
                    snapshot: Some(snapshot),
                    serving: candidate,
                    refused,
                    trusted,
                });
            }
            Err(e) => {
                let why = refusal(&candidate, &e);
                tracing::error!("{why}");
                if refused.is_none() {
                    refused = Some((candidate, why));
                }
            }
        }
    }
    let why = refused.map(|(_, why)| why).unwrap_or_default();
    anyhow::bail!("no published policy bundle can be served: {why}")
}

/// The message of a refused bundle, for the log and `/v1/policies`.
fn refusal(activation: &Activation, e: &anyhow::Error) -> String {
    format!(
        "the policy bundle {} (publish {}) is refused: {e:#}",
        activation.id, activation.generation
    )
}

/// Follows the active bundle from now on (see the module's documentation). Must be called
/// inside a Tokio runtime; runs until the runtime stops.
pub fn spawn(state: Arc<AppState>, follow: Follow, started: Started) {
    if let Some((activation, why)) = &started.refused {
        state.fail(ReloadFailure {
            at: activation.activated_at.clone(),
            message: why.clone(),
        });
    }
    let (tx, rx) = mpsc::channel::<()>(16);
    tokio::spawn(listen(follow.store.clone(), tx));
    let mut follower = Follower {
        state,
        trusted: started.trusted,
        serving: started.serving,
        serving_dir: started.project.bundle().map(|b| b.dir.clone()),
        refused: started.refused.map(|(a, _)| a),
        client: None,
        follow,
    };
    tokio::spawn(async move { follower.run(rx).await });
}

struct Follower {
    state: Arc<AppState>,
    follow: Follow,
    trusted: Vec<VerifyingKey>,
    serving: Activation,
    serving_dir: Option<PathBuf>,
    /// The last activation refused (not tried again until the pointer moves).
    refused: Option<Activation>,
    client: Option<Client>,
}

impl Follower {
    async fn run(&mut self, mut wake: mpsc::Receiver<()>) {
        let mut tick = tokio::time::interval(self.follow.poll.max(Duration::from_millis(100)));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                Some(()) = wake.recv() => {}
            }
            while wake.try_recv().is_ok() {}
            if let Err(e) = self.step().await {
                tracing::warn!(error = %format!("{e:#}"), "cannot read the active policy bundle; the current one keeps serving");
                self.client = None;
            }
        }
    }

    /// Reads the active pointer and acts on it.
    async fn step(&mut self) -> anyhow::Result<()> {
        // Reading the store is bounded (a host that stopped answering); checking is not.
        let Some((active, bytes)) = tokio::time::timeout(STORE_WAIT, self.fetch())
            .await
            .map_err(|_| anyhow::anyhow!("PostgreSQL did not answer within {STORE_WAIT:?}"))??
        else {
            return Ok(());
        };
        let state = Arc::clone(&self.state);
        let trusted = self.trusted.clone();
        let dir = self.follow.dir.clone();
        let at = active.activated_at.clone();
        let built = tokio::task::spawn_blocking(move || {
            let bundle = Bundle::read(&bytes)?;
            check(&bundle, &trusted, &at, state.project(), &dir, state.lang())
        })
        .await
        .context("the bundle check stopped")?;
        match built {
            Ok((snapshot, unpacked)) => {
                let dir = unpacked.keep();
                self.state.swap(snapshot);
                self.state.metrics().reloaded();
                tracing::info!(bundle = %active.id, publish = active.generation, "serving the new policy bundle");
                if let Some(old) = self.serving_dir.replace(dir) {
                    let _ = std::fs::remove_dir_all(old);
                }
                self.serving = active;
                self.refused = None;
            }
            Err(e) => {
                let why = refusal(&active, &e);
                tracing::error!("{why}; the policy bundle {} keeps serving", self.serving.id);
                self.state.metrics().reload_failed();
                self.state.fail(ReloadFailure {
                    at: self.state.project().clock().timestamp(),
                    message: why,
                });
                self.refused = Some(active);
            }
        }
        Ok(())
    }
}

impl Follower {
    /// Reads the active pointer; returns it with its archive when it is a bundle to check (not
    /// the one serving, not the one last refused).
    async fn fetch(&mut self) -> anyhow::Result<Option<(Activation, Vec<u8>)>> {
        let client = match self.client.take() {
            Some(c) if !c.is_closed() => c,
            _ => pg::connect(&self.follow.store).await?,
        };
        let client = self.client.insert(client);
        let Some(active) = store::active(client).await? else {
            return Ok(None);
        };
        if active.id == self.serving.id {
            if self.refused.take().is_some() {
                // The pointer moved back to the bundle that serves: nothing is refused now.
                self.state.clear_failure();
                tracing::info!(bundle = %active.id, "the active policy bundle is the one served again");
            }
            return Ok(None);
        }
        if self.refused.as_ref() == Some(&active) {
            return Ok(None);
        }
        let bytes = store::archive(client, &active.id).await?;
        Ok(Some((active, bytes)))
    }
}

/// Keeps a connection that `LISTEN`s on [`CHANNEL`], waking the follower on each notification
/// and after each (re)connection (a publish may have been missed meanwhile).
async fn listen(url: String, wake: mpsc::Sender<()>) {
    loop {
        match listen_once(&url, &wake).await {
            Ok(()) => {
                tracing::warn!("the connection listening for policy bundles closed; reconnecting")
            }
            Err(e) => {
                tracing::warn!(error = %format!("{e:#}"), "cannot listen for policy bundles; reconnecting")
            }
        }
        if wake.is_closed() {
            return;
        }
        tokio::time::sleep(RECONNECT).await;
    }
}

async fn listen_once(url: &str, wake: &mpsc::Sender<()>) -> anyhow::Result<()> {
    let mut config = pg::config(url)?;
    // A host that vanished without closing the connection is noticed within a minute or so,
    // not after the system's two hours (polling covers the meantime).
    config.keepalives_idle(Duration::from_secs(30));
    let (client, mut connection) = tokio::time::timeout(STORE_WAIT, config.connect(NoTls))
        .await
        .map_err(|_| anyhow::anyhow!("PostgreSQL did not answer within {STORE_WAIT:?}"))?
        .with_context(|| format!("cannot connect to PostgreSQL at {}", pg::redact(url)))?;
    let notify = wake.clone();
    let driver = tokio::spawn(async move {
        loop {
            match std::future::poll_fn(|cx| connection.poll_message(cx)).await {
                Some(Ok(AsyncMessage::Notification(n))) => {
                    tracing::debug!(bundle = n.payload(), "notified of a policy bundle");
                    // A full queue already holds a wake-up.
                    let _ = notify.try_send(());
                }
                Some(Ok(_)) => {}
                Some(Err(e)) => return Err(e),
                None => return Ok(()),
            }
        }
    });
    client
        .batch_execute(&format!("LISTEN {CHANNEL}"))
        .await
        .context("cannot LISTEN for policy bundles")?;
    let _ = wake.try_send(());
    let outcome = driver.await.context("the listening connection stopped")?;
    drop(client);
    outcome.context("the listening connection failed")
}
