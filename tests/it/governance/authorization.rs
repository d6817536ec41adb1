//! Authorization: what only the admin, only a subject's producer, or a consumer with a grant
//! may do.

use axum::http::StatusCode;
use serde_json::json;

use accord::governance::ReadAccess;

use super::Story;
use crate::support::*;

#[tokio::test]
async fn a_consumer_cannot_register_in_the_producers_subject() {
    let story = Story::new(ReadAccess::Open).await;
    let reply = story
        .app
        .as_(&story.billing)
        .post(
            "/subjects/orders-value/versions",
            json!({ "schema": record("Order", &[ID, NOTE]) }),
        )
        .await;
    let message = assert_error(&reply, StatusCode::FORBIDDEN, 40301);
    assert!(
        message.contains("only its producer ('orders')"),
        "{message}"
    );
}

#[tokio::test]
async fn only_the_admin_changes_global_settings_teams_services_and_credentials() {
    let story = Story::new(ReadAccess::Open).await;
    let orders = story.app.as_(&story.orders);
    for reply in [
        orders
            .put("/config", json!({ "compatibility": "NONE" }))
            .await,
        orders.delete("/config").await,
        orders.put("/mode", json!({ "mode": "READONLY" })).await,
        orders
            .post("/governance/teams", json!({ "name": "rogue" }))
            .await,
        orders
            .put("/governance/teams/payments", json!({ "contacts": [] }))
            .await,
        orders.delete("/governance/teams/payments").await,
        orders
            .post(
                "/governance/services",
                json!({ "name": "rogue", "team": "payments" }),
            )
            .await,
        orders
            .put(
                "/governance/services/billing",
                json!({ "team": "payments" }),
            )
            .await,
        orders.delete("/governance/services/billing").await,
        orders
            .post("/governance/services/billing/credentials", json!({}))
            .await,
        orders.get("/governance/services/billing/credentials").await,
    ] {
        assert_error(&reply, StatusCode::FORBIDDEN, 40301);
    }
    // Reading the model is open to every service.
    assert_eq!(orders.get("/governance/teams").await.0, StatusCode::OK);
    assert_eq!(orders.get("/config").await.0, StatusCode::OK);
}

#[tokio::test]
async fn only_the_producer_changes_deletes_and_grants_in_its_subject() {
    let story = Story::new(ReadAccess::Open).await;
    let billing = story.app.as_(&story.billing);
    for reply in [
        billing
            .put("/config/orders-value", json!({ "compatibility": "NONE" }))
            .await,
        billing
            .put("/mode/orders-value", json!({ "mode": "READONLY" }))
            .await,
        billing.delete("/subjects/orders-value").await,
        billing.delete("/subjects/orders-value/versions/1").await,
        billing
            .put(
                "/governance/subjects/orders-value/consumers/shipping",
                json!({}),
            )
            .await,
        billing
            .delete("/governance/subjects/orders-value/consumers/shipping")
            .await,
        billing
            .put(
                "/governance/subjects/orders-value/producer",
                json!({ "service": "billing" }),
            )
            .await,
    ] {
        assert_error(&reply, StatusCode::FORBIDDEN, 40301);
    }
    let orders = story.app.as_(&story.orders);
    assert_eq!(
        orders
            .put("/config/orders-value", json!({ "compatibility": "NONE" }))
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(
        orders
            .delete("/governance/subjects/orders-value/consumers/shipping")
            .await
            .0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        orders.delete("/subjects/orders-value/versions/1").await.0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_subject_without_a_producer_is_claimed_by_its_first_registering_service() {
    let story = Story::new(ReadAccess::Open).await;
    let billing = story.app.as_(&story.billing);
    let (status, _) = billing
        .post(
            "/subjects/invoices-value/versions",
            json!({ "schema": "\"string\"" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, view) = story.app.get("/governance/subjects/invoices-value").await;
    assert_eq!(view["producer"]["service"], "billing");
    assert_eq!(view["producer"]["team"], "payments");
    let refused = story
        .app
        .as_(&story.orders)
        .post(
            "/subjects/invoices-value/versions",
            json!({ "schema": "\"int\"" }),
        )
        .await;
    assert_error(&refused, StatusCode::FORBIDDEN, 40301);
}

#[tokio::test]
async fn enforced_reads_need_the_producer_a_grant_or_the_admin() {
    let story = Story::new(ReadAccess::Enforce).await;
    let admin = story.app.admin();
    admin
        .post(
            "/governance/services",
            json!({ "name": "stranger", "team": "payments" }),
        )
        .await;
    let (_, issued) = admin
        .post("/governance/services/stranger/credentials", json!({}))
        .await;
    let stranger = story
        .app
        .as_(basic("stranger", issued["secret"].as_str().unwrap()));
    for path in [
        "/subjects/orders-value/versions/1",
        "/schemas/ids/1",
        "/config/orders-value?defaultToGlobal=true",
    ] {
        let reply = stranger.get(path).await;
        let message = assert_error(&reply, StatusCode::FORBIDDEN, 40301);
        assert!(message.contains("consumer grant"), "{path}: {message}");
        assert_eq!(
            story.app.as_(&story.billing).get(path).await.0,
            StatusCode::OK,
            "{path}"
        );
        assert_eq!(
            story.app.as_(&story.orders).get(path).await.0,
            StatusCode::OK,
            "{path}"
        );
        assert_eq!(
            story.app.as_(&story.shipping).get(path).await.0,
            StatusCode::OK,
            "{path}"
        );
        assert_eq!(admin.get(path).await.0, StatusCode::OK, "{path}");
        assert_error(&story.app.get(path).await, StatusCode::UNAUTHORIZED, 40101);
    }
    // Listings show only what the caller may read.
    assert_eq!(stranger.get("/subjects").await.1, json!([]));
    assert_eq!(
        story.app.as_(&story.billing).get("/subjects").await.1,
        json!(["orders-value"])
    );
    let lookup = stranger
        .post(
            "/subjects/orders-value",
            json!({ "schema": record("Order", &[ID]) }),
        )
        .await;
    assert_error(&lookup, StatusCode::FORBIDDEN, 40301);
}
