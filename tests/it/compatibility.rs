//! Compatibility over HTTP: refusals on register, dry-run checks, verbose reasons, every level.

use axum::http::StatusCode;
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn an_incompatible_backward_change_is_refused_with_409_and_the_reasons() {
    let app = TestApp::new().await;
    app.register("orders-value", &record("Order", &[ID])).await;
    let reply = app
        .post(
            "/subjects/orders-value/versions",
            json!({ "schema": record("Order", &[ID, QTY]) }),
        )
        .await;
    let message = assert_error(&reply, StatusCode::CONFLICT, 409);
    assert!(message.starts_with(
        "Schema being registered is incompatible with an earlier schema for subject \"orders-value\", details: [{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE'"
    ), "{message}");
    assert!(message.contains("{oldSchemaVersion: 1}"), "{message}");
    assert!(message.contains("compatibility: 'BACKWARD'"), "{message}");
    // Nothing was stored.
    assert_eq!(
        app.get("/subjects/orders-value/versions").await.1,
        json!([1])
    );
}

#[tokio::test]
async fn re_registering_an_old_version_returns_it_even_if_incompatible_with_the_latest() {
    let app = TestApp::new().await;
    app.put("/config/s", json!({ "compatibility": "NONE" }))
        .await;
    let v1 = app.register("s", &record("R", &[ID])).await;
    app.register("s", "\"string\"").await;
    app.put("/config/s", json!({ "compatibility": "FULL" }))
        .await;
    assert_eq!(app.register("s", &record("R", &[ID])).await, v1);
}

