//! Protobuf over HTTP: registration, references, normalization, formats and compatibility.

use axum::http::StatusCode;
use base64::Engine;
use prost::Message;
use prost_types::FileDescriptorProto;
use serde_json::{json, Value};

use crate::support::*;

const ORDER: &str = r#"syntax = "proto3";
package shop;

message Order {
  string id = 1;
  int32 quantity = 2;
  string note = 3;
}
"#;

/// `ORDER` with `quantity` turned from a number into a string.
const ORDER_QUANTITY_AS_STRING: &str = r#"syntax = "proto3";
package shop;

message Order {
  string id = 1;
  string quantity = 2;
  string note = 3;
}
"#;

/// `ORDER` without its `note` field.
const ORDER_WITHOUT_NOTE: &str = r#"syntax = "proto3";
package shop;

message Order {
  string id = 1;
  int32 quantity = 2;
}
"#;

/// `ORDER` with its fields declared in another order, with comments and other spacing.
const ORDER_REORDERED: &str = r#"syntax = "proto3";
package shop;

// The same message, written differently.
message Order {
  string note = 3;
  string id = 1;   int32 quantity = 2;
}
"#;

const PLACED: &str = r#"syntax = "proto3";
package shop;

import "google/protobuf/timestamp.proto";

message Placed {
  string id = 1;
  google.protobuf.Timestamp at = 2;
}
"#;

const MONEY: &str = r#"syntax = "proto3";
package shop;

message Money {
  int64 cents = 1;
  string currency = 2;
}
"#;

const INVOICE: &str = r#"syntax = "proto3";
package shop;

import "money.proto";

message Invoice {
  string id = 1;
  Money total = 2;
}
"#;

fn protobuf(schema: &str) -> Value {
    json!({ "schema": schema, "schemaType": "PROTOBUF" })
}

fn money_reference() -> Value {
    json!([{ "name": "money.proto", "subject": "money", "version": 1 }])
}

/// Decodes the base64 `FileDescriptorProto` that `format=serialized` answers.
fn descriptor(base64_text: &Value) -> FileDescriptorProto {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(base64_text.as_str().expect("a base64 string"))
        .expect("valid base64");
    FileDescriptorProto::decode(bytes.as_slice()).expect("a FileDescriptorProto")
}

fn field_names(file: &FileDescriptorProto, message: usize) -> Vec<String> {
    file.message_type[message]
        .field
        .iter()
        .map(|f| f.name().to_string())
        .collect()
}

#[tokio::test]
async fn a_proto_file_registers_and_reads_back_as_protobuf_text() {
    let app = TestApp::new().await;
    let id = register_typed(&app, "orders-value", "PROTOBUF", ORDER, json!([])).await;

    let (status, body) = app.get(&format!("/schemas/ids/{id}")).await;

    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["schemaType"], "PROTOBUF");
    let text = body["schema"].as_str().expect("schema text");
    assert!(text.contains("message Order {"), "{text}");
    assert!(text.contains("int32 quantity = 2;"), "{text}");
    let (_, version) = app.get("/subjects/orders-value/versions/1").await;
    assert_eq!(version["schemaType"], "PROTOBUF");
    assert_eq!(version["schema"], body["schema"]);
}

#[tokio::test]
async fn format_serialized_answers_a_base64_file_descriptor_by_id_and_by_version() {
    let app = TestApp::new().await;
    let id = register_typed(&app, "orders-value", "PROTOBUF", ORDER, json!([])).await;

    let (status, by_id) = app
        .get(&format!("/schemas/ids/{id}?format=serialized"))
        .await;
    let (_, by_version) = app
        .get("/subjects/orders-value/versions/1?format=serialized")
        .await;

    assert_eq!(status, StatusCode::OK, "{by_id}");
    assert_eq!(by_id["schemaType"], "PROTOBUF");
    let file = descriptor(&by_id["schema"]);
    assert_eq!(file.package(), "shop");
    assert_eq!(file.message_type[0].name(), "Order");
    assert_eq!(field_names(&file, 0), ["id", "quantity", "note"]);
    assert_eq!(descriptor(&by_version["schema"]), file);
}

