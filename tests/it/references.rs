//! Schema references: named types from other subjects, `referencedby`, and safe deletion.

use axum::http::StatusCode;
use serde_json::{json, Value};

use crate::support::*;

const MONEY: &str = r#"{"type":"record","name":"Money","namespace":"shop","fields":[{"name":"cents","type":"long"}]}"#;

fn order_using_money() -> Value {
    json!({
        "schema": r#"{"type":"record","name":"Order","namespace":"shop","fields":[{"name":"total","type":"shop.Money"}]}"#,
        "references": [{ "name": "shop.Money", "subject": "money", "version": 1 }]
    })
}

#[tokio::test]
async fn a_schema_can_use_a_type_registered_under_another_subject() {
    let app = TestApp::new().await;
    let money = app.register("money", MONEY).await;
    let (status, body) = app
        .post("/subjects/orders-value/versions", order_using_money())
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, version) = app.get("/subjects/orders-value/versions/1").await;
    assert_eq!(version["references"], order_using_money()["references"]);
    let (_, by_id) = app.get(&format!("/schemas/ids/{}", body["id"])).await;
    assert_eq!(by_id["references"][0]["subject"], "money");
    let (_, referenced_by) = app.get("/subjects/money/versions/1/referencedby").await;
    assert_eq!(referenced_by, json!([body["id"]]));
    assert_ne!(money, body["id"].as_i64().unwrap());
    // Looking it up needs the same references.
    let (status, found) = app
        .post("/subjects/orders-value", order_using_money())
        .await;
    assert_eq!(status, StatusCode::OK, "{found}");
}

#[tokio::test]
async fn a_missing_reference_or_unknown_type_is_an_invalid_schema() {
    let app = TestApp::new().await;
    let missing = app
        .post("/subjects/orders-value/versions", order_using_money())
        .await;
    let message = assert_error(&missing, StatusCode::UNPROCESSABLE_ENTITY, 42201);
    assert!(message.contains("money"), "{message}");
    let mut no_refs = order_using_money();
    no_refs["references"] = json!([]);
    app.register("money", MONEY).await;
    let unknown = app.post("/subjects/orders-value/versions", no_refs).await;
    assert_error(&unknown, StatusCode::UNPROCESSABLE_ENTITY, 42201);
}

#[tokio::test]
async fn a_referenced_version_cannot_be_deleted() {
    let app = TestApp::new().await;
    app.register("money", MONEY).await;
    app.post("/subjects/orders-value/versions", order_using_money())
        .await;
    let version = app.delete("/subjects/money/versions/1").await;
    assert_eq!(
        assert_error(&version, StatusCode::UNPROCESSABLE_ENTITY, 42206),
        "One or more references exist to the schema {magic=1,keytype=SCHEMA,subject=money,version=1}."
    );
    assert_error(
        &app.delete("/subjects/money").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        42206,
    );
    // Once the referrer is gone, the referenced version may go.
    app.delete("/subjects/orders-value").await;
    assert_eq!(
        app.delete("/subjects/money/versions/1").await.0,
        StatusCode::OK
    );
    // A soft-deleted referrer does not block a permanent deletion either, as in Confluent's
    // registry; registered again, the referenced schema gets a new id.
    assert_eq!(
        app.delete("/subjects/money/versions/1?permanent=true")
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(app.register("money", MONEY).await, 3);
}

#[tokio::test]
async fn referencedby_lists_soft_deleted_referrers_only_when_asked() {
    let app = TestApp::new().await;
    app.register("money", MONEY).await;
    let (_, order) = app
        .post("/subjects/orders-value/versions", order_using_money())
        .await;
    app.delete("/subjects/orders-value").await;
    assert_eq!(
        app.get("/subjects/money/versions/1/referencedby").await.1,
        json!([])
    );
    assert_eq!(
        app.get("/subjects/money/versions/1/referencedby?deleted=true")
            .await
            .1,
        json!([order["id"]])
    );
}

#[tokio::test]
async fn a_soft_deleted_version_still_resolves_by_number_but_not_as_latest() {
    let app = TestApp::new().await;
    app.register("money", MONEY).await;
    app.delete("/subjects/money/versions/1").await;
    let (status, body) = app
        .post("/subjects/orders-value/versions", order_using_money())
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let mut latest = order_using_money();
    latest["references"][0]["version"] = json!(-1);
    let refused = app.post("/subjects/invoices-value/versions", latest).await;
    assert_error(&refused, StatusCode::UNPROCESSABLE_ENTITY, 42201);
}

#[tokio::test]
async fn a_permanent_delete_of_a_referenced_live_subject_names_the_reference_first() {
    let app = TestApp::new().await;
    app.register("money", MONEY).await;
    app.post("/subjects/orders-value/versions", order_using_money())
        .await;
    let refused = app.delete("/subjects/money?permanent=true").await;
    assert_error(&refused, StatusCode::UNPROCESSABLE_ENTITY, 42206);
}
