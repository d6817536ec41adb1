//! HTTP: the router, its middleware, and the OpenAPI document built from the same routes.
//!
//! Handlers translate between the wire and `registry`; they hold no logic of their own.

pub mod confluent;
mod errors;
pub mod extract;
pub mod governance;
mod hot;
mod metrics;
mod openapi;
mod ops;
mod ui;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use axum::http::HeaderValue;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use tower::Layer;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::normalize_path::{NormalizePath, NormalizePathLayer};
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::app::AppState;
use crate::Error;
use extract::{CONFLUENT_JSON, MAX_BODY_BYTES};
pub use hot::HotReads;

/// The whole HTTP service: the hot lane in front of the router and its middleware.
pub type HttpService = HotReads<NormalizePath<Router>>;

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

/// Builds the whole HTTP service over `state`: routes, the spec, the middleware, and the hot
/// lane in front of them.
pub fn service(state: AppState) -> HttpService {
    let recorder = Arc::new(metrics::RequestMetrics::default());
    let hot = state.clone();
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
        .layer(middleware::from_fn_with_state(state.clone(), authenticate))
        .layer(middleware::from_fn_with_state(recorder.clone(), observe))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn(detach_writes))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(CatchPanicLayer::custom(
            |panic: Box<dyn std::any::Any + Send>| {
                // Logged with its text (`Error::into_response` logs every 5xx); the client gets the
                // generic message.
                let text = panic
                    .downcast_ref::<String>()
                    .map(String::as_str)
                    .or_else(|| panic.downcast_ref::<&str>().copied())
                    .unwrap_or("a non-text panic");
                Error::Internal(format!("a request handler panicked: {text}")).into_response()
            },
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state);
    let router = NormalizePathLayer::trim_trailing_slash().layer(router);
    HotReads::new(hot, &recorder, router)
}

/// Runs every request that may write to completion in a task of its own, so that a client
/// hanging up (or the request timing out) cannot cancel it halfway through a transaction: the
/// write commits or rolls back, and its connection goes back to the pool clean. Reads are
/// cancelled with their client as usual.
async fn detach_writes(request: Request, next: Next) -> Response {
    if request.method().is_safe() {
        return next.run(request).await;
    }
    match tokio::spawn(next.run(request)).await {
        Ok(response) => response,
        // Handed on to the panic handler around this, as if it had happened here.
        Err(err) if err.is_panic() => std::panic::resume_unwind(err.into_panic()),
        Err(err) => Error::Internal(format!("a request task ended early: {err}")).into_response(),
    }
}

/// Establishes who calls, refusing an invalid or revoked credential on every route.
async fn authenticate(State(app): State<AppState>, mut request: Request, next: Next) -> Response {
    let header = match request
        .headers()
        .get(AUTHORIZATION)
        .map(HeaderValue::to_str)
    {
        None => None,
        Some(Ok(value)) => Some(value.to_string()),
        Some(Err(_)) => {
            return Error::Unauthorized("Invalid credential: the header is not text".to_string())
                .into_response();
        }
    };
    let source = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| *addr);
    match app.governance.authenticate(header.as_deref(), source).await {
        Ok(principal) => {
            request.extensions_mut().insert(principal);
            next.run(request).await
        }
        Err(err) => err.into_response(),
    }
}

/// Records each request's metrics and answers in the media type the client accepts.
async fn observe(
    State(recorder): State<Arc<metrics::RequestMetrics>>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let route = request.extensions().get::<MatchedPath>().cloned();
    let media_type = negotiate(request.headers().get(ACCEPT));
    let mut response = next.run(request).await;
    if let Some(media_type) = media_type {
        if response
            .headers()
            .get(CONTENT_TYPE)
            .is_some_and(|t| t == CONFLUENT_JSON)
        {
            response
                .headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static(media_type));
        }
    }
    let route = route.as_ref().map_or("unmatched", MatchedPath::as_str);
    recorder.record(
        &method,
        route,
        response.status().as_u16(),
        started.elapsed(),
    );
    response
}

/// Returns the media type to answer with when the client does not accept the default one.
fn negotiate(accept: Option<&HeaderValue>) -> Option<&'static str> {
    let accept = accept?.to_str().ok()?;
    if accept.contains(CONFLUENT_JSON) || accept.contains("*/*") {
        None
    } else if accept.contains("application/vnd.schemaregistry+json") {
        Some("application/vnd.schemaregistry+json")
    } else if accept.contains("application/json") {
        Some("application/json")
    } else {
        None
    }
}
