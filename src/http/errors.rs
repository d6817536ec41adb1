//! Errors on the wire: every [`Error`] answers with its status and the Confluent body
//! `{"error_code": N, "message": "..."}` (see `error.rs` for the table).

use axum::response::{IntoResponse, Response};

use super::extract::ConfluentJson;
use crate::error::ErrorBody;
use crate::Error;

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let (status, error_code) = self.codes();
        if status.is_server_error() {
            tracing::error!(error = ?self, "request failed");
        }
        let message = self.to_string();
        let affected = match self {
            Error::Incompatible { affected, .. } if !affected.is_empty() => Some(affected),
            _ => None,
        };
        let body = ErrorBody {
            error_code,
            message,
            affected,
        };
        ConfluentJson(body).into_response_with_status(status)
    }
}
