//! The policy explorer over HTTP, in process, on the bundled policies: every page answers 200,
//! an unknown regulation, article, rule or decision 404 in the same bilingual HTML frame, the
//! "as of" day changes the text shown, a request of each kind is decided and logged, and what a
//! reload changed is listed.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "tests may fail loudly"
)]

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use datalex_i18n::Lang;
use datalex_service::auth::{key_hash_hex, Access, KeyStore, RateDefault};
use datalex_service::project::{Flags, Project};
use datalex_service::{handlers, limits, AppState};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tower::ServiceExt as _;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

struct Served {
    router: Router,
    state: Arc<AppState>,
    rt: tokio::runtime::Runtime,
    _log: tempfile::TempDir,
}

fn serve_at(root: PathBuf) -> Served {
    serve_with(root, Access::new(None, Vec::new(), None))
}

fn serve_with(root: PathBuf, access: Access) -> Served {
    let log = tempfile::tempdir().unwrap();
    let project = Project::at(root, Flags::default()).unwrap();
    let state =
        Arc::new(AppState::new(project, &log.path().join("decisions.db"), Lang::Zh).unwrap());
    Served {
        router: handlers::router(
            Arc::clone(&state),
            Arc::new(access),
            handlers::REQUEST_TIMEOUT,
        ),
        state,
        rt: tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap(),
        _log: log,
    }
}

fn serve() -> Served {
    serve_at(repo())
}

impl Served {
    fn get_in(&self, path: &str, lang: Option<&str>) -> (StatusCode, String, String) {
        let mut req = Request::builder().uri(path);
        if let Some(l) = lang {
            req = req.header("accept-language", l);
        }
        self.send(req.body(Body::empty()).unwrap())
    }

    /// `POST path` with the form `body`, as `key`'s caller if given.
    fn post(&self, path: &str, body: &str, key: Option<&str>) -> (StatusCode, String) {
        let mut req = Request::builder()
            .method("POST")
            .uri(path)
            .header("content-type", "application/x-www-form-urlencoded");
        if let Some(k) = key {
            req = req.header("authorization", format!("Bearer {k}"));
        }
        let (status, _, body) = self.send(req.body(Body::from(body.to_string())).unwrap());
        (status, body)
    }

    /// `GET path` as `key`'s caller, if given.
    fn get_as(&self, path: &str, key: Option<&str>) -> (StatusCode, String) {
        let mut req = Request::builder().uri(path);
        if let Some(k) = key {
            req = req.header("authorization", format!("Bearer {k}"));
        }
        let (status, _, body) = self.send(req.body(Body::empty()).unwrap());
        (status, body)
    }

    fn send(&self, req: Request<Body>) -> (StatusCode, String, String) {
        self.rt.block_on(async {
            let resp = self.router.clone().oneshot(req).await.unwrap();
            let status = resp.status();
            let ctype = resp
                .headers()
                .get("content-type")
                .map(|v| v.to_str().unwrap().to_string())
                .unwrap_or_default();
            let body = axum::body::to_bytes(resp.into_body(), usize::MAX)
                .await
                .unwrap();
            (status, ctype, String::from_utf8(body.to_vec()).unwrap())
        })
    }

    fn get(&self, path: &str) -> (StatusCode, String) {
        let (s, ctype, body) = self.get_in(path, None);
        assert!(ctype.starts_with("text/html"), "{path}: {ctype}");
        (s, body)
    }

    fn ok(&self, path: &str) -> String {
        let (s, body) = self.get(path);
        assert_eq!(s, StatusCode::OK, "{path}:\n{body}");
        assert!(body.starts_with("<!DOCTYPE html>"), "{path}:\n{body}");
        body
    }
}

/// The text after the first `start`, up to the next `end`.
fn between<'a>(body: &'a str, start: &str, end: &str) -> &'a str {
    let i = body
        .find(start)
        .unwrap_or_else(|| panic!("no {start} in\n{body}"));
    let rest = &body[i + start.len()..];
    let j = rest.find(end).unwrap_or(rest.len());
    &rest[..j]
}

