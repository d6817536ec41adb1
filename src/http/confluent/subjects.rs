//! `/subjects`: listing, registering, looking up, reading and deleting subject versions.

use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::wire::{
    RegisterSchemaRequest, RegisterSchemaResponse, SchemaBody, SchemaResponse, TagSchemaRequest,
    TagsBody,
};
use super::{rendered, FormatParam};
use crate::app::AppState;
use crate::error::ErrorBody;
use crate::http::extract::{lenient_bool, Caller, ConfluentJson, Page, Params, PathParams};
use crate::http::reads::SchemaRead;
use crate::storage::Include;
use crate::types::{SubjectName, VersionSelector};
use crate::Result;

/// Mounts the `/subjects` endpoints.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_subjects))
        .routes(routes!(lookup_schema, delete_subject))
        .routes(routes!(list_versions, register_schema))
        .routes(routes!(get_version, delete_version))
        .routes(routes!(get_version_schema))
        .routes(routes!(get_referenced_by))
        .routes(routes!(get_latest_with_metadata))
        .routes(routes!(modify_tags))
}

/// Which deleted entries a listing shows.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeletedFilter {
    /// Include soft-deleted entries.
    #[serde(default, deserialize_with = "lenient_bool")]
    pub deleted: bool,
    /// Show only soft-deleted entries.
    #[serde(
        default,
        alias = "deleted_only",
        rename = "deletedOnly",
        deserialize_with = "lenient_bool"
    )]
    pub deleted_only: bool,
}

impl DeletedFilter {
    pub fn include(&self) -> Include {
        match (self.deleted_only, self.deleted) {
            (true, _) => Include::DeletedOnly,
            (false, true) => Include::LiveAndDeleted,
            (false, false) => Include::Live,
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct ListSubjectsParams {
    /// Only subjects whose name starts with this prefix.
    #[serde(default)]
    pub subject_prefix: Option<String>,
}

/// List subjects
#[utoipa::path(get, path = "/subjects", tag = "Subjects",
    params(ListSubjectsParams, DeletedFilter, Page),
    responses((status = 200, body = Vec<String>), (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "A parameter that is not a Java int, as in Confluent")))]
async fn list_subjects(
    State(app): State<AppState>,
    Caller(caller): Caller,
    Params(params): Params<ListSubjectsParams>,
    Params(filter): Params<DeletedFilter>,
    Params(page): Params<Page>,
) -> Result<ConfluentJson<Vec<String>>> {
    let prefix = match params.subject_prefix.as_deref() {
        None | Some(":*:") => "",
        Some(prefix) => prefix,
    };
    let subjects = app
        .contracts
        .subjects(&caller, prefix, filter.include())
        .await?;
    Ok(ConfluentJson(page.apply(subjects)?))
}

/// List the versions of a subject
#[utoipa::path(get, path = "/subjects/{subject}/versions", tag = "Subjects",
    params(("subject" = String, Path), DeletedFilter, Page),
    responses((status = 200, body = Vec<i32>), (status = 404, body = ErrorBody)))]
async fn list_versions(
    State(app): State<AppState>,
    Caller(caller): Caller,
    PathParams(subject): PathParams<String>,
    Params(filter): Params<DeletedFilter>,
    Params(page): Params<Page>,
) -> Result<ConfluentJson<Vec<i32>>> {
    let subject = app.contracts.aliased(SubjectName::lookup(&subject)).await?;
    let versions = app
        .contracts
        .version_numbers(&caller, &subject, filter.include())
        .await?;
    Ok(ConfluentJson(
        page.apply(versions.into_iter().map(|v| v.0).collect())?,
    ))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NormalizeParam {
    /// Normalize the schema before registering or looking it up.
    #[serde(default, deserialize_with = "lenient_bool")]
    pub normalize: bool,
}

/// Register a schema under a subject
///
/// Returns the existing id when the subject already holds the schema; otherwise checks
/// compatibility and creates the next version.
#[utoipa::path(post, path = "/subjects/{subject}/versions", tag = "Subjects",
    params(("subject" = String, Path), NormalizeParam),
    request_body(content = RegisterSchemaRequest, content_type = "application/vnd.schemaregistry.v1+json"),
    responses((status = 200, body = RegisterSchemaResponse),
        (status = 409, description = "Incompatible with an earlier version", body = ErrorBody),
        (status = 422, description = "Invalid schema, version, subject or mode", body = ErrorBody)))]
