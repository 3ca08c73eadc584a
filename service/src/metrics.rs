//! `/metrics`: Prometheus counters and the latency histogram, kept and written out by the
//! official Prometheus client (`prometheus-client`) in the Prometheus text format 0.0.4.
//!
//! The names, labels and types are documented in `docs/api.md`:
//! `datalex_decisions_total{jurisdiction, kind, effect}`,
//! `datalex_request_errors_total{status, code}`, the histogram `datalex_decision_seconds`,
//! `datalex_reloads_total` and `datalex_reload_failures_total`; of the decision log
//! ([`LogMetrics`]): `datalex_decision_log_write_failures_total`,
//! `datalex_decision_log_unavailable_total`, `datalex_decision_log_available`,
//! `datalex_decision_log_checkpoints_total` and `datalex_decision_log_checkpoint_failures_total`.

use crate::api::ErrorCode;
use prometheus_client::encoding::{EncodeLabelSet, EncodeLabelValue, LabelValueEncoder};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use std::fmt::{self, Write as _};
use std::time::Duration;

/// The `Content-Type` of [`Metrics::render`]'s text.
pub const CONTENT_TYPE: &str = prometheus_client::encoding::prometheus_text::CONTENT_TYPE;

/// Upper bounds of the latency histogram, in seconds.
pub const LATENCY_BOUNDS: [f64; 10] = [
    0.000_01, 0.000_025, 0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01,
];

/// The labels of `datalex_decisions_total`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct DecisionLabels {
    jurisdiction: String,
    kind: &'static str,
    effect: &'static str,
}

/// The labels of `datalex_request_errors_total`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct ErrorLabels {
    status: u16,
    code: ErrorCode,
}

impl EncodeLabelValue for ErrorCode {
    fn encode(&self, encoder: &mut LabelValueEncoder<'_>) -> Result<(), fmt::Error> {
        encoder.write_str(self.as_str())
    }
}

/// The decision log's metrics, shared with its writer thread (each a handle on the registered
/// metric; [`LogMetrics::default`] gives unregistered ones, for a log outside a service).
#[derive(Debug, Clone, Default)]
pub struct LogMetrics {
    /// Commits (each of a group of records) that failed.
    pub write_failures: Counter,
    /// Decisions refused (503 `decision_log_unavailable`) because the log could not take them.
    pub unavailable: Counter,
    /// 1 while the log can be written, 0 while it fails (`/readyz` answers 503).
    pub available: Gauge,
    /// Signed checkpoints written.
    pub checkpoints: Counter,
    /// Checkpoints that could not be written.
    pub checkpoint_failures: Counter,
}

/// The service's metrics.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    decisions: Family<DecisionLabels, Counter>,
    errors: Family<ErrorLabels, Counter>,
    latency: Histogram,
    reloads: Counter,
    reload_failures: Counter,
    log: LogMetrics,
}

impl Default for Metrics {
    fn default() -> Metrics {
        Metrics::new()
    }
}

impl Metrics {
    /// Every metric at zero.
    pub fn new() -> Metrics {
        let decisions = Family::<DecisionLabels, Counter>::default();
        let errors = Family::<ErrorLabels, Counter>::default();
        let latency = Histogram::new(LATENCY_BOUNDS);
        let reloads = Counter::default();
        let reload_failures = Counter::default();
        let mut registry = Registry::default();
        // The client adds `_total` to counters and a `.` to help texts.
        registry.register("datalex_decisions", "Decisions made", decisions.clone());
        registry.register(
            "datalex_request_errors",
            "Requests answered with an error",
            errors.clone(),
        );
        registry.register(
            "datalex_decision_seconds",
            "Time to decide one request",
            latency.clone(),
        );
        registry.register(
            "datalex_reloads",
            "Reloads that swapped in a new version",
            reloads.clone(),
        );
        registry.register(
            "datalex_reload_failures",
            "Reloads that failed; the last good version kept serving",
            reload_failures.clone(),
        );
        let log = LogMetrics::default();
        registry.register(
            "datalex_decision_log_write_failures",
            "Decision log commits that failed (their decisions were answered 503)",
            log.write_failures.clone(),
        );
        registry.register(
            "datalex_decision_log_unavailable",
            "Decisions refused because the decision log could not take them",
            log.unavailable.clone(),
        );
        registry.register(
            "datalex_decision_log_available",
            "1 while the decision log can be written, 0 while it fails",
            log.available.clone(),
        );
        registry.register(
            "datalex_decision_log_checkpoints",
            "Signed checkpoints of the decision log written",
            log.checkpoints.clone(),
        );
        registry.register(
            "datalex_decision_log_checkpoint_failures",
            "Checkpoints of the decision log that could not be written",
            log.checkpoint_failures.clone(),
        );
        Metrics {
            registry,
            decisions,
            errors,
            latency,
            reloads,
            reload_failures,
            log,
        }
    }

