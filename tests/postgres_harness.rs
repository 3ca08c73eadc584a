//! The scratch PostgreSQL of the tests (tests/common/postgres.rs) and the schema's migrations
//! (`service::pg`): a fresh database migrates, a second migration applies nothing, and the
//! server can be stopped and started again on its port.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "tests may fail loudly"
)]

mod common;

use common::postgres::Postgres;

#[test]
fn a_scratch_cluster_migrates_once_and_restarts() {
    let Some(pg) = Postgres::start("a_scratch_cluster_migrates_once_and_restarts") else {
        return;
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let url = pg.url();
    runtime.block_on(async {
        let mut client = datalex_service::pg::connect(&url).await.expect("connect");
        let first = datalex_service::pg::migrate(&mut client)
            .await
            .expect("migrate");
        assert!(
            first.iter().any(|m| m.contains("decision_log")),
            "the first migration creates the decision log: {first:?}"
        );
        let again = datalex_service::pg::migrate(&mut client)
            .await
            .expect("migrate again");
        assert!(again.is_empty(), "nothing left to apply: {again:?}");
    });
    assert_eq!(
        pg.psql("SELECT value FROM log_meta WHERE name = 'format'")
            .trim(),
        "datalex-log-v2"
    );
    pg.stop();
    pg.start_server();
    assert_eq!(pg.psql("SELECT count(*) FROM records").trim(), "0");
}
