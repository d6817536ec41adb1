//! The hot lane: the two reads a serializer makes for every schema it has not cached yet —
//! `GET /schemas/ids/{id}` and `GET /subjects/{subject}/versions/latest` — answered straight from
//! the registry's cache, without routing or extractors.
//!
//! The lane is the innermost layer of the stack (see `http/mod.rs`), just in front of the
//! router: its answers pass the same tracing, panic catching, timeout, metrics, media type
//! negotiation and authentication as every other request. It answers only what it can answer
//! exactly as the router would: a plain GET (no percent-encoding) asking for the default answer
//! (see [`asks_the_default`]: the `?subject=` hint and `fetchMaxId=false` that serializers send
//! are, `fetchMaxId=true`, `deleted=true` or a `format` are not) of a value the cache holds, by
//! a caller allowed to read it from memory (see `Governance::may_read_at_once`: open reads, the
//! admin, or under enforced reads a service the store allowed before). A by-id read is answered
//! here only while the registry is known to have no subject outside the default context, as
//! otherwise its answer depends on the context its `subject` hint names. Everything else — a
//! cache miss, a grant not yet confirmed, another query — goes on to the router unchanged, and a
//! miss there fills the cache for the next read. Both answer through
//! [`rendered`](super::confluent::rendered), so their bodies are the same bytes.

use axum::extract::Request;
use axum::http::Method;
use axum::response::Response;

use super::confluent::schema_id;
use super::metrics::Route;
use super::middleware::Shortcut;
use crate::app::AppState;
use crate::governance::{Principal, Readable};

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
    if request.method() != Method::GET {
        return None;
    }
    let governance = &app.governance;
    let path = request.uri().path();
    let query = request.uri().query();
    let (mut response, route) = if let Some(id) = path.strip_prefix("/schemas/ids/") {
        if !asks_the_default(query, &["subject", "fetchMaxId", "format"]) {
            return None;
        }
        let id = schema_id(id).ok()?;
        // With contexts in use, which ids a read sees depends on its `subject` hint.
        if !app.registry.contexts_known_unused() {
            return None;
        }
        if !governance.may_read_at_once(principal, Readable::Schema(id.0)) {
            return None;
        }
        let schema = app.registry.cached_schema(id)?;
        (app.rendered.schema_by_id(&schema), BY_ID)
    } else {
        let subject = path
            .strip_prefix("/subjects/")?
            .strip_suffix("/versions/latest")?;
        let plain = !subject.is_empty() && !subject.contains(['/', '%']);
        if !plain || !asks_the_default(query, &["deleted", "format"]) {
            return None;
        }
        if !governance.may_read_at_once(principal, Readable::Subject(subject)) {
            return None;
        }
        let latest = app.registry.cached_latest(subject)?;
        (app.rendered.latest_version(&latest), LATEST)
    };
    response.extensions_mut().insert(route);
    Some(response)
}

/// Returns true when `query` asks for the default answer, as the router reads it: its
/// parameters `known` (the ones the route reads) each at most once, none of the flags among
/// them (`fetchMaxId`, `deleted`) true and no `format`; parameters the route does not read are
/// ignored, as the router ignores them. Anything percent-encoded is left to the router.
fn asks_the_default(query: Option<&str>, known: &[&str]) -> bool {
    let Some(query) = query else {
        return true;
    };
    if query.contains(['%', '+']) {
        return false;
    }
    let mut seen = 0u32;
    for pair in query.split('&').filter(|pair| !pair.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let Some(index) = known.iter().position(|k| *k == key) else {
            continue;
        };
        if seen & (1 << index) != 0 {
            return false;
        }
        seen |= 1 << index;
        let is_default = match key {
            "subject" => true,
            "format" => value.is_empty(),
            _ => !value.trim().eq_ignore_ascii_case("true"),
        };
        if !is_default {
            return false;
        }
    }
    true
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
    fn only_queries_the_router_answers_by_default_stay_on_the_lane() {
        let by_id = ["subject", "fetchMaxId", "format"];
        for query in [
            "subject=o-value",
            "fetchMaxId=false&subject=o",
            "format=&x=1",
            "a&&b",
        ] {
            assert!(asks_the_default(Some(query), &by_id), "{query}");
        }
        for query in [
            "fetchMaxId=TRUE",
            "format=serialized",
            "subject=a&subject=b",
            "x=%41",
        ] {
            assert!(!asks_the_default(Some(query), &by_id), "{query}");
        }
        assert!(asks_the_default(
            Some("deleted=false"),
            &["deleted", "format"]
        ));
        assert!(!asks_the_default(
            Some("deleted=true"),
            &["deleted", "format"]
        ));
    }

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
                "/subjects/orders-value/versions/latest?deleted=true",
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