    /// The decision log's metrics (handles on the registered ones).
    pub fn log(&self) -> LogMetrics {
        self.log.clone()
    }

    /// A decision of `kind` by `jurisdiction` with `effect`, decided in `elapsed`.
    pub fn decided(
        &self,
        jurisdiction: &str,
        kind: &'static str,
        effect: &'static str,
        elapsed: Duration,
    ) {
        self.latency.observe(elapsed.as_secs_f64());
        self.decisions
            .get_or_create(&DecisionLabels {
                jurisdiction: jurisdiction.to_string(),
                kind,
                effect,
            })
            .inc();
    }

    /// A request answered with an error.
    pub fn error(&self, status: u16, code: ErrorCode) {
        self.errors
            .get_or_create(&ErrorLabels { status, code })
            .inc();
    }

    /// A reload that swapped in a new version.
    pub fn reloaded(&self) {
        self.reloads.inc();
    }

    /// A reload that failed.
    pub fn reload_failed(&self) {
        self.reload_failures.inc();
    }

    /// Every metric in the Prometheus text format.
    pub fn render(&self) -> Result<String, fmt::Error> {
        let mut text = String::new();
        prometheus_client::encoding::prometheus_text::encode(&mut text, &self.registry)?;
        Ok(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_labels_and_types_are_the_documented_ones() {
        let m = Metrics::new();
        m.decided("binzhou", "share", "review", Duration::from_micros(300));
        m.decided("binzhou", "share", "review", Duration::from_millis(20));
        m.error(422, ErrorCode::InvalidRequest);
        m.reload_failed();
        let log = m.log();
        log.write_failures.inc();
        log.unavailable.inc_by(3);
        log.available.set(0);
        let text = m.render().unwrap();
        for line in [
            "# TYPE datalex_decisions_total counter",
            "datalex_decisions_total{jurisdiction=\"binzhou\",kind=\"share\",effect=\"review\"} 2",
            "# TYPE datalex_request_errors_total counter",
            "datalex_request_errors_total{status=\"422\",code=\"invalid_request\"} 1",
            "# TYPE datalex_decision_seconds histogram",
            "datalex_decision_seconds_bucket{le=\"0.0005\"} 1",
            "datalex_decision_seconds_bucket{le=\"0.01\"} 1",
            "datalex_decision_seconds_bucket{le=\"+Inf\"} 2",
            "datalex_decision_seconds_count 2",
            "# TYPE datalex_reloads_total counter",
            "datalex_reloads_total 0",
            "# HELP datalex_reload_failures_total Reloads that failed; the last good version kept serving.",
            "datalex_reload_failures_total 1",
            "# TYPE datalex_decision_log_write_failures_total counter",
            "datalex_decision_log_write_failures_total 1",
            "datalex_decision_log_unavailable_total 3",
            "# TYPE datalex_decision_log_available gauge",
            "datalex_decision_log_available 0",
            "datalex_decision_log_checkpoints_total 0",
            "datalex_decision_log_checkpoint_failures_total 0",
        ] {
            assert!(text.lines().any(|l| l == line), "no line {line:?} in:\n{text}");
        }
        let sum: f64 = text
            .lines()
            .find_map(|l| l.strip_prefix("datalex_decision_seconds_sum "))
            .unwrap()
            .parse()
            .unwrap();
        assert!((sum - 0.0203).abs() < 1e-9, "{sum}");
    }

    #[test]
    fn label_values_are_escaped() {
        let m = Metrics::new();
        m.decided("a\"b\\c\nd", "share", "permit", Duration::ZERO);
        let text = m.render().unwrap();
        assert!(text.contains(r#"jurisdiction="a\"b\\c\nd""#), "{text}");
    }
}
