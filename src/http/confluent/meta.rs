//! The small endpoints tools probe: `/`, `/v1/metadata/*`, `/contexts`, and the 8.x association
//! lookup that serializers try first and must find empty so that they fall back to subjects.

use axum::extract::State;
use serde::Serialize;
use serde_json::{json, Value};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;
use crate::error::ErrorBody;
use crate::http::extract::{ConfluentJson, PathParams};
use crate::{Error, Result};

/// Mounts the probe endpoints.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(root))
        .routes(routes!(metadata_id))
        .routes(routes!(metadata_version))
        .routes(routes!(list_contexts))
        .routes(routes!(get_association))
}

/// Answer that the server is up
#[utoipa::path(get, path = "/", tag = "Server",
    responses((status = 200, description = "An empty object", body = Object)))]
async fn root() -> ConfluentJson<Value> {
    ConfluentJson(json!({}))
}

/// The registry cluster's identity, as `/v1/metadata/id` answers it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServerMetadata {
    #[schema(value_type = Object)]
    pub scope: Value,
    pub id: String,
}

/// Get the registry's cluster id
#[utoipa::path(get, path = "/v1/metadata/id", tag = "Server",
    responses((status = 200, body = ServerMetadata)))]
async fn metadata_id() -> ConfluentJson<ServerMetadata> {
    ConfluentJson(ServerMetadata {
        scope: json!({"path": [], "clusters": {"schema-registry-cluster": "accord"}}),
        id: "accord".to_string(),
    })
}

/// The server's version, as `/v1/metadata/version` answers it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ServerVersion {
    pub version: String,
    pub commit_id: String,
}

/// Get the server's version
#[utoipa::path(get, path = "/v1/metadata/version", tag = "Server",
    responses((status = 200, body = ServerVersion)))]
async fn metadata_version() -> ConfluentJson<ServerVersion> {
    ConfluentJson(ServerVersion {
        version: env!("CARGO_PKG_VERSION").to_string(),
        commit_id: String::new(),
    })
}

/// List schema contexts (only the default context exists)
#[utoipa::path(get, path = "/contexts", tag = "Server",
    responses((status = 200, body = Vec<String>)))]
async fn list_contexts(State(_app): State<AppState>) -> ConfluentJson<Vec<&'static str>> {
    ConfluentJson(vec!["."])
}

/// Look up a topic's subject association (none exist)
///
/// Serializers ask this first; the 404 tells them to use the `<topic>-key`/`<topic>-value`
/// subjects.
#[utoipa::path(get, path = "/associations/resources/{namespace}/{name}", tag = "Server",
    params(("namespace" = String, Path), ("name" = String, Path)),
    responses((status = 404, description = "No association (40410)", body = ErrorBody)))]
async fn get_association(
    PathParams((_namespace, name)): PathParams<(String, String)>,
) -> Result<ConfluentJson<Value>> {
    Err(Error::AssociationNotFound(name))
}