async fn register_schema(
    State(app): State<AppState>,
    Caller(caller): Caller,
    PathParams(subject): PathParams<String>,
    Params(params): Params<NormalizeParam>,
    SchemaBody(body): SchemaBody,
) -> Result<ConfluentJson<RegisterSchemaResponse>> {
    let subject = app.contracts.aliased(SubjectName::parse(&subject)?).await?;
    let request = body.into_request()?;
    // Confluent's registry answers an import that names the version of a schema it already
    // holds with that version and the schema as sent.
    let echo = request.version.map(|_| request.schema.clone());
    let registered = app
        .contracts
        .register(&caller, &subject, request, params.normalize)
        .await?;
    let echo = echo.filter(|_| !registered.is_new);
    let version = registered.version.0;
    let mut response = RegisterSchemaResponse::from(registered);
    if let Some(schema) = echo {
        response.version = Some(version);
        response.schema = Some(schema);
    }
    Ok(ConfluentJson(response))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LookupParams {
    /// Normalize the schema before looking it up.
    #[serde(default, deserialize_with = "lenient_bool")]
    pub normalize: bool,
    /// Also find soft-deleted versions.
    #[serde(default, deserialize_with = "lenient_bool")]
    pub deleted: bool,
}

/// Look up a schema under a subject
#[utoipa::path(post, path = "/subjects/{subject}", tag = "Subjects",
    params(("subject" = String, Path), LookupParams),
    request_body(content = RegisterSchemaRequest, content_type = "application/vnd.schemaregistry.v1+json"),
    responses((status = 200, body = SchemaResponse),
        (status = 404, description = "Subject (40401) or schema (40403) not found", body = ErrorBody),
        (status = 422, body = ErrorBody)))]
async fn lookup_schema(
    State(app): State<AppState>,
    Caller(caller): Caller,
    PathParams(subject): PathParams<String>,
    Params(params): Params<LookupParams>,
    SchemaBody(body): SchemaBody,
) -> Result<Response> {
    let subject = app.contracts.aliased(SubjectName::parse(&subject)?).await?;
    let found = app
        .contracts
        .lookup(
            &caller,
            &subject,
            body.into_request()?,
            params.normalize,
            params.deleted,
        )
        .await?;
    let response = ConfluentJson(SchemaResponse::from(found.as_ref())).into_response();
    Ok(SchemaRead::of_version(&found).on(response))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeletedParam {
    /// Include soft-deleted versions.
    #[serde(default, deserialize_with = "lenient_bool")]
    pub deleted: bool,
}

/// Get a version of a subject
#[utoipa::path(get, path = "/subjects/{subject}/versions/{version}", tag = "Subjects",
    params(("subject" = String, Path), ("version" = String, Path, description = "A version number, `latest` or -1"), DeletedParam, FormatParam),
    responses((status = 200, body = SchemaResponse), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn get_version(
    State(app): State<AppState>,
    Caller(caller): Caller,
    PathParams((subject, version)): PathParams<(String, String)>,
    Params(params): Params<DeletedParam>,
    Params(format): Params<FormatParam>,
) -> Result<Response> {
    let subject = app.contracts.aliased(SubjectName::lookup(&subject)).await?;
    let selector = VersionSelector::parse(&version)?;
    let found = app
        .contracts
        .version(&caller, &subject, selector, params.deleted)
        .await?;
    if selector == VersionSelector::Latest && !params.deleted && format.is_default() {
        return Ok(app.rendered.latest_version(&found));
    }
    let text = app
        .contracts
        .formatted(&found.schema, format.format.as_deref())
        .await?;
    Ok(rendered::version_as(&found, text))
}

/// Get the latest version with given metadata
///
/// Pairs the `key` and `value` parameters in order (`?key=a&value=1&key=b&value=2`) and
/// returns the newest version whose metadata properties hold them all.
#[utoipa::path(get, path = "/subjects/{subject}/metadata", tag = "Subjects",
    params(("subject" = String, Path),
        ("key" = Option<Vec<String>>, Query, description = "A property name; repeatable"),
        ("value" = Option<Vec<String>>, Query, description = "Its value, in the same order"),
        DeletedParam),
    responses((status = 200, body = SchemaResponse),
        (status = 404, description = "Subject (40401) or schema (40403) not found", body = ErrorBody)))]
async fn get_latest_with_metadata(
    State(app): State<AppState>,
    Caller(caller): Caller,
    PathParams(subject): PathParams<String>,
    Params(params): Params<DeletedParam>,
    RawQuery(query): RawQuery,
) -> Result<Response> {
    let subject = app.contracts.aliased(SubjectName::parse(&subject)?).await?;
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(query.as_deref().unwrap_or_default()).unwrap_or_default();
    let named = |name: &'static str| {
        pairs
            .iter()
            .filter(move |(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let wanted: Vec<(String, String)> = named("key").zip(named("value")).collect();
    let found = app
        .contracts
        .latest_with_metadata(&caller, &subject, &wanted, params.deleted)
        .await?;
    let response = ConfluentJson(SchemaResponse::from(found.as_ref())).into_response();
    Ok(SchemaRead::of_version(&found).on(response))
}

/// Tag a version's schema
///
/// Writes the tags into the schema of the version (Avro `confluent:tags`, JSON Schema
/// `confluent:tags`) and registers the result as a new version.
#[utoipa::path(post, path = "/subjects/{subject}/versions/{version}/tags", tag = "Subjects",
    params(("subject" = String, Path), ("version" = String, Path, description = "A version number or `latest`")),
    request_body(content = TagSchemaRequest, content_type = "application/vnd.schemaregistry.v1+json"),
    responses((status = 200, body = RegisterSchemaResponse),
        (status = 404, description = "Subject (40401) or version (40402) not found", body = ErrorBody),
        (status = 422, description = "No such entity, or not the next version", body = ErrorBody)))]
