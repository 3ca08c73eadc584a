//! Who may ask: the calling platforms, their API keys and scopes, and the guard every request
//! passes before its handler.
//!
//! A calling platform sends `Authorization: Bearer <key>`. The service knows the keys from a
//! key file (TOML, `[[caller]]` entries) that holds only the SHA-256 of each key; a presented
//! key is hashed and looked up, so no key is ever compared byte by byte and the file leaks no
//! key. The file is reread when its content changes ([`KeyStore::reload_if_changed`]); a file
//! that does not read keeps the last good keys serving.
//!
//! Each caller has [`Scope`]s; each route needs one ([`crate::handlers::access`]). The
//! authenticated [`Caller`] is put in the request's extensions for the handlers. Routes are
//! served without a key only when the configuration opens them (default: `/healthz`,
//! `/readyz`), or when the service runs without a key file at all (loopback development), where
//! every request is the [anonymous](Caller::anonymous) caller with every scope.
//!
//! Refusals: `401 unauthenticated` (no key, or one the service does not know, with
//! `WWW-Authenticate: Bearer`), `403 forbidden` (a known caller without the route's scope),
//! `429 rate_limited` (over the caller's rate, or the address's on open routes, with
//! `Retry-After`).

use crate::api::{ApiError, ErrorCode};
use crate::handlers;
use crate::limits::{retry_after_secs, AddressLimit, CallerLimit, Rate, RetryAfter};
use crate::project::{parse_toml, ConfigError};
use crate::state::AppState;
use crate::words;
use axum::extract::{ConnectInfo, FromRequestParts, MatchedPath, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use datalex_i18n::Lang;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

/// What a caller may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    /// Ask for decisions: `POST /v1/decisions`, `POST /v1/decisions:batch`.
    Decide,
    /// Read back a logged decision the same caller asked for: `GET /v1/decisions/{id}`.
    ReadDecisions,
    /// Read any caller's logged decision.
    Audit,
    /// The served policies and the API's description: `GET /v1/policies`, `GET /openapi.json`.
    ReadPolicies,
    /// `GET /metrics`.
    Metrics,
}

impl Scope {
    /// Every scope.
    pub const ALL: [Scope; 5] = [
        Scope::Decide,
        Scope::ReadDecisions,
        Scope::Audit,
        Scope::ReadPolicies,
        Scope::Metrics,
    ];

    /// The scope the key file writes `name`.
    pub fn parse(name: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// The scope as the key file writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Decide => "decide",
            Scope::ReadDecisions => "read-decisions",
            Scope::Audit => "audit",
            Scope::ReadPolicies => "read-policies",
            Scope::Metrics => "metrics",
        }
    }
}

/// Who is asking: the authenticated calling platform (its id in the key file and its scopes),
/// or the [anonymous](Caller::anonymous) caller of an open route. The guard puts it in each
/// request's extensions; a handler takes it as an extractor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The caller's id (`binzhou-platform`), as the decision log records it.
    pub id: String,
    /// What it may do.
    pub scopes: BTreeSet<Scope>,
}

impl Caller {
    /// The id of the caller without a key (reserved: no key file entry may use it).
    pub const ANONYMOUS: &'static str = "anonymous";

    /// A caller with these scopes.
    pub fn new(id: impl Into<String>, scopes: impl IntoIterator<Item = Scope>) -> Caller {
        Caller {
            id: id.into(),
            scopes: scopes.into_iter().collect(),
        }
    }

    /// The caller of a route served without a key: every scope, since opening a route (or
    /// running without keys) is the operator's decision to serve it to anyone who can reach it.
    pub fn anonymous() -> Caller {
        Caller::new(Caller::ANONYMOUS, Scope::ALL)
    }

    /// Whether it has `scope`.
    pub fn has(&self, scope: Scope) -> bool {
        self.scopes.contains(&scope)
    }

    /// Whether it has one of `scopes` (any caller, if `scopes` is empty).
    pub fn has_any(&self, scopes: &[Scope]) -> bool {
        scopes.is_empty() || scopes.iter().any(|s| self.has(*s))
    }

    /// The caller as the decision log records it: `None` for the anonymous caller of a service
    /// (or a route) open without keys.
    pub fn recorded(&self) -> Option<&str> {
        (self.id != Caller::ANONYMOUS).then_some(self.id.as_str())
    }

