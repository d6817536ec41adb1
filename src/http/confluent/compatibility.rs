//! `/compatibility`: dry-run compatibility checks of a candidate schema.

use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::wire::{CompatibilityCheckResponse, RegisterSchemaRequest, SchemaBody};
use crate::app::AppState;
use crate::error::ErrorBody;
use crate::governance::Principal;
use crate::http::extract::{lenient_bool, Caller, ConfluentJson, Params, PathParams};
use crate::types::{SubjectName, VersionSelector};
use crate::{Error, Result};

/// Mounts the `/compatibility` endpoints.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(check_against_version))
        .routes(routes!(check_against_subject))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CheckParams {
    /// Normalize the candidate before checking it.
    #[serde(default, deserialize_with = "lenient_bool")]
    pub normalize: bool,
    /// Return the reasons in `messages`.
    #[serde(default, deserialize_with = "lenient_bool")]
    pub verbose: bool,
}

/// Check a schema against one version of a subject
#[utoipa::path(post, path = "/compatibility/subjects/{subject}/versions/{version}", tag = "Compatibility",
    params(("subject" = String, Path), ("version" = String, Path, description = "A version number, `latest` or -1"), CheckParams),
    request_body(content = RegisterSchemaRequest, content_type = "application/vnd.schemaregistry.v1+json"),
    responses((status = 200, body = CompatibilityCheckResponse), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn check_against_version(
    State(app): State<AppState>,
    Caller(caller): Caller,
    PathParams((subject, version)): PathParams<(String, String)>,
    Params(params): Params<CheckParams>,
    SchemaBody(body): SchemaBody,
) -> Result<ConfluentJson<CompatibilityCheckResponse>> {
    let subject = app.contracts.aliased(SubjectName::parse(&subject)?).await?;
    let selector = VersionSelector::parse(&version)?;
    check(&app, &caller, &subject, Some(selector), body, params).await
}

/// Check a schema against a subject as registering it would
#[utoipa::path(post, path = "/compatibility/subjects/{subject}/versions", tag = "Compatibility",
    params(("subject" = String, Path), CheckParams),
    request_body(content = RegisterSchemaRequest, content_type = "application/vnd.schemaregistry.v1+json"),
    responses((status = 200, body = CompatibilityCheckResponse), (status = 422, body = ErrorBody)))]
async fn check_against_subject(
    State(app): State<AppState>,
    Caller(caller): Caller,
    PathParams(subject): PathParams<String>,
    Params(params): Params<CheckParams>,
    SchemaBody(body): SchemaBody,
) -> Result<ConfluentJson<CompatibilityCheckResponse>> {
    let subject = app.contracts.aliased(SubjectName::parse(&subject)?).await?;
    check(&app, &caller, &subject, None, body, params).await
}

async fn check(
    app: &AppState,
    caller: &Principal,
    subject: &SubjectName,
    against: Option<VersionSelector>,
    body: RegisterSchemaRequest,
    params: CheckParams,
) -> Result<ConfluentJson<CompatibilityCheckResponse>> {
    let request = body.into_request()?;
    // Confluent checks no schema against nothing, even on a subject that exists.
    if request.schema.trim().is_empty() {
        return Err(Error::EmptySchema(String::new()));
    }
    let verdict = app
        .contracts
        .check(
            caller,
            subject,
            against,
            request,
            params.normalize,
            params.verbose,
        )
        .await
        .map_err(|err| match (err, against) {
            // Confluent names the version, not the subject, when checking against a number.
            (Error::SubjectNotFound(_), Some(VersionSelector::Number(n))) => {
                Error::VersionNotFound(n)
            }
            (err, _) => err,
        })?;
    Ok(ConfluentJson(CompatibilityCheckResponse {
        is_compatible: verdict.messages.is_empty(),
        messages: params.verbose.then_some(verdict.messages),
        affected: named(params.verbose, verdict.affected),
        undeclared: named(params.verbose, verdict.undeclared),
    }))
}

/// Returns `list` when the answer is verbose and the list is not empty.
fn named<T>(verbose: bool, list: Vec<T>) -> Option<Vec<T>> {
    Some(list).filter(|list| verbose && !list.is_empty())
}
