//! The web UI's routes: `GET /` sends browsers to `/ui/` and API clients keep getting `{}`, and
//! the embedded files are served with their media types, even with authentication on.

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use tower::ServiceExt;

use accord::app::{AccessSettings, AppState};

use crate::backend::TestDb;

/// A browser's `Accept` header for a page, as Chromium and Firefox send it.
const BROWSER_ACCEPT: &str =
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";

/// Sends `GET path` with `headers` to a fresh registry; answers status, headers and body.
async fn get(path: &str, headers: &[(&str, &str)]) -> (StatusCode, HeaderMap, Vec<u8>) {
    let db = TestDb::new().await;
    let access = AccessSettings {
        admin_token: Some("ui-test-token".to_string()),
        ..AccessSettings::default()
    };
    let service = accord::http::service(AppState::with_access(db.connect().await, access));
    let mut request = Request::builder().uri(path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = service
        .oneshot(request.body(Body::empty()).expect("request builds"))
        .await
        .expect("infallible");
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.expect("body");
    (status, headers, body.to_bytes().to_vec())
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .map(|v| v.to_str().expect("a text header"))
        .unwrap_or_default()
}

#[tokio::test]
async fn a_browser_asking_for_the_root_is_redirected_to_the_ui() {
    let (status, headers, _) = get("/", &[("accept", BROWSER_ACCEPT)]).await;

    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(header(&headers, "location"), "/ui/");
}

#[tokio::test]
async fn api_clients_asking_for_the_root_still_get_an_empty_object() {
    for accept in [
        None,
        Some("*/*"),
        Some("application/json"),
        Some("application/vnd.schemaregistry.v1+json"),
        Some("application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json, application/json"),
        Some("application/json, text/html;q=0.5"),
    ] {
        let headers: Vec<(&str, &str)> = accept.map(|a| ("accept", a)).into_iter().collect();

        let (status, _, body) = get("/", &headers).await;

        assert_eq!(status, StatusCode::OK, "Accept: {accept:?}");
        assert_eq!(body, b"{}", "Accept: {accept:?}");
    }
}

#[tokio::test]
async fn the_ui_page_is_served_at_ui_with_and_without_the_trailing_slash() {
    for path in ["/ui/", "/ui"] {
        let (status, headers, body) = get(path, &[("accept", BROWSER_ACCEPT)]).await;

        assert_eq!(status, StatusCode::OK, "{path}");
        assert_eq!(header(&headers, "content-type"), "text/html; charset=utf-8");
        assert!(header(&headers, "content-security-policy").contains("default-src 'none'"));
        let page = String::from_utf8(body).expect("utf-8");
        assert!(page.contains(r#"<script type="module" src="/ui/app.js">"#));
    }
}

#[tokio::test]
async fn every_asset_is_served_with_its_media_type() {
    for (path, media_type) in [
        ("/ui/app.js", "text/javascript; charset=utf-8"),
        ("/ui/diff.js", "text/javascript; charset=utf-8"),
        ("/ui/style.css", "text/css; charset=utf-8"),
        ("/ui/favicon.svg", "image/svg+xml"),
    ] {
        let (status, headers, body) = get(path, &[]).await;

        assert_eq!(status, StatusCode::OK, "{path}");
        assert_eq!(header(&headers, "content-type"), media_type, "{path}");
        assert_eq!(header(&headers, "x-content-type-options"), "nosniff");
        assert!(!body.is_empty(), "{path}");
    }
}

#[tokio::test]
async fn an_unknown_ui_file_is_a_confluent_404() {
    let (status, _, body) = get("/ui/nope.js", &[]).await;

    assert_eq!(status, StatusCode::NOT_FOUND);
    let body: serde_json::Value = serde_json::from_slice(&body).expect("JSON");
    assert_eq!(body["error_code"], 404);
}
