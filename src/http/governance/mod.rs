//! The governance API under `/governance`: teams, services and credentials, stream ownership
//! and consumer grants, impact analysis, and the audit log. Bodies are plain JSON; errors use
//! the Confluent shape like everything else.

mod audit;
mod proposals;
mod readers;
mod services;
mod subjects;
mod teams;
mod webhooks;

// The request bodies and query parameters, for the fuzz targets that decode them.
pub use audit::AuditParams;
pub use proposals::{AnswerRequest, ProposalParams, ProposeRequest, ReasonRequest};
pub use readers::DriftParams;
pub use services::{CreateServiceRequest, UpdateServiceRequest};
pub use subjects::{ImpactParams, ProducerRequest};
pub use teams::{CreateTeamRequest, UpdateTeamRequest};
pub use webhooks::{EventParams, WebhookRequest};

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;

use crate::app::AppState;
use crate::http::extract::ConfluentJson;

/// Mounts every governance endpoint.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(teams::router())
        .merge(services::router())
        .merge(subjects::router())
        .merge(proposals::router())
        .merge(readers::router())
        .merge(audit::router())
        .merge(webhooks::router())
}

/// Answers 201 Created with `body`.
fn created<T: Serialize>(body: T) -> Response {
    ConfluentJson(body).into_response_with_status(StatusCode::CREATED)
}

/// Answers 204 No Content.
fn no_content() -> Response {
    StatusCode::NO_CONTENT.into_response()
}