#[test]
fn every_page_answers_with_the_policies_loaded() {
    let s = serve();
    let home = s.ok("/");
    assert!(home.contains("滨州市公共数据管理办法"), "{home}");
    assert!(home.contains("政务数据共享条例"), "{home}");
    assert!(home.contains("lang=\"zh-CN\""));
    let reg = s.ok("/regulations/binzhou-2023");
    assert!(reg.contains("id=\"art-20\""), "{reg}");
    assert!(reg.contains("class=\"badge encoded\""), "{reg}");
    assert!(
        reg.contains("href=\"/rules/binzhou.conditional_share\""),
        "{reg}"
    );
    s.ok("/regulations/binzhou-2023/articles/20");
    let rule = s.ok("/rules/binzhou.conditional_share");
    assert!(rule.contains("<svg"), "{rule}");
    assert!(rule.contains("override rule conditional_share"), "{rule}");
    assert!(rule.contains("/regulations/binzhou-2023#art-20"), "{rule}");
    s.ok("/try");
    s.ok("/log");
    s.ok("/log/verify");
    s.ok("/changes");
    let (status, ctype, css) = s.get_in("/explorer.css", None);
    assert_eq!(status, StatusCode::OK);
    assert!(ctype.starts_with("text/css") && css.contains("@media print"));
    for id in s
        .state
        .snapshot()
        .policy
        .regulations
        .values()
        .map(|r| r.id.clone())
    {
        s.ok(&format!("/regulations/{id}"));
    }
}

#[test]
fn an_unknown_article_rule_or_decision_is_a_bilingual_404_page() {
    let s = serve();
    for path in [
        "/regulations/nowhere-2099",
        "/regulations/binzhou-2023/articles/999",
        "/regulations/binzhou-2023/articles/x",
        "/rules/binzhou.no_such_rule",
        "/log/01NOTADECISION",
    ] {
        let (status, zh) = s.get(path);
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(
            zh.contains("<html lang=\"zh-CN\">") && zh.contains("role=\"alert\""),
            "{zh}"
        );
        let (status, _, en) = s.get_in(path, Some("en-US,en;q=0.9"));
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(en.contains("<html lang=\"en\">"), "{en}");
    }
    let (_, zh) = s.get("/rules/binzhou.no_such_rule");
    assert!(
        zh.contains("没有名为 `binzhou.no_such_rule` 的规则"),
        "{zh}"
    );
    let (_, en) = s.get("/rules/binzhou.no_such_rule?lang=en");
    assert!(
        en.contains("There is no rule named `binzhou.no_such_rule`"),
        "{en}"
    );
    let (_, en) = s.get("/regulations/binzhou-2023/articles/999?lang=en");
    assert!(en.contains("has no article 999"), "{en}");
    // A bad date and an overlong query are refused with what is wrong.
    let (status, body) = s.get("/regulations/binzhou-2023?at=2026-02-30");
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let long = format!("/try?purpose={}", "a".repeat(9000));
    assert_eq!(s.get(&long).0, StatusCode::URI_TOO_LONG);
}

#[test]
fn english_by_query_or_header_and_links_keep_the_choice() {
    let s = serve();
    let en = s.ok("/regulations/binzhou-2023?lang=en");
    assert!(en.contains("<html lang=\"en\">"));
    assert!(en.contains("Article 20"), "{en}");
    assert!(
        en.contains("href=\"/rules/binzhou.conditional_share?lang=en\""),
        "{en}"
    );
    assert!(en.contains("hreflang=\"zh-CN\""), "{en}");
    let (_, _, by_header) = s.get_in("/", Some("en"));
    assert!(
        by_header.contains("Jurisdictions and sources"),
        "{by_header}"
    );
}

#[test]
fn the_as_of_day_shows_the_text_in_force_then() {
    let s = serve();
    // 《济南市…》's article 1 holds its targets until 2023-12-31.
    let jinan: Vec<String> = s
        .state
        .snapshot()
        .policy
        .regulations
        .values()
        .filter(|r| r.package == "jinan" && r.plan)
        .map(|r| r.id.clone())
        .collect();
    let id = jinan.first().expect("the Jinan plan");
    let before = s.ok(&format!("/regulations/{id}/articles/1?at=2022-06-01"));
    let after = s.ok(&format!("/regulations/{id}/articles/1?at=2024-06-01"));
    assert!(before.contains("按照查缺补漏"), "{before}");
    assert!(!after.contains("按照查缺补漏"), "{after}");
    assert!(after.contains("不在施行期间"), "{after}");
    // Before 《政务数据共享条例》 took effect, its articles are not in force and no rule cites them.
    let national = s.ok("/regulations/national-2025?at=2025-01-01");
    assert!(national.contains("class=\"warning\""), "{national}");
    let aside = |page: &str| {
        between(
            between(page, "id=\"art-14\"", "</article>"),
            "<div class=\"rules\">",
            "</div>",
        )
        .to_string()
    };
    assert!(!aside(&national).contains("/rules/"), "{national}");
    let now = s.ok("/regulations/national-2025?at=2026-01-05");
    assert!(aside(&now).contains("/rules/"), "{now}");
}

