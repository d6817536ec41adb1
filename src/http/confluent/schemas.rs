//! `/schemas`: schemas by global id (the deserializers' hot path), the supported types, and the
//! listing of all schemas.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::subjects::DeletedFilter;
use super::wire::{SchemaByIdResponse, SchemaResponse, SubjectVersionResponse};
use super::{rendered, FormatParam, RawSchema};
use crate::app::AppState;
use crate::error::ErrorBody;
use crate::http::extract::{lenient_bool, Caller, ConfluentJson, Page, Params, PathParams};
use crate::http::reads::SchemaRead;
use crate::registry::metadata::has_rule_type;
use crate::types::{SchemaId, SubjectName};
use crate::{Error, Result};

/// Mounts the `/schemas` endpoints.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_schemas))
        .routes(routes!(get_schema_types))
        .routes(routes!(get_schema_by_id))
        .routes(routes!(get_schema_text_by_id))
        .routes(routes!(get_subjects_by_id))
        .routes(routes!(get_versions_by_id))
}

/// Reads a path segment as a schema id, as JAX-RS reads an `int`: anything else is a plain
/// 404, and an id no schema has (0, negatives) is looked up and not found.
pub(crate) fn schema_id(segment: &str) -> Result<SchemaId> {
    segment
        .parse::<i32>()
        .map(SchemaId)
        .map_err(|_| Error::NotFound)
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct SchemaByIdParams {
    /// A subject hint: the id is looked up in the subject's context (or an alias's target's).
    #[serde(default)]
    pub subject: Option<String>,
    /// Include the highest id assigned so far as `maxId`.
    #[serde(default, deserialize_with = "lenient_bool")]
    pub fetch_max_id: bool,
}

/// The `subject` hint of the by-id reads other than the schema itself.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SubjectHint {
    /// The id is looked up in this subject's context (or its alias's target's).
    #[serde(default)]
    pub subject: Option<String>,
}

/// Returns the subject a by-id read's hint names, its alias resolved.
async fn hinted(app: &AppState, hint: Option<String>) -> Result<Option<SubjectName>> {
    match hint {
        Some(hint) => Ok(Some(
            app.contracts.aliased(SubjectName::lookup(&hint)).await?,
        )),
        None => Ok(None),
    }
}

/// Get a schema by its global id
#[utoipa::path(get, path = "/schemas/ids/{id}", tag = "Schemas",
    params(("id" = i32, Path), SchemaByIdParams, FormatParam),
    responses((status = 200, body = SchemaByIdResponse), (status = 404, body = ErrorBody)))]
async fn get_schema_by_id(
    State(app): State<AppState>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
    Params(params): Params<SchemaByIdParams>,
    Params(format): Params<FormatParam>,
) -> Result<Response> {
    let id = schema_id(&id)?;
    let hint = hinted(&app, params.subject).await?;
    let schema = app.contracts.schema(&caller, id, hint.as_ref()).await?;
    if !params.fetch_max_id && format.is_default() {
        return Ok(app.rendered.schema_by_id(&schema));
    }
    let max_id = match params.fetch_max_id {
        true => app.contracts.max_schema_id().await?,
        false => None,
    };
    let text = app
        .contracts
        .formatted(&schema, format.format.as_deref())
        .await?;
    Ok(rendered::schema_by_id_as(&schema, text, max_id))
}

/// Get the schema text of a global id
#[utoipa::path(get, path = "/schemas/ids/{id}/schema", tag = "Schemas",
    params(("id" = i32, Path), SubjectHint, FormatParam),
    responses((status = 200, description = "The schema text itself", body = String), (status = 404, body = ErrorBody)))]
async fn get_schema_text_by_id(
    State(app): State<AppState>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
    Params(hint): Params<SubjectHint>,
    Params(format): Params<FormatParam>,
) -> Result<Response> {
    let id = schema_id(&id)?;
    let hint = hinted(&app, hint.subject).await?;
    let schema = app.contracts.schema(&caller, id, hint.as_ref()).await?;
    let text = app
        .contracts
        .formatted(&schema, format.format.as_deref())
        .await?;
    Ok(SchemaRead::by_id(id).on(RawSchema(text).into_response()))
}

/// List the subjects that use a global id
#[utoipa::path(get, path = "/schemas/ids/{id}/subjects", tag = "Schemas",
    params(("id" = i32, Path), SubjectHint, DeletedFilter, Page),
    responses((status = 200, body = Vec<String>), (status = 404, body = ErrorBody)))]
