//! The wire format of the HTTP API, owned by the service: error answers, the answers of
//! `/v1/decisions:batch` and `/v1/policies`. (A decision itself is the evaluator's
//! [`Decision`](datalex_evaluator::Decision) serialised as the contract fixes it.)
//!
//! Field order follows the documented examples (`docs/api.md`).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use serde_json::value::RawValue;

/// The stable code of an error answer (`error.code`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// No such route, or no decision with that id.
    NotFound,
    /// The body is not JSON.
    MalformedJson,
    /// The body is over [`BODY_LIMIT`](crate::handlers::BODY_LIMIT).
    BodyTooLarge,
    /// The body cannot be read (not UTF-8, cut off).
    UnreadableBody,
    /// The request does not fit the contract (`field` says where).
    InvalidRequest,
    /// A query parameter has a value the route does not know (400; `field` names it).
    InvalidParameter,
    /// No served jurisdiction decides the request.
    UnknownJurisdiction,
    /// No source of the jurisdiction governs the request's date.
    NotInForce,
    /// The evaluation failed (its step budget, say).
    EvaluationFailed,
    /// The decision log cannot be read.
    LogUnavailable,
    /// The decision log cannot be written (or its queue is full): the decision is not answered.
    DecisionLogUnavailable,
    /// A bug.
    Internal,
    /// No API key, or one the service does not know (401).
    Unauthenticated,
    /// The caller lacks the route's scope (403).
    Forbidden,
    /// Over the caller's rate (429, with `Retry-After`).
    RateLimited,
    /// The route has no such method (405).
    MethodNotAllowed,
    /// The request was not done within the request timeout (408).
    RequestTimeout,
}

impl ErrorCode {
    /// The code as it appears in answers and in the `code` label of metrics.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::NotFound => "not_found",
            ErrorCode::MalformedJson => "malformed_json",
            ErrorCode::BodyTooLarge => "body_too_large",
            ErrorCode::UnreadableBody => "unreadable_body",
            ErrorCode::InvalidRequest => "invalid_request",
            ErrorCode::InvalidParameter => "invalid_parameter",
            ErrorCode::UnknownJurisdiction => "unknown_jurisdiction",
            ErrorCode::NotInForce => "not_in_force",
            ErrorCode::EvaluationFailed => "evaluation_failed",
            ErrorCode::LogUnavailable => "log_unavailable",
            ErrorCode::DecisionLogUnavailable => "decision_log_unavailable",
            ErrorCode::Internal => "internal",
            ErrorCode::Unauthenticated => "unauthenticated",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::MethodNotAllowed => "method_not_allowed",
            ErrorCode::RequestTimeout => "request_timeout",
        }
    }
}

impl Serialize for ErrorCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// `{ "error": { "code", "message", "field" } }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// The error of an [`ErrorBody`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorDetail {
    /// What kind of error.
    pub code: ErrorCode,
    /// What is wrong, for people.
    pub message: String,
    /// The request field that is wrong (`null` if the error is not about one field); in a
    /// batch, prefixed with `requests[i].`.
    pub field: Option<String>,
}

/// An error answer: an [`ErrorBody`] with its HTTP status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The status (4xx, or 5xx for the service's own failures).
    pub status: StatusCode,
    /// The body.
    pub body: ErrorBody,
}

impl ApiError {
    /// An error answer.
    pub fn new(
        status: StatusCode,
        code: ErrorCode,
        message: impl Into<String>,
        field: Option<&str>,
    ) -> Box<ApiError> {
        Box::new(ApiError {
            status,
            body: ErrorBody {
                error: ErrorDetail {
                    code,
                    message: message.into(),
                    field: field.map(str::to_string),
                },
            },
        })
    }

    /// Its code.
    pub fn code(&self) -> ErrorCode {
        self.body.error.code
    }

    /// The same error as item `index` of a batch: its field prefixed with `requests[index].`
    /// (or `requests[index]` if it had none).
    pub fn in_batch(mut self, index: usize) -> ErrorBody {
        let field = &mut self.body.error.field;
        *field = Some(match field.take() {
            Some(f) => format!("requests[{index}].{f}"),
            None => format!("requests[{index}]"),
        });
        self.body
    }
}

impl IntoResponse for Box<ApiError> {
    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
    }
}

