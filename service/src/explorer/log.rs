//! The decision log pages: the most recent decisions, one decision by its id, and whether the
//! chain holds. This module is the explorer's only use of the log, kept small: it logs a
//! decision tried on the explorer ([`record`], as the API does), reads one by id
//! ([`DecisionLog::get`](crate::decision_log::DecisionLog::get)), verifies the chain
//! ([`decision_log::verify`]), and lists the newest rows with one
//! read-only query of the log's table.

use super::{Asked, Explorer, Page};
use crate::decision_log::{self, Outcome};
use crate::state::AppState;
use axum::http::StatusCode;
use datalex_evaluator::Jurisdiction;
use rusqlite::{Connection, OpenFlags};
use serde::Serialize;
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;

/// How many decisions the recent page lists at most.
pub const PAGE_ROWS: usize = 50;

/// Logs a decision the explorer made, as the API logs its own.
pub fn record(app: &AppState, j: &Jurisdiction, request: String, id: &str, decision: String) {
    app.log().append_rendered(
        id.to_string(),
        app.project().clock().timestamp(),
        j.name.clone(),
        j.version.clone(),
        request,
        Arc::from(decision),
    );
}

/// A row of the recent list.
#[derive(Serialize)]
struct Row {
    seq: i64,
    decision_id: String,
    time: String,
    jurisdiction: String,
    effect: Option<String>,
}

/// The newest rows before `before` (sequence number), newest first, at most [`PAGE_ROWS`].
fn newest(app: &AppState, before: Option<i64>) -> anyhow::Result<Vec<Row>> {
    // What was appended is in the table once flushed.
    app.log().flush()?;
    let conn = Connection::open_with_flags(
        app.log_path(),
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(Duration::from_secs(2))?;
    let mut stmt = conn.prepare_cached(
        "SELECT seq, decision_id, time, jurisdiction, decision FROM decisions \
         WHERE seq < ?1 ORDER BY seq DESC LIMIT ?2",
    )?;
    let limit = i64::try_from(PAGE_ROWS).unwrap_or(50);
    let rows = stmt.query_map(
        rusqlite::params![before.unwrap_or(i64::MAX), limit],
        |row| {
            let decision: Option<String> = row.get(4).ok();
            Ok(Row {
                seq: row.get(0)?,
                decision_id: row.get::<_, Option<String>>(1)?.unwrap_or_default(),
                time: row.get::<_, Option<String>>(2)?.unwrap_or_default(),
                jurisdiction: row.get::<_, Option<String>>(3)?.unwrap_or_default(),
                effect: decision
                    .and_then(|d| serde_json::from_str::<Value>(&d).ok())
                    .and_then(|d| d.get("effect").and_then(Value::as_str).map(str::to_string)),
            })
        },
    )?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// `/log?before=SEQ`: the newest decisions.
pub fn recent(ex: &Explorer, asked: &Asked) -> Page {
    let lang = asked.lang;
    let before = asked.get("before").and_then(|s| s.parse::<i64>().ok());
    let rows = match newest(ex.app(), before) {
        Ok(r) => r,
        Err(e) => {
            return Page::error(
                lang,
                StatusCode::SERVICE_UNAVAILABLE,
                "http-log-unavailable",
                &[("detail", format!("{e:#}"))],
            )
        }
    };
    let older = (rows.len() == PAGE_ROWS)
        .then(|| rows.last().map(|r| format!("/log?before={}", r.seq)))
        .flatten();
    let title = datalex_i18n::text(lang, "explorer-log-title", None);
    Page::render(
        asked,
        "log.html",
        &title,
        minijinja::context! { path => "/log", rows => rows, older => older, limit => PAGE_ROWS },
    )
}

/// `/log/verify`: the chain's verification.
pub fn verify(ex: &Explorer, asked: &Asked) -> Page {
    let lang = asked.lang;
    let app = ex.app();
    let checked = app
        .log()
        .flush()
        .and_then(|()| decision_log::verify(app.log_path()));
    let v = match checked {
        Ok(v) => v,
        Err(e) => {
            return Page::error(
                lang,
                StatusCode::SERVICE_UNAVAILABLE,
                "http-log-unavailable",
                &[("detail", format!("{e:#}"))],
            )
        }
    };
    let (intact, broken) = match &v.outcome {
        Outcome::Intact => (true, None),
        Outcome::Broken(b) => (
            false,
            Some(minijinja::context! {
                seq => b.seq,
                decision_id => b.decision_id.clone(),
                reason => b.reason.to_string(),
            }),
        ),
    };
    let title = datalex_i18n::text(lang, "explorer-verify-title", None);
    Page::render(
        asked,
        "verify.html",
        &title,
        minijinja::context! {
            path => "/log/verify",
            records => v.records,
            verified => v.intact,
            intact => intact,
            broken => broken,
            last_hash => v.last_hash.clone(),
        },
    )
}

/// `/log/{id}`: one logged decision.
pub fn decision(ex: &Explorer, asked: &Asked, id: &str) -> Page {
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
        Ok(Some(d)) => d,
        Ok(None) => return not_found(),
        Err(e) => {
            return Page::error(
                lang,
                StatusCode::SERVICE_UNAVAILABLE,
                "http-log-unavailable",
                &[("detail", format!("{e:#}"))],
            )
        }
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
