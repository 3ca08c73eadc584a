//! The policy explorer: server-rendered pages at `/` where legal and policy staff read a
//! regulation article by article beside the rules that implement it, see what is and is not
//! encoded, read a rule with its overrides, citations, tests and graph, try a request and read
//! the decision as a 决定书, check the decision log, and see which test decisions a reload
//! changed.
//!
//! Read-only: no page changes policies or facts. A request tried on the explorer (`POST /try`)
//! is decided and logged exactly as one the API answers (it is a decision like any other, with
//! its caller). Chinese first,
//! English with `?lang=en` (kept on every link) or `Accept-Language`. Pages work without
//! JavaScript; the templates (`service/templates/explorer/`) and the style sheet are embedded.
//!
//! [`router`] is merged into the service's router in one line, inside the service's access
//! guard; each page needs a scope ([`ROUTES`], [`access`]): reading pages `read-policies`,
//! `/try` `decide`, the log's pages `read-decisions` (the caller's own decisions) or `audit`
//! (all). Without a key file (loopback) every page is open, as every route is.
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

use crate::auth::{Caller, Scope};
use crate::state::AppState;
use axum::extract::rejection::StringRejection;
use axum::extract::{Path as UrlPath, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, MethodRouter};
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
        let previous: Arc<crate::state::Previous> = self.app.previous_snapshot()?;
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

/// The explorer's pages (HTML for people, not API routes: they are not in
/// [`crate::handlers::ROUTES`] nor in `openapi.json`), each with the scopes of which a caller
/// needs one ([`access`]).
pub const ROUTES: &[(&str, &[Scope])] = &[
    ("/", READ),
    ("/explorer.css", READ),
    ("/regulations/{id}", READ),
    ("/regulations/{id}/articles/{n}", READ),
    ("/rules/{name}", READ),
    ("/changes", READ),
    ("/try", &[Scope::Decide]),
    ("/log", LOG),
    ("/log/verify", LOG),
    ("/log/{id}", LOG),
];

/// Reading the policies, regulations and what a reload changed.
const READ: &[Scope] = &[Scope::ReadPolicies];
/// The decision log's pages: a caller with `read-decisions` sees its own decisions, one with
/// `audit` every one.
const LOG: &[Scope] = &[Scope::ReadDecisions, Scope::Audit];

/// The scopes of which a caller needs one to open the explorer's page `path` (a route pattern
/// of [`ROUTES`]); `None` for a path that is not one of its pages.
pub fn access(path: &str) -> Option<&'static [Scope]> {
    ROUTES.iter().find(|(p, _)| *p == path).map(|(_, s)| *s)
}

/// The handler of an explorer page of [`ROUTES`].
fn handler(path: &str) -> Option<MethodRouter<Arc<Explorer>>> {
    Some(match path {
        "/" => get(index),
        "/explorer.css" => get(css),
        "/regulations/{id}" => get(regulation),
        "/regulations/{id}/articles/{n}" => get(article),
        "/rules/{name}" => get(rule),
        "/changes" => get(changes_page),
        // GET shows the form (filled from the query: a shared case); POST decides and logs,
        // so that neither a prefetch nor a reload of a link makes a decision.
        "/try" => get(try_form).post(try_decide),
        "/log" => get(log_recent),
        "/log/verify" => get(log_verify),
        "/log/{id}" => get(log_decision),
        _ => return None,
    })
}

/// The explorer's routes, with their own state; merged into the service's router (inside its
/// access guard: every page of [`ROUTES`] has its scopes in [`access`]).
pub fn router<S: Clone + Send + Sync + 'static>(app: Arc<AppState>) -> Router<S> {
    let mut r = Router::new();
    for (path, _) in ROUTES {
        if let Some(h) = handler(path) {
            r = r.route(path, h);
        }
    }
    r.with_state(Arc::new(Explorer::new(app)))
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

async fn try_form(
    State(ex): State<Arc<Explorer>>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    answer(&headers, raw, |a| try_page::page(&ex, a, None).page)
}

/// `POST /try`: the form's fields (the body, `application/x-www-form-urlencoded`, with the
/// query's `lang`) decided, logged as `POST /v1/decisions` logs (the caller recorded, the
/// answer only once the record is durable; 503 if the log cannot take it), and shown.
async fn try_decide(
    State(ex): State<Arc<Explorer>>,
    caller: Caller,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    body: Result<String, StringRejection>,
) -> Response {
    let body = match body {
        Ok(b) => b,
        Err(e) => {
            return Page::error(
                crate::handlers::lang(&headers),
                e.status(),
                "explorer-internal",
                &[("detail", e.body_text())],
            )
            .into_response()
        }
    };
    let pairs = match raw {
        Some(q) if !q.is_empty() => format!("{q}&{body}"),
        _ => body,
    };
    let asked = match Asked::read(&headers, Some(&pairs)) {
        Ok(a) => a,
        Err(p) => return p.into_response(),
    };
    let tried = try_page::page(&ex, &asked, Some(&caller));
    if let Some(record) = tried.record {
        if let Err(e) = log::record(ex.app(), record).await {
            return Page::error(
                asked.lang,
                StatusCode::SERVICE_UNAVAILABLE,
                "http-decision-log-unavailable",
                &[("detail", e.0)],
            )
            .into_response();
        }
    }
    tried.page.into_response()
}

async fn log_recent(
    State(ex): State<Arc<Explorer>>,
    caller: Caller,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    answer(&headers, raw, |a| log::recent(&ex, a, &caller))
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
    caller: Caller,
    headers: HeaderMap,
    UrlPath(id): UrlPath<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    answer(&headers, raw, |a| log::decision(&ex, a, &caller, &id))
}

async fn changes_page(
    State(ex): State<Arc<Explorer>>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    answer(&headers, raw, |a| changes::page(&ex, a))
}
