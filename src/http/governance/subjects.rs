//! `/governance/subjects/{subject}`: a stream's producer, its consumers, and the impact of a
//! candidate schema on them.

use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::no_content;
use crate::app::AppState;
use crate::contracts::{Impact, SubjectContract};
use crate::error::ErrorBody;
use crate::governance::ConsumerView;
use crate::http::confluent::wire::{RegisterSchemaRequest, SchemaBody};
use crate::http::extract::{lenient_bool, Caller, ConfluentJson, PathParams, Query};
use crate::types::SubjectName;
use crate::Result;

/// Mounts the subject governance endpoints.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_subject))
        .routes(routes!(set_producer))
        .routes(routes!(list_consumers))
        .routes(routes!(grant_consumer, revoke_consumer))
        .routes(routes!(impact))
}

/// The service that produces a subject.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ProducerRequest {
    pub service: String,
}

/// Get a subject's producer, consumers, latest version and compatibility level
#[utoipa::path(get, path = "/governance/subjects/{subject}", tag = "Governance",
    params(("subject" = String, Path)),
    responses((status = 200, body = SubjectContract), (status = 404, body = ErrorBody)))]
async fn get_subject(
    State(app): State<AppState>,
    Caller(caller): Caller,
    PathParams(subject): PathParams<String>,
) -> Result<ConfluentJson<SubjectContract>> {
    let subject = SubjectName::parse(&subject)?;
    Ok(ConfluentJson(
        app.contracts.subject(&caller, &subject).await?,
    ))
}

/// Make a service the producer of a subject
#[utoipa::path(put, path = "/governance/subjects/{subject}/producer", tag = "Governance",
    params(("subject" = String, Path)), request_body = ProducerRequest,
    responses((status = 204), (status = 404, description = "Unknown service", body = ErrorBody)))]
async fn set_producer(
    State(app): State<AppState>,
    Caller(caller): Caller,
    PathParams(subject): PathParams<String>,
    ConfluentJson(body): ConfluentJson<ProducerRequest>,
) -> Result<Response> {
    let subject = SubjectName::parse(&subject)?;
    app.governance
        .set_producer(&caller, &subject, &body.service)
        .await?;
    Ok(no_content())
}

/// List a subject's consumers with their teams, contacts and grants
#[utoipa::path(get, path = "/governance/subjects/{subject}/consumers", tag = "Governance",
    params(("subject" = String, Path)),
    responses((status = 200, body = Vec<ConsumerView>)))]
async fn list_consumers(
    State(app): State<AppState>,
    Caller(caller): Caller,
    PathParams(subject): PathParams<String>,
) -> Result<ConfluentJson<Vec<ConsumerView>>> {
    let subject = SubjectName::parse(&subject)?;
    Ok(ConfluentJson(
        app.governance.consumers(&caller, &subject).await?,
    ))
}

/// Grant a service read access to a subject
#[utoipa::path(put, path = "/governance/subjects/{subject}/consumers/{service}", tag = "Governance",
    params(("subject" = String, Path), ("service" = String, Path)),
    responses((status = 204), (status = 404, body = ErrorBody),
        (status = 422, description = "The service produces the subject", body = ErrorBody)))]
async fn grant_consumer(
    State(app): State<AppState>,
    Caller(caller): Caller,
    PathParams((subject, service)): PathParams<(String, String)>,
) -> Result<Response> {
    let subject = SubjectName::parse(&subject)?;
    app.governance
        .grant_consumer(&caller, &subject, &service)
        .await?;
    Ok(no_content())
}

/// Revoke a service's read access to a subject
#[utoipa::path(delete, path = "/governance/subjects/{subject}/consumers/{service}", tag = "Governance",
    params(("subject" = String, Path), ("service" = String, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
async fn revoke_consumer(
    State(app): State<AppState>,
    Caller(caller): Caller,
    PathParams((subject, service)): PathParams<(String, String)>,
) -> Result<Response> {
    let subject = SubjectName::parse(&subject)?;
    app.governance
        .revoke_consumer(&caller, &subject, &service)
        .await?;
    Ok(no_content())
}

/// Query parameters of an impact check.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImpactParams {
    /// Normalize the candidate before checking it.
    #[serde(default, deserialize_with = "lenient_bool")]
    pub normalize: bool,
}

/// Check whom a candidate schema would break, without registering it
#[utoipa::path(post, path = "/governance/subjects/{subject}/impact", tag = "Governance",
    params(("subject" = String, Path), ImpactParams),
    request_body(content = RegisterSchemaRequest, content_type = "application/json"),
    responses((status = 200, body = Impact), (status = 422, body = ErrorBody)))]
async fn impact(
    State(app): State<AppState>,
    Caller(caller): Caller,
    PathParams(subject): PathParams<String>,
    Query(params): Query<ImpactParams>,
    SchemaBody(body): SchemaBody,
) -> Result<ConfluentJson<Impact>> {
    let subject = SubjectName::parse(&subject)?;
    let impact = app
        .contracts
        .impact(&caller, &subject, body.into_request()?, params.normalize)
        .await?;
    Ok(ConfluentJson(impact))
}
