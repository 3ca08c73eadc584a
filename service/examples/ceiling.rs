//! The machine's ceiling for `benches/load.sh` (issue 20): the service's own HTTP stack — the
//! same Tokio runtime, connection loop ([`datalex_service::server::run`], hyper's HTTP/1.1 with
//! the same timeouts and connection limit) and axum router — serving `POST /v1/decisions` with a
//! fixed small JSON answer: no authentication, no body parsing, no decision, no log. What the
//! decision endpoint reaches is measured against what this reaches, with the same load tool and
//! settings in the same run.
//!
//! `cargo run --release -p datalex-service --example ceiling -- 127.0.0.1:PORT` (stops on
//! SIGTERM or Ctrl-C).

use axum::http::header;
use axum::routing::post;
use axum::Router;
use datalex_service::project::ServeConfig;
use datalex_service::server::{self, Settings};

/// A fixed answer about the size of a decision's head without its trace.
const ANSWER: &str = r#"{"decision_id":"01JCEILING0000000000000000","effect":"review","effective_tier":{"share":"conditional"}}"#;

fn main() -> anyhow::Result<()> {
    let addr = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with("--"))
        .unwrap_or_else(|| "127.0.0.1:8081".to_owned());
    let settings = Settings::of(&ServeConfig::default())?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(&addr).await?;
        // The body is read (and dropped), as the decision endpoint reads it.
        let app = Router::new().route(
            "/v1/decisions",
            post(|_body: String| async { ([(header::CONTENT_TYPE, "application/json")], ANSWER) }),
        );
        server::run(
            listener,
            app,
            &settings,
            None,
            datalex_service::shutdown_signal(),
        )
        .await
    })
}
