//! Generated code and sample messages for a registered version or schema id: the files as a
//! zip archive (or JSON with `Accept: application/json`), and the samples as JSON. Read access
//! is the schema's own: the version or id is fetched for the caller first.

use std::io::Write;

use axum::extract::State;
use axum::http::header::{ACCEPT, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::schemas::schema_id;
use crate::app::AppState;
use crate::codegen::samples::{Example, MAX_SAMPLES};
use crate::codegen::{self, File, Target};
use crate::error::ErrorBody;
use crate::http::extract::{Caller, ConfluentJson, PathParams, Query};
use crate::storage::StoredSchema;
use crate::types::{SubjectName, VersionSelector};
use crate::{Error, Result};

/// Mounts the code and sample endpoints.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_version_code))
        .routes(routes!(get_schema_code))
        .routes(routes!(get_version_examples))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CodeParams {
    /// The target: `java`, `typescript`, `python`, `rust` or `proto`; which apply depends on
    /// the schema's format.
    #[serde(default)]
    pub lang: Option<String>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExamplesParams {
    /// How many samples, 1 to 100; by default as many as it takes to use every union branch
    /// and enum symbol once.
    #[serde(default)]
    pub count: Option<String>,
}

/// The generated files, when the client accepts JSON.
#[derive(Debug, Serialize, ToSchema)]
pub struct CodeResponse {
    pub files: Vec<File>,
}

/// Sample messages of a version.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExamplesResponse {
    pub examples: Vec<Example>,
}

/// Generate code for a version
///
/// Returns typed classes for the version's schema with its references resolved, a sample wire
/// message and a starter test that decodes it: a zip archive, or `{"files": [...]}` with
/// `Accept: application/json`.
#[utoipa::path(get, path = "/subjects/{subject}/versions/{version}/code", tag = "Code",
    params(("subject" = String, Path), ("version" = String, Path, description = "A version number or `latest`"), CodeParams),
    responses((status = 200, description = "A zip archive of the files", content_type = "application/zip", body = Vec<u8>),
        (status = 404, body = ErrorBody),
        (status = 422, description = "The language is unknown or does not apply to the format", body = ErrorBody)))]
async fn get_version_code(
    State(app): State<AppState>,
    Caller(caller): Caller,
    PathParams((subject, version)): PathParams<(String, String)>,
    Query(params): Query<CodeParams>,
    headers: HeaderMap,
) -> Result<Response> {
    let subject = SubjectName::lookup(&subject);
    let selector = VersionSelector::parse(&version)?;
    let found = app
        .contracts
        .version(&caller, &subject, selector, false)
        .await?;
    let name = format!("{}-v{}", found.subject, found.version.0);
    code(&app, &found.schema, params, &headers, &name).await
}

/// Generate code for a schema id
///
/// As for a version: a zip archive of the generated files, or JSON on request.
#[utoipa::path(get, path = "/schemas/ids/{id}/code", tag = "Code",
    params(("id" = i32, Path), CodeParams),
    responses((status = 200, description = "A zip archive of the files", content_type = "application/zip", body = Vec<u8>),
        (status = 404, body = ErrorBody),
        (status = 422, description = "The language is unknown or does not apply to the format", body = ErrorBody)))]
async fn get_schema_code(
    State(app): State<AppState>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
    Query(params): Query<CodeParams>,
    headers: HeaderMap,
) -> Result<Response> {
    let id = schema_id(&id)?;
    let schema = app.contracts.schema(&caller, id, None).await?;
    code(&app, &schema, params, &headers, &format!("schema-{}", id.0)).await
}

/// Sample messages of a version
///
/// Deterministic payloads valid against the schema, as JSON (Avro's JSON encoding, Protobuf's
/// JSON mapping) and as the Confluent wire format in base64.
#[utoipa::path(get, path = "/subjects/{subject}/versions/{version}/examples", tag = "Code",
    params(("subject" = String, Path), ("version" = String, Path, description = "A version number or `latest`"), ExamplesParams),
    responses((status = 200, body = ExamplesResponse), (status = 404, body = ErrorBody),
        (status = 422, description = "The count is not 1 to 100, or the format has no samples", body = ErrorBody)))]
async fn get_version_examples(
    State(app): State<AppState>,
    Caller(caller): Caller,
    PathParams((subject, version)): PathParams<(String, String)>,
    Query(params): Query<ExamplesParams>,
) -> Result<ConfluentJson<ExamplesResponse>> {
    let subject = SubjectName::lookup(&subject);
    let selector = VersionSelector::parse(&version)?;
    let count = params.count.as_deref().map(parse_count).transpose()?;
    let found = app
        .contracts
        .version(&caller, &subject, selector, false)
        .await?;
    let samples = app.contracts.examples(&found.schema, count).await?;
    Ok(ConfluentJson(ExamplesResponse {
        examples: samples.iter().map(Example::from).collect(),
    }))
}

fn parse_count(text: &str) -> Result<usize> {
    text.parse::<usize>()
        .ok()
        .filter(|n| (1..=MAX_SAMPLES).contains(n))
        .ok_or_else(|| {
            Error::UnprocessableEntity(format!(
                "count must be a whole number from 1 to {MAX_SAMPLES}, not '{text}'"
            ))
        })
}

async fn code(
    app: &AppState,
    schema: &StoredSchema,
    params: CodeParams,
    headers: &HeaderMap,
    name: &str,
) -> Result<Response> {
    let lang = params.lang.unwrap_or_default();
    let target: Target = lang
        .parse()
        .map_err(|_| Error::UnprocessableEntity(codegen::unsupported(&lang, schema.schema_type)))?;
    let files = app.contracts.code(schema, target).await?;
    let wants_json = headers
        .get(ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("json"));
    if wants_json {
        return Ok(ConfluentJson(CodeResponse {
            files: files.as_ref().clone(),
        })
        .into_response());
    }
    let archive = zip_archive(&files)?;
    let disposition = format!("attachment; filename=\"{}-{target}.zip\"", safe_name(name));
    Ok((
        [
            (CONTENT_TYPE, HeaderValue::from_static("application/zip")),
            (
                CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition)
                    .unwrap_or_else(|_| HeaderValue::from_static("attachment")),
            ),
        ],
        archive,
    )
        .into_response())
}

/// Returns `name` with only the characters a file name keeps everywhere.
fn safe_name(name: &str) -> String {
    name.chars()
        .map(|c| match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '-' | '_' | '.' => c,
            _ => '_',
        })
        .collect()
}

/// Writes `files` into a deflated zip archive.
pub fn zip_archive(files: &[File]) -> Result<Vec<u8>> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .unix_permissions(0o644);
    let failed =
        |err: &dyn std::fmt::Display| Error::Internal(format!("writing the archive: {err}"));
    for file in files {
        let options = match file.path.ends_with(".sh") {
            true => options.unix_permissions(0o755),
            false => options,
        };
        writer
            .start_file(file.path.as_str(), options)
            .map_err(|e| failed(&e))?;
        writer
            .write_all(file.content.as_bytes())
            .map_err(|e| failed(&e))?;
    }
    let cursor = writer.finish().map_err(|e| failed(&e))?;
    Ok(cursor.into_inner())
}
