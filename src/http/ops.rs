//! Operational endpoints: liveness, readiness, Prometheus metrics.

use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::ConfluentJson;
use crate::app::AppState;
use crate::error::ErrorBody;

/// Mounts the operational endpoints.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(healthz))
        .routes(routes!(readyz))
        .routes(routes!(metrics))
}

/// The state of the process or of its store.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    pub status: &'static str,
    /// `on`, or `off` when no admin token is configured and anyone may change anything.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authentication: Option<&'static str>,
    /// Webhook subscriptions in trouble, by id; absent when there are none. They do not make
    /// the registry unready: its own answers are unaffected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub webhooks: Option<WebhookHealth>,
}

/// Webhook subscriptions whose receivers fail.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookHealth {
    /// Given up on after failing for about three days; updating one starts it again.
    pub failing: Vec<String>,
    /// Failing now, and being retried with backoff.
    pub retrying: Vec<String>,
}

/// Answer that the process is up
#[utoipa::path(get, path = "/healthz", tag = "Operations",
    responses((status = 200, body = Health)))]
async fn healthz() -> ConfluentJson<Health> {
    ConfluentJson(Health {
        status: "UP",
        authentication: None,
        webhooks: None,
    })
}

/// Answer whether the store is reachable
#[utoipa::path(get, path = "/readyz", tag = "Operations",
    responses((status = 200, body = Health),
        (status = 503, description = "The store does not answer (50001)", body = ErrorBody)))]
async fn readyz(State(app): State<AppState>) -> Response {
    match app.registry.ping().await {
        Ok(()) => {
            let webhooks = match app.events.troubled().await {
                Ok((failing, retrying)) if failing.is_empty() && retrying.is_empty() => None,
                Ok((failing, retrying)) => Some(WebhookHealth { failing, retrying }),
                Err(err) => {
                    tracing::warn!(error = %err, "webhook subscriptions could not be read");
                    None
                }
            };
            ConfluentJson(Health {
                status: "READY",
                authentication: Some(match app.governance.is_authentication_on() {
                    true => "on",
                    false => "off: anyone may change every schema",
                }),
                webhooks,
            })
            .into_response()
        }
        Err(err) => {
            tracing::warn!(error = ?err, "readiness check failed");
            ConfluentJson(ErrorBody {
                error_code: 50001,
                message: "The backend data store is unavailable".to_string(),
                ..ErrorBody::default()
            })
            .into_response_with_status(StatusCode::SERVICE_UNAVAILABLE)
        }
    }
}

/// Prometheus metrics
#[utoipa::path(get, path = "/metrics", tag = "Operations",
    responses((status = 200, description = "Metrics in the Prometheus text format", body = String, content_type = "text/plain")))]
async fn metrics(State(app): State<AppState>) -> Response {
    (
        [(CONTENT_TYPE, "text/plain; version=0.0.4")],
        app.metrics.render(),
    )
        .into_response()
}