#[test]
fn a_request_of_each_kind_is_decided_logged_and_opened_by_its_id() {
    let s = serve();
    let snap = s.state.snapshot();
    let mut kinds = 0;
    for j in &snap.jurisdictions {
        let pkg = snap.policy.package(&j.name).unwrap();
        for plan in &pkg.plans {
            let path = format!("jurisdiction={}&kind={}&at=2026-03-02", j.name, plan.kind);
            let (status, body) = s.post("/try", &path, None);
            // A form left mostly empty may be refused by the kind's rules with a decision, or,
            // for a field the contract requires, with the field named: never a server error.
            assert!(
                status == StatusCode::OK || status == StatusCode::UNPROCESSABLE_ENTITY,
                "{path}: {status}\n{body}"
            );
            kinds += 1;
        }
    }
    assert!(kinds >= 11, "{kinds}");
    let form = "jurisdiction=binzhou&kind=share&at=2026-03-02&requester=bz-wjw&dataset=bz-ga-0001&scenario=public_health";
    // A GET (a shared link, a prefetch) fills the form and decides nothing.
    let filled = s.ok(&format!("/try?{form}"));
    assert!(
        filled.contains("<option value=\"bz-wjw\" selected>"),
        "{filled}"
    );
    assert!(!filled.contains("id=\"outcome\""), "{filled}");
    assert!(!s.ok("/log").contains("/log/0"), "nothing logged by a GET");
    let (status, body) = s.post("/try", form, None);
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains("待审核"), "{body}");
    assert!(body.contains("2026-03-16"), "{body}");
    // The form keeps what was chosen, and the page links to the form filled with the case.
    assert!(
        body.contains("<option value=\"bz-wjw\" selected>"),
        "{body}"
    );
    let end = body.find("\" id=\"share-link\"").unwrap();
    let start = body[..end].rfind("href=\"").unwrap() + "href=\"".len();
    let share = body[start..end].replace("&amp;", "&");
    assert_eq!(share, format!("/try?{form}"));
    let id = between(&body, "href=\"/log/", "\"").to_string();
    assert_eq!(id.len(), 26, "{id}");
    let logged = s.ok(&format!("/log/{id}"));
    assert!(
        logged.contains("2026-03-16") && logged.contains("effect-review"),
        "{logged}"
    );
    let recent = s.ok("/log");
    assert!(recent.contains(&id), "{recent}");
    let verify = s.ok("/log/verify");
    assert!(verify.contains("class=\"ok\""), "{verify}");
    // An open request: the requester is a record (type and id).
    let (_, open) = s.post("/try", "jurisdiction=binzhou&kind=open&at=2026-03-02&requester.type=citizen&requester.id=1&dataset=bz-scj-0001", None);
    assert!(open.contains("effect-permit"), "{open}");
    let bad = s.post(
        "/try",
        "jurisdiction=binzhou&kind=share&at=2026-13-01",
        None,
    );
    assert_eq!(bad.0, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.1);
    assert!(bad.1.contains("role=\"alert\""), "{}", bad.1);
    assert_eq!(s.get("/try?kind=nothing").0, StatusCode::NOT_FOUND);
}

#[test]
fn what_changed_lists_the_tests_a_reload_decided_differently() {
    let dir = tempfile::tempdir().unwrap();
    let copy = |from: &Path, to: &Path| {
        let status = std::process::Command::new("cp")
            .arg("-r")
            .arg(from)
            .arg(to)
            .status()
            .unwrap();
        assert!(status.success());
    };
    for d in ["policies", "data", "stdlib"] {
        copy(&repo().join(d), dir.path());
    }
    // The reload breaks package tests on purpose: the test gate is turned off to let it serve.
    let toml = std::fs::read_to_string(repo().join("datalex.toml")).unwrap();
    std::fs::write(
        dir.path().join("datalex.toml"),
        format!("{toml}\n[serve]\npolicy_tests = false\n"),
    )
    .unwrap();
    let s = serve_at(dir.path().to_path_buf());
    let before = s.ok("/changes");
    assert!(before.contains("尚未重新加载"), "{before}");
    // Binzhou's conditional share becomes a denial: its tests decide differently.
    let sharing = dir.path().join("policies/binzhou/sharing.dlx");
    let text = std::fs::read_to_string(&sharing).unwrap();
    let changed = text.replacen(
        "=> review conditional_share_application",
        "=> deny conditional_share_application",
        1,
    );
    assert_ne!(text, changed, "the rule to change is in sharing.dlx");
    std::fs::write(&sharing, changed).unwrap();
    assert!(s.state.reload(), "{:?}", s.state.reload_status());
    let after = s.ok("/changes");
    assert!(
        after.contains("review") && after.contains("deny"),
        "{after}"
    );
    assert!(after.contains("binzhou"), "{after}");
    assert!(!after.contains("比较了 0 个测试"), "{after}");
}

