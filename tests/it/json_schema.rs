//! JSON Schema over HTTP: registration, references, normalization and compatibility.

use axum::http::StatusCode;
use serde_json::{json, Value};

use crate::support::*;

const DRAFT_7: &str = r#"{"$schema":"http://json-schema.org/draft-07/schema#","type":"object","properties":{"id":{"type":"string"}},"required":["id"]}"#;

const DRAFT_2020_12: &str = r#"{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","properties":{"tags":{"type":"array","prefixItems":[{"type":"string"}],"items":{"type":"integer"}}}}"#;

const ADDRESS: &str =
    r#"{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}"#;

const CUSTOMER: &str = r#"{"type":"object","properties":{"name":{"type":"string"},"address":{"$ref":"address.schema.json"}}}"#;

/// A closed model: no property beyond `id`.
const CLOSED: &str =
    r#"{"type":"object","properties":{"id":{"type":"string"}},"additionalProperties":false}"#;

/// `CLOSED` with an optional `note`.
const CLOSED_WITH_NOTE: &str = r#"{"type":"object","properties":{"id":{"type":"string"},"note":{"type":"string"}},"additionalProperties":false}"#;

/// `CLOSED` with a required `name` that has no default.
const CLOSED_WITH_REQUIRED_NAME: &str = r#"{"type":"object","properties":{"id":{"type":"string"},"name":{"type":"string"}},"required":["name"],"additionalProperties":false}"#;

fn json_schema(schema: &str) -> Value {
    json!({ "schema": schema, "schemaType": "JSON" })
}

fn address_reference() -> Value {
    json!([{ "name": "address.schema.json", "subject": "address", "version": 1 }])
}

fn quantity(of_type: &str) -> String {
    format!(r#"{{"type":"object","properties":{{"quantity":{{"type":"{of_type}"}}}}}}"#)
}

#[tokio::test]
async fn a_draft_7_schema_registers_and_reads_back_as_json() {
    let app = TestApp::new().await;
    let id = register_typed(&app, "orders-value", "JSON", DRAFT_7, json!([])).await;

    let (status, body) = app.get(&format!("/schemas/ids/{id}")).await;

    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["schemaType"], "JSON");
    let schema: Value = serde_json::from_str(body["schema"].as_str().unwrap()).unwrap();
    assert_eq!(schema, serde_json::from_str::<Value>(DRAFT_7).unwrap());
}

#[tokio::test]
async fn a_draft_2020_12_schema_registers() {
    let app = TestApp::new().await;

    let (status, body) = app
        .post("/subjects/tags-value/versions", json_schema(DRAFT_2020_12))
        .await;

    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, version) = app.get("/subjects/tags-value/versions/latest").await;
    assert_eq!(version["schemaType"], "JSON");
    assert_eq!(version["id"], body["id"]);
}

#[tokio::test]
async fn a_schema_that_breaks_the_meta_schema_is_an_invalid_schema() {
    let app = TestApp::new().await;

    let reply = app
        .post("/subjects/bad-value/versions", json_schema(r#"{"type":5}"#))
        .await;

    assert_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, 42201);
}

#[tokio::test]
async fn a_ref_to_a_schema_of_another_subject_resolves_through_references() {
    let app = TestApp::new().await;
    register_typed(&app, "address", "JSON", ADDRESS, json!([])).await;

    let (status, body) = app
        .post(
            "/subjects/customers-value/versions",
            json!({ "schema": CUSTOMER, "schemaType": "JSON", "references": address_reference() }),
        )
        .await;

    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, version) = app.get("/subjects/customers-value/versions/1").await;
    assert_eq!(version["references"], address_reference());
    let (_, referenced_by) = app.get("/subjects/address/versions/1/referencedby").await;
    assert_eq!(referenced_by, json!([body["id"]]));
}

#[tokio::test]
async fn an_unresolved_ref_is_an_invalid_schema() {
    let app = TestApp::new().await;
    register_typed(&app, "address", "JSON", ADDRESS, json!([])).await;

    let reply = app
        .post("/subjects/customers-value/versions", json_schema(CUSTOMER))
        .await;

    let message = assert_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, 42201);
    assert!(message.contains("address.schema.json"), "{message}");
}

