//! Authentication: credentials, the admin token, and what happens without or with a bad one.

use axum::http::StatusCode;
use serde_json::json;

use accord::governance::ReadAccess;

use super::Story;
use crate::support::*;

#[tokio::test]
async fn a_revoked_credential_stops_working() {
    let story = Story::new(ReadAccess::Open).await;
    let admin = story.app.admin();
    let (status, issued) = admin
        .post("/governance/services/orders/credentials", json!({}))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let second = basic("orders", issued["secret"].as_str().unwrap());
    let (status, _) = story.app.as_(&second).get("/subjects").await;
    assert_eq!(status, StatusCode::OK);

    let (status, _) = admin
        .delete(&format!(
            "/governance/services/orders/credentials/{}",
            issued["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    // Refused even on a read that needs no credential at all.
    assert_error(
        &story.app.as_(&second).get("/subjects").await,
        StatusCode::UNAUTHORIZED,
        40101,
    );
    // The other credential of the same service still works: rotation.
    assert_eq!(
        story.app.as_(&story.orders).get("/subjects").await.0,
        StatusCode::OK
    );
    let (_, listed) = admin.get("/governance/services/orders/credentials").await;
    assert_eq!(listed.as_array().unwrap().len(), 2);
    assert!(listed[0]["last_used_at"].is_string(), "{listed}");
    assert!(listed.to_string().find("secret").is_none(), "{listed}");
}

#[tokio::test]
async fn writes_without_a_credential_are_401_and_reads_are_open_by_default() {
    let story = Story::new(ReadAccess::Open).await;
    let app = &story.app;
    let register = app
        .post("/subjects/x/versions", json!({ "schema": "\"string\"" }))
        .await;
    let message = assert_error(&register, StatusCode::UNAUTHORIZED, 40101);
    assert!(message.contains("Authentication required"), "{message}");
    assert_error(
        &app.put("/config", json!({ "compatibility": "NONE" })).await,
        StatusCode::UNAUTHORIZED,
        40101,
    );
    assert_error(
        &app.delete("/subjects/orders-value").await,
        StatusCode::UNAUTHORIZED,
        40101,
    );
    assert_error(
        &app.post("/governance/teams", json!({ "name": "t" })).await,
        StatusCode::UNAUTHORIZED,
        40101,
    );
    assert_eq!(
        app.get("/subjects/orders-value/versions/1").await.0,
        StatusCode::OK
    );
    assert_eq!(app.get("/schemas/ids/1").await.0, StatusCode::OK);
    let (_, ready) = app.get("/readyz").await;
    assert_eq!(ready["authentication"], "on");
}

#[tokio::test]
async fn a_wrong_or_malformed_credential_is_401_everywhere() {
    let story = Story::new(ReadAccess::Open).await;
    for header in [
        "Bearer not-a-token".to_string(),
        basic("orders", "wrong"),
        basic("admin", "wrong"),
        "Basic %%%".to_string(),
        "Digest abc".to_string(),
    ] {
        let reply = story.app.as_(&header).get("/subjects").await;
        assert_error(&reply, StatusCode::UNAUTHORIZED, 40101);
    }
    // Another service's name with a valid secret does not pass either.
    let secret = story.orders.clone();
    let reply = story
        .app
        .as_(secret.replace("Basic ", "Basic x"))
        .get("/subjects")
        .await;
    assert_error(&reply, StatusCode::UNAUTHORIZED, 40101);
}

#[tokio::test]
async fn the_admin_token_works_as_bearer_and_as_basic_and_a_secret_as_bearer() {
    let story = Story::new(ReadAccess::Open).await;
    let as_basic = story.app.as_(basic("admin", ADMIN_TOKEN));
    assert_eq!(
        as_basic
            .put("/config", json!({ "compatibility": "FULL" }))
            .await
            .0,
        StatusCode::OK
    );
    let (_, issued) = story
        .app
        .admin()
        .post("/governance/services/orders/credentials", json!({}))
        .await;
    let bearer = format!("Bearer {}", issued["secret"].as_str().unwrap());
    let (status, _) = story
        .app
        .as_(&bearer)
        .put("/config/orders-value", json!({ "compatibility": "NONE" }))
        .await;
    assert_eq!(status, StatusCode::OK);
}
