//! Per-request metrics: requests and latency by method, route and status, recorded through
//! handles registered once per combination, so that recording a request allocates nothing.
//!
//! The route label travels on the response, as a [`Route`] extension: the router's routes set
//! their matched path, the hot lane its own, and `observe` — around both — reads it.

use std::collections::HashMap;
use std::sync::RwLock;
use std::time::Duration;

use axum::extract::{MatchedPath, Request};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use metrics::{Counter, Histogram};

/// The route a response answers, as its `route` label: put on the response by whoever
/// matched the request.
#[derive(Clone)]
pub enum Route {
    /// A route of the router, by its matched path (`/subjects/{subject}/versions`).
    Matched(MatchedPath),
    /// A route the hot lane answers, by the path of the router's route for it.
    Hot(&'static str),
}

impl Route {
    /// Returns the label of `response`'s route: `unmatched` when no route answered it.
    pub fn of(response: &Response) -> &str {
        match response.extensions().get::<Route>() {
            Some(Route::Matched(path)) => path.as_str(),
            Some(Route::Hot(path)) => path,
            None => "unmatched",
        }
    }
}

/// Puts the matched path of a routed request on its response, for `observe`.
pub async fn label_route(request: Request, next: Next) -> Response {
    let matched = request.extensions().get::<MatchedPath>().cloned();
    let mut response = next.run(request).await;
    if let Some(matched) = matched {
        response.extensions_mut().insert(Route::Matched(matched));
    }
    response
}

/// The handles of one (method, route, status).
#[derive(Clone)]
pub struct Handles {
    requests: Counter,
    latency: Histogram,
}

impl Handles {
    /// Records one request answered after `elapsed`.
    pub fn record(&self, elapsed: Duration) {
        self.requests.increment(1);
        self.latency.record(elapsed.as_secs_f64());
    }
}

/// The handles of one route, by method and status. The keys are a fixed few (the routes and
/// the statuses they answer), so a fast hash serves: it is looked up on every request.
type RouteHandles = HashMap<(Method, u16), Handles, foldhash::fast::RandomState>;

/// The request metrics of one HTTP service.
#[derive(Default)]
pub struct RequestMetrics {
    routes: RwLock<HashMap<String, RouteHandles, foldhash::fast::RandomState>>,
}

impl RequestMetrics {
    /// Records one request to `route` answered with `status` after `elapsed`.
    pub fn record(&self, method: &Method, route: &str, status: u16, elapsed: Duration) {
        self.handles(method, route, status).record(elapsed);
    }

    /// Returns the handles of requests to `route` answered with `status`.
    pub fn handles(&self, method: &Method, route: &str, status: u16) -> Handles {
        let key = (method.clone(), status);
        let known = self
            .routes
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(route)
            .and_then(|statuses| statuses.get(&key).cloned());
        match known {
            Some(handles) => handles,
            None => self.register(route, key),
        }
    }

    fn register(&self, route: &str, key: (Method, u16)) -> Handles {
        let labels = [
            ("method", key.0.to_string()),
            ("route", route.to_string()),
            ("status", key.1.to_string()),
        ];
        let handles = Handles {
            requests: metrics::counter!("accord_http_requests_total", &labels),
            latency: metrics::histogram!("accord_http_request_duration_seconds", &labels),
        };
        self.routes
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .entry(route.to_string())
            .or_default()
            .insert(key, handles.clone());
        handles
    }
}
