//! Modes: IMPORT registers under given ids and versions, as Confluent's registry does (ids are
//! not unique to content there), READONLY refuses writes.

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
    assert_eq!(body, json!({ "id": 42 }));
    assert_eq!(app.get("/subjects/s/versions").await.1, json!([7]));
    // Another schema under a used id is refused; the same content under another id is not.
    let overwrite = app
        .post(
            "/subjects/t/versions",
            json!({ "schema": record("Other", &[ID]), "id": 42 }),
        )
        .await;
    assert_eq!(
        assert_error(&overwrite, StatusCode::UNPROCESSABLE_ENTITY, 42205),
        "Overwrite new schema with id 42 is not permitted."
    );
    let again = app
        .post(
            "/subjects/t/versions",
            json!({ "schema": record("R", &[ID]), "id": 43 }),
        )
        .await;
    assert_eq!(again, (StatusCode::OK, json!({ "id": 43 })));
    assert_eq!(
        app.get("/schemas/ids/43").await.1,
        app.get("/schemas/ids/42").await.1
    );
    // An id of 0 is an id too.
    let zero = app
        .post(
            "/subjects/z/versions",
            json!({ "schema": "\"int\"", "id": 0 }),
        )
        .await;
    assert_eq!(zero, (StatusCode::OK, json!({ "id": 0 })));
    // Back in READWRITE, new ids continue after the imported ones.
    app.put("/mode", json!({ "mode": "READWRITE" })).await;
    assert_eq!(app.register("u", "\"string\"").await, 44);
}

#[tokio::test]
async fn import_mode_refuses_a_registration_without_an_id() {
    let app = TestApp::new().await;
    app.put("/mode/s", json!({ "mode": "IMPORT" })).await;
    for body in [
        json!({ "schema": "\"string\"" }),
        json!({ "schema": "\"string\"", "id": -1 }),
    ] {
        let refused = app.post("/subjects/s/versions", body).await;
        assert_eq!(
            assert_error(&refused, StatusCode::UNPROCESSABLE_ENTITY, 42205),
            "Subject s is not in read-write mode"
        );
    }
}

#[tokio::test]
async fn an_import_repeated_answers_the_stored_version_and_one_of_new_content_overwrites_it() {
    let app = TestApp::new().await;
    app.put("/mode/s", json!({ "mode": "IMPORT" })).await;
    let first = json!({ "schema": "\"string\"", "id": 7, "version": 1 });
    assert_eq!(
        app.post("/subjects/s/versions", first.clone()).await,
        (StatusCode::OK, json!({ "id": 7 }))
    );
    assert_eq!(
        app.post("/subjects/s/versions", first).await,
        (
            StatusCode::OK,
            json!({ "id": 7, "schema": "\"string\"", "version": 1 })
        )
    );
    let replaced = app
        .post(
            "/subjects/s/versions",
            json!({ "schema": "\"int\"", "id": 8, "version": 1 }),
        )
        .await;
    assert_eq!(replaced, (StatusCode::OK, json!({ "id": 8 })));
    assert_eq!(app.get("/subjects/s/versions").await.1, json!([1]));
    let stored = app.get("/subjects/s/versions/1").await.1;
    assert_eq!(
        (&stored["id"], &stored["schema"]),
        (&json!(8), &json!("\"int\""))
    );
}

#[tokio::test]
async fn an_id_outside_import_mode_is_refused_unless_it_is_the_registered_one() {
    let app = TestApp::new().await;
    let id = app.register("s", "\"string\"").await;
    let own = app
        .post(
            "/subjects/s/versions",
            json!({ "schema": "\"string\"", "id": id }),
        )
        .await;
    assert_eq!(own, (StatusCode::OK, json!({ "id": id })));
    let reply = app
        .post(
            "/subjects/s/versions",
            json!({ "schema": "\"string\"", "id": 5 }),
        )
        .await;
    assert_eq!(
        assert_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, 42205),
        "Subject s is not in import mode"
    );
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
async fn entering_import_mode_clears_the_soft_deleted_versions_and_their_ids() {
    let app = TestApp::new().await;
    let id = app.register("s", "\"string\"").await;
    app.delete("/subjects/s").await;
    assert_eq!(
        app.put("/mode/s", json!({ "mode": "IMPORT" })).await.0,
        StatusCode::OK
    );
    assert_error(
        &app.get("/subjects/s/versions?deleted=true").await,
        StatusCode::NOT_FOUND,
        40401,
    );
    assert_error(
        &app.get(&format!("/schemas/ids/{id}")).await,
        StatusCode::NOT_FOUND,
        40403,
    );
    app.put("/mode/s", json!({ "mode": "READWRITE" })).await;
    assert_eq!(app.register("s", "\"string\"").await, id + 1);
    assert_eq!(app.get("/subjects/s/versions").await.1, json!([1]));
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
