//! The policy explorer: server-rendered pages at `/` where legal and policy staff read a
//! regulation article by article beside the rules that implement it, see what is and is not
//! encoded, read a rule with its overrides, citations, tests and graph, try a request and read
//! the decision as a 决定书, check the decision log, and see which test decisions a reload
//! changed.
//!
//! Read-only: no page changes policies or facts. A request tried on the explorer is decided and
//! logged exactly as one the API answers (it is a decision like any other). Chinese first,
//! English with `?lang=en` (kept on every link) or `Accept-Language`. Pages work without
//! JavaScript; the templates (`service/templates/explorer/`) and the style sheet are embedded.
//!
//! [`router`] is merged into the service's router in one line; it has its own state
//! ([`Explorer`]) so that access control can wrap it on its own.
//!
//! - [`view`]: what is computed once per served snapshot (the graph view, the policy sources,
//!   the package tests decided), cached until a reload swaps the snapshot.
//! - [`pages`]: jurisdictions, regulation (article tree, badges, "as of"), article, rule.
//! - [`try_page`]: the request form per kind and its decision.
//! - [`log`]: the decision log pages, the one place that reads the log.
//! - [`changes`]: the test decisions that differ from the previous snapshot's.
//! - [`svg`]: the policy graph around a rule as SVG (Graphviz when installed, else laid out
//!   here).
//! - [`templates`]: the MiniJinja environment and the words of the pages.

pub mod changes;
pub mod log;
pub mod pages;
pub mod svg;
pub mod templates;
pub mod try_page;
pub mod view;

use crate::state::{AppState, Snapshot};
use axum::extract::{Path as UrlPath, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use datalex_i18n::Lang;
use minijinja::value::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

/// The longest query string a page accepts (a shared request URL is far shorter).
pub const MAX_QUERY: usize = 8 * 1024;

/// The explorer's state: the service's, and what is cached per snapshot.
pub struct Explorer {
    app: Arc<AppState>,
    /// The view of the snapshot last seen (replaced when a reload swaps the snapshot).
    view: Mutex<Option<Arc<view::View>>>,
    /// Rendered graphs, by rule, for the cached view's snapshot.
    svgs: Mutex<HashMap<String, Arc<str>>>,
    /// The last "what changed" computed, for the pair of snapshots it compares.
    changes: Mutex<Option<Arc<changes::Changes>>>,
}

impl Explorer {
    /// The explorer of the service `app`.
    pub fn new(app: Arc<AppState>) -> Explorer {
        Explorer {
            app,
            view: Mutex::new(None),
            svgs: Mutex::new(HashMap::new()),
            changes: Mutex::new(None),
        }
    }

    /// The service's state.
    pub fn app(&self) -> &AppState {
        &self.app
    }

    /// The view of the snapshot serving now, built on first use after each reload.
    pub fn view(&self) -> Arc<view::View> {
        let snap = self.app.snapshot();
        let mut cached = self.view.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(v) = cached.as_ref().filter(|v| Arc::ptr_eq(&v.snapshot, &snap)) {
            return Arc::clone(v);
        }
        let v = Arc::new(view::View::build(&self.app, snap));
        *cached = Some(Arc::clone(&v));
        self.svgs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
        v
    }

    /// The SVG of the graph around `rule` in `view`, rendered once per snapshot.
    pub fn svg(&self, view: &view::View, rule: &str) -> Arc<str> {
        if let Some(s) = self
            .svgs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(rule)
        {
            return Arc::clone(s);
        }
        let svg: Arc<str> = Arc::from(svg::around(&view.graph, rule));
        self.svgs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(rule.to_string(), Arc::clone(&svg));
        svg
    }

    /// What changed between the previous snapshot and `view`'s, computed once per pair.
    pub fn changes(&self, view: &view::View) -> Option<Arc<changes::Changes>> {
        let previous: Arc<Snapshot> = self.app.previous_snapshot()?;
        let mut cached = self.changes.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(c) = cached
            .as_ref()
            .filter(|c| Arc::ptr_eq(&c.before, &previous) && Arc::ptr_eq(&c.after, &view.snapshot))
        {
            return Some(Arc::clone(c));
        }
        let c = Arc::new(changes::Changes::compute(view, previous));
        *cached = Some(Arc::clone(&c));
        Some(c)
    }
}

/// The explorer's routes, with their own state; merged into the service's router.
pub fn router<S: Clone + Send + Sync + 'static>(app: Arc<AppState>) -> Router<S> {
    Router::new()
        .route("/", get(index))
        .route("/explorer.css", get(css))
        .route("/regulations/{id}", get(regulation))
        .route("/regulations/{id}/articles/{n}", get(article))
        .route("/rules/{name}", get(rule))
        .route("/try", get(try_request))
        .route("/log", get(log_recent))
        .route("/log/verify", get(log_verify))
        .route("/log/{id}", get(log_decision))
        .route("/changes", get(changes_page))
        .with_state(Arc::new(Explorer::new(app)))
}

