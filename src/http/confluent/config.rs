//! `/config` and `/mode`: compatibility settings and modes, global and per subject.

use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::jackson::JacksonJson;
use super::wire::{ConfigResponse, ConfigUpdateRequest, ModeResponse, ModeUpdateRequest};
use crate::app::AppState;
use crate::contracts::Scope;
use crate::error::ErrorBody;
use crate::http::extract::{lenient_bool, Caller, ConfluentJson, Params, PathParams};
use crate::types::SubjectName;
use crate::Result;

/// Mounts the `/config` and `/mode` endpoints.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(
            get_global_config,
            set_global_config,
            delete_global_config
        ))
        .routes(routes!(
            get_subject_config,
            set_subject_config,
            delete_subject_config
        ))
        // Confluent routes no DELETE /mode: it is a 405.
        .routes(routes!(get_global_mode, set_global_mode))
        .routes(routes!(
            get_subject_mode,
            set_subject_mode,
            delete_subject_mode
        ))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct DefaultToGlobalParam {
    /// Answer with the global setting when the subject has none of its own.
    #[serde(default, deserialize_with = "lenient_bool")]
    pub default_to_global: bool,
}

/// Get the global compatibility level
#[utoipa::path(get, path = "/config", tag = "Config",
    responses((status = 200, body = ConfigResponse)))]
async fn get_global_config(
    State(app): State<AppState>,
    Caller(caller): Caller,
) -> Result<ConfluentJson<ConfigResponse>> {
    let config = app.contracts.config(&caller, Scope::Global, true).await?;
    Ok(ConfluentJson(config.into()))
}

/// Set the global compatibility level
#[utoipa::path(put, path = "/config", tag = "Config",
    request_body(content = ConfigUpdateRequest, content_type = "application/vnd.schemaregistry.v1+json"),
    responses((status = 200, body = ConfigUpdateRequest), (status = 422, body = ErrorBody)))]
async fn set_global_config(
    State(app): State<AppState>,
    Caller(caller): Caller,
    JacksonJson(mut body): JacksonJson<ConfigUpdateRequest>,
) -> Result<ConfluentJson<ConfigUpdateRequest>> {
    app.contracts
        .set_config(&caller, Scope::Global, body.into_record()?)
        .await?;
    Ok(ConfluentJson(body))
}

/// Reset the global compatibility level to the default
#[utoipa::path(delete, path = "/config", tag = "Config",
    responses((status = 200, description = "The setting that was replaced", body = ConfigResponse)))]
async fn delete_global_config(
    State(app): State<AppState>,
    Caller(caller): Caller,
) -> Result<ConfluentJson<ConfigResponse>> {
    let config = app.contracts.delete_config(&caller, Scope::Global).await?;
    Ok(ConfluentJson(config.into()))
}

/// Get a subject's compatibility level
#[utoipa::path(get, path = "/config/{subject}", tag = "Config",
    params(("subject" = String, Path), DefaultToGlobalParam),
    responses((status = 200, body = ConfigResponse),
        (status = 404, description = "The subject has no level of its own (40408)", body = ErrorBody)))]
async fn get_subject_config(
    State(app): State<AppState>,
    Caller(caller): Caller,
    PathParams(subject): PathParams<String>,
    Params(params): Params<DefaultToGlobalParam>,
) -> Result<ConfluentJson<ConfigResponse>> {
    let subject = SubjectName::lookup(&subject);
    let config = app
        .contracts
        .config(&caller, Scope::Subject(&subject), params.default_to_global)
        .await?;
    Ok(ConfluentJson(config.into()))
}

/// Set a subject's compatibility level
#[utoipa::path(put, path = "/config/{subject}", tag = "Config",
    params(("subject" = String, Path)),
    request_body(content = ConfigUpdateRequest, content_type = "application/vnd.schemaregistry.v1+json"),
    responses((status = 200, body = ConfigUpdateRequest), (status = 422, body = ErrorBody)))]
async fn set_subject_config(
    State(app): State<AppState>,
    Caller(caller): Caller,
    PathParams(subject): PathParams<String>,
    JacksonJson(mut body): JacksonJson<ConfigUpdateRequest>,
) -> Result<ConfluentJson<ConfigUpdateRequest>> {
    let subject = SubjectName::parse(&subject)?;
    app.contracts
        .set_config(&caller, Scope::Subject(&subject), body.into_record()?)
        .await?;
    Ok(ConfluentJson(body))
}

