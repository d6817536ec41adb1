//! Errors on the wire: every [`Error`] answers with its status and the Confluent body
//! `{"error_code": N, "message": "..."}` (see `error.rs` for the table).

use axum::http::header::CONNECTION;
use axum::http::HeaderValue;
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
        // The rest of a refused body is drained after the answer, at most so much (see
        // `limits`): past that the connection is closed, so say so.
        let closes = matches!(self, Error::PayloadTooLarge(_));
        let (affected, undeclared) = match self {
            Error::Incompatible {
                affected,
                undeclared,
                ..
            } => (
                Some(affected).filter(|a| !a.is_empty()),
                Some(undeclared).filter(|u| !u.is_empty()),
            ),
            _ => (None, None),
        };
        let body = ErrorBody {
            error_code,
            message,
            affected,
            undeclared,
        };
        let mut response = ConfluentJson(body).into_response_with_status(status);
        if closes {
            response
                .headers_mut()
                .insert(CONNECTION, HeaderValue::from_static("close"));
        }
        response
    }
}
