//! The audit log: every change with its principal, paged and filtered, and who may read it.

use axum::http::StatusCode;
use serde_json::json;

use accord::governance::ReadAccess;

use super::Story;
use crate::support::*;

#[tokio::test]
async fn the_audit_log_shows_every_step_with_its_principal() {
    let story = Story::new(ReadAccess::Open).await;
    story
        .app
        .as_(&story.orders)
        .post("/subjects/orders-value/versions", Story::breaking_v2())
        .await;
    let (status, audit) = story.app.admin().get("/governance/audit?limit=100").await;
    assert_eq!(status, StatusCode::OK, "{audit}");
    let steps: Vec<(String, String)> = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .map(|e| {
            (
                e["principal"].as_str().unwrap().to_string(),
                e["action"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected = [
        ("admin", "team.created"),
        ("admin", "team.created"),
        ("admin", "service.created"),
        ("admin", "credential.issued"),
        ("admin", "service.created"),
        ("admin", "credential.issued"),
        ("admin", "service.created"),
        ("admin", "credential.issued"),
        ("orders", "schema.registered"),
        ("orders", "producer.claimed"),
        ("orders", "consumer.granted"),
        ("orders", "consumer.granted"),
        ("orders", "schema.refused"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(p, a)| (p.to_string(), a.to_string()))
        .collect();
    assert_eq!(steps, expected);
    let registered = &audit["entries"][4];
    assert_eq!(registered["subject"], "orders-value");
    assert_eq!(registered["version"], 1);
    // No secret is ever written to the log.
    assert!(!audit.to_string().contains("acs_"), "{audit}");
}

#[tokio::test]
async fn the_audit_log_pages_and_filters() {
    let story = Story::new(ReadAccess::Open).await;
    let admin = story.app.admin();
    let (_, first) = admin.get("/governance/audit?limit=5").await;
    assert_eq!(first["entries"].as_array().unwrap().len(), 5);
    let cursor = first["next"].as_str().unwrap();
    let (_, second) = admin
        .get(&format!("/governance/audit?limit=5&cursor={cursor}"))
        .await;
    assert_eq!(second["entries"].as_array().unwrap().len(), 5);
    assert_ne!(first["entries"][0], second["entries"][0]);
    let (_, by_subject) = admin.get("/governance/audit?subject=orders-value").await;
    assert_eq!(by_subject["entries"].as_array().unwrap().len(), 4);
    let (_, by_principal) = admin.get("/governance/audit?principal=orders").await;
    assert_eq!(by_principal["entries"].as_array().unwrap().len(), 4);
    let (_, by_service) = admin.get("/governance/audit?service=billing").await;
    assert_eq!(by_service["entries"].as_array().unwrap().len(), 3);
    let (_, future) = admin
        .get("/governance/audit?since=2999-01-01T00:00:00Z")
        .await;
    assert_eq!(future["entries"], json!([]));
    assert_error(
        &admin.get("/governance/audit?since=yesterday").await,
        StatusCode::BAD_REQUEST,
        400,
    );
    assert_error(
        &admin.get("/governance/audit?limit=0").await,
        StatusCode::BAD_REQUEST,
        400,
    );
}

#[tokio::test]
async fn a_producer_reads_its_subjects_audit_and_the_whole_log_shows_it_only_that() {
    let story = Story::new(ReadAccess::Open).await;
    let (status, body) = story
        .app
        .as_(&story.shipping)
        .post(
            "/subjects/shipments-value/versions",
            json!({ "schema": record("Shipment", &[ID]) }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let orders = story.app.as_(&story.orders);
    let (status, own) = orders.get("/governance/audit?subject=orders-value").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(own["entries"].as_array().unwrap().len(), 4);
    // Unfiltered, a service reads its own streams' entries: not shipping's, not the teams'.
    let (status, whole) = orders.get("/governance/audit").await;
    assert_eq!(status, StatusCode::OK, "{whole}");
    assert_eq!(whole["entries"], own["entries"]);
    let (_, shipping) = story
        .app
        .as_(&story.shipping)
        .get("/governance/audit")
        .await;
    let subjects: Vec<&str> = shipping["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["subject"].as_str().unwrap())
        .collect();
    assert!(
        !subjects.is_empty() && subjects.iter().all(|s| *s == "shipments-value"),
        "{subjects:?}"
    );
    assert_error(
        &story.app.get("/governance/audit").await,
        StatusCode::UNAUTHORIZED,
        40101,
    );
    let billing = story.app.as_(&story.billing);
    assert_error(
        &billing.get("/governance/audit?subject=orders-value").await,
        StatusCode::FORBIDDEN,
        40301,
    );
}

#[tokio::test]
async fn with_authentication_off_changes_are_recorded_as_anonymous() {
    let app = TestApp::new().await;
    app.register("s", "\"string\"").await;
    let (status, audit) = app.get("/governance/audit").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(audit["entries"][0]["principal"], "anonymous");
    assert_eq!(audit["entries"][0]["action"], "schema.registered");
}

#[tokio::test]
async fn granting_a_consumer_twice_keeps_the_first_grant_and_its_one_audit_entry() {
    let story = Story::new(ReadAccess::Open).await;
    let admin = story.app.admin();
    let (_, before) = admin
        .get("/governance/subjects/orders-value/consumers")
        .await;
    let grant = "/governance/subjects/orders-value/consumers/billing";
    let (status, body) = story.app.as_(&story.orders).put(grant, json!({})).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let (_, after) = admin
        .get("/governance/subjects/orders-value/consumers")
        .await;
    assert_eq!(after, before);
    let (_, audit) = admin
        .get("/governance/audit?subject=orders-value&service=billing")
        .await;
    let grants = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "consumer.granted")
        .count();
    assert_eq!(grants, 1, "{audit}");
}