/// Remove a subject's compatibility level
#[utoipa::path(delete, path = "/config/{subject}", tag = "Config",
    params(("subject" = String, Path)),
    responses((status = 200, description = "The setting that was removed", body = ConfigResponse),
        (status = 404, body = ErrorBody)))]
async fn delete_subject_config(
    State(app): State<AppState>,
    Caller(caller): Caller,
    PathParams(subject): PathParams<String>,
) -> Result<ConfluentJson<ConfigResponse>> {
    let subject = SubjectName::parse(&subject)?;
    let config = app
        .contracts
        .delete_config(&caller, Scope::Subject(&subject))
        .await?;
    Ok(ConfluentJson(config.into()))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ForceParam {
    /// Enter IMPORT mode even though subjects exist.
    #[serde(default, deserialize_with = "lenient_bool")]
    pub force: bool,
}

/// Get the global mode
#[utoipa::path(get, path = "/mode", tag = "Mode",
    responses((status = 200, body = ModeResponse)))]
async fn get_global_mode(
    State(app): State<AppState>,
    Caller(caller): Caller,
) -> Result<ConfluentJson<ModeResponse>> {
    let mode = app.contracts.mode(&caller, Scope::Global, true).await?;
    Ok(ConfluentJson(ModeResponse { mode }))
}

/// Set the global mode
#[utoipa::path(put, path = "/mode", tag = "Mode",
    params(ForceParam),
    request_body(content = ModeUpdateRequest, content_type = "application/vnd.schemaregistry.v1+json"),
    responses((status = 200, body = ModeUpdateRequest), (status = 422, body = ErrorBody)))]
async fn set_global_mode(
    State(app): State<AppState>,
    Caller(caller): Caller,
    Params(params): Params<ForceParam>,
    JacksonJson(body): JacksonJson<ModeUpdateRequest>,
) -> Result<ConfluentJson<ModeUpdateRequest>> {
    app.contracts
        .set_mode(&caller, Scope::Global, body.parse()?, params.force)
        .await?;
    Ok(ConfluentJson(body))
}

/// Get a subject's mode
#[utoipa::path(get, path = "/mode/{subject}", tag = "Mode",
    params(("subject" = String, Path), DefaultToGlobalParam),
    responses((status = 200, body = ModeResponse),
        (status = 404, description = "The subject has no mode of its own (40409)", body = ErrorBody)))]
async fn get_subject_mode(
    State(app): State<AppState>,
    Caller(caller): Caller,
    PathParams(subject): PathParams<String>,
    Params(params): Params<DefaultToGlobalParam>,
) -> Result<ConfluentJson<ModeResponse>> {
    let subject = SubjectName::lookup(&subject);
    let mode = app
        .contracts
        .mode(&caller, Scope::Subject(&subject), params.default_to_global)
        .await?;
    Ok(ConfluentJson(ModeResponse { mode }))
}

/// Set a subject's mode
#[utoipa::path(put, path = "/mode/{subject}", tag = "Mode",
    params(("subject" = String, Path), ForceParam),
    request_body(content = ModeUpdateRequest, content_type = "application/vnd.schemaregistry.v1+json"),
    responses((status = 200, body = ModeUpdateRequest), (status = 422, body = ErrorBody)))]
async fn set_subject_mode(
    State(app): State<AppState>,
    Caller(caller): Caller,
    PathParams(subject): PathParams<String>,
    Params(params): Params<ForceParam>,
    JacksonJson(body): JacksonJson<ModeUpdateRequest>,
) -> Result<ConfluentJson<ModeUpdateRequest>> {
    let subject = SubjectName::parse(&subject)?;
    let scope = Scope::Subject(&subject);
    app.contracts
        .set_mode(&caller, scope, body.parse()?, params.force)
        .await?;
    Ok(ConfluentJson(body))
}

/// Remove a subject's mode
#[utoipa::path(delete, path = "/mode/{subject}", tag = "Mode",
    params(("subject" = String, Path)),
    responses((status = 200, description = "The mode that was removed", body = ModeResponse),
        (status = 404, body = ErrorBody)))]
async fn delete_subject_mode(
    State(app): State<AppState>,
    Caller(caller): Caller,
    PathParams(subject): PathParams<String>,
) -> Result<ConfluentJson<ModeResponse>> {
    let subject = SubjectName::parse(&subject)?;
    let mode = app
        .contracts
        .delete_mode(&caller, Scope::Subject(&subject))
        .await?;
    Ok(ConfluentJson(ModeResponse { mode }))
}
