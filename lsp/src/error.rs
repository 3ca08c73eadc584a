//! Errors: of the server loop (the connection broke), and of one request (answered with an
//! LSP error, never a panic).

use lsp_server::{ErrorCode, ResponseError};

/// Why the server stopped.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// The protocol was not followed (e.g. no `initialize` first).
    #[error("protocol error: {0}")]
    Protocol(#[from] lsp_server::ProtocolError),
    /// The client went away while the server was sending.
    #[error("the connection to the client is closed")]
    Disconnected,
    /// Reading or writing stdio failed.
    #[error("stdio: {0}")]
    Io(#[from] std::io::Error),
}

/// Why a request failed: answered with this code and message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct RequestError {
    /// The JSON-RPC or LSP error code.
    pub code: i32,
    /// What went wrong, for the user.
    pub message: String,
}

impl RequestError {
    /// The parameters do not fit the method.
    pub fn invalid_params(message: impl Into<String>) -> RequestError {
        RequestError {
            code: ErrorCode::InvalidParams as i32,
            message: message.into(),
        }
    }

    /// The request is well-formed but cannot be done (e.g. a rename to a keyword).
    pub fn failed(message: impl Into<String>) -> RequestError {
        RequestError {
            code: ErrorCode::RequestFailed as i32,
            message: message.into(),
        }
    }
}

impl From<RequestError> for ResponseError {
    fn from(e: RequestError) -> ResponseError {
        ResponseError {
            code: e.code,
            message: e.message,
            data: None,
        }
    }
}
