//! Mistakes a newcomer makes with the HTTP API get an error that says what to send instead,
//! and the cases Confluent's registry answers keep its exact wording.

use axum::http::StatusCode;
use serde_json::json;

use crate::support::*;

const AVSC: &str = r#"{"type":"record","name":"Order","fields":[{"name":"id","type":"string"}]}"#;

#[tokio::test]
async fn a_schema_posted_as_the_body_itself_says_to_wrap_it() {
    let app = TestApp::new().await;
    let raw: serde_json::Value = serde_json::from_str(AVSC).unwrap();
    let message = assert_error(
        &app.post("/subjects/orders-value/versions", raw).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        42201,
    );
    assert!(message.starts_with("Empty schema"), "{message}");
    assert!(message.contains("looks like a schema itself"), "{message}");
    assert!(
        message.contains(r#"{"schema": "<the schema, as a JSON string>""#),
        "{message}"
    );
    assert_eq!(app.get("/subjects").await.1, json!([]));
}

#[tokio::test]
async fn a_misspelt_schema_key_is_named() {
    let app = TestApp::new().await;
    let message = assert_error(
        &app.post("/subjects/orders-value/versions", json!({ "schem": AVSC }))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        42201,
    );
    assert!(
        message.contains(r#"no "schema" field (it has "schem")"#),
        "{message}"
    );
    // Also on a subject that exists, where an empty schema would mean "the latest again".
    app.register("orders-value", AVSC).await;
    let check = app
        .post(
            "/compatibility/subjects/orders-value/versions/latest",
            json!({ "schem": AVSC }),
        )
        .await;
    assert!(assert_error(&check, StatusCode::UNPROCESSABLE_ENTITY, 42201).contains("\"schem\""));
}

#[tokio::test]
async fn confluents_own_answers_keep_its_wording() {
    let app = TestApp::new().await;
    for body in [
        json!({}),
        json!({ "schema": "" }),
        json!({ "schema": null }),
    ] {
        let reply = app.post("/subjects/s/versions", body).await;
        assert_eq!(
            assert_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, 42201),
            "Empty schema"
        );
    }
    let level = app.put("/config", json!({ "compatibility": "NOPE" })).await;
    assert_eq!(
        assert_error(&level, StatusCode::UNPROCESSABLE_ENTITY, 42203),
        "Invalid compatibility level. Valid values are none, backward, forward, full, \
         backward_transitive, forward_transitive, and full_transitive"
    );
}

#[tokio::test]
async fn a_body_that_is_not_json_says_what_the_body_must_be() {
    let app = TestApp::new().await;
    let reply = app
        .send(
            axum::http::Method::POST,
            "/subjects/s/versions",
            &[("content-type", CONFLUENT_JSON)],
            b"syntax = \"proto3\"; message M {}".to_vec(),
        )
        .await;
    let message = assert_error(&(reply.status, reply.body), StatusCode::BAD_REQUEST, 400);
    assert!(
        message.starts_with("Invalid JSON in request body"),
        "{message}"
    );
    assert!(message.contains(r#"{"schema": "#), "{message}");
}

#[tokio::test]
async fn the_level_sent_under_the_key_get_answers_with_is_ignored_as_confluent_ignores_it() {
    let app = TestApp::new().await;
    assert_eq!(
        app.put("/config", json!({ "compatibilityLevel": "FULL" }))
            .await,
        (StatusCode::OK, json!({}))
    );
    assert_eq!(app.get("/config").await.1["compatibilityLevel"], "BACKWARD");
}