/// The answer of `POST /v1/decisions:batch`.
#[derive(Debug, Serialize)]
pub struct BatchAnswer {
    /// One item per request, in order.
    pub decisions: Vec<BatchItem>,
}

/// One item of a [`BatchAnswer`]: the decision, or the error in its place.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum BatchItem {
    /// The decision's JSON, as logged.
    Decision(Box<RawValue>),
    /// Why the request is not a decision.
    Error(ErrorBody),
}

/// The answer of `GET /v1/policies`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PoliciesAnswer {
    /// One per served jurisdiction.
    pub policies: Vec<PolicyInfo>,
    /// The policy bundle served (`serve --bundles`); `null` when the service serves its files.
    pub bundle: Option<BundleInfo>,
    /// How the last reload went.
    pub reload: ReloadStatus,
}

/// The policy bundle a service serves (`serve --bundles`, docs/bundles.md).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BundleInfo {
    /// Its id (`sha256:…` of its manifest).
    pub id: String,
    /// The id of the trusted key whose signature was verified (the first 16 hex digits of the
    /// SHA-256 of its public key).
    pub signed_by: String,
    /// When it was published as the active bundle (RFC 3339, UTC): the same on every replica.
    pub activated_at: String,
}

/// A served jurisdiction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicyInfo {
    /// Its name.
    pub jurisdiction: String,
    /// The policy version that decides (`sha256:…`).
    pub version: String,
    /// How many rules its plans have.
    pub rules: usize,
    /// The request kinds it decides.
    pub kinds: Vec<String>,
    /// How many articles the regulations' texts have.
    pub articles: usize,
    /// When the version was loaded (RFC 3339, UTC).
    pub loaded_at: String,
}

/// The last reload: `{"status": "ok"}`, or failed since the version that serves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ReloadStatus {
    /// The last reload (or the start) succeeded.
    Ok,
    /// The last reload failed; the last version that compiled keeps serving.
    Failed {
        /// When (RFC 3339, UTC).
        at: String,
        /// Why (the diagnostics).
        message: String,
        /// What serves meanwhile.
        serving: &'static str,
    },
}

/// The `serving` of a failed reload.
pub const SERVING_LAST_GOOD: &str = "the last version that compiled";

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_shapes_are_the_documented_ones() {
        let e = ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::NotInForce,
            "not yet",
            Some("at"),
        );
        assert_eq!(
            serde_json::to_string(&e.body).unwrap(),
            r#"{"error":{"code":"not_in_force","message":"not yet","field":"at"}}"#
        );
        assert_eq!(
            serde_json::to_value(e.clone().in_batch(2)).unwrap(),
            json!({"error": {"code": "not_in_force", "message": "not yet", "field": "requests[2].at"}})
        );
        let unfielded = ApiError::new(StatusCode::BAD_REQUEST, ErrorCode::MalformedJson, "x", None);
        assert_eq!(
            serde_json::to_string(&unfielded.body).unwrap(),
            r#"{"error":{"code":"malformed_json","message":"x","field":null}}"#
        );
        assert_eq!(
            unfielded.in_batch(0).error.field.as_deref(),
            Some("requests[0]")
        );
        assert_eq!(
            serde_json::to_string(&ReloadStatus::Ok).unwrap(),
            r#"{"status":"ok"}"#
        );
        assert_eq!(
            serde_json::to_string(&ReloadStatus::Failed {
                at: "t".into(),
                message: "m".into(),
                serving: SERVING_LAST_GOOD
            })
            .unwrap(),
            r#"{"status":"failed","at":"t","message":"m","serving":"the last version that compiled"}"#
        );
        let batch = BatchAnswer {
            decisions: vec![
                BatchItem::Decision(
                    RawValue::from_string(r#"{"effect":"permit"}"#.into()).unwrap(),
                ),
                BatchItem::Error(ErrorBody {
                    error: ErrorDetail {
                        code: ErrorCode::InvalidRequest,
                        message: "m".into(),
                        field: Some("requests[1].at".into()),
                    },
                }),
            ],
        };
        assert_eq!(
            serde_json::to_string(&batch).unwrap(),
            r#"{"decisions":[{"effect":"permit"},{"error":{"code":"invalid_request","message":"m","field":"requests[1].at"}}]}"#
        );
    }
}