#[tokio::test]
async fn normalize_makes_key_order_irrelevant_to_the_id() {
    let app = TestApp::new().await;
    let one_order = r#"{"type":"object","properties":{"a":{"type":"string","maxLength":3}}}"#;
    let other_order = r#"{"type":"object","properties":{"a":{"maxLength":3,"type":"string"}}}"#;
    let (_, first) = app
        .post(
            "/subjects/first-value/versions?normalize=true",
            json_schema(one_order),
        )
        .await;

    let (_, normalized) = app
        .post(
            "/subjects/second-value/versions?normalize=true",
            json_schema(other_order),
        )
        .await;
    let (_, verbatim) = app
        .post("/subjects/third-value/versions", json_schema(other_order))
        .await;

    assert!(first["id"].is_i64(), "{first}");
    assert_eq!(normalized["id"], first["id"]);
    assert_ne!(verbatim["id"], first["id"]);
}

#[tokio::test]
async fn adding_a_required_property_without_default_is_refused_under_backward() {
    let app = TestApp::new().await;
    register_typed(&app, "orders-value", "JSON", CLOSED, json!([])).await;

    let reply = app
        .post(
            "/subjects/orders-value/versions",
            json_schema(CLOSED_WITH_REQUIRED_NAME),
        )
        .await;

    assert_error(&reply, StatusCode::CONFLICT, 409);
}

#[tokio::test]
async fn adding_an_optional_property_to_a_closed_model_is_compatible() {
    let app = TestApp::new().await;
    register_typed(&app, "orders-value", "JSON", CLOSED, json!([])).await;

    let (status, body) = app
        .post(
            "/subjects/orders-value/versions",
            json_schema(CLOSED_WITH_NOTE),
        )
        .await;

    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, versions) = app.get("/subjects/orders-value/versions").await;
    assert_eq!(versions, json!([1, 2]));
}

#[tokio::test]
async fn widening_integer_to_number_is_backward_compatible() {
    let app = TestApp::new().await;
    register_typed(
        &app,
        "orders-value",
        "JSON",
        &quantity("integer"),
        json!([]),
    )
    .await;

    let (status, verdict) = app
        .post(
            "/compatibility/subjects/orders-value/versions/latest",
            json_schema(&quantity("number")),
        )
        .await;

    assert_eq!(status, StatusCode::OK, "{verdict}");
    assert_eq!(verdict["is_compatible"], true);
}

#[tokio::test]
async fn verbose_messages_name_the_json_path_of_each_change() {
    let app = TestApp::new().await;
    register_typed(&app, "orders-value", "JSON", &quantity("number"), json!([])).await;

    let (status, verdict) = app
        .post(
            "/compatibility/subjects/orders-value/versions/latest?verbose=true",
            json_schema(&quantity("integer")),
        )
        .await;

    assert_eq!(status, StatusCode::OK, "{verdict}");
    assert_eq!(verdict["is_compatible"], false);
    let messages = verdict["messages"].to_string();
    assert!(messages.contains("TYPE_NARROWED"), "{messages}");
    assert!(messages.contains("#/properties/quantity"), "{messages}");
}

#[tokio::test]
async fn schema_types_lists_avro_json_and_protobuf() {
    let app = TestApp::new().await;

    let (status, types) = app.get("/schemas/types").await;

    assert_eq!(status, StatusCode::OK);
    let mut types: Vec<&str> = types
        .as_array()
        .expect("a list")
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    types.sort_unstable();
    assert_eq!(types, ["AVRO", "JSON", "PROTOBUF"]);
}

#[tokio::test]
async fn the_same_text_as_avro_and_as_json_gets_two_ids() {
    let app = TestApp::new().await;
    let text = r#"{"type":"string"}"#;

    let avro = app.register("as-avro", text).await;
    let json = register_typed(&app, "as-json", "JSON", text, json!([])).await;

    assert_ne!(avro, json);
    let (_, by_id) = app.get(&format!("/schemas/ids/{json}")).await;
    assert_eq!(by_id["schemaType"], "JSON");
    let (_, by_id) = app.get(&format!("/schemas/ids/{avro}")).await;
    assert_eq!(by_id.get("schemaType"), None, "{by_id}");
}
