//! How long the policy explorer takes to render each page on the bundled policies (issue 18's
//! budget: no page slower than 50 ms). Each page is asked of the service's router in process
//! (routing, the page and its HTML, no socket), after one warm-up request that builds the
//! explorer's view of the snapshot (compiled once per reload, not per page).
//! `docs/performance.md` records the figures.
//!
//! Run with `cargo bench -p datalex-service --bench explorer`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "benchmarks may fail loudly"
)]

use axum::body::Body;
use axum::http::{Request, StatusCode};
use criterion::{criterion_group, criterion_main, Criterion};
use datalex_i18n::Lang;
use datalex_service::auth::Access;
use datalex_service::project::{Flags, Project};
use datalex_service::{handlers, AppState};
use std::path::Path;
use std::sync::Arc;
use tower::ServiceExt as _;

/// The pages, by name: one of each kind, on the largest regulation and a busy rule.
const PAGES: &[(&str, &str)] = &[
    ("jurisdictions", "/"),
    ("regulation/binzhou-2023", "/regulations/binzhou-2023"),
    ("regulation/national-2025", "/regulations/national-2025?at=2026-03-02"),
    ("article/binzhou-2023/20", "/regulations/binzhou-2023/articles/20"),
    ("rule/binzhou.conditional_share", "/rules/binzhou.conditional_share"),
    ("try/form", "/try?jurisdiction=binzhou&kind=share"),
    (
        "try/decide_share",
        "POST /try?jurisdiction=binzhou&kind=share&at=2026-03-02&requester=bz-wjw&dataset=bz-ga-0001&scenario=public_health",
    ),
    ("log/recent", "/log"),
    ("changes", "/changes"),
    ("not_found/rule", "/rules/binzhou.nothing"),
];

fn bench(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let log = tempfile::tempdir().unwrap();
    let project = Project::at(root, Flags::default()).unwrap();
    let state =
        Arc::new(AppState::new(project, &log.path().join("decisions.db"), Lang::Zh).unwrap());
    // Open, as on loopback without a key file: the guard admits the anonymous caller.
    let router = handlers::router(
        state,
        Arc::new(Access::new(None, Vec::new(), None)),
        handlers::REQUEST_TIMEOUT,
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    // `POST /try?FORM` sends FORM as the form's body (the decision is made and logged).
    let get = |path: &str| {
        let req = match path.strip_prefix("POST /try?") {
            Some(form) => Request::builder()
                .method("POST")
                .uri("/try")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from(form.to_string()))
                .unwrap(),
            None => Request::builder().uri(path).body(Body::empty()).unwrap(),
        };
        rt.block_on(async {
            let resp = router.clone().oneshot(req).await.unwrap();
            let status = resp.status();
            let body = axum::body::to_bytes(resp.into_body(), usize::MAX)
                .await
                .unwrap();
            (status, body.len())
        })
    };
    // The view of the snapshot (compiled sources, package tests decided) is built here.
    assert_eq!(get("/").0, StatusCode::OK);
    let mut group = c.benchmark_group("explorer");
    for (name, path) in PAGES {
        let (status, _) = get(path);
        assert!(
            status == StatusCode::OK
                || (name.starts_with("not_found") && status == StatusCode::NOT_FOUND),
            "{path}: {status}"
        );
        group.bench_function(*name, |b| b.iter(|| get(path)));
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
