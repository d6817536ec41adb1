//! The small endpoints tools probe: `/`, `/v1/metadata/*` and `/contexts`.

use axum::extract::{Request, State};
use axum::http::header::ACCEPT;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Serialize;
use serde_json::{json, Value};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;
use crate::error::ErrorBody;
use crate::http::extract::{body_bytes, Caller, ConfluentJson, Page, Params};
use crate::http::ui::UI_PATH;
use crate::{Error, Result};

/// Mounts the probe endpoints.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(root, post_root))
        .routes(routes!(metadata_id))
        .routes(routes!(metadata_version))
        .routes(routes!(list_contexts))
}

/// Answer that the server is up
///
/// A browser (an `Accept` header that prefers `text/html`) is redirected to the web UI at `/ui/`;
/// every other client gets the empty object the Confluent registry answers.
#[utoipa::path(get, path = "/", tag = "Server",
    responses((status = 200, description = "An empty object", body = Object),
        (status = 303, description = "A browser is redirected to the web UI at `/ui/`")))]
async fn root(headers: HeaderMap) -> Response {
    if prefers_html(headers.get(ACCEPT)) {
        return Redirect::to(UI_PATH).into_response();
    }
    ConfluentJson(json!({})).into_response()
}

/// Answer that the server is up, to a POST
///
/// Confluent routes `POST /` too: it reads the body as a map of strings and answers `{}`.
#[utoipa::path(post, path = "/", tag = "Server",
    responses((status = 200, description = "An empty object", body = Object),
        (status = 400, description = "A body that is not a JSON object of strings", body = ErrorBody)))]
async fn post_root(request: Request) -> Result<ConfluentJson<Value>> {
    let bytes = body_bytes(request, &()).await?;
    if !bytes.iter().all(u8::is_ascii_whitespace) {
        let body: Value = serde_json::from_slice(&bytes)
            .map_err(|err| Error::BadRequest(format!("Invalid JSON in request body: {err}")))?;
        let is_map_of_strings = match &body {
            Value::Null => true,
            Value::Object(map) => map
                .values()
                .all(|v| !matches!(v, Value::Object(_) | Value::Array(_))),
            _ => false,
        };
        if !is_map_of_strings {
            return Err(Error::BadRequest(
                "Cannot deserialize value of type `String>`: the body must be a JSON object of strings".to_string(),
            ));
        }
    }
    Ok(ConfluentJson(json!({})))
}

/// Returns whether an `Accept` header asks for HTML before JSON, as a browser's does.
///
/// Only an explicit `text/html` counts: `*/*`, JSON media types and no header at all are API
/// clients, which must keep getting `{}`.
fn prefers_html(accept: Option<&HeaderValue>) -> bool {
    let Some(accept) = accept.and_then(|value| value.to_str().ok()) else {
        return false;
    };
    let (mut html, mut json) = (0.0_f32, 0.0_f32);
    for range in accept.split(',') {
        let mut parts = range.split(';');
        let media_type = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let quality = parts
            .filter_map(|param| param.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        if media_type == "text/html" || media_type == "application/xhtml+xml" {
            html = html.max(quality);
        } else if media_type.starts_with("application/") && media_type.ends_with("json") {
            json = json.max(quality);
        }
    }
    html > 0.0 && html > json
}

/// The registry cluster's identity, as `/v1/metadata/id` answers it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServerMetadata {
    #[schema(value_type = Object)]
    pub scope: Value,
}

/// Get the registry's cluster id
#[utoipa::path(get, path = "/v1/metadata/id", tag = "Server",
    responses((status = 200, body = ServerMetadata)))]
async fn metadata_id() -> ConfluentJson<ServerMetadata> {
    ConfluentJson(ServerMetadata {
        scope: json!({"path": [], "clusters": {
            "kafka-cluster": "accord",
            "schema-registry-cluster": "accord",
        }}),
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

/// List schema contexts
///
/// The default context `.` first, then every context a qualified subject (`:.ctx:name`) was
/// registered in, in order.
#[utoipa::path(get, path = "/contexts", tag = "Server",
    params(Page),
    responses((status = 200, body = Vec<String>),
        (status = 404, body = ErrorBody, description = "A parameter that is not a Java int, as in Confluent")))]
async fn list_contexts(
    State(app): State<AppState>,
    Caller(caller): Caller,
    Params(page): Params<Page>,
) -> Result<ConfluentJson<Vec<String>>> {
    let contexts = app.contracts.contexts(&caller).await?;
    Ok(ConfluentJson(page.apply(contexts)?))
}