    /// Whether it may read a logged decision asked for by `owner` (`None`: a record that names
    /// no caller, logged before callers were recorded): an auditor reads any; a caller with
    /// `read-decisions` reads its own.
    pub fn may_read(&self, owner: Option<&str>) -> bool {
        self.has(Scope::Audit) || (self.has(Scope::ReadDecisions) && owner == Some(&*self.id))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = Response;

    /// The caller the guard admitted, taken from the request (one handler reads it, once: no
    /// copy per request); a route the guard did not pass (which the router does not build) is
    /// refused as unauthenticated.
    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Caller, Response> {
        match parts.extensions.remove::<Caller>() {
            Some(caller) => Ok(caller),
            None => Err(Refusal::unauthenticated(handlers::lang(&parts.headers), false).response()),
        }
    }
}

/// The SHA-256 of a key, in lowercase hex, as the key file stores it (the same as
/// `printf %s KEY | sha256sum`).
pub fn key_hash_hex(key: &str) -> String {
    hex(&Sha256::digest(key.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// A new API key: `dlx_` and 32 bytes of the operating system's randomness in hex.
pub fn new_key() -> anyhow::Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| anyhow::anyhow!("the system's random source failed: {e}"))?;
    Ok(format!("dlx_{}", hex(&bytes)))
}

/// Whether `id` may name a caller: 1 to 64 ASCII letters, digits, `.`, `_`, `-`, and not the
/// reserved [`Caller::ANONYMOUS`].
pub fn valid_caller_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        && id != Caller::ANONYMOUS
}

/// The key file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyFileText {
    #[serde(default)]
    caller: Vec<CallerEntry>,
}

/// One `[[caller]]` entry: one key of one caller.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CallerEntry {
    id: toml::Spanned<String>,
    key_sha256: toml::Spanned<String>,
    scopes: Vec<Scope>,
    rate: Option<Rate>,
    burst: Option<NonZeroU32>,
}

/// The rate of callers whose entry names none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateDefault {
    /// The rate.
    pub rate: Rate,
    /// The burst (default: the rate's count).
    pub burst: Option<NonZeroU32>,
}

/// One known key: its caller, the caller's rate and limiter (shared by the caller's keys).
pub struct Known {
    /// The caller the key authenticates.
    pub caller: Caller,
    /// Its rate, for the words of a refusal.
    pub rate: Rate,
    limit: Arc<CallerLimit>,
}

/// The keys of a key file, by the SHA-256 of each key.
#[derive(Default)]
pub struct Keys {
    by_hash: HashMap<[u8; 32], Arc<Known>>,
}

impl Keys {
    /// Reads a key file's text (`path` names it in errors). `previous` keeps the limiter of
    /// each caller whose rate did not change, so a reload does not refill allowances.
    pub fn parse(
        path: &Path,
        text: &str,
        default: RateDefault,
        previous: Option<&Keys>,
    ) -> Result<Keys, ConfigError> {
        let file: KeyFileText = parse_toml(path, text)?;
        let invalid = |span: std::ops::Range<usize>, key: String, message: String| {
            let line = text
                .get(..span.start)
                .map_or(1, |before| before.matches('\n').count() + 1);
            ConfigError::Invalid {
                path: path.to_path_buf(),
                line,
                key: Some(key),
                message,
            }
        };
        let old: HashMap<&str, &Arc<CallerLimit>> = previous
            .map(|p| {
                p.by_hash
                    .values()
                    .map(|k| (k.caller.id.as_str(), &k.limit))
                    .collect()
            })
            .unwrap_or_default();
        // One limiter per caller id, whichever of its keys it uses.
        let mut callers: HashMap<String, Arc<Known>> = HashMap::new();
        let mut by_hash = HashMap::new();
        for (i, entry) in file.caller.into_iter().enumerate() {
            let id = entry.id.get_ref().clone();
            if !valid_caller_id(&id) {
                return Err(invalid(
                    entry.id.span(),
                    format!("caller[{i}].id"),
                    format!("`{id}` is not a caller id: 1 to 64 ASCII letters, digits, `.`, `_` or `-`, and not `{}`", Caller::ANONYMOUS),
                ));
            }
            let hash = parse_hash(entry.key_sha256.get_ref()).ok_or_else(|| {
                invalid(
                    entry.key_sha256.span(),
                    format!("caller[{i}].key_sha256"),
                    "not a SHA-256 in hex (64 hex digits); make one with `datalex keys hash`"
                        .to_string(),
                )
            })?;
            let rate = entry.rate.unwrap_or(default.rate);
            let burst = entry.burst.or(if entry.rate.is_some() {
                None
            } else {
                default.burst
            });
            let quota = rate.quota(burst);
            let caller = Caller::new(id.clone(), entry.scopes);
            let known = match callers.get(&id) {
                Some(k) if k.caller == caller && k.limit.quota() == quota => Arc::clone(k),
                Some(_) => {
                    return Err(invalid(
                        entry.id.span(),
                        format!("caller[{i}].id"),
                        format!("caller `{id}` has another key with other scopes or another rate; every key of a caller has the same"),
                    ))
                }
                None => {
                    let limit = match old.get(id.as_str()) {
                        Some(l) if l.quota() == quota => Arc::clone(l),
                        _ => Arc::new(CallerLimit::new(quota)),
                    };
                    let k = Arc::new(Known {
                        caller,
                        rate,
                        limit,
                    });
                    callers.insert(id, Arc::clone(&k));
                    k
                }
            };
            if by_hash.insert(hash, known).is_some() {
                return Err(invalid(
                    entry.key_sha256.span(),
                    format!("caller[{i}].key_sha256"),
                    "the same key is listed twice".to_string(),
                ));
            }
        }
        Ok(Keys { by_hash })
    }

