//! The OpenAPI document: served at runtime, and equal to the checked-in `openapi/openapi.json`.

use axum::http::StatusCode;

use crate::support::TestApp;

#[tokio::test]
async fn the_checked_in_document_matches_the_code() {
    let generated = accord::http::openapi()
        .to_pretty_json()
        .expect("serializes");
    let checked_in =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json"))
            .expect("openapi/openapi.json exists");
    assert!(
        generated.trim() == checked_in.trim(),
        "openapi/openapi.json is stale: run `cargo run -- openapi > openapi/openapi.json`"
    );
}

#[tokio::test]
async fn the_served_document_lists_every_confluent_path() {
    let app = TestApp::new().await;
    let (status, spec) = app.get("/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    for path in [
        "/subjects",
        "/subjects/{subject}",
        "/subjects/{subject}/versions",
        "/subjects/{subject}/versions/{version}",
        "/subjects/{subject}/versions/{version}/schema",
        "/subjects/{subject}/versions/{version}/referencedby",
        "/schemas",
        "/schemas/types",
        "/schemas/ids/{id}",
        "/schemas/ids/{id}/schema",
        "/schemas/ids/{id}/subjects",
        "/schemas/ids/{id}/versions",
        "/config",
        "/config/{subject}",
        "/mode",
        "/mode/{subject}",
        "/compatibility/subjects/{subject}/versions",
        "/compatibility/subjects/{subject}/versions/{version}",
        "/healthz",
        "/readyz",
        "/metrics",
    ] {
        assert!(
            spec["paths"].get(path).is_some(),
            "{path} is not documented"
        );
    }
}
