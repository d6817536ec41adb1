//! Associations as Confluent 8.x answers them: a topic linked to its key and value subjects,
//! created, looked up by name (any namespace with `-`), id and subject, and deleted; what a
//! serializer's first lookup finds; every refusal in Confluent's shape.

use axum::http::StatusCode;
use serde_json::{json, Value};

use crate::support::*;

fn orders(associations: Value) -> Value {
    json!({
        "resourceName": "orders",
        "resourceNamespace": "lkc-1",
        "resourceId": "t-0001",
        "resourceType": "topic",
        "associations": associations,
    })
}

async fn with_orders_subjects() -> TestApp {
    let app = TestApp::new().await;
    app.register("orders-value", "\"string\"").await;
    app.register("orders-key", "\"long\"").await;
    app
}

fn entry(subject: &str, kind: &str) -> Value {
    json!({
        "subject": subject, "resourceName": "orders", "resourceNamespace": "lkc-1",
        "resourceId": "t-0001", "resourceType": "topic", "associationType": kind,
        "lifecycle": "WEAK", "frozen": false,
    })
}

#[tokio::test]
async fn a_created_association_is_found_by_name_id_and_subject() {
    let app = with_orders_subjects().await;

    let created = app
        .post(
            "/associations",
            orders(json!([{ "subject": "orders-value", "associationType": "value" }, { "associationType": "key", "lifecycle": "WEAK" }])),
        )
        .await;

    assert_eq!(created.0, StatusCode::OK, "{}", created.1);
    assert_eq!(
        created.1,
        json!({
            "resourceName": "orders", "resourceNamespace": "lkc-1", "resourceId": "t-0001",
            "resourceType": "topic",
            "associations": [
                { "subject": "orders-key", "associationType": "key", "lifecycle": "WEAK", "frozen": false },
                { "subject": "orders-value", "associationType": "value", "lifecycle": "WEAK", "frozen": false },
            ]
        })
    );
    let value = app
        .get("/associations/resources/-/orders?resourceType=topic&associationType=value")
        .await;
    assert_eq!(
        value,
        (StatusCode::OK, json!([entry("orders-value", "value")]))
    );
    let both = json!([entry("orders-key", "key"), entry("orders-value", "value")]);
    assert_eq!(
        app.get("/associations/resources/lkc-1/orders").await.1,
        both
    );
    assert_eq!(app.get("/associations/resources/t-0001").await.1, both);
    assert_eq!(
        app.get("/associations/resources/lkc-2/orders").await.1,
        json!([])
    );
    assert_eq!(
        app.get("/associations/subjects/orders-key").await.1,
        json!([entry("orders-key", "key")])
    );
    assert_eq!(
        app.get("/associations/resources/t-0001?limit=1&offset=1")
            .await
            .1,
        json!([entry("orders-value", "value")])
    );
    assert_eq!(
        app.get("/associations/resources/t-0001?lifecycle=STRONG")
            .await
            .1,
        json!([])
    );
}

#[tokio::test]
async fn a_serializers_lookup_of_a_topic_without_associations_is_an_empty_list() {
    let app = TestApp::new().await;
    for kind in ["key", "value"] {
        let reply = app
            .get(&format!(
                "/associations/resources/-/payments?resourceType=topic&associationType={kind}"
            ))
            .await;
        assert_eq!(reply, (StatusCode::OK, json!([])));
    }
}

