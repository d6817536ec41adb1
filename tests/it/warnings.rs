//! What Confluent registers although Accord's stricter checks object: the Confluent API answers
//! as Confluent does, and the objections are warnings where people look (the impact answer here;
//! `accord check` and the web UI in their own tests).

use axum::http::StatusCode;
use serde_json::{json, Value};

use crate::support::*;

const INVALID_DEFAULT: &str =
    r#"{"type":"record","name":"Order","fields":[{"name":"id","type":"int","default":"x"}]}"#;

fn impact_warnings(reply: &(StatusCode, Value)) -> Vec<String> {
    assert_eq!(reply.0, StatusCode::OK, "{:?}", reply.1);
    serde_json::from_value(reply.1["warnings"].clone()).expect("a warnings list")
}

#[tokio::test]
async fn an_avro_field_default_of_the_wrong_type_registers_but_not_normalized_as_in_confluent() {
    let app = TestApp::new().await;

    let registered = app
        .post(
            "/subjects/orders-value/versions",
            json!({ "schema": INVALID_DEFAULT }),
        )
        .await;
    let normalized = app
        .post(
            "/subjects/normalized-value/versions?normalize=true",
            json!({ "schema": INVALID_DEFAULT }),
        )
        .await;

    assert_eq!(registered.0, StatusCode::OK, "{:?}", registered.1);
    let message = assert_error(&normalized, StatusCode::UNPROCESSABLE_ENTITY, 42201);
    assert!(
        message.contains("invalid default for field 'id'"),
        "{message}"
    );
    let impact = app
        .post(
            "/governance/subjects/orders-value/impact",
            json!({ "schema": INVALID_DEFAULT }),
        )
        .await;
    assert_eq!(
        impact_warnings(&impact),
        ["record 'Order': invalid default for field 'id': \"x\" is not a valid int value"]
    );
    assert_eq!(impact.1["compatible"], true);
}

#[tokio::test]
async fn json_that_is_not_a_schema_object_registers_as_in_confluent_and_is_warned_of() {
    let app = TestApp::new().await;
    let body = json!({ "schema": "[]", "schemaType": "JSON" });

    let registered = app.post("/subjects/odd-value/versions", body.clone()).await;

    assert_eq!(registered.0, StatusCode::OK, "{:?}", registered.1);
    let (_, version) = app.get("/subjects/odd-value/versions/1").await;
    assert_eq!(version["schema"], "[]");
    let warnings = impact_warnings(
        &app.post("/governance/subjects/odd-value/impact", body)
            .await,
    );
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].starts_with("a JSON Schema is an object or a boolean, not []"),
        "{warnings:?}"
    );
}

#[tokio::test]
async fn a_schema_the_stricter_checks_pass_has_no_warnings() {
    let app = TestApp::new().await;
    let schema =
        r#"{"type":"record","name":"Order","fields":[{"name":"id","type":"int","default":1}]}"#;

    let impact = app
        .post(
            "/governance/subjects/orders-value/impact",
            json!({ "schema": schema }),
        )
        .await;

    assert!(impact_warnings(&impact).is_empty());
}

#[tokio::test]
async fn a_proto_import_naming_no_reference_registers_as_in_confluent_and_is_warned_of() {
    let app = TestApp::new().await;
    let unused = "syntax = \"proto3\";\nimport \"missing.proto\";\nmessage M { string a = 1; }\n";
    let registered = app
        .post(
            "/subjects/unused-value/versions",
            json!({ "schema": unused, "schemaType": "PROTOBUF" }),
        )
        .await;
    assert_eq!(registered.0, StatusCode::OK, "{:?}", registered.1);

    // A reference registered under another name still provides the imported types.
    let dep = "syntax = \"proto3\";\npackage dep;\nmessage D { int32 v = 1; }\n";
    app.post(
        "/subjects/dep/versions",
        json!({ "schema": dep, "schemaType": "PROTOBUF" }),
    )
    .await;
    let holder = json!({
        "schema": "syntax = \"proto3\";\nimport \"dep.proto\";\nmessage H { dep.D d = 1; }\n",
        "schemaType": "PROTOBUF",
        "references": [{ "name": "other.proto", "subject": "dep", "version": 1 }],
    });
    let renamed = app
        .post("/subjects/holder-value/versions", holder.clone())
        .await;
    assert_eq!(renamed.0, StatusCode::OK, "{:?}", renamed.1);
    // Without the reference, the type resolves nowhere.
    let mut alone = holder.clone();
    alone["references"] = json!([]);
    let refused = app.post("/subjects/alone-value/versions", alone).await;
    assert_error(&refused, StatusCode::UNPROCESSABLE_ENTITY, 42201);

    let impact = app
        .post("/governance/subjects/holder-value/impact", holder)
        .await;
    let warnings = impact_warnings(&impact);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("import 'dep.proto'"), "{warnings:?}");
}