#[tokio::test]
async fn the_serialized_descriptor_of_a_registered_file_registers_as_the_same_id() {
    let app = TestApp::new().await;
    let id = register_typed(&app, "orders-value", "PROTOBUF", ORDER, json!([])).await;
    let (_, serialized) = app
        .get(&format!("/schemas/ids/{id}?format=serialized"))
        .await;
    let base64_text = serialized["schema"].as_str().unwrap();

    let same = register_typed(&app, "orders-copy", "PROTOBUF", base64_text, json!([])).await;

    assert_eq!(same, id);
    let (_, copy) = app.get("/subjects/orders-copy/versions/1").await;
    assert!(copy["schema"].as_str().unwrap().contains("message Order"));
}

#[tokio::test]
async fn a_file_importing_a_well_known_type_registers_without_references() {
    let app = TestApp::new().await;

    let (status, body) = app
        .post("/subjects/placed-value/versions", protobuf(PLACED))
        .await;

    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, version) = app.get("/subjects/placed-value/versions/1").await;
    let text = version["schema"].as_str().unwrap();
    assert!(text.contains("google/protobuf/timestamp.proto"), "{text}");
    assert_eq!(version.get("references"), None, "{version}");
}

#[tokio::test]
async fn a_file_importing_confluent_and_google_type_files_registers_without_references() {
    let app = TestApp::new().await;
    let priced = r#"syntax = "proto3";
package shop;

import "confluent/meta.proto";
import "confluent/type/decimal.proto";
import "google/type/date.proto";

message Priced {
  confluent.type.Decimal amount = 1 [(confluent.field_meta).doc = "in cents"];
  google.type.Date day = 2;
}
"#;

    let (status, body) = app
        .post("/subjects/priced-value/versions", protobuf(priced))
        .await;

    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, serialized) = app
        .get("/subjects/priced-value/versions/1?format=serialized")
        .await;
    assert_eq!(
        descriptor(&serialized["schema"]).dependency,
        [
            "confluent/meta.proto",
            "confluent/type/decimal.proto",
            "google/type/date.proto"
        ]
    );
}

#[tokio::test]
async fn a_file_importing_another_registered_file_registers_through_a_reference() {
    let app = TestApp::new().await;
    register_typed(&app, "money", "PROTOBUF", MONEY, json!([])).await;

    let (status, body) = app
        .post(
            "/subjects/invoices-value/versions",
            json!({ "schema": INVOICE, "schemaType": "PROTOBUF", "references": money_reference() }),
        )
        .await;

    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, version) = app.get("/subjects/invoices-value/versions/1").await;
    assert_eq!(version["references"], money_reference());
    let (_, referenced_by) = app.get("/subjects/money/versions/1/referencedby").await;
    assert_eq!(referenced_by, json!([body["id"]]));
    let (_, serialized) = app
        .get("/subjects/invoices-value/versions/1?format=serialized")
        .await;
    assert_eq!(
        descriptor(&serialized["schema"]).dependency,
        ["money.proto"]
    );
}

#[tokio::test]
async fn an_import_without_its_reference_is_an_invalid_schema_naming_the_type_it_lacks() {
    let app = TestApp::new().await;
    register_typed(&app, "money", "PROTOBUF", MONEY, json!([])).await;

    let reply = app
        .post("/subjects/invoices-value/versions", protobuf(INVOICE))
        .await;

    // As in Confluent, the import alone is no error ("Could not resolve type"): the type the
    // schema uses from it is.
    let message = assert_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, 42201);
    assert!(message.contains("'Money' is not defined"), "{message}");
}

#[tokio::test]
async fn an_invalid_proto_file_is_refused_with_its_line_and_column() {
    let app = TestApp::new().await;
    let broken = "syntax = \"proto3\";\n\nmessage Broken {\n  string id = 1\n}\n";

    let reply = app
        .post("/subjects/broken-value/versions", protobuf(broken))
        .await;

    let message = assert_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, 42201);
    assert!(message.contains("line 5, column 1"), "{message}");
}

