//! The middleware of the stack that `http::service` assembles: writes that run to completion,
//! request metrics and media type negotiation, authentication, and the answer to a panic.
//!
//! Each is a layer of the one stack every request passes, hot reads included; none of them
//! decides what a request means (that is the router's and the handlers' job). They are written
//! as plain services rather than `from_fn` closures because a hot read passes all of them: on
//! their common path none allocates, clones the services under it or boxes a future.

use std::convert::Infallible;
use std::future::{ready, Future, Ready};
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use axum::extract::{ConnectInfo, Request};
use axum::http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use axum::http::{HeaderValue, Method};
use axum::response::{IntoResponse, Response};
use futures_util::future::{BoxFuture, Either};
use tower::{Layer, Service};

use super::extract::CONFLUENT_JSON;
use super::metrics::{RequestMetrics, Route};
use crate::governance::Governance;
use crate::Error;

/// What every service of the stack answers: a response, never an error.
type Answer = Result<Response, Infallible>;

/// Runs every request that may write to completion in a task of its own, so that a client
/// hanging up (or the request timing out) cannot cancel it halfway through a transaction: the
/// write commits or rolls back, and its connection goes back to the pool clean. Reads are
/// cancelled with their client as usual.
#[derive(Clone, Copy, Default)]
pub struct DetachWritesLayer;

impl<S> Layer<S> for DetachWritesLayer {
    type Service = DetachWrites<S>;

    fn layer(&self, inner: S) -> DetachWrites<S> {
        DetachWrites { inner }
    }
}

/// `inner`, with its writes detached (see [`DetachWritesLayer`]).
#[derive(Clone)]
pub struct DetachWrites<S> {
    inner: S,
}

impl<S> Service<Request> for DetachWrites<S>
where
    S: Service<Request, Response = Response, Error = Infallible>,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Either<S::Future, BoxFuture<'static, Answer>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let is_read = request.method().is_safe();
        let answer = self.inner.call(request);
        if is_read {
            return Either::Left(answer);
        }
        Either::Right(Box::pin(async move {
            match tokio::spawn(answer).await {
                Ok(answer) => answer,
                // Handed on to the panic handler around this, as if it had happened here.
                Err(err) if err.is_panic() => std::panic::resume_unwind(err.into_panic()),
                Err(err) => Ok(
                    Error::Internal(format!("a request task ended early: {err}")).into_response(),
                ),
            }
        }))
    }
}

/// Records each request's metrics under the route that answered it, and answers in the media
/// type the client accepts.
#[derive(Clone)]
pub struct ObserveLayer {
    recorder: Arc<RequestMetrics>,
}

impl ObserveLayer {
    /// Records into `recorder`.
    pub fn new(recorder: Arc<RequestMetrics>) -> Self {
        ObserveLayer { recorder }
    }
}

impl<S> Layer<S> for ObserveLayer {
    type Service = Observe<S>;

    fn layer(&self, inner: S) -> Observe<S> {
        Observe {
            recorder: self.recorder.clone(),
            inner,
        }
    }
}

/// `inner`, observed (see [`ObserveLayer`]).
#[derive(Clone)]
pub struct Observe<S> {
    recorder: Arc<RequestMetrics>,
    inner: S,
}

impl<S> Service<Request> for Observe<S>
where
    S: Service<Request, Response = Response, Error = Infallible>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Observed<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        Observed {
            started: Instant::now(),
            method: request.method().clone(),
            media_type: negotiate(request.headers().get(ACCEPT)),
            recorder: self.recorder.clone(),
            answer: self.inner.call(request),
        }
    }
}

pin_project_lite::pin_project! {
    /// The answer of an observed request, recorded when it is ready.
    pub struct Observed<F> {
        #[pin]
        answer: F,
        started: Instant,
        method: Method,
        media_type: Option<&'static str>,
        recorder: Arc<RequestMetrics>,
    }
}

