//! The middleware of the stack that `http::service` assembles: writes that run to completion,
//! request metrics and media type negotiation, authentication, and the answer to a panic.
//!
//! Each is a layer of the one stack every request passes, hot reads included; none of them
//! decides what a request means (that is the router's and the handlers' job).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::extract::CONFLUENT_JSON;
use super::metrics::{RequestMetrics, Route};
use crate::app::AppState;
use crate::Error;

/// Runs every request that may write to completion in a task of its own, so that a client
/// hanging up (or the request timing out) cannot cancel it halfway through a transaction: the
/// write commits or rolls back, and its connection goes back to the pool clean. Reads are
/// cancelled with their client as usual.
pub async fn detach_writes(request: Request, next: Next) -> Response {
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

/// Records each request's metrics under the route that answered it, and answers in the media
/// type the client accepts.
pub async fn observe(
    State(recorder): State<Arc<RequestMetrics>>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
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
    recorder.record(
        &method,
        Route::of(&response),
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

/// Establishes who calls, as a `Principal` in the request's extensions, refusing an invalid or
/// revoked credential on every route.
pub async fn authenticate(
    State(app): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
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

/// Answers a request whose handling panicked: 500 in the Confluent shape. The panic's text is
/// logged (`Error::into_response` logs every 5xx); the client gets the generic message.
pub fn panic_response(panic: Box<dyn std::any::Any + Send>) -> Response {
    let text = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("a non-text panic");
    Error::Internal(format!("a request handler panicked: {text}")).into_response()
}