#[tokio::test]
async fn normalize_makes_equivalent_files_written_differently_share_an_id() {
    let app = TestApp::new().await;
    let (_, first) = app
        .post(
            "/subjects/orders-value/versions?normalize=true",
            protobuf(ORDER),
        )
        .await;

    let (_, normalized) = app
        .post(
            "/subjects/orders-copy/versions?normalize=true",
            protobuf(ORDER_REORDERED),
        )
        .await;
    let (_, verbatim) = app
        .post(
            "/subjects/orders-verbatim/versions",
            protobuf(ORDER_REORDERED),
        )
        .await;

    assert!(first["id"].is_i64(), "{first}");
    assert_eq!(normalized["id"], first["id"]);
    assert_ne!(verbatim["id"], first["id"]);
}

#[tokio::test]
async fn lookup_finds_a_registered_proto_file_in_its_subject() {
    let app = TestApp::new().await;
    register_typed(
        &app,
        "orders-value",
        "PROTOBUF",
        ORDER_WITHOUT_NOTE,
        json!([]),
    )
    .await;
    let id = register_typed(&app, "orders-value", "PROTOBUF", ORDER, json!([])).await;

    let (status, found) = app.post("/subjects/orders-value", protobuf(ORDER)).await;

    assert_eq!(status, StatusCode::OK, "{found}");
    assert_eq!(found["subject"], "orders-value");
    assert_eq!(found["version"], 2);
    assert_eq!(found["id"], id);
    assert_eq!(found["schemaType"], "PROTOBUF");
}

#[tokio::test]
async fn a_field_type_change_across_scalar_groups_is_refused_under_backward() {
    let app = TestApp::new().await;
    register_typed(&app, "orders-value", "PROTOBUF", ORDER, json!([])).await;

    let refused = app
        .post(
            "/subjects/orders-value/versions",
            protobuf(ORDER_QUANTITY_AS_STRING),
        )
        .await;
    let (status, verdict) = app
        .post(
            "/compatibility/subjects/orders-value/versions/latest?verbose=true",
            protobuf(ORDER_QUANTITY_AS_STRING),
        )
        .await;

    assert_error(&refused, StatusCode::CONFLICT, 409);
    assert_eq!(status, StatusCode::OK, "{verdict}");
    assert_eq!(verdict["is_compatible"], false);
    let messages = verdict["messages"].to_string();
    assert!(messages.contains("FIELD_SCALAR_KIND_CHANGED"), "{messages}");
    assert!(messages.contains("at path '#/Order/2'"), "{messages}");
}

#[tokio::test]
async fn removing_a_field_is_compatible_as_confluent_decides() {
    let app = TestApp::new().await;
    register_typed(&app, "orders-value", "PROTOBUF", ORDER, json!([])).await;

    let (status, verdict) = app
        .post(
            "/compatibility/subjects/orders-value/versions/latest",
            protobuf(ORDER_WITHOUT_NOTE),
        )
        .await;
    let (registered, body) = app
        .post(
            "/subjects/orders-value/versions",
            protobuf(ORDER_WITHOUT_NOTE),
        )
        .await;

    assert_eq!(status, StatusCode::OK, "{verdict}");
    assert_eq!(verdict["is_compatible"], true);
    assert_eq!(registered, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn registering_the_same_proto_file_again_returns_the_same_id() {
    let app = TestApp::new().await;
    let id = register_typed(&app, "orders-value", "PROTOBUF", ORDER, json!([])).await;

    let again = register_typed(&app, "orders-value", "PROTOBUF", ORDER, json!([])).await;

    assert_eq!(again, id);
    let (_, versions) = app.get("/subjects/orders-value/versions").await;
    assert_eq!(versions, json!([1]));
}

#[tokio::test]
async fn an_avro_record_registered_as_protobuf_is_an_invalid_schema() {
    let app = TestApp::new().await;
    let avro = record("Order", &[ID]);

    let reply = app
        .post("/subjects/orders-value/versions", protobuf(&avro))
        .await;

    assert_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, 42201);
}