/// A key file of three callers: a reader of policies, a platform that decides and reads its
/// own decisions, and an auditor.
fn keyed() -> (Served, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("callers.toml");
    let entry = |id: &str, key: &str, scopes: &str| {
        format!(
            "[[caller]]\nid = \"{id}\"\nkey_sha256 = \"{}\"\nscopes = [{scopes}]\n",
            key_hash_hex(key)
        )
    };
    std::fs::write(
        &path,
        [
            entry("reader", "dlx_reader", r#""read-policies""#),
            entry(
                "platform",
                "dlx_platform",
                r#""read-policies", "decide", "read-decisions""#,
            ),
            entry("other", "dlx_other", r#""decide", "read-decisions""#),
            entry("auditor", "dlx_auditor", r#""audit""#),
        ]
        .join("\n"),
    )
    .unwrap();
    let default = RateDefault {
        rate: limits::DEFAULT_CALLER_RATE,
        burst: None,
    };
    let store = KeyStore::open(&path, default).unwrap();
    (
        serve_with(repo(), Access::new(Some(store), Vec::new(), None)),
        dir,
    )
}

#[test]
fn with_keys_each_page_asks_for_its_scope() {
    let (s, _keys) = keyed();
    assert_eq!(s.get_as("/", None).0, StatusCode::UNAUTHORIZED);
    assert_eq!(
        s.get_as("/", Some("dlx_unknown")).0,
        StatusCode::UNAUTHORIZED
    );
    let (status, body) = s.get_as("/", Some("dlx_reader"));
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.starts_with("<!DOCTYPE html>"), "{body}");
    assert_eq!(
        s.get_as("/rules/nothing", Some("dlx_reader")).0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        s.get_as("/try", Some("dlx_reader")).0,
        StatusCode::FORBIDDEN
    );
    let form = "jurisdiction=binzhou&kind=share&at=2026-03-02&requester=bz-wjw&dataset=bz-ga-0001&scenario=public_health";
    assert_eq!(
        s.post("/try", form, Some("dlx_reader")).0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        s.get_as("/log", Some("dlx_reader")).0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(s.get_as("/", Some("dlx_auditor")).0, StatusCode::FORBIDDEN);

    // The platform's decision, logged with its caller: the platform and the auditor read it,
    // another platform finds nothing there and does not see it listed.
    let (status, body) = s.post("/try", form, Some("dlx_platform"));
    assert_eq!(status, StatusCode::OK, "{body}");
    let id = between(&body, "href=\"/log/", "\"").to_string();
    assert_eq!(id.len(), 26, "{id}");
    let logged = s.state.log().get(&id).unwrap().unwrap();
    assert_eq!(logged.caller.as_deref(), Some("platform"));
    let page = format!("/log/{id}");
    assert_eq!(s.get_as(&page, Some("dlx_platform")).0, StatusCode::OK);
    assert_eq!(s.get_as(&page, Some("dlx_auditor")).0, StatusCode::OK);
    assert_eq!(s.get_as(&page, Some("dlx_other")).0, StatusCode::NOT_FOUND);
    let (status, own) = s.get_as("/log", Some("dlx_platform"));
    assert_eq!(status, StatusCode::OK);
    assert!(own.contains(&id), "{own}");
    let (_, others) = s.get_as("/log", Some("dlx_other"));
    assert!(!others.contains(&id), "{others}");
    let (_, all) = s.get_as("/log", Some("dlx_auditor"));
    assert!(all.contains(&id), "{all}");
    assert_eq!(
        s.get_as("/log/verify", Some("dlx_auditor")).0,
        StatusCode::OK
    );
}

#[test]
fn every_page_has_a_scope_and_none_is_an_api_route() {
    use datalex_service::explorer;
    for (path, scopes) in explorer::ROUTES {
        assert_eq!(handlers::access(path), Some(*scopes), "{path}");
        assert!(!scopes.is_empty(), "{path} is open to any caller");
        assert!(
            !handlers::ROUTES.iter().any(|(_, p)| p == path),
            "{path} is a page, not an API route"
        );
        assert!(
            !handlers::OPENAPI.contains(&format!("\"{path}\"")),
            "{path} is not in openapi.json"
        );
    }
}
