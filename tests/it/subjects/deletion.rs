//! Deleting versions and subjects, soft then permanent, with Confluent's error codes.

use axum::http::StatusCode;
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn soft_deleted_versions_are_hidden_unless_asked_for() {
    let app = TestApp::new().await;
    app.register("s", &record("R", &[ID])).await;
    app.register("s", &record("R", &[ID, NOTE])).await;
    assert_eq!(app.delete("/subjects/s/versions/2").await.1, json!(2));
    assert_eq!(app.get("/subjects/s/versions").await.1, json!([1]));
    assert_eq!(
        app.get("/subjects/s/versions?deleted=true").await.1,
        json!([1, 2])
    );
    assert_eq!(app.get("/subjects/s/versions/latest").await.1["version"], 1);
    let hidden = app.get("/subjects/s/versions/2").await;
    assert_error(&hidden, StatusCode::NOT_FOUND, 40402);
    assert_eq!(
        app.get("/subjects/s/versions/2?deleted=true").await.1["version"],
        2
    );
    // The id still resolves: consumers may hold data written with it.
    assert_eq!(app.get("/schemas/ids/2").await.0, StatusCode::OK);
}

#[tokio::test]
async fn versions_are_never_reused_after_deletion() {
    let app = TestApp::new().await;
    app.register("s", &record("R", &[ID])).await;
    app.register("s", &record("R", &[ID, NOTE])).await;
    app.delete("/subjects/s/versions/2").await;
    app.delete("/subjects/s/versions/2?permanent=true").await;
    // Re-registering the deleted schema creates version 3 with the same id.
    let id = app.register("s", &record("R", &[ID, NOTE])).await;
    assert_eq!(id, 2);
    assert_eq!(app.get("/subjects/s/versions").await.1, json!([1, 3]));
}

#[tokio::test]
async fn deleting_a_version_twice_or_permanently_first_gives_the_confluent_codes() {
    let app = TestApp::new().await;
    app.register("s", &record("R", &[ID])).await;
    let not_soft = app.delete("/subjects/s/versions/1?permanent=true").await;
    assert_eq!(
        assert_error(&not_soft, StatusCode::NOT_FOUND, 40407),
        "Subject 's' Version 1 was not deleted first before being permanently deleted"
    );
    assert_eq!(app.delete("/subjects/s/versions/1").await.1, json!(1));
    let again = app.delete("/subjects/s/versions/1").await;
    assert_error(&again, StatusCode::NOT_FOUND, 40406);
    assert_eq!(
        app.delete("/subjects/s/versions/1?permanent=true").await.1,
        json!(1)
    );
    assert_error(
        &app.delete("/subjects/s/versions/1").await,
        StatusCode::NOT_FOUND,
        40401,
    );
    assert_error(
        &app.delete("/subjects/nope/versions/1").await,
        StatusCode::NOT_FOUND,
        40401,
    );
}

#[tokio::test]
async fn deleting_an_unknown_version_is_40402_and_an_invalid_one_42202() {
    let app = TestApp::new().await;
    app.register("s", &record("R", &[ID])).await;
    assert_error(
        &app.delete("/subjects/s/versions/9").await,
        StatusCode::NOT_FOUND,
        40402,
    );
    assert_error(
        &app.delete("/subjects/s/versions/0").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        42202,
    );
}

#[tokio::test]
async fn deleting_a_subject_soft_then_permanently() {
    let app = TestApp::new().await;
    app.register("s", &record("R", &[ID])).await;
    app.register("s", &record("R", &[ID, NOTE])).await;
    let not_soft = app.delete("/subjects/s?permanent=true").await;
    assert_eq!(
        assert_error(&not_soft, StatusCode::NOT_FOUND, 40405),
        "Subject 's' was not deleted first before being permanently deleted"
    );
    assert_eq!(app.delete("/subjects/s").await.1, json!([1, 2]));
    assert_eq!(app.get("/subjects").await.1, json!([]));
    assert_eq!(app.get("/subjects?deleted=true").await.1, json!(["s"]));
    assert_eq!(app.get("/subjects?deletedOnly=true").await.1, json!(["s"]));
    assert_error(
        &app.delete("/subjects/s").await,
        StatusCode::NOT_FOUND,
        40404,
    );
    assert_eq!(
        app.delete("/subjects/s?permanent=true").await.1,
        json!([1, 2])
    );
    assert_error(
        &app.get("/subjects/s/versions").await,
        StatusCode::NOT_FOUND,
        40401,
    );
    // With no version left anywhere, the ids are gone too.
    assert_error(
        &app.get("/schemas/ids/1").await,
        StatusCode::NOT_FOUND,
        40403,
    );
}