#[tokio::test]
async fn check_against_latest_answers_true_or_false() {
    let app = TestApp::new().await;
    app.register("s", &record("R", &[ID])).await;
    let (status, ok) = app
        .post(
            "/compatibility/subjects/s/versions/latest",
            json!({ "schema": record("R", &[ID, NOTE]) }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ok, json!({ "is_compatible": true }));
    let (_, broken) = app
        .post(
            "/compatibility/subjects/s/versions/latest",
            json!({ "schema": record("R", &[ID, QTY]) }),
        )
        .await;
    assert_eq!(broken, json!({ "is_compatible": false }));
}

#[tokio::test]
async fn verbose_checks_return_confluent_messages() {
    let app = TestApp::new().await;
    app.register("s", &record("R", &[ID])).await;
    let (_, verdict) = app
        .post(
            "/compatibility/subjects/s/versions/1?verbose=true",
            json!({ "schema": record("R", &[ID, QTY]) }),
        )
        .await;
    assert_eq!(verdict["is_compatible"], false);
    let messages: Vec<&str> = verdict["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    assert_eq!(
        messages[0],
        "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'qty' at path '/fields/1' in the new schema has no default value and is missing in the old schema', additionalInfo:'qty'}"
    );
    assert_eq!(messages[1], "{oldSchemaVersion: 1}");
    assert!(messages[2].starts_with("{oldSchema: '{\"type\":\"record\""));
    assert_eq!(
        messages[3],
        "{validateFields: 'false', compatibility: 'BACKWARD'}"
    );
    let (_, fine) = app
        .post(
            "/compatibility/subjects/s/versions/1?verbose=true",
            json!({ "schema": record("R", &[ID]) }),
        )
        .await;
    assert_eq!(fine, json!({ "is_compatible": true, "messages": [] }));
}

#[tokio::test]
async fn an_invalid_candidate_is_42201_or_a_verbose_verdict() {
    let app = TestApp::new().await;
    app.register("s", "\"string\"").await;
    let plain = app
        .post(
            "/compatibility/subjects/s/versions/latest",
            json!({ "schema": "{\"type\":\"recrod\"}" }),
        )
        .await;
    assert_error(&plain, StatusCode::UNPROCESSABLE_ENTITY, 42201);
    let (status, verbose) = app
        .post(
            "/compatibility/subjects/s/versions/latest?verbose=true",
            json!({ "schema": "{\"type\":\"recrod\"}" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(verbose["is_compatible"], false);
    assert_eq!(verbose["messages"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn checking_against_a_missing_subject_or_version() {
    let app = TestApp::new().await;
    let (status, latest) = app
        .post(
            "/compatibility/subjects/nope/versions/latest",
            json!({ "schema": "\"string\"" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(latest, json!({ "is_compatible": true }));
    let explicit = app
        .post(
            "/compatibility/subjects/nope/versions/1",
            json!({ "schema": "\"string\"" }),
        )
        .await;
    // Confluent names the version, not the subject.
    assert_eq!(
        assert_error(&explicit, StatusCode::NOT_FOUND, 40402),
        "Version 1 not found."
    );
    app.register("s", "\"string\"").await;
    let missing = app
        .post(
            "/compatibility/subjects/s/versions/4",
            json!({ "schema": "\"string\"" }),
        )
        .await;
    assert_error(&missing, StatusCode::NOT_FOUND, 40402);
    let invalid = app
        .post(
            "/compatibility/subjects/s/versions/zero",
            json!({ "schema": "\"string\"" }),
        )
        .await;
    assert_error(&invalid, StatusCode::UNPROCESSABLE_ENTITY, 42202);
}

/// Registers v1 (id), v2 (id, qty with default) under `level`, then checks v3 (id, qty without
/// default) against the whole subject: v3 reads v2 but not v1.
async fn v3_verdict(level: &str) -> bool {
    let app = TestApp::new().await;
    app.put("/config/s", json!({ "compatibility": level }))
        .await;
    app.register("s", &record("R", &[ID])).await;
    app.register("s", &record("R", &[ID, QTY_DEFAULT])).await;
    let (status, body) = app
        .post(
            "/compatibility/subjects/s/versions",
            json!({ "schema": record("R", &[ID, QTY]) }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["is_compatible"].as_bool().unwrap()
}

#[tokio::test]
async fn every_level_decides_over_the_versions_it_covers() {
    assert!(v3_verdict("NONE").await);
    assert!(v3_verdict("BACKWARD").await);
    assert!(!v3_verdict("BACKWARD_TRANSITIVE").await);
    assert!(v3_verdict("FORWARD").await);
    assert!(v3_verdict("FORWARD_TRANSITIVE").await);
    assert!(v3_verdict("FULL").await);
    assert!(!v3_verdict("FULL_TRANSITIVE").await);
}

#[tokio::test]
async fn soft_deleted_versions_take_no_part_in_checks() {
    let app = TestApp::new().await;
    app.put(
        "/config/s",
        json!({ "compatibility": "BACKWARD_TRANSITIVE" }),
    )
    .await;
    app.register("s", &record("R", &[ID])).await;
    app.register("s", &record("R", &[ID, QTY_DEFAULT])).await;
    app.delete("/subjects/s/versions/1").await;
    app.register("s", &record("R", &[ID, QTY])).await;
    assert_eq!(app.get("/subjects/s/versions").await.1, json!([2, 3]));
}

#[tokio::test]
async fn forward_refuses_removing_a_field_the_old_schema_needs() {
    let app = TestApp::new().await;
    app.put("/config/s", json!({ "compatibility": "FORWARD" }))
        .await;
    app.register("s", &record("R", &[ID, QTY])).await;
    let reply = app
        .post(
            "/subjects/s/versions",
            json!({ "schema": record("R", &[ID]) }),
        )
        .await;
    let message = assert_error(&reply, StatusCode::CONFLICT, 409);
    assert!(
        message.contains("in the old schema has no default value and is missing in the new schema"),
        "{message}"
    );
}

#[tokio::test]
async fn a_change_of_schema_type_is_reported_with_the_level_alone() {
    let app = TestApp::new().await;
    app.register("s", "\"string\"").await;
    let (status, verdict) = app
        .post(
            "/compatibility/subjects/s/versions?verbose=true",
            json!({ "schema": r#"{"type":"object"}"#, "schemaType": "JSON" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        verdict,
        json!({
            "is_compatible": false,
            "messages": [
                "Incompatible because of different schema type",
                "{validateFields: 'false', compatibility: 'BACKWARD'}"
            ]
        })
    );
}

#[tokio::test]
async fn checking_no_schema_is_an_empty_schema() {
    let app = TestApp::new().await;
    app.register("s", "\"string\"").await;
    for body in [json!({}), json!({ "schema": "" })] {
        let reply = app.post("/compatibility/subjects/s/versions", body).await;
        assert_eq!(
            assert_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, 42201),
            "Empty schema"
        );
    }
}
