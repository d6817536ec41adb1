//! The hot lane: the two reads a serializer makes for every schema it has not cached yet —
//! `GET /schemas/ids/{id}` and `GET /subjects/{subject}/versions/latest` — answered before
//! routing, straight from the registry's cache and the pre-rendered bodies.
//!
//! The lane answers only what it can answer exactly as the router would: a plain GET (no query
//! string, no trailing slash, no percent-encoding) of a value the cache holds, from a caller
//! whose read needs no credential check. Everything else — a cache miss, a credential to
//! verify, `?format=` or `?deleted=` — goes through the router and its middleware unchanged,
//! and a miss there fills the cache for the next read. The lane records the same request
//! metrics as the router's routes do.

use std::convert::Infallible;
use std::future::{ready, Ready};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use axum::http::header::{ACCEPT, AUTHORIZATION};
use axum::http::{Method, Request};
use axum::response::Response;
use futures_util::future::Either;
use tower::Service;

use super::confluent::rendered;
use super::confluent::schema_id;
use super::extract::CONFLUENT_JSON;
use super::metrics::{Handles, RequestMetrics};
use super::negotiate;
use crate::app::AppState;

/// `inner`, with the hot reads answered in front of it.
#[derive(Clone)]
pub struct HotReads<S> {
    lane: Arc<Lane>,
    inner: S,
}

struct Lane {
    app: AppState,
    by_id: Handles,
    latest: Handles,
}

impl<S> HotReads<S> {
    /// Puts the hot lane over `app` in front of `inner`, recording into `metrics`.
    pub fn new(app: AppState, metrics: &RequestMetrics, inner: S) -> Self {
        let lane = Lane {
            app,
            by_id: metrics.handles(&Method::GET, "/schemas/ids/{id}", 200),
            latest: metrics.handles(&Method::GET, "/subjects/{subject}/versions/{version}", 200),
        };
        HotReads {
            lane: Arc::new(lane),
            inner,
        }
    }

    /// Returns the same lane in front of `wrap(inner)`.
    pub fn map_inner<T>(self, wrap: impl FnOnce(S) -> T) -> HotReads<T> {
        HotReads {
            lane: self.lane,
            inner: wrap(self.inner),
        }
    }
}

impl<S, B> Service<Request<B>> for HotReads<S>
where
    S: Service<Request<B>, Response = Response, Error = Infallible>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Either<Ready<Result<Response, Infallible>>, S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        match self.lane.answer(&request) {
            Some(response) => Either::Left(ready(Ok(response))),
            None => Either::Right(self.inner.call(request)),
        }
    }
}

impl Lane {
    /// Answers `request` when it is a hot read the cache can serve; `None` sends it on.
    fn answer<B>(&self, request: &Request<B>) -> Option<Response> {
        let started = Instant::now();
        let headers = request.headers();
        if request.method() != Method::GET
            || request.uri().query().is_some()
            || !self
                .app
                .governance
                .reads_need_no_check(headers.contains_key(AUTHORIZATION))
        {
            return None;
        }
        let path = request.uri().path();
        let (body, handles) = if let Some(id) = path.strip_prefix("/schemas/ids/") {
            let schema = self.app.registry.cached_schema(schema_id(id).ok()?)?;
            (self.app.rendered.schema_by_id(&schema), &self.by_id)
        } else {
            let subject = path
                .strip_prefix("/subjects/")?
                .strip_suffix("/versions/latest")?;
            if subject.is_empty() || subject.contains(['/', '%']) {
                return None;
            }
            let latest = self.app.registry.cached_latest(subject)?;
            (self.app.rendered.latest_version(&latest), &self.latest)
        };
        let media_type = negotiate(headers.get(ACCEPT)).unwrap_or(CONFLUENT_JSON);
        let response = rendered::respond(body, media_type);
        handles.record(started.elapsed());
        Some(response)
    }
}