#[tokio::test]
async fn creating_the_same_association_again_changes_nothing() {
    let app = with_orders_subjects().await;
    let body = orders(json!([{ "subject": "orders-value" }]));
    let first = app.post("/associations", body.clone()).await;

    let again = app.post("/associations", body).await;

    assert_eq!(first.0, StatusCode::OK);
    assert_eq!(again, first);
    assert_eq!(
        app.get("/associations/resources/t-0001")
            .await
            .1
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn an_association_that_clashes_is_refused_with_confluents_409s() {
    let app = with_orders_subjects().await;
    app.register("other-value", "\"int\"").await;
    app.post(
        "/associations",
        orders(json!([{ "subject": "orders-value" }])),
    )
    .await;

    let taken = app
        .post(
            "/associations",
            orders(json!([{ "subject": "other-value" }])),
        )
        .await;
    let mut elsewhere = orders(json!([{ "subject": "orders-value" }]));
    elsewhere["resourceId"] = json!("t-0002");
    elsewhere["resourceName"] = json!("orders-v2");
    let elsewhere = app.post("/associations", elsewhere).await;
    let unregistered = app
        .post(
            "/associations",
            orders(json!([{ "subject": "nobody-value", "associationType": "key" }])),
        )
        .await;

    assert_eq!(
        assert_error(&taken, StatusCode::CONFLICT, 40903),
        "An association of type 'value' already exists for resource 'orders'"
    );
    assert_eq!(
        assert_error(&elsewhere, StatusCode::CONFLICT, 40904),
        "An association already exists for subject 'orders-value'"
    );
    assert_eq!(
        assert_error(&unregistered, StatusCode::CONFLICT, 40907),
        "No active (non-deleted) version exists for subject 'nobody-value'"
    );
    assert_eq!(
        app.get("/associations/resources/t-0001").await.1,
        json!([entry("orders-value", "value")])
    );
}

#[tokio::test]
async fn an_invalid_association_is_refused_with_42212_naming_the_property() {
    let app = with_orders_subjects().await;
    let mut no_name = orders(json!([{}]));
    no_name["resourceName"] = Value::Null;
    let mut table = orders(json!([{}]));
    table["resourceType"] = json!("table");
    let cases = [
        (no_name, "'resourceName', reason: cannot be null or empty"),
        (table, "'resourceType', reason: must be 'topic'"),
        (
            orders(json!([])),
            "'associations', reason: cannot be null or empty",
        ),
        (
            orders(json!([{ "associationType": "header" }])),
            "'associationType', reason: must be 'key' or 'value'",
        ),
        (
            orders(json!([{ "lifecycle": "FOREVER" }])),
            "'lifecycle', reason: must be STRONG or WEAK",
        ),
        (
            orders(json!([{ "subject": "orders-key", "frozen": true }])),
            "'subject', reason: frozen associations must use subject 'orders-value'",
        ),
        (
            orders(json!([{ "schema": { "schema": "\"string\"" } }])),
            "'schema', reason: registering a schema",
        ),
    ];
    for (body, reason) in cases {
        let refused = app.post("/associations", body).await;
        let message = assert_error(&refused, StatusCode::UNPROCESSABLE_ENTITY, 42212);
        assert!(
            message.starts_with("The association specified an invalid value for property: ")
                && message.contains(reason),
            "{message}"
        );
    }
    let wrong_kind = app
        .post("/associations", json!({ "resourceName": 5 }))
        .await;
    assert_eq!(
        wrong_kind.0,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        wrong_kind.1
    );
    assert_eq!(app.get("/associations/resources/t-0001").await.1, json!([]));
    let bad_lookup = app
        .get("/associations/resources/-/orders?associationType=header")
        .await;
    assert_error(&bad_lookup, StatusCode::UNPROCESSABLE_ENTITY, 42212);
}

#[tokio::test]
async fn deleting_removes_the_types_asked_for_and_nothing_left_is_40410() {
    let app = with_orders_subjects().await;
    app.post(
        "/associations",
        orders(json!([{ "associationType": "key" }, { "associationType": "value" }])),
    )
    .await;

    let key = app
        .delete("/associations/resources/t-0001?associationType=key")
        .await;
    let left = app.get("/associations/resources/-/orders").await.1;
    let rest = app.delete("/associations/resources/t-0001").await;
    let again = app.delete("/associations/resources/t-0001").await;

    assert_eq!(key.0, StatusCode::NO_CONTENT);
    assert_eq!(left, json!([entry("orders-value", "value")]));
    assert_eq!(rest.0, StatusCode::NO_CONTENT);
    assert_eq!(
        assert_error(&again, StatusCode::NOT_FOUND, 40410),
        "Association for 't-0001' not found."
    );
    assert_eq!(
        app.get("/associations/subjects/orders-value").await.1,
        json!([])
    );
}
