//! Modes: IMPORT registers under given ids and versions, READONLY refuses writes.

use axum::http::StatusCode;
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn import_mode_registers_under_the_given_id_and_version() {
    let app = TestApp::new().await;
    assert_eq!(
        app.put("/mode", json!({ "mode": "IMPORT" })).await.0,
        StatusCode::OK
    );
    let (status, body) = app
        .post(
            "/subjects/s/versions",
            json!({ "schema": record("R", &[ID]), "id": 42, "version": 7 }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["id"], 42);
    assert_eq!(app.get("/subjects/s/versions").await.1, json!([7]));
    // Another schema under a used id is refused; the same content under another id too.
    let overwrite = app
        .post(
            "/subjects/t/versions",
            json!({ "schema": record("Other", &[ID]), "id": 42 }),
        )
        .await;
    assert_error(&overwrite, StatusCode::UNPROCESSABLE_ENTITY, 42205);
    let mismatch = app
        .post(
            "/subjects/t/versions",
            json!({ "schema": record("R", &[ID]), "id": 43 }),
        )
        .await;
    assert_eq!(
        assert_error(&mismatch, StatusCode::UNPROCESSABLE_ENTITY, 42207),
        "Schema already registered with id 42 instead of input id 43"
    );
    // Back in READWRITE, new ids continue after the imported ones.
    app.put("/mode", json!({ "mode": "READWRITE" })).await;
    assert_eq!(app.register("u", "\"string\"").await, 43);
}

#[tokio::test]
async fn an_id_outside_import_mode_is_refused() {
    let app = TestApp::new().await;
    let reply = app
        .post(
            "/subjects/s/versions",
            json!({ "schema": "\"string\"", "id": 5 }),
        )
        .await;
    assert_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, 42205);
}

#[tokio::test]
async fn entering_import_mode_with_live_subjects_needs_force() {
    let app = TestApp::new().await;
    app.register("s", "\"string\"").await;
    let refused = app.put("/mode", json!({ "mode": "IMPORT" })).await;
    assert_eq!(
        assert_error(&refused, StatusCode::UNPROCESSABLE_ENTITY, 42205),
        "Cannot import since found existing subjects"
    );
    assert_eq!(
        app.put("/mode?force=true", json!({ "mode": "IMPORT" }))
            .await
            .0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn read_only_mode_refuses_writes_with_42205_and_still_serves_reads() {
    let app = TestApp::new().await;
    app.register("s", "\"string\"").await;
    app.put("/mode/s", json!({ "mode": "READONLY" })).await;
    let register = app
        .post("/subjects/s/versions", json!({ "schema": "\"int\"" }))
        .await;
    assert_eq!(
        assert_error(&register, StatusCode::UNPROCESSABLE_ENTITY, 42205),
        "Subject s is in read-only mode"
    );
    assert_error(
        &app.delete("/subjects/s").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        42205,
    );
    let config = app
        .put("/config/s", json!({ "compatibility": "NONE" }))
        .await;
    assert_error(&config, StatusCode::UNPROCESSABLE_ENTITY, 42205);
    assert_eq!(app.get("/subjects/s/versions/1").await.0, StatusCode::OK);
    // Other subjects are unaffected by a subject's mode.
    app.register("t", "\"string\"").await;
    // A global READONLY reaches every subject.
    app.put("/mode", json!({ "mode": "READONLY" })).await;
    let elsewhere = app
        .post("/subjects/t/versions", json!({ "schema": "\"int\"" }))
        .await;
    assert_error(&elsewhere, StatusCode::UNPROCESSABLE_ENTITY, 42205);
}
