//! Registering versions: ids shared by equal schemas, normalization, explicit versions, empty
//! schemas, metadata and rule sets.

use axum::http::StatusCode;
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn registering_returns_only_the_id_and_creates_version_one() {
    let app = TestApp::new().await;
    let (status, body) = app
        .post(
            "/subjects/orders-value/versions",
            json!({ "schema": record("Order", &[ID]) }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({ "id": 1 }));
    let (_, versions) = app.get("/subjects/orders-value/versions").await;
    assert_eq!(versions, json!([1]));
}

#[tokio::test]
async fn re_registering_the_same_schema_returns_its_id_and_creates_no_version() {
    let app = TestApp::new().await;
    let first = app.register("orders-value", &record("Order", &[ID])).await;
    // The same schema with other whitespace and key order is the same schema.
    let spaced = r#"{ "name": "Order", "type": "record", "fields": [ { "type": "string", "name": "id" } ] }"#;
    let second = app.register("orders-value", spaced).await;
    assert_eq!(first, second);
    assert_eq!(
        app.get("/subjects/orders-value/versions").await.1,
        json!([1])
    );
}

#[tokio::test]
async fn the_same_schema_under_two_subjects_shares_one_id_with_independent_versions() {
    let app = TestApp::new().await;
    app.register("a-value", &record("A", &[ID])).await;
    let shared = app.register("b-value", &record("Order", &[ID])).await;
    let again = app.register("c-value", &record("Order", &[ID])).await;
    assert_eq!(shared, again);
    assert_eq!(
        app.get("/subjects/c-value/versions/latest").await.1["version"],
        1
    );
    let (_, subjects) = app.get(&format!("/schemas/ids/{shared}/subjects")).await;
    assert_eq!(subjects, json!(["b-value", "c-value"]));
}

#[tokio::test]
async fn normalize_gives_equivalent_schemas_one_id() {
    let app = TestApp::new().await;
    let plain = r#"{"type":"record","name":"Order","namespace":"shop","fields":[{"name":"id","type":{"type":"string"}}]}"#;
    let full_name =
        r#"{"type":"record","name":"shop.Order","fields":[{"name":"id","type":"string"}]}"#;
    let (_, first) = app
        .post(
            "/subjects/n-value/versions?normalize=true",
            json!({ "schema": plain }),
        )
        .await;
    let (_, second) = app
        .post(
            "/subjects/n-value/versions?normalize=True",
            json!({ "schema": full_name }),
        )
        .await;
    assert_eq!(first["id"], second["id"]);
    assert_eq!(app.get("/subjects/n-value/versions").await.1, json!([1]));
    let (_, looked_up) = app
        .post(
            "/subjects/n-value?normalize=true",
            json!({ "schema": full_name }),
        )
        .await;
    assert_eq!(looked_up["version"], 1);
}

#[tokio::test]
async fn an_explicit_version_must_be_the_next_one() {
    let app = TestApp::new().await;
    let wrong = app
        .post(
            "/subjects/s/versions",
            json!({ "schema": "\"string\"", "version": 3 }),
        )
        .await;
    assert_eq!(
        assert_error(&wrong, StatusCode::UNPROCESSABLE_ENTITY, 42201),
        "Version is not one more than previous version"
    );
    let right = app
        .post(
            "/subjects/s/versions",
            json!({ "schema": "\"string\"", "version": 1 }),
        )
        .await;
    assert_eq!(right.0, StatusCode::OK);
}

#[tokio::test]
async fn an_empty_schema_reuses_the_latest_version_or_is_invalid() {
    let app = TestApp::new().await;
    let empty = app
        .post("/subjects/s/versions", json!({ "schema": "" }))
        .await;
    assert_error(&empty, StatusCode::UNPROCESSABLE_ENTITY, 42201);
    let id = app.register("s", "\"string\"").await;
    let (_, reused) = app.post("/subjects/s/versions", json!({})).await;
    assert_eq!(reused["id"], id);
}

#[tokio::test]
async fn metadata_is_stored_and_returned_and_a_rule_set_dropped_as_confluent_drops_it() {
    let app = TestApp::new().await;
    let metadata = json!({ "properties": { "owner": "payments" } });
    let rule_set = json!({ "domainRules": [{ "name": "checkQty", "kind": "CONDITION", "type": "CEL", "expr": "message.qty > 0" }] });
    let (status, body) = app
        .post(
            "/subjects/s/versions",
            json!({ "schema": "\"string\"", "metadata": metadata, "ruleSet": rule_set, "unknownField": 1 }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["metadata"], metadata);
    let (_, version) = app.get("/subjects/s/versions/1").await;
    assert_eq!(version["metadata"], metadata);
    // Confluent 7.9's open-source registry keeps no rule set.
    assert_eq!(version.get("ruleSet"), None);
    let (_, by_id) = app.get(&format!("/schemas/ids/{}", body["id"])).await;
    assert_eq!(by_id["metadata"], metadata);
}