/// What every page knows of the request: the language, and whether it was chosen by the query
/// (then every link keeps it), and the query's pairs.
#[derive(Debug, Clone)]
pub struct Asked {
    /// The language of the page.
    pub lang: Lang,
    /// `lang=en` when the query chose the language, for links to carry.
    pub lang_param: Option<String>,
    /// The query's pairs, decoded, in order.
    pub query: Vec<(String, String)>,
}

impl Asked {
    /// Reads the language and the query; `Err` with the page to answer when the query is too
    /// long or malformed.
    pub fn read(headers: &HeaderMap, raw: Option<&str>) -> Result<Asked, Box<Page>> {
        let header_lang = headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(Lang::from_accept_language)
            .unwrap_or_default();
        let raw = raw.unwrap_or("");
        if raw.len() > MAX_QUERY {
            return Err(Box::new(Page::error(
                header_lang,
                StatusCode::URI_TOO_LONG,
                "explorer-query-too-long",
                &[("limit", MAX_QUERY.to_string())],
            )));
        }
        let query: Vec<(String, String)> = form_urlencoded::parse(raw.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let chosen = query
            .iter()
            .find(|(k, _)| k == "lang")
            .and_then(|(_, v)| Lang::from_tag(v));
        Ok(Asked {
            lang: chosen.unwrap_or(header_lang),
            lang_param: chosen.map(|l| format!("lang={}", l.code())),
            query,
        })
    }

    /// The first value of `key` in the query.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// A page to answer: its status and HTML.
#[derive(Debug)]
pub struct Page {
    /// The status.
    pub status: StatusCode,
    /// The HTML.
    pub html: String,
}

impl Page {
    /// A rendered page, or the internal-error page if the template failed.
    pub fn render(asked: &Asked, template: &str, title: &str, ctx: Value) -> Page {
        match templates::render(asked, template, title, ctx) {
            Ok(html) => Page {
                status: StatusCode::OK,
                html,
            },
            Err(e) => Page::error(
                asked.lang,
                StatusCode::INTERNAL_SERVER_ERROR,
                "explorer-internal",
                &[("detail", e.to_string())],
            ),
        }
    }

    /// An error page (404 for an unknown article or rule, …): plain HTML in the page's frame,
    /// the message from the catalog.
    pub fn error(lang: Lang, status: StatusCode, id: &str, args: &[(&str, String)]) -> Page {
        let message = crate::words::say(lang, id, args);
        let asked = Asked {
            lang,
            lang_param: None,
            query: Vec::new(),
        };
        let title = datalex_i18n::text(lang, "explorer-error-title", None);
        let ctx = minijinja::context! { message => message, status => status.as_u16() };
        match templates::render(&asked, "error.html", &title, ctx) {
            Ok(html) => Page { status, html },
            // The error page itself failed: say so in plain text rather than not at all.
            Err(e) => Page {
                status,
                html: format!("{message} ({e})"),
            },
        }
    }
}

impl IntoResponse for Page {
    fn into_response(self) -> Response {
        (
            self.status,
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            self.html,
        )
            .into_response()
    }
}

/// Reads the request, then answers with `page`.
fn answer(headers: &HeaderMap, raw: Option<String>, page: impl FnOnce(&Asked) -> Page) -> Response {
    match Asked::read(headers, raw.as_deref()) {
        Ok(asked) => page(&asked).into_response(),
        Err(p) => p.into_response(),
    }
}

async fn css() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        templates::CSS,
    )
        .into_response()
}

async fn index(
    State(ex): State<Arc<Explorer>>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    answer(&headers, raw, |a| pages::index(&ex, a))
}

async fn regulation(
    State(ex): State<Arc<Explorer>>,
    headers: HeaderMap,
    UrlPath(id): UrlPath<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    answer(&headers, raw, |a| pages::regulation(&ex, a, &id))
}

async fn article(
    State(ex): State<Arc<Explorer>>,
    headers: HeaderMap,
    UrlPath((id, n)): UrlPath<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Response {
    answer(&headers, raw, |a| pages::article(&ex, a, &id, &n))
}

async fn rule(
    State(ex): State<Arc<Explorer>>,
    headers: HeaderMap,
    UrlPath(name): UrlPath<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    answer(&headers, raw, |a| pages::rule(&ex, a, &name))
}

async fn try_request(
    State(ex): State<Arc<Explorer>>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    answer(&headers, raw, |a| try_page::page(&ex, a))
}

async fn log_recent(
    State(ex): State<Arc<Explorer>>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    answer(&headers, raw, |a| log::recent(&ex, a))
}

async fn log_verify(
    State(ex): State<Arc<Explorer>>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    answer(&headers, raw, |a| log::verify(&ex, a))
}

async fn log_decision(
    State(ex): State<Arc<Explorer>>,
    headers: HeaderMap,
    UrlPath(id): UrlPath<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    answer(&headers, raw, |a| log::decision(&ex, a, &id))
}

async fn changes_page(
    State(ex): State<Arc<Explorer>>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    answer(&headers, raw, |a| changes::page(&ex, a))
}
