//! The web UI at `/ui/`: a handful of hand-written HTML, CSS and JavaScript files embedded in the
//! binary and served with their media types, so the UI works offline with nothing to build.
//!
//! The pages read everything through the JSON API with the credential the user gives them, so
//! the API's authentication and authorization decide what they show; nothing here reads the store.

use axum::extract::Path;
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS,
    X_FRAME_OPTIONS,
};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::app::AppState;
use crate::Error;

/// The path the UI is served at; `GET /` sends browsers here.
pub const UI_PATH: &str = "/ui/";

/// The page may load only from its own origin: every script, style, image and API call.
const CONTENT_SECURITY_POLICY_VALUE: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self'; img-src 'self'; connect-src 'self'; manifest-src 'self'; \
     base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// One embedded file: its name under `/ui/`, its media type and its bytes.
struct Asset {
    name: &'static str,
    media_type: &'static str,
    body: &'static [u8],
}

macro_rules! asset {
    ($name:literal, $media_type:literal) => {
        Asset {
            name: $name,
            media_type: $media_type,
            body: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/ui/", $name)),
        }
    };
}

/// Every file of the UI. `index.html` is the one page; the scripts are ES modules.
const ASSETS: &[Asset] = &[
    asset!("index.html", "text/html; charset=utf-8"),
    asset!("style.css", "text/css; charset=utf-8"),
    asset!("app.js", "text/javascript; charset=utf-8"),
    asset!("api.js", "text/javascript; charset=utf-8"),
    asset!("dom.js", "text/javascript; charset=utf-8"),
    asset!("schema.js", "text/javascript; charset=utf-8"),
    asset!("streams.js", "text/javascript; charset=utf-8"),
    asset!("stream.js", "text/javascript; charset=utf-8"),
    asset!("diff.js", "text/javascript; charset=utf-8"),
    asset!("check.js", "text/javascript; charset=utf-8"),
    asset!("owners.js", "text/javascript; charset=utf-8"),
    asset!("audit.js", "text/javascript; charset=utf-8"),
    asset!("codegen.js", "text/javascript; charset=utf-8"),
    asset!("favicon.svg", "image/svg+xml"),
];

/// Mounts the UI: `/ui/` (the trailing slash is trimmed before routing) and its files.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/ui", get(index))
        .route("/ui/{*name}", get(file))
}

/// Serves the UI's one page.
async fn index() -> Response {
    serve("index.html")
}

/// Serves one of the UI's files by name.
async fn file(Path(name): Path<String>) -> Response {
    serve(&name)
}

/// Answers with the embedded file `name`, or the API's 404 when there is none.
fn serve(name: &str) -> Response {
    let Some(asset) = ASSETS.iter().find(|asset| asset.name == name) else {
        return Error::NotFound.into_response();
    };
    (
        [
            (CONTENT_TYPE, asset.media_type),
            // The files change only with the binary; revalidating keeps an upgrade visible.
            (CACHE_CONTROL, "no-cache"),
            (X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (REFERRER_POLICY, "no-referrer"),
            (X_FRAME_OPTIONS, "DENY"),
            (CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_VALUE),
        ],
        asset.body,
    )
        .into_response()
}