impl<F: Future<Output = Answer>> Future for Observed<F> {
    type Output = Answer;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Answer> {
        let this = self.project();
        let Ok(mut response) = std::task::ready!(this.answer.poll(cx));
        if let Some(media_type) = *this.media_type {
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
        this.recorder.record(
            this.method,
            Route::of(&response),
            response.status().as_u16(),
            this.started.elapsed(),
        );
        Poll::Ready(Ok(response))
    }
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
#[derive(Clone)]
pub struct AuthenticateLayer {
    governance: Arc<Governance>,
}

impl AuthenticateLayer {
    /// Authenticates with `governance`.
    pub fn new(governance: Arc<Governance>) -> Self {
        AuthenticateLayer { governance }
    }
}

impl<S> Layer<S> for AuthenticateLayer {
    type Service = Authenticate<S>;

    fn layer(&self, inner: S) -> Authenticate<S> {
        Authenticate {
            governance: self.governance.clone(),
            inner,
        }
    }
}

/// `inner`, behind authentication (see [`AuthenticateLayer`]).
#[derive(Clone)]
pub struct Authenticate<S> {
    governance: Arc<Governance>,
    inner: S,
}

impl<S> Service<Request> for Authenticate<S>
where
    S: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Either<Either<Ready<Answer>, S::Future>, BoxFuture<'static, Answer>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request) -> Self::Future {
        let refuse = |err: Error| Either::Left(Either::Left(ready(Ok(err.into_response()))));
        let source = request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| *addr);
        let header = match request
            .headers()
            .get(AUTHORIZATION)
            .map(HeaderValue::to_str)
        {
            None => None,
            Some(Ok(value)) => Some(value),
            Some(Err(_)) => {
                let reason = "Invalid credential: the header is not text";
                return refuse(Error::Unauthorized(reason.to_string()));
            }
        };
        match self.governance.authenticate_at_once(header, source) {
            Some(Ok(principal)) => {
                request.extensions_mut().insert(principal);
                Either::Left(Either::Right(self.inner.call(request)))
            }
            Some(Err(err)) => refuse(err),
            None => {
                // A service's credential, looked up in the store first. The service that was
                // made ready answers; its clone stays for the next request.
                let header = header.map(str::to_string);
                let governance = self.governance.clone();
                let clone = self.inner.clone();
                let mut inner = std::mem::replace(&mut self.inner, clone);
                Either::Right(Box::pin(async move {
                    match governance.authenticate(header.as_deref(), source).await {
                        Ok(principal) => {
                            request.extensions_mut().insert(principal);
                            inner.call(request).await
                        }
                        Err(err) => Ok(err.into_response()),
                    }
                }))
            }
        }
    }
}

/// A rule that answers some requests itself, before the services under it see them: a
/// refusal, or an answer already at hand.
pub trait Shortcut {
    /// Returns the answer to `request`, or `None` to pass it on.
    fn answer(&self, request: &Request) -> Option<Response>;
}

/// Puts a [`Shortcut`] in front of a service.
#[derive(Clone)]
pub struct ShortcutLayer<T>(pub T);

impl<T: Clone, S> Layer<S> for ShortcutLayer<T> {
    type Service = Shortcutting<T, S>;

    fn layer(&self, inner: S) -> Shortcutting<T, S> {
        Shortcutting {
            shortcut: self.0.clone(),
            inner,
        }
    }
}

/// `inner`, with a [`Shortcut`] in front of it.
#[derive(Clone)]
pub struct Shortcutting<T, S> {
    shortcut: T,
    inner: S,
}

impl<T, S> Service<Request> for Shortcutting<T, S>
where
    T: Shortcut,
    S: Service<Request, Response = Response, Error = Infallible>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Either<Ready<Answer>, S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        match self.shortcut.answer(&request) {
            Some(response) => Either::Left(ready(Ok(response))),
            None => Either::Right(self.inner.call(request)),
        }
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