    /// The caller whose key is `key`.
    pub fn find(&self, key: &str) -> Option<&Arc<Known>> {
        let hash: [u8; 32] = Sha256::digest(key.as_bytes()).into();
        self.by_hash.get(&hash)
    }

    /// How many keys.
    pub fn len(&self) -> usize {
        self.by_hash.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.by_hash.is_empty()
    }
}

impl std::fmt::Debug for Keys {
    /// The callers, not the hashes of their keys.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let callers: BTreeSet<&str> = self
            .by_hash
            .values()
            .map(|k| k.caller.id.as_str())
            .collect();
        f.debug_struct("Keys")
            .field("keys", &self.by_hash.len())
            .field("callers", &callers)
            .finish()
    }
}

fn parse_hash(text: &str) -> Option<[u8; 32]> {
    let text = text.trim();
    if text.len() != 64 || !text.is_ascii() {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

/// What the key file held when last read.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Seen {
    /// This content (its SHA-256).
    Content([u8; 32]),
    /// It could not be read, for this reason.
    Unreadable(String),
}

/// The key file and the keys it held when last read well.
pub struct KeyStore {
    path: PathBuf,
    default: RateDefault,
    current: RwLock<Arc<Keys>>,
    seen: Mutex<Seen>,
}

impl KeyStore {
    /// Reads the key file at `path`; an error names the file, the line and the key.
    pub fn open(path: &Path, default: RateDefault) -> Result<KeyStore, ConfigError> {
        let text = read(path)?;
        let keys = Keys::parse(path, &text, default, None)?;
        Ok(KeyStore {
            path: path.to_path_buf(),
            default,
            current: RwLock::new(Arc::new(keys)),
            seen: Mutex::new(Seen::Content(Sha256::digest(text.as_bytes()).into())),
        })
    }

    /// The key file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The keys that authenticate now.
    pub fn keys(&self) -> Arc<Keys> {
        Arc::clone(&self.current.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// Rereads the key file if it changed since it was last read: `Ok(Some(n))` when `n` keys
    /// now authenticate, `Ok(None)` when nothing changed, `Err` when the changed file cannot
    /// be used (the last good keys keep authenticating; the same error is not returned again
    /// until the file changes).
    pub fn reload_if_changed(&self) -> Result<Option<usize>, ConfigError> {
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        let text = match read(&self.path) {
            Ok(text) => text,
            Err(e) => {
                let now = Seen::Unreadable(e.to_string());
                if *seen == now {
                    return Ok(None);
                }
                *seen = now;
                return Err(e);
            }
        };
        let now = Seen::Content(Sha256::digest(text.as_bytes()).into());
        if *seen == now {
            return Ok(None);
        }
        *seen = now;
        let keys = Keys::parse(&self.path, &text, self.default, Some(&self.keys()))?;
        let n = keys.len();
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(keys);
        Ok(Some(n))
    }
}

fn read(path: &Path) -> Result<String, ConfigError> {
    std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_path_buf(),
        source,
    })
}

/// Who is let in: the keys (none: the service runs open), the routes open without a key, and
/// the rate of requests without a key per address.
pub struct Access {
    keys: Option<KeyStore>,
    open_routes: BTreeSet<String>,
    open_limit: Option<(Rate, AddressLimit)>,
}

impl Access {
    /// Access with `keys` (or none: every request is the anonymous caller), the routes served
    /// without a key, and the rate per address of requests without one (`None`: unlimited).
    pub fn new(
        keys: Option<KeyStore>,
        open_routes: impl IntoIterator<Item = String>,
        open_rate: Option<(Rate, Option<NonZeroU32>)>,
    ) -> Access {
        Access {
            keys,
            open_routes: open_routes.into_iter().collect(),
            open_limit: open_rate.map(|(rate, burst)| (rate, AddressLimit::new(rate.quota(burst)))),
        }
    }

    /// The key file, if the service has one.
    pub fn keys(&self) -> Option<&KeyStore> {
        self.keys.as_ref()
    }

    /// Forgets addresses whose allowance is full again (run now and then).
    pub fn forget_idle(&self) {
        if let Some((_, limit)) = &self.open_limit {
            limit.forget_idle();
        }
    }

    /// Admits a request to `route` (the router's pattern; `None` for no route) with these
    /// headers from `peer`, or refuses it.
    pub fn admit(
        &self,
        lang: Lang,
        route: Option<&str>,
        headers: &HeaderMap,
        peer: Option<IpAddr>,
    ) -> Result<Caller, Refusal> {
        let store = match &self.keys {
            Some(store) if !route.is_some_and(|r| self.open_routes.contains(r)) => store,
            _ => {
                if let (Some((rate, limit)), Some(peer)) = (&self.open_limit, peer) {
                    limit
                        .check(peer)
                        .map_err(|wait| Refusal::rate_limited(lang, *rate, wait))?;
                }
                return Ok(Caller::anonymous());
            }
        };
        let key = bearer(headers).ok_or_else(|| Refusal::unauthenticated(lang, false))?;
        let keys = store.keys();
        let known = keys
            .find(key)
            .ok_or_else(|| Refusal::unauthenticated(lang, true))?;
        known
            .limit
            .check()
            .map_err(|wait| Refusal::rate_limited(lang, known.rate, wait))?;
        let needed = route.and_then(handlers::access).unwrap_or(&[]);
        if !known.caller.has_any(needed) {
            return Err(Refusal::forbidden(
                lang,
                &known.caller,
                route.unwrap_or_default(),
                needed,
            ));
        }
        Ok(known.caller.clone())
    }
}

/// The key of `Authorization: Bearer <key>` (the scheme in any case).
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, key) = value.split_once(' ')?;
    let key = key.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !key.is_empty()).then_some(key)
}

