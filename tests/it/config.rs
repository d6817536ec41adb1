//! `/config` and `/mode`: global and per-subject settings, as the clients use them.

use axum::http::StatusCode;
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn the_global_level_defaults_to_backward_and_can_be_changed_and_reset() {
    let app = TestApp::new().await;
    assert_eq!(
        app.get("/config").await.1,
        json!({ "compatibilityLevel": "BACKWARD" })
    );
    let (status, echoed) = app.put("/config", json!({ "compatibility": "FULL" })).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(echoed, json!({ "compatibility": "FULL" }));
    // Clients also use the trailing-slash form.
    assert_eq!(
        app.get("/config/").await.1,
        json!({ "compatibilityLevel": "FULL" })
    );
    assert_eq!(
        app.delete("/config").await.1,
        json!({ "compatibilityLevel": "FULL" })
    );
    assert_eq!(
        app.get("/config").await.1,
        json!({ "compatibilityLevel": "BACKWARD" })
    );
}

#[tokio::test]
async fn a_subject_without_its_own_level_is_40408_unless_default_to_global() {
    let app = TestApp::new().await;
    let reply = app.get("/config/orders-value").await;
    assert_eq!(
        assert_error(&reply, StatusCode::NOT_FOUND, 40408),
        "Subject 'orders-value' does not have subject-level compatibility configured"
    );
    let (status, body) = app.get("/config/orders-value?defaultToGlobal=true").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({ "compatibilityLevel": "BACKWARD" }));
}

#[tokio::test]
async fn all_seven_levels_are_accepted_in_any_case() {
    let app = TestApp::new().await;
    for level in [
        "NONE",
        "BACKWARD",
        "BACKWARD_TRANSITIVE",
        "FORWARD",
        "FORWARD_TRANSITIVE",
        "FULL",
        "full_transitive",
    ] {
        let (status, _) = app
            .put("/config/s", json!({ "compatibility": level }))
            .await;
        assert_eq!(status, StatusCode::OK, "{level}");
        let (_, body) = app.get("/config/s").await;
        assert_eq!(body["compatibilityLevel"], level.to_uppercase());
    }
}

#[tokio::test]
async fn an_unknown_level_is_42203_and_a_missing_one_changes_nothing() {
    let app = TestApp::new().await;
    assert_error(
        &app.put("/config", json!({ "compatibility": "SIDEWAYS" }))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        42203,
    );
    app.put("/config/s", json!({ "compatibility": "FULL" }))
        .await;
    for body in [
        json!({}),
        json!({ "compatibility": null }),
        json!({ "compatibilityLevel": "NONE" }),
    ] {
        assert_eq!(
            app.put("/config/s", body).await,
            (StatusCode::OK, json!({}))
        );
    }
    assert_eq!(
        app.get("/config/s").await.1,
        json!({ "compatibilityLevel": "FULL" })
    );
}

#[tokio::test]
async fn a_setting_keeps_the_fields_a_request_leaves_out() {
    let app = TestApp::new().await;
    app.put("/config", json!({ "compatibility": "FULL" })).await;
    app.put("/config", json!({ "normalize": true })).await;
    assert_eq!(
        app.get("/config").await.1,
        json!({ "compatibilityLevel": "FULL", "normalize": true })
    );
    // A subject setting stored without a level shows the default level beside its own, not
    // the global one (as Confluent 7.9 answers; the recorded step config-scopes#6).
    app.put("/config/s", json!({ "normalize": false })).await;
    assert_eq!(
        app.get("/config/s").await.1,
        json!({ "compatibilityLevel": "BACKWARD", "normalize": false })
    );
}

#[tokio::test]
async fn deleting_a_subject_level_returns_it_and_an_absent_one_is_40401() {
    let app = TestApp::new().await;
    app.put("/config/s", json!({ "compatibility": "NONE" }))
        .await;
    assert_eq!(
        app.delete("/config/s").await.1,
        json!({ "compatibilityLevel": "NONE" })
    );
    assert_error(&app.delete("/config/s").await, StatusCode::NOT_FOUND, 40401);
}

#[tokio::test]
async fn the_subject_level_overrides_the_global_one() {
    let app = TestApp::new().await;
    app.register("s", &record("R", &[ID])).await;
    app.put("/config/s", json!({ "compatibility": "NONE" }))
        .await;
    // Adding a field without a default breaks BACKWARD, but the subject says NONE.
    app.register("s", &record("R", &[ID, QTY])).await;
}

#[tokio::test]
async fn modes_default_to_readwrite_and_subject_modes_are_40409_until_set() {
    let app = TestApp::new().await;
    assert_eq!(app.get("/mode").await.1, json!({ "mode": "READWRITE" }));
    let absent = app.get("/mode/s").await;
    assert_eq!(
        assert_error(&absent, StatusCode::NOT_FOUND, 40409),
        "Subject 's' does not have subject-level mode configured"
    );
    assert_eq!(
        app.get("/mode/s?defaultToGlobal=true").await.1,
        json!({ "mode": "READWRITE" })
    );
    for mode in ["READONLY", "READONLY_OVERRIDE", "IMPORT", "READWRITE"] {
        let (status, echoed) = app.put("/mode/s", json!({ "mode": mode })).await;
        assert_eq!(status, StatusCode::OK, "{mode}");
        assert_eq!(echoed, json!({ "mode": mode }));
        assert_eq!(app.get("/mode/s").await.1, json!({ "mode": mode }));
    }
    assert_eq!(
        app.delete("/mode/s").await.1,
        json!({ "mode": "READWRITE" })
    );
    assert_error(&app.delete("/mode/s").await, StatusCode::NOT_FOUND, 40401);
}

#[tokio::test]
async fn an_unknown_or_missing_mode_is_42204() {
    let app = TestApp::new().await;
    assert_error(
        &app.put("/mode", json!({ "mode": "SOMETIMES" })).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        42204,
    );
    assert_error(
        &app.put("/mode", json!({})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        42204,
    );
}

#[tokio::test]
async fn the_global_mode_cannot_be_deleted_as_in_confluent() {
    let app = TestApp::new().await;
    app.put("/mode", json!({ "mode": "READONLY" })).await;
    assert_error(
        &app.delete("/mode").await,
        StatusCode::METHOD_NOT_ALLOWED,
        405,
    );
    assert_eq!(app.get("/mode").await.1, json!({ "mode": "READONLY" }));
}

#[tokio::test]
async fn deleting_a_subject_also_removes_its_level() {
    let app = TestApp::new().await;
    app.register("s", "\"string\"").await;
    app.put("/config/s", json!({ "compatibility": "NONE" }))
        .await;
    app.delete("/subjects/s").await;
    assert_error(&app.get("/config/s").await, StatusCode::NOT_FOUND, 40408);
}
