//! The decision log pages: the most recent decisions, one decision by its id, and whether the
//! chain holds. This module is the explorer's only use of the log, kept small and on the log's
//! public API: it logs a decision tried on the explorer ([`record`]: submitted and awaited as
//! `POST /v1/decisions` does), reads one by id
//! ([`DecisionLog::get`](crate::decision_log::DecisionLog::get), honouring
//! [`Caller::may_read`]), lists the newest
//! ([`DecisionLog::recent`](crate::decision_log::DecisionLog::recent)), and verifies the chains
//! ([`DecisionLog::verify`](crate::decision_log::DecisionLog::verify), with the log's key file
//! and its checkpoints when present; in PostgreSQL every replica's chain).

use super::{Asked, Explorer, Page};
use crate::auth::{Caller, Scope};
use crate::decision_log::{Recent, Rendered, Unavailable};
use crate::handlers::COMMIT_WAIT;
use crate::state::AppState;
use axum::http::StatusCode;
use datalex_i18n::Lang;

/// How many decisions the recent page lists at most.
pub const PAGE_ROWS: usize = 50;

/// Logs a decision the explorer made as the API logs its own: submitted, and awaited until
/// durable (in the durable mode).
pub async fn record(app: &AppState, record: Rendered) -> Result<(), Unavailable> {
    app.log().submit(vec![record])?.durable(COMMIT_WAIT).await
}

/// `/log?before=ID`: the newest decisions (older than the decision `ID`): every caller's for an
/// auditor, else the caller's own.
pub fn recent(ex: &Explorer, asked: &Asked, caller: &Caller) -> Page {
    let lang = asked.lang;
    let before = asked
        .get("before")
        .filter(|s| s.len() <= 64 && s.chars().all(|c| c.is_ascii_alphanumeric()));
    let only = if caller.has(Scope::Audit) {
        None
    } else {
        Some(caller.id.as_str())
    };
    let rows: Vec<Recent> = match ex.app().log().recent(PAGE_ROWS, before, only) {
        Ok(r) => r,
        Err(e) => return unavailable(lang, &e),
    };
    let older = (rows.len() == PAGE_ROWS)
        .then(|| {
            rows.last()
                .map(|r| format!("/log?before={}", r.decision_id))
        })
        .flatten();
    let title = datalex_i18n::text(lang, "explorer-log-title", None);
    Page::render(
        asked,
        "log.html",
        &title,
        minijinja::context! {
            path => "/log",
            rows => minijinja::Value::from_serialize(&rows),
            older => older,
            limit => PAGE_ROWS,
            all => only.is_none(),
            caller => caller.id.clone(),
        },
    )
}

/// `/log/verify`: the chain's verification.
pub fn verify(ex: &Explorer, asked: &Asked) -> Page {
    let lang = asked.lang;
    let app = ex.app();
    let checked = app.log().verify();
    let v = match checked {
        Ok(v) => v,
        Err(e) => return unavailable(lang, &e),
    };
    let chains: Vec<minijinja::Value> = v
        .chains
        .iter()
        .map(|c| {
            let broken = c.first_broken().map(|b| {
                minijinja::context! {
                    seq => b.seq,
                    decision_id => b.decision_id.clone(),
                    reason => b.reason.describe(lang),
                }
            });
            minijinja::context! {
                chain => c.chain.clone(),
                records => c.records,
                verified => c.intact,
                broken => broken,
                last_mac => c.last.as_ref().map(|(_, mac)| mac.clone()),
            }
        })
        .collect();
    let checkpoints = v.checkpoints.as_ref().map(|c| {
        minijinja::context! {
            checked => c.checked,
            unanchored => c.unanchored,
            problem => c.problem.as_ref().map(|p| p.describe(lang)),
        }
    });
    let title = datalex_i18n::text(lang, "explorer-verify-title", None);
    Page::render(
        asked,
        "verify.html",
        &title,
        minijinja::context! {
            path => "/log/verify",
            records => v.records(),
            intact => v.is_intact(),
            chains => chains,
            checkpoints => checkpoints,
        },
    )
}

/// The page of a log that cannot be read (503), with why.
fn unavailable(lang: Lang, e: &anyhow::Error) -> Page {
    Page::error(
        lang,
        StatusCode::SERVICE_UNAVAILABLE,
        "http-log-unavailable",
        &[("detail", format!("{e:#}"))],
    )
}

/// `/log/{id}`: one logged decision; another caller's is not found (unless the caller audits),
/// as the API answers it.
pub fn decision(ex: &Explorer, asked: &Asked, caller: &Caller, id: &str) -> Page {
    let lang = asked.lang;
    let not_found = || {
        Page::error(
            lang,
            StatusCode::NOT_FOUND,
            "http-no-decision",
            &[("id", id.chars().take(64).collect())],
        )
    };
    if id.len() > 64 || !id.chars().all(|c| c.is_ascii_alphanumeric()) {
        return not_found();
    }
    let d = match ex.app().log().get(id) {
        Ok(Some(logged)) if caller.may_read(logged.caller.as_deref()) => logged.decision,
        Ok(_) => return not_found(),
        Err(e) => return unavailable(lang, &e),
    };
    let pretty = serde_json::to_string_pretty(&d).unwrap_or_default();
    let title = datalex_i18n::text(lang, "explorer-decision-title", None);
    Page::render(
        asked,
        "decision.html",
        &title,
        minijinja::context! {
            path => format!("/log/{id}"),
            id => id,
            d => minijinja::Value::from_serialize(&d),
            json => pretty,
        },
    )
}