/// A request refused by the guard: the error answer and the header that goes with it.
#[derive(Debug)]
pub struct Refusal {
    /// The answer.
    pub error: Box<ApiError>,
    header: Option<(HeaderName, HeaderValue)>,
}

impl Refusal {
    fn unauthenticated(lang: Lang, unknown_key: bool) -> Refusal {
        let (id, challenge) = if unknown_key {
            (
                "http-unknown-key",
                r#"Bearer realm="datalex", error="invalid_token""#,
            )
        } else {
            ("http-unauthenticated", r#"Bearer realm="datalex""#)
        };
        Refusal {
            error: ApiError::new(
                StatusCode::UNAUTHORIZED,
                ErrorCode::Unauthenticated,
                words::say(lang, id, &[]),
                None,
            ),
            header: Some((
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static(challenge),
            )),
        }
    }

    fn forbidden(lang: Lang, caller: &Caller, route: &str, needed: &[Scope]) -> Refusal {
        let scopes: Vec<String> = needed.iter().map(|s| format!("`{}`", s.as_str())).collect();
        let or = if lang == Lang::Zh { "或" } else { " or " };
        Refusal {
            error: ApiError::new(
                StatusCode::FORBIDDEN,
                ErrorCode::Forbidden,
                words::say(
                    lang,
                    "http-forbidden",
                    &[
                        ("caller", caller.id.clone()),
                        ("route", route.to_string()),
                        ("scopes", scopes.join(or)),
                    ],
                ),
                None,
            ),
            header: None,
        }
    }

    fn rate_limited(lang: Lang, rate: Rate, wait: RetryAfter) -> Refusal {
        let secs = retry_after_secs(wait);
        Refusal {
            error: ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                ErrorCode::RateLimited,
                words::say(
                    lang,
                    "http-rate-limited",
                    &[("rate", rate.to_string()), ("seconds", secs.to_string())],
                ),
                None,
            ),
            header: HeaderValue::from_str(&secs.to_string())
                .ok()
                .map(|v| (header::RETRY_AFTER, v)),
        }
    }

