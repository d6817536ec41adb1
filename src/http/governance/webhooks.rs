//! Change events: webhook subscriptions under `/governance/webhooks`, and the feed at
//! `/governance/events` (a page of JSON, or Server-Sent Events).

use axum::extract::State;
use axum::http::header::ACCEPT;
use axum::http::HeaderMap;
use axum::response::sse::{KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{created, no_content};
use crate::app::AppState;
use crate::error::ErrorBody;
use crate::events::{EventPage, FeedQuery};
use crate::governance::{DeliveryView, WebhookSecret, WebhookSpec, WebhookView};
use crate::http::extract::{Caller, ConfluentJson, PathParams, Query};
use crate::{Error, Result};

/// Mounts the webhook and event feed endpoints.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_webhook, list_webhooks))
        .routes(routes!(get_webhook, update_webhook, delete_webhook))
        .routes(routes!(rotate_secret))
        .routes(routes!(list_deliveries))
        .routes(routes!(redeliver))
        .routes(routes!(events))
}

/// A subscription: where to deliver which events.
#[derive(Debug, Deserialize, ToSchema)]
pub struct WebhookRequest {
    /// The receiver: an http:// or https:// URL.
    pub url: String,
    /// Event type patterns (`dev.accord.schema.registered`, `dev.accord.schema.*`, `*`); all
    /// of Accord's when left out.
    #[serde(default)]
    pub events: Option<Vec<String>>,
    /// Subject globs (`orders-*`); every subject when left out.
    #[serde(default)]
    pub subjects: Option<Vec<String>>,
    /// The owning team (a service's own team when a service subscribes).
    #[serde(default)]
    pub team: Option<String>,
    /// `consumed`: the events of every stream the team's services consume or read.
    #[serde(default)]
    pub follow: Option<String>,
}

impl From<WebhookRequest> for WebhookSpec {
    fn from(body: WebhookRequest) -> Self {
        WebhookSpec {
            url: body.url,
            events: body.events,
            subjects: body.subjects,
            team: body.team,
            follow: body.follow,
        }
    }
}

/// The subscriptions the caller manages.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookList {
    pub webhooks: Vec<WebhookView>,
}

/// A subscription's recent delivery attempts, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeliveryList {
    pub deliveries: Vec<DeliveryView>,
}

/// Query parameters of the event feed.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventParams {
    /// Only the events after this id.
    pub after: Option<i64>,
    pub subject: Option<String>,
    /// Only events of this type, e.g. `dev.accord.schema.registered`.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// The most events in a page (500 at most).
    pub limit: Option<i64>,
}

/// Subscribe a receiver to change events; the answer holds its signing secret, once
#[utoipa::path(post, path = "/governance/webhooks", tag = "Events",
    request_body = WebhookRequest,
    responses((status = 201, body = WebhookSecret), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
async fn create_webhook(
    State(app): State<AppState>,
    Caller(caller): Caller,
    ConfluentJson(body): ConfluentJson<WebhookRequest>,
) -> Result<Response> {
    let made = app.governance.create_webhook(&caller, body.into()).await?;
    Ok(created(made))
}

/// List the webhook subscriptions the caller manages
#[utoipa::path(get, path = "/governance/webhooks", tag = "Events",
    responses((status = 200, body = WebhookList)))]
async fn list_webhooks(
    State(app): State<AppState>,
    Caller(caller): Caller,
) -> Result<ConfluentJson<WebhookList>> {
    let webhooks = app.governance.webhooks(&caller).await?;
    Ok(ConfluentJson(WebhookList { webhooks }))
}

/// Get a webhook subscription
#[utoipa::path(get, path = "/governance/webhooks/{id}", tag = "Events",
    params(("id" = String, Path)),
    responses((status = 200, body = WebhookView), (status = 404, body = ErrorBody)))]
async fn get_webhook(
    State(app): State<AppState>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
) -> Result<ConfluentJson<WebhookView>> {
    let webhook = app.governance.webhook(&caller, &id).await?;
    Ok(ConfluentJson(WebhookView::from(&webhook)))
}

