//! Teams, services and the subject view: what the admin manages, what everyone reads, and how
//! bad input is refused.

use axum::http::StatusCode;
use serde_json::json;

use accord::governance::ReadAccess;

use super::Story;
use crate::support::*;

#[tokio::test]
async fn the_subject_view_shows_producer_consumers_latest_version_and_level() {
    let story = Story::new(ReadAccess::Open).await;
    let (status, view) = story.app.get("/governance/subjects/orders-value").await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(view["producer"]["service"], "orders");
    assert_eq!(view["latest_version"], 1);
    assert_eq!(view["compatibilityLevel"], "BACKWARD");
    let consumers = view["consumers"].as_array().unwrap();
    assert_eq!(consumers.len(), 2);
    assert_eq!(consumers[0]["service"], "billing");
    assert_eq!(consumers[0]["team"], "payments");
    assert_eq!(consumers[0]["granted_by"], "orders");
    assert!(consumers[0]["granted_at"].as_str().unwrap().ends_with('Z'));
    let (_, listed) = story
        .app
        .get("/governance/subjects/orders-value/consumers")
        .await;
    assert_eq!(listed.as_array().unwrap().len(), 2);
    assert_error(
        &story.app.get("/governance/subjects/nothing-here").await,
        StatusCode::NOT_FOUND,
        40401,
    );
    let (_, service) = story.app.get("/governance/services/billing").await;
    assert_eq!(service["consumes"], json!(["orders-value"]));
    assert_eq!(service["produces"], json!([]));
    let (_, producer) = story.app.get("/governance/services/orders").await;
    assert_eq!(producer["produces"], json!(["orders-value"]));
}

#[tokio::test]
async fn governance_input_is_validated_with_clear_errors() {
    let story = Story::new(ReadAccess::Open).await;
    let admin = story.app.admin();
    let duplicate = admin
        .post("/governance/teams", json!({ "name": "payments" }))
        .await;
    assert_eq!(
        assert_error(&duplicate, StatusCode::CONFLICT, 40911),
        "Team 'payments' already exists."
    );
    let bad_kind = admin
        .post(
            "/governance/teams",
            json!({ "name": "t", "contacts": [{ "kind": "fax", "value": "1" }] }),
        )
        .await;
    assert_error(&bad_kind, StatusCode::UNPROCESSABLE_ENTITY, 42220);
    let bad_email = admin
        .post(
            "/governance/teams",
            json!({ "name": "t", "contacts": [{ "kind": "email", "value": "nobody" }] }),
        )
        .await;
    assert_error(&bad_email, StatusCode::UNPROCESSABLE_ENTITY, 42220);
    let bad_name = admin
        .post("/governance/teams", json!({ "name": "no spaces" }))
        .await;
    assert_error(&bad_name, StatusCode::UNPROCESSABLE_ENTITY, 42220);
    let missing_name = admin
        .post("/governance/teams", json!({ "contacts": [] }))
        .await;
    assert_error(&missing_name, StatusCode::UNPROCESSABLE_ENTITY, 422);
    let unknown_team = admin
        .post(
            "/governance/services",
            json!({ "name": "s", "team": "nope" }),
        )
        .await;
    assert_eq!(
        assert_error(&unknown_team, StatusCode::NOT_FOUND, 40411),
        "Team 'nope' not found."
    );
    let reserved = admin
        .post(
            "/governance/services",
            json!({ "name": "admin", "team": "payments" }),
        )
        .await;
    assert_error(&reserved, StatusCode::UNPROCESSABLE_ENTITY, 42220);
    assert_error(
        &admin.get("/governance/services/nope").await,
        StatusCode::NOT_FOUND,
        40412,
    );
    assert_error(
        &admin
            .delete("/governance/services/orders/credentials/cred_nope")
            .await,
        StatusCode::NOT_FOUND,
        40413,
    );
    let in_use = admin.delete("/governance/teams/payments").await;
    assert!(assert_error(&in_use, StatusCode::CONFLICT, 40912).contains("billing"));
    let producing = admin.delete("/governance/services/orders").await;
    assert!(assert_error(&producing, StatusCode::CONFLICT, 40912).contains("orders-value"));
    let own_stream = admin
        .put(
            "/governance/subjects/orders-value/consumers/orders",
            json!({}),
        )
        .await;
    assert_error(&own_stream, StatusCode::UNPROCESSABLE_ENTITY, 42220);
    let unknown_consumer = admin
        .put(
            "/governance/subjects/orders-value/consumers/nope",
            json!({}),
        )
        .await;
    assert_error(&unknown_consumer, StatusCode::NOT_FOUND, 40412);
    let not_granted = admin
        .delete("/governance/subjects/orders-value/consumers/nope")
        .await;
    assert_error(&not_granted, StatusCode::NOT_FOUND, 40414);
    let unknown_producer = admin
        .put(
            "/governance/subjects/orders-value/producer",
            json!({ "service": "nope" }),
        )
        .await;
    assert_error(&unknown_producer, StatusCode::NOT_FOUND, 40412);
}

#[tokio::test]
async fn teams_and_services_can_be_changed_and_deleted_by_the_admin() {
    let story = Story::new(ReadAccess::Open).await;
    let admin = story.app.admin();
    let (status, team) = admin
        .put(
            "/governance/teams/payments",
            json!({ "contacts": [{ "kind": "pager", "value": "payments-oncall" }] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(team["contacts"][0]["kind"], "pager");
    let (status, service) = admin
        .put(
            "/governance/services/billing",
            json!({ "team": "fulfilment", "description": "moved" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(service["team"], "fulfilment");
    assert_eq!(
        admin.delete("/governance/services/billing").await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        admin.delete("/governance/teams/payments").await.0,
        StatusCode::NO_CONTENT
    );
    let (_, teams) = admin.get("/governance/teams").await;
    assert_eq!(teams.as_array().unwrap().len(), 1);
    // A deleted service's grants are gone with it.
    let (_, consumers) = admin
        .get("/governance/subjects/orders-value/consumers")
        .await;
    assert_eq!(consumers.as_array().unwrap().len(), 1);
}