async fn get_subjects_by_id(
    State(app): State<AppState>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
    Params(hint): Params<SubjectHint>,
    Params(filter): Params<DeletedFilter>,
    Params(page): Params<Page>,
) -> Result<ConfluentJson<Vec<String>>> {
    let id = schema_id(&id)?;
    let hint = hinted(&app, hint.subject).await?;
    let usages = app
        .contracts
        .schema_usages(&caller, id, filter.include(), hint.as_ref())
        .await?;
    let mut subjects: Vec<String> = usages.into_iter().map(|u| u.subject).collect();
    subjects.dedup();
    Ok(ConfluentJson(page.apply(subjects)?))
}

/// List the subject versions that use a global id
#[utoipa::path(get, path = "/schemas/ids/{id}/versions", tag = "Schemas",
    params(("id" = i32, Path), SubjectHint, DeletedFilter, Page),
    responses((status = 200, body = Vec<SubjectVersionResponse>), (status = 404, body = ErrorBody)))]
async fn get_versions_by_id(
    State(app): State<AppState>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
    Params(hint): Params<SubjectHint>,
    Params(filter): Params<DeletedFilter>,
    Params(page): Params<Page>,
) -> Result<Response> {
    let id = schema_id(&id)?;
    let hint = hinted(&app, hint.subject).await?;
    let usages = app
        .contracts
        .schema_usages(&caller, id, filter.include(), hint.as_ref())
        .await?;
    let usages = usages
        .into_iter()
        .map(SubjectVersionResponse::from)
        .collect();
    let response = ConfluentJson(page.apply(usages)?).into_response();
    Ok(SchemaRead::by_id(id).on(response))
}

/// List the schema types this registry supports
#[utoipa::path(get, path = "/schemas/types", tag = "Schemas",
    responses((status = 200, body = Vec<String>)))]
async fn get_schema_types() -> ConfluentJson<Vec<&'static str>> {
    ConfluentJson(
        crate::format::SUPPORTED_TYPES
            .iter()
            .map(|t| t.as_str())
            .collect(),
    )
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct ListSchemasParams {
    /// Only subjects whose name starts with this prefix.
    #[serde(default)]
    pub subject_prefix: Option<String>,
    /// Include soft-deleted versions.
    #[serde(default, deserialize_with = "lenient_bool")]
    pub deleted: bool,
    /// Only the latest version of each subject.
    #[serde(default, deserialize_with = "lenient_bool")]
    pub latest_only: bool,
    /// Only schemas whose rule set has a rule of this type (e.g. `CEL`).
    #[serde(default)]
    pub rule_type: Option<String>,
    /// Show each subject's aliases (the subjects whose config names it as their `alias`).
    #[serde(default, deserialize_with = "lenient_bool")]
    pub aliases: bool,
}

/// List schemas across subjects
#[utoipa::path(get, path = "/schemas", tag = "Schemas",
    params(ListSchemasParams, Page),
    responses((status = 200, body = Vec<SchemaResponse>), (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "A parameter that is not a Java int, as in Confluent")))]
async fn list_schemas(
    State(app): State<AppState>,
    Caller(caller): Caller,
    Params(params): Params<ListSchemasParams>,
    Params(page): Params<Page>,
) -> Result<ConfluentJson<Vec<SchemaResponse>>> {
    let include = match params.deleted {
        true => crate::storage::Include::LiveAndDeleted,
        false => crate::storage::Include::Live,
    };
    let prefix = params.subject_prefix.as_deref().unwrap_or_default();
    let versions = app
        .contracts
        .schemas(&caller, prefix, include, params.latest_only)
        .await?;
    let rule_type = params.rule_type.as_deref().filter(|t| !t.is_empty());
    let aliases = match params.aliases {
        true => app.contracts.aliases(&caller).await?,
        false => Default::default(),
    };
    let listed = versions
        .iter()
        .filter(|v| rule_type.is_none_or(|t| has_rule_type(v.schema.rule_set.as_ref(), t)))
        .map(|v| SchemaResponse {
            aliases: aliases.get(&v.subject).cloned().unwrap_or_default(),
            ..SchemaResponse::from(v.as_ref())
        })
        .collect();
    Ok(ConfluentJson(page.apply(listed)?))
}