async fn modify_tags(
    State(app): State<AppState>,
    Caller(caller): Caller,
    PathParams((subject, version)): PathParams<(String, String)>,
    TagsBody(body): TagsBody,
) -> Result<ConfluentJson<RegisterSchemaResponse>> {
    let subject = app.contracts.aliased(SubjectName::parse(&subject)?).await?;
    let selector = VersionSelector::parse(&version)?;
    let registered = app
        .contracts
        .modify_tags(&caller, &subject, selector, body.into_change()?)
        .await?;
    Ok(ConfluentJson(registered.into()))
}

/// Get the schema text of a version
#[utoipa::path(get, path = "/subjects/{subject}/versions/{version}/schema", tag = "Subjects",
    params(("subject" = String, Path), ("version" = String, Path), DeletedParam, FormatParam),
    responses((status = 200, description = "The schema text itself", body = String), (status = 404, body = ErrorBody)))]
async fn get_version_schema(
    State(app): State<AppState>,
    Caller(caller): Caller,
    PathParams((subject, version)): PathParams<(String, String)>,
    Params(params): Params<DeletedParam>,
    Params(format): Params<FormatParam>,
) -> Result<Response> {
    let subject = app.contracts.aliased(SubjectName::lookup(&subject)).await?;
    let selector = VersionSelector::parse(&version)?;
    let found = app
        .contracts
        .version(&caller, &subject, selector, params.deleted)
        .await?;
    let text = app
        .contracts
        .formatted(&found.schema, format.format.as_deref())
        .await?;
    Ok(SchemaRead::of_version(&found).on(super::RawSchema(text).into_response()))
}

/// List the ids of schemas that reference a version
#[utoipa::path(get, path = "/subjects/{subject}/versions/{version}/referencedby", tag = "Subjects",
    params(("subject" = String, Path), ("version" = String, Path), DeletedParam, Page),
    responses((status = 200, body = Vec<i32>), (status = 404, body = ErrorBody)))]
async fn get_referenced_by(
    State(app): State<AppState>,
    Caller(caller): Caller,
    PathParams((subject, version)): PathParams<(String, String)>,
    Params(params): Params<DeletedParam>,
    Params(page): Params<Page>,
) -> Result<ConfluentJson<Vec<i32>>> {
    let subject = app.contracts.aliased(SubjectName::lookup(&subject)).await?;
    let selector = VersionSelector::parse(&version)?;
    let ids = app
        .contracts
        .referenced_by(&caller, &subject, selector, params.deleted)
        .await?;
    Ok(ConfluentJson(
        page.apply(ids.into_iter().map(|id| id.0).collect())?,
    ))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PermanentParam {
    /// Delete permanently (only after a soft delete).
    #[serde(default, deserialize_with = "lenient_bool")]
    pub permanent: bool,
}

/// Delete a subject
#[utoipa::path(delete, path = "/subjects/{subject}", tag = "Subjects",
    params(("subject" = String, Path), PermanentParam),
    responses((status = 200, description = "The deleted versions", body = Vec<i32>),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn delete_subject(
    State(app): State<AppState>,
    Caller(caller): Caller,
    PathParams(subject): PathParams<String>,
    Params(params): Params<PermanentParam>,
) -> Result<ConfluentJson<Vec<i32>>> {
    let subject = app.contracts.aliased(SubjectName::parse(&subject)?).await?;
    let deleted = app
        .contracts
        .delete_subject(&caller, &subject, params.permanent)
        .await?;
    Ok(ConfluentJson(deleted.into_iter().map(|v| v.0).collect()))
}

/// Delete a version of a subject
#[utoipa::path(delete, path = "/subjects/{subject}/versions/{version}", tag = "Subjects",
    params(("subject" = String, Path), ("version" = String, Path), PermanentParam),
    responses((status = 200, description = "The deleted version", body = i32),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn delete_version(
    State(app): State<AppState>,
    Caller(caller): Caller,
    PathParams((subject, version)): PathParams<(String, String)>,
    Params(params): Params<PermanentParam>,
) -> Result<ConfluentJson<i32>> {
    let subject = app.contracts.aliased(SubjectName::parse(&subject)?).await?;
    let selector = VersionSelector::parse(&version)?;
    let deleted = app
        .contracts
        .delete_version(&caller, &subject, selector, params.permanent)
        .await?;
    Ok(ConfluentJson(deleted.0))
}
