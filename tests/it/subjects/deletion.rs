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
async fn after_a_permanent_deletion_the_number_is_given_again_and_the_content_gets_a_new_id() {
    let app = TestApp::new().await;
    app.register("s", &record("R", &[ID])).await;
    app.register("s", &record("R", &[ID, NOTE])).await;
    app.delete("/subjects/s/versions/2").await;
    app.delete("/subjects/s/versions/2?permanent=true").await;
    // As in Confluent's registry: the deleted content's id is not given again.
    let id = app.register("s", &record("R", &[ID, NOTE])).await;
    assert_eq!(id, 3);
    assert_eq!(app.get("/subjects/s/versions").await.1, json!([1, 2]));
    assert_error(
        &app.get("/schemas/ids/2").await,
        StatusCode::NOT_FOUND,
        40403,
    );
    // A whole subject deleted permanently numbers from 1 again, under new ids.
    app.delete("/subjects/s").await;
    app.delete("/subjects/s?permanent=true").await;
    assert_eq!(app.register("s", &record("R", &[ID])).await, 4);
    assert_eq!(app.get("/subjects/s/versions").await.1, json!([1]));
}

#[tokio::test]
async fn a_new_version_of_a_soft_deleted_id_drops_the_deleted_versions_of_that_id() {
    let app = TestApp::new().await;
    app.register("s", &record("R", &[ID])).await;
    app.register("s", &record("R", &[ID, NOTE])).await;
    app.delete("/subjects/s/versions/2").await;
    // Registered again, the content keeps its id in a new version; the soft-deleted version
    // of that id is gone, as in Confluent's registry.
    assert_eq!(app.register("s", &record("R", &[ID, NOTE])).await, 2);
    assert_eq!(
        app.get("/subjects/s/versions?deleted=true").await.1,
        json!([1, 3])
    );
    let gone = app.delete("/subjects/s/versions/2?permanent=false").await;
    assert_eq!(
        assert_error(&gone, StatusCode::NOT_FOUND, 40402),
        "Version 2 not found."
    );
}

#[tokio::test]
async fn an_id_used_only_by_soft_deleted_versions_has_no_subjects_unless_asked_for() {
    let app = TestApp::new().await;
    let id = app.register("s", "\"string\"").await;
    app.delete("/subjects/s").await;
    assert_eq!(
        app.get(&format!("/schemas/ids/{id}/subjects")).await,
        (StatusCode::OK, json!([]))
    );
    assert_eq!(
        app.get(&format!("/schemas/ids/{id}/subjects?deleted=true"))
            .await
            .1,
        json!(["s"])
    );
}

#[tokio::test]
async fn deleting_the_latest_version_when_all_are_soft_deleted_is_version_minus_one_not_found() {
    let app = TestApp::new().await;
    app.register("s", "\"string\"").await;
    app.delete("/subjects/s/versions/latest").await;
    let none = app.delete("/subjects/s/versions/-1").await;
    assert_eq!(
        assert_error(&none, StatusCode::NOT_FOUND, 40402),
        "Version -1 not found."
    );
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
