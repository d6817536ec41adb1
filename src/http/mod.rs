//! HTTP: the router, its middleware, and the OpenAPI document built from the same routes.
//!
//! Handlers translate between the wire and `registry`; they hold no logic of their own.

pub mod confluent;
mod deadline;
mod errors;
pub mod extract;
pub mod governance;
mod hot;
pub mod limits;
mod metrics;
mod middleware;
mod openapi;
mod ops;
mod reads;
mod ui;
mod url_forms;

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{DefaultBodyLimit, Request};
use axum::middleware::from_fn;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use tower::util::BoxCloneSyncService;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::normalize_path::NormalizePathLayer;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::app::AppState;
use crate::Error;
use extract::MAX_BODY_BYTES;
pub use ui::UI_PATH;

/// The whole HTTP service: the middleware stack, the hot lane at its bottom, then the router.
pub type HttpService = BoxCloneSyncService<Request, Response, Infallible>;

/// How long one request may take before it is answered with a timeout.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Returns every route, with its OpenAPI document.
pub fn routes() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, mut spec) = OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .merge(confluent::router())
        .merge(governance::router())
        .merge(ops::router())
        .split_for_parts();
    openapi::complete(&mut spec);
    (router, spec)
}

/// Returns Accord's OpenAPI document, as `GET /openapi.json` serves it.
pub fn openapi() -> utoipa::openapi::OpenApi {
    routes().1
}

/// Builds the whole HTTP service over `state`: one stack of layers that every request passes,
/// in this order, with the hot lane as its last layer and the router under it. A layer added
/// here covers every endpoint, the two hot reads included.
pub fn service(state: AppState) -> HttpService {
    let recorder = Arc::new(metrics::RequestMetrics::default());
    let (routes, spec) = routes();
    let spec = Arc::new(spec);
    let router = routes
        .route(
            "/openapi.json",
            get(move || async move { Json(spec.as_ref().clone()) }),
        )
        .merge(ui::router())
        .fallback(|| async { Error::NotFound })
        .method_not_allowed_fallback(|| async { Error::MethodNotAllowed })
        .layer(from_fn(metrics::label_route))
        // On the router alone: only its extractors read bodies, and a hot read skips it.
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state.clone());
    let stack = ServiceBuilder::new()
        .map_response(IntoResponse::into_response)
        .layer(TraceLayer::new_for_http())
        .layer(CatchPanicLayer::custom(middleware::panic_response))
        .layer(deadline::DeadlineLayer::new(REQUEST_TIMEOUT))
        .layer(NormalizePathLayer::trim_trailing_slash())
        .layer(url_forms::UrlFormsLayer)
        .layer(middleware::DetachWritesLayer)
        .layer(middleware::ObserveLayer::new(recorder))
        .layer(middleware::ShortcutLayer(limits::SizeLimits))
        .layer(middleware::AuthenticateLayer::new(state.governance.clone()))
        .layer(reads::RecordReadsLayer::new(state.governance.clone()))
        .layer(middleware::ShortcutLayer(hot::HotReads::new(state)))
        .service(router);
    BoxCloneSyncService::new(stack)
}
