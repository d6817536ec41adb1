//! The hot lane: the two reads a serializer makes for every schema it has not cached yet —
//! `GET /schemas/ids/{id}` and `GET /subjects/{subject}/versions/latest` — answered straight from
//! the registry's cache, without routing or extractors.
//!
//! The lane is the innermost layer of the stack (see `http/mod.rs`), just in front of the
//! router: its answers pass the same tracing, panic catching, timeout, metrics, media type
//! negotiation and authentication as every other request. It answers only what it can answer
//! exactly as the router would: a plain GET (no percent-encoding; by id, at most the `?subject=`
//! hint deserializers send, which the answer does not depend on) of a value the cache holds,
//! from a caller `authenticate` has established who may read everything (see
//! `Governance::reads_everything`). Everything else — a cache miss, a read that needs a grant,
//! `?format=` or `?deleted=` — goes on to the router unchanged, and a miss there fills the cache
//! for the next read. Both answer through [`rendered`](super::confluent::rendered), so their
//! bodies are the same bytes.

use axum::extract::Request;
use axum::http::Method;
use axum::response::Response;

use super::confluent::schema_id;
use super::metrics::Route;
use super::middleware::Shortcut;
use crate::app::AppState;
use crate::governance::Principal;

/// The router's route of each hot read, as the `route` label of its metrics.
const BY_ID: Route = Route::Hot("/schemas/ids/{id}");
const LATEST: Route = Route::Hot("/subjects/{subject}/versions/{version}");

/// The hot lane over an app's registry, rendered bodies and governance.
#[derive(Clone)]
pub struct HotReads {
    app: AppState,
}

impl HotReads {
    /// Returns the lane over `app`.
    pub fn new(app: AppState) -> Self {
        HotReads { app }
    }
}

impl Shortcut for HotReads {
    fn answer(&self, request: &Request) -> Option<Response> {
        answer(&self.app, request)
    }
}

/// Answers `request` when it is a hot read the cache can serve; `None` sends it on.
fn answer(app: &AppState, request: &Request) -> Option<Response> {
    // Without a principal, `authenticate` has not run: leave the request to whatever does.
    let principal = request.extensions().get::<Principal>()?;
    if request.method() != Method::GET || !app.governance.reads_everything(principal) {
        return None;
    }
    let path = request.uri().path();
    let query = request.uri().query();
    let (mut response, route) = if let Some(id) = path.strip_prefix("/schemas/ids/") {
        if !query.is_none_or(is_subject_hint) {
            return None;
        }
        let schema = app.registry.cached_schema(schema_id(id).ok()?)?;
        (app.rendered.schema_by_id(&schema), BY_ID)
    } else {
        let subject = path
            .strip_prefix("/subjects/")?
            .strip_suffix("/versions/latest")?;
        if query.is_some() || subject.is_empty() || subject.contains(['/', '%']) {
            return None;
        }
        let latest = app.registry.cached_latest(subject)?;
        (app.rendered.latest_version(&latest), LATEST)
    };
    response.extensions_mut().insert(route);
    Some(response)
}

/// Returns true when `query` is only a `subject` hint in plain characters, as a deserializer
/// sends it (`subject=orders-value`).
fn is_subject_hint(query: &str) -> bool {
    !query.contains('&') && super::reads::subject_hint(query).is_some()
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::http::StatusCode;
    use axum::response::IntoResponse;
    use tower::ServiceExt;

    use super::*;
    use std::convert::Infallible;

    use tower::Layer;

    use crate::http::middleware::ShortcutLayer;

    #[test]
    fn the_hot_reads_are_labelled_with_routes_the_router_has() {
        let spec = crate::http::openapi();
        for route in [BY_ID, LATEST] {
            let Route::Hot(path) = route else {
                unreachable!("the lane labels its answers with fixed routes")
            };
            assert!(spec.paths.paths.contains_key(path), "{path}");
        }
    }

    fn get(path: &str, principal: Option<Principal>) -> Request {
        let mut request = Request::get(path).body(Body::empty()).unwrap();
        if let Some(principal) = principal {
            request.extensions_mut().insert(principal);
        }
        request
    }

    #[tokio::test]
    async fn the_lane_answers_warm_reads_of_authenticated_callers_and_passes_on_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("hot.db").display());
        let app = AppState::new(crate::storage::connect(&url).await.unwrap());
        let register = Request::post("/subjects/orders-value/versions")
            .header("content-type", "application/json")
            .body(Body::from(r#"{"schema":"\"string\""}"#))
            .unwrap();
        let stack = crate::http::service(app.clone());
        let registered = stack.clone().oneshot(register).await.unwrap();
        assert_eq!(registered.status(), StatusCode::OK);
        let warm = ["/schemas/ids/1", "/subjects/orders-value/versions/latest"];
        for path in warm {
            let read = stack.clone().oneshot(get(path, None)).await.unwrap();
            assert_eq!(read.status(), StatusCode::OK, "{path}");
        }
        let teapot = tower::service_fn(|_: Request| async {
            Ok::<_, Infallible>(StatusCode::IM_A_TEAPOT.into_response())
        });
        let lane = ShortcutLayer(HotReads::new(app)).layer(teapot);

        for path in warm.iter().chain(&["/schemas/ids/1?subject=orders-value"]) {
            let answer = lane.clone().oneshot(get(path, Some(Principal::Open))).await;
            assert_eq!(answer.unwrap().status(), StatusCode::OK, "{path}");
        }
        let passed_on = [
            get("/schemas/ids/1", None),
            get("/schemas/ids/1?fetchMaxId=true", Some(Principal::Open)),
            get("/schemas/ids/1?subject=a&subject=b", Some(Principal::Open)),
            get("/schemas/ids/1?subject=a%2Fb", Some(Principal::Open)),
            get(
                "/subjects/orders-value/versions/latest?subject=a",
                Some(Principal::Open),
            ),
            get("/schemas/ids/2", Some(Principal::Open)),
            get(
                "/subjects/orders%2Dvalue/versions/latest",
                Some(Principal::Open),
            ),
            get("/subjects/orders-value/versions/1", Some(Principal::Open)),
        ];
        for request in passed_on {
            let path = request.uri().to_string();
            let answer = lane.clone().oneshot(request).await.unwrap();
            assert_eq!(answer.status(), StatusCode::IM_A_TEAPOT, "{path}");
        }
    }
}