/// Replace a webhook subscription's receiver and filters (a failing one starts again)
#[utoipa::path(put, path = "/governance/webhooks/{id}", tag = "Events",
    params(("id" = String, Path)), request_body = WebhookRequest,
    responses((status = 200, body = WebhookView), (status = 404, body = ErrorBody)))]
async fn update_webhook(
    State(app): State<AppState>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
    ConfluentJson(body): ConfluentJson<WebhookRequest>,
) -> Result<ConfluentJson<WebhookView>> {
    let updated = app
        .governance
        .update_webhook(&caller, &id, body.into())
        .await?;
    Ok(ConfluentJson(updated))
}

/// Delete a webhook subscription and what it had yet to receive
#[utoipa::path(delete, path = "/governance/webhooks/{id}", tag = "Events",
    params(("id" = String, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
async fn delete_webhook(
    State(app): State<AppState>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
) -> Result<Response> {
    app.governance.delete_webhook(&caller, &id).await?;
    Ok(no_content())
}

/// Give a subscription a new secret; the old one keeps signing for a day
#[utoipa::path(post, path = "/governance/webhooks/{id}/rotate-secret", tag = "Events",
    params(("id" = String, Path)),
    responses((status = 200, body = WebhookSecret), (status = 404, body = ErrorBody)))]
async fn rotate_secret(
    State(app): State<AppState>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
) -> Result<ConfluentJson<WebhookSecret>> {
    Ok(ConfluentJson(
        app.governance.rotate_webhook_secret(&caller, &id).await?,
    ))
}

/// A subscription's recent delivery attempts: status, latency, error
#[utoipa::path(get, path = "/governance/webhooks/{id}/deliveries", tag = "Events",
    params(("id" = String, Path)),
    responses((status = 200, body = DeliveryList), (status = 404, body = ErrorBody)))]
async fn list_deliveries(
    State(app): State<AppState>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
) -> Result<ConfluentJson<DeliveryList>> {
    let deliveries = app.governance.webhook_deliveries(&caller, &id).await?;
    Ok(ConfluentJson(DeliveryList { deliveries }))
}

/// Deliver an event to a subscription again
#[utoipa::path(post, path = "/governance/webhooks/{id}/deliveries/{event_id}/redeliver",
    tag = "Events", params(("id" = String, Path), ("event_id" = String, Path)),
    responses((status = 202), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn redeliver(
    State(app): State<AppState>,
    Caller(caller): Caller,
    PathParams((id, event_id)): PathParams<(String, String)>,
) -> Result<Response> {
    app.governance.redeliver(&caller, &id, &event_id).await?;
    Ok(axum::http::StatusCode::ACCEPTED.into_response())
}

/// The change events after an id, as a page of CloudEvents; with `Accept: text/event-stream`,
/// followed as Server-Sent Events that resume from `Last-Event-ID`
#[utoipa::path(get, path = "/governance/events", tag = "Events", params(EventParams),
    responses((status = 200, body = EventPage,
        description = "A page of events, or with Accept: text/event-stream a stream of them"),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
async fn events(
    State(app): State<AppState>,
    Caller(caller): Caller,
    Query(params): Query<EventParams>,
    headers: HeaderMap,
) -> Result<Response> {
    let resumed = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .map(|id| {
            id.trim().parse::<i64>().map_err(|_| {
                Error::BadRequest(format!(
                    "Invalid Last-Event-ID '{id}': an event id is a number"
                ))
            })
        })
        .transpose()?;
    let query = FeedQuery {
        after: resumed.or(params.after).unwrap_or(0).max(0),
        subject: params.subject.filter(|s| !s.is_empty()),
        kind: params.kind.filter(|s| !s.is_empty()),
        limit: params.limit.unwrap_or(100),
    };
    let wants_stream = headers
        .get(ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/event-stream"));
    if !wants_stream {
        let page = app.events.page(&app.governance, &caller, &query).await?;
        return Ok(ConfluentJson(page).into_response());
    }
    let stream = app
        .events
        .clone()
        .follow(app.governance.clone(), caller, query)
        .await?;
    Ok(Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response())
}