    /// The answer.
    pub fn response(self) -> Response {
        let mut response = self.error.into_response();
        if let Some((name, value)) = self.header {
            response.headers_mut().insert(name, value);
        }
        response
    }
}

/// What the guard middleware holds: the service (for metrics) and the access rules.
#[derive(Clone)]
pub struct Guard {
    /// The service.
    pub app: Arc<AppState>,
    /// Who is let in.
    pub access: Arc<Access>,
}

/// The guard: admits the request (putting its [`Caller`] in its extensions) or answers the
/// refusal, counted in the metrics.
pub async fn guard(State(g): State<Guard>, mut request: Request, next: Next) -> Response {
    let lang = handlers::lang(request.headers());
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    // The route is read in place (no copy per request); the borrow ends with `admit`.
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(MatchedPath::as_str);
    match g.access.admit(lang, route, request.headers(), peer) {
        Ok(caller) => {
            request.extensions_mut().insert(caller);
            next.run(request).await
        }
        Err(refusal) => {
            g.app
                .metrics()
                .error(refusal.error.status.as_u16(), refusal.error.code());
            refusal.response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEFAULT: RateDefault = RateDefault {
        rate: crate::limits::DEFAULT_CALLER_RATE,
        burst: None,
    };

    fn file(entries: &[(&str, &str, &str)]) -> String {
        entries
            .iter()
            .map(|(id, key, scopes)| {
                format!(
                    "[[caller]]\nid = \"{id}\"\nkey_sha256 = \"{}\"\nscopes = [{scopes}]\n",
                    key_hash_hex(key)
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn keys(text: &str) -> Result<Keys, String> {
        Keys::parse(Path::new("callers.toml"), text, DEFAULT, None).map_err(|e| e.to_string())
    }

    fn headers(key: Option<&str>) -> HeaderMap {
        let mut h = HeaderMap::new();
        if let Some(k) = key {
            h.insert(
                header::AUTHORIZATION,
                HeaderValue::from_str(&format!("Bearer {k}")).unwrap(),
            );
        }
        h
    }

    #[test]
    fn a_caller_reads_its_own_decisions_and_an_auditor_any() {
        let platform = Caller::new("binzhou-platform", [Scope::Decide, Scope::ReadDecisions]);
        assert!(platform.may_read(Some("binzhou-platform")));
        assert!(!platform.may_read(Some("jinan-platform")));
        assert!(
            !platform.may_read(None),
            "a record naming no caller is the auditor's"
        );
        let decider = Caller::new("binzhou-platform", [Scope::Decide]);
        assert!(!decider.may_read(Some("binzhou-platform")));
        let auditor = Caller::new("auditor", [Scope::Audit]);
        assert!(auditor.may_read(Some("binzhou-platform")));
        assert!(auditor.may_read(None));
        assert!(Caller::anonymous().may_read(Some("binzhou-platform")));
        assert!(platform.has_any(&[]));
        for s in Scope::ALL {
            assert_eq!(Scope::parse(s.as_str()), Some(s));
        }
        assert_eq!(Scope::parse("read_decisions"), None);
        assert!(platform.has_any(&[Scope::ReadDecisions, Scope::Audit]));
        assert!(!platform.has_any(&[Scope::Metrics]));
    }

    #[test]
    fn keys_are_found_by_their_hash_only() {
        let k = keys(&file(&[
            (
                "binzhou-platform",
                "dlx_one",
                r#""decide", "read-decisions""#,
            ),
            ("auditor", "dlx_two", r#""audit""#),
        ]))
        .unwrap();
        assert_eq!(k.len(), 2);
        assert_eq!(k.find("dlx_one").unwrap().caller.id, "binzhou-platform");
        assert!(k.find("dlx_two").unwrap().caller.has(Scope::Audit));
        assert!(k.find("dlx_three").is_none());
        assert!(k.find("").is_none());
        // The hash is that of `printf %s dlx_one | sha256sum`.
        assert_eq!(
            key_hash_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let key = new_key().unwrap();
        assert!(key.starts_with("dlx_") && key.len() == 68, "{key}");
        assert_ne!(key, new_key().unwrap());
    }

    #[test]
    fn a_key_file_that_is_wrong_is_named_with_its_line_and_key() {
        let e = keys("[[caller]]\nid = \"p\"\nkey_sha256 = \"abc\"\nscopes = []\n").unwrap_err();
        assert!(
            e.starts_with("callers.toml:3: `caller[0].key_sha256`: not a SHA-256"),
            "{e}"
        );
        let e = keys(&file(&[("p", "k", r#""decide", "judge""#)])).unwrap_err();
        assert!(e.contains("`caller[0].scopes[1]`"), "{e}");
        assert!(e.contains("unknown variant `judge`"), "{e}");
        let e = keys(&file(&[("anonymous", "k", "")])).unwrap_err();
        assert!(e.contains("`caller[0].id`"), "{e}");
        let e = keys(&file(&[("a b", "k", "")])).unwrap_err();
        assert!(e.contains("is not a caller id"), "{e}");
        let e = keys(&file(&[("p", "k", ""), ("q", "k", "")])).unwrap_err();
        assert!(e.contains("listed twice"), "{e}");
        let e = keys(&file(&[
            ("p", "k1", r#""decide""#),
            ("p", "k2", r#""audit""#),
        ]))
        .unwrap_err();
        assert!(e.contains("another key with other scopes"), "{e}");
        let e = keys("[[caller]]\nid = \"p\"\nkey_sha256 = \"00\"\nscopes = []\nrole = \"x\"\n")
            .unwrap_err();
        assert!(e.contains("unknown field `role`"), "{e}");
        let e = keys(&format!("{}rate = \"fast\"\n", file(&[("p", "k", "")]))).unwrap_err();
        assert!(
            e.contains("`caller[0].rate`") && e.contains("not a rate"),
            "{e}"
        );
        // Two keys of one caller (a key being rotated) are one caller.
        let k = keys(&file(&[
            ("p", "k1", r#""decide""#),
            ("p", "k2", r#""decide""#),
        ]))
        .unwrap();
        assert!(Arc::ptr_eq(
            &k.find("k1").unwrap().limit,
            &k.find("k2").unwrap().limit
        ));
        assert_eq!(keys("").unwrap().len(), 0);
    }

    #[test]
    fn the_guard_asks_for_a_key_then_the_scope() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("callers.toml");
        std::fs::write(
            &path,
            file(&[
                ("decider", "dlx_d", r#""decide""#),
                ("reader", "dlx_r", r#""read-policies""#),
            ]),
        )
        .unwrap();
        let store = KeyStore::open(&path, DEFAULT).unwrap();
        let access = Access::new(Some(store), ["/healthz".to_string()], None);
        let en = Lang::En;
        let refused = |route: &str, key: Option<&str>| {
            let r = access
                .admit(en, Some(route), &headers(key), None)
                .unwrap_err();
            (r.error.status.as_u16(), r.error.code().as_str(), r)
        };
        let (status, code, r) = refused("/v1/decisions", None);
        assert_eq!((status, code), (401, "unauthenticated"));
        assert_eq!(
            r.response().headers()[header::WWW_AUTHENTICATE],
            r#"Bearer realm="datalex""#
        );
        let (status, code, r) = refused("/v1/decisions", Some("dlx_x"));
        assert_eq!((status, code), (401, "unauthenticated"));
        assert!(r
            .error
            .body
            .error
            .message
            .contains("not one the service knows"));
        let (status, code, r) = refused("/v1/decisions", Some("dlx_r"));
        assert_eq!((status, code), (403, "forbidden"));
        assert_eq!(
            r.error.body.error.message,
            "caller `reader` may not use /v1/decisions: it needs the scope `decide`"
        );
        let (_, _, r) = refused("/v1/decisions/{id}", Some("dlx_d"));
        assert!(r
            .error
            .body
            .error
            .message
            .ends_with("`read-decisions` or `audit`"));
        let ok = access
            .admit(en, Some("/v1/decisions"), &headers(Some("dlx_d")), None)
            .unwrap();
        assert_eq!(ok.id, "decider");
        // An open route needs no key; no route at all needs one (then answers 404).
        assert_eq!(
            access
                .admit(en, Some("/healthz"), &headers(None), None)
                .unwrap(),
            Caller::anonymous()
        );
        assert_eq!(refused("/readyz", None).0, 401);
        assert!(access.admit(en, None, &headers(None), None).is_err());
        assert_eq!(
            access
                .admit(en, None, &headers(Some("dlx_r")), None)
                .unwrap()
                .id,
            "reader"
        );
        // Without keys everything is open.
        let open = Access::new(None, Vec::new(), None);
        assert_eq!(
            open.admit(en, Some("/v1/decisions"), &headers(None), None)
                .unwrap(),
            Caller::anonymous()
        );
        // The Chinese words of a refusal.
        let r = access
            .admit(Lang::Zh, Some("/metrics"), &headers(Some("dlx_d")), None)
            .unwrap_err();
        assert_eq!(
            r.error.body.error.message,
            "调用方 `decider` 无权使用 /metrics：需要权限范围 `metrics`"
        );
    }

    #[test]
    fn callers_and_open_addresses_are_rate_limited() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("callers.toml");
        std::fs::write(
            &path,
            format!("{}rate = \"2/h\"\n", file(&[("p", "dlx_p", r#""decide""#)])),
        )
        .unwrap();
        let store = KeyStore::open(&path, DEFAULT).unwrap();
        let access = Access::new(
            Some(store),
            ["/healthz".to_string()],
            Some(("1/h".parse().unwrap(), None)),
        );
        let key = headers(Some("dlx_p"));
        let route = Some("/v1/decisions");
        assert!(access.admit(Lang::En, route, &key, None).is_ok());
        assert!(access.admit(Lang::En, route, &key, None).is_ok());
        let r = access.admit(Lang::En, route, &key, None).unwrap_err();
        assert_eq!(r.error.code(), ErrorCode::RateLimited);
        assert!(
            r.error
                .body
                .error
                .message
                .starts_with("over the rate of 2/h; retry in"),
            "{}",
            r.error.body.error.message
        );
        let response = r.response();
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        let retry: u64 = response.headers()[header::RETRY_AFTER]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=1800).contains(&retry), "{retry}");
        let peer: IpAddr = "127.0.0.1".parse().unwrap();
        let healthz = Some("/healthz");
        assert!(access
            .admit(Lang::En, healthz, &headers(None), Some(peer))
            .is_ok());
        let r = access
            .admit(Lang::En, healthz, &headers(None), Some(peer))
            .unwrap_err();
        assert_eq!(r.error.status, StatusCode::TOO_MANY_REQUESTS);
    }

    #[test]
    fn a_changed_key_file_is_reread_and_a_broken_one_keeps_the_last_keys() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("callers.toml");
        std::fs::write(&path, file(&[("p", "dlx_p", r#""decide""#)])).unwrap();
        let store = KeyStore::open(&path, DEFAULT).unwrap();
        assert_eq!(store.reload_if_changed().unwrap(), None);
        std::fs::write(
            &path,
            file(&[("p", "dlx_p", r#""decide""#), ("q", "dlx_q", r#""audit""#)]),
        )
        .unwrap();
        assert_eq!(store.reload_if_changed().unwrap(), Some(2));
        assert!(store.keys().find("dlx_q").is_some());
        std::fs::write(&path, "[[caller]]\nid = 3\n").unwrap();
        let e = store.reload_if_changed().unwrap_err().to_string();
        assert!(e.starts_with(&format!("{}:2:", path.display())), "{e}");
        assert_eq!(
            store.reload_if_changed().unwrap(),
            None,
            "one error per change"
        );
        assert!(
            store.keys().find("dlx_q").is_some(),
            "the last good keys serve"
        );
        std::fs::remove_file(&path).unwrap();
        assert!(store.reload_if_changed().is_err());
        assert_eq!(store.reload_if_changed().unwrap(), None);
        std::fs::write(&path, file(&[("q", "dlx_q", r#""audit""#)])).unwrap();
        assert_eq!(store.reload_if_changed().unwrap(), Some(1));
        assert!(
            store.keys().find("dlx_p").is_none(),
            "a removed key is revoked"
        );
    }

    #[test]
    fn bearer_takes_the_key_of_the_scheme_in_any_case() {
        let mut h = HeaderMap::new();
        for (value, key) in [
            ("Bearer abc", Some("abc")),
            ("bearer  abc ", Some("abc")),
            ("Basic abc", None),
            ("Bearer ", None),
            ("Bearer", None),
        ] {
            h.insert(header::AUTHORIZATION, HeaderValue::from_static(value));
            assert_eq!(bearer(&h), key, "{value}");
        }
    }
}
