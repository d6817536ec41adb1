//! Under enforced reads a service without a grant learns nothing of what exists: every schema id
//! and subject it may not read is refused alike, whether it exists or not.

use axum::http::StatusCode;
use serde_json::json;

use accord::governance::ReadAccess;

use crate::support::*;

/// A registry under enforced reads with one subject, produced by `orders`, and a `stranger`
/// service that has no grant; returns the app, the stranger's credential and the schema's id.
async fn with_a_stranger() -> (TestApp, String, i64) {
    let app = TestApp::secured(ReadAccess::Enforce).await;
    let admin = app.admin();
    admin
        .post("/governance/teams", json!({ "name": "payments" }))
        .await;
    let mut credentials = Vec::new();
    for service in ["orders", "stranger"] {
        let (status, _) = admin
            .post(
                "/governance/services",
                json!({ "name": service, "team": "payments" }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);
        let (_, issued) = admin
            .post(
                &format!("/governance/services/{service}/credentials"),
                json!({}),
            )
            .await;
        credentials.push(basic(service, issued["secret"].as_str().unwrap()));
    }
    let (status, body) = app
        .as_(&credentials[0])
        .post(
            "/subjects/orders-value/versions",
            json!({ "schema": record("Order", &[ID]) }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let id = body["id"].as_i64().unwrap();
    (app, credentials.pop().unwrap(), id)
}

#[tokio::test]
async fn a_stranger_is_refused_alike_for_an_existing_and_a_missing_schema_id() {
    let (app, stranger, id) = with_a_stranger().await;
    let missing = id + 1000;
    for suffix in ["", "/schema", "/subjects", "/versions"] {
        let existing = app
            .as_(&stranger)
            .get(&format!("/schemas/ids/{id}{suffix}"))
            .await;
        let absent = app
            .as_(&stranger)
            .get(&format!("/schemas/ids/{missing}{suffix}"))
            .await;
        let existing_message = assert_error(&existing, StatusCode::FORBIDDEN, 40301);
        let absent_message = assert_error(&absent, StatusCode::FORBIDDEN, 40301);
        assert_eq!(
            existing_message.replace(&id.to_string(), "N"),
            absent_message.replace(&missing.to_string(), "N"),
            "{suffix}"
        );
        assert!(
            !existing_message.contains("orders-value"),
            "{existing_message}"
        );
    }
    // The admin still tells them apart.
    let absent = app.admin().get(&format!("/schemas/ids/{missing}")).await;
    assert_error(&absent, StatusCode::NOT_FOUND, 40403);
}

#[tokio::test]
async fn a_stranger_is_refused_alike_for_an_existing_and_a_missing_subject() {
    let (app, stranger, _) = with_a_stranger().await;
    for path in [
        "/subjects/{}/versions",
        "/subjects/{}/versions/latest",
        "/config/{}",
        "/governance/subjects/{}",
    ] {
        let existing = app
            .as_(&stranger)
            .get(&path.replace("{}", "orders-value"))
            .await;
        let absent = app
            .as_(&stranger)
            .get(&path.replace("{}", "nothing-value"))
            .await;
        assert_eq!(existing.0, StatusCode::FORBIDDEN, "{path}: {}", existing.1);
        assert_eq!(absent.0, StatusCode::FORBIDDEN, "{path}: {}", absent.1);
    }
}
