//! Generated code and sample messages over HTTP: the archive and its JSON form, the languages
//! each format supports, samples in the wire format, and read access as for the schema.

use std::io::Read;

use axum::http::{Method, StatusCode};
use base64::Engine;
use http_body_util::BodyExt;
use serde_json::{json, Value};

use accord::governance::ReadAccess;

use crate::support::*;

const MONEY: &str = include_str!("../fixtures/codegen/avro/money.avsc");
const ORDER: &str = include_str!("../fixtures/codegen/avro/order.avsc");
const PROTO_MONEY: &str = include_str!("../fixtures/codegen/protobuf/acme/shared/money.proto");
const PROTO_ORDER: &str = include_str!("../fixtures/codegen/protobuf/order.proto");

/// Registers the Avro order (referencing money under another subject); returns the order's id.
async fn register_avro_order(app: &TestApp) -> i64 {
    app.register("money-value", MONEY).await;
    let (status, body) = app
        .post(
            "/subjects/orders-value/versions",
            json!({
                "schema": ORDER,
                "references": [{ "name": "com.acme.shared.Money", "subject": "money-value", "version": 1 }]
            }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["id"].as_i64().unwrap()
}

async fn files_as_json(app: &TestApp, path: &str) -> (StatusCode, Value) {
    let reply = app
        .send(
            Method::GET,
            path,
            &[("accept", "application/json")],
            Vec::new(),
        )
        .await;
    (reply.status, reply.body)
}

fn paths(body: &Value) -> Vec<String> {
    body["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn a_version_s_java_code_lists_a_class_per_named_type_and_a_starter_test() {
    let app = TestApp::new().await;
    register_avro_order(&app).await;

    let (status, body) =
        files_as_json(&app, "/subjects/orders-value/versions/1/code?lang=java").await;

    assert_eq!(status, StatusCode::OK, "{body}");
    let paths = paths(&body);
    for expected in [
        "src/main/java/com/acme/orders/Order.java",
        "src/main/java/com/acme/orders/Status.java",
        "src/main/java/com/acme/shared/Money.java",
        "src/test/java/com/acme/orders/OrderSampleTest.java",
    ] {
        assert!(
            paths.iter().any(|p| p == expected),
            "{expected} not in {paths:?}"
        );
    }
}

#[tokio::test]
async fn without_json_the_code_comes_as_a_zip_archive_of_the_same_files() {
    let app = TestApp::new().await;
    let id = register_avro_order(&app).await;
    let (_, listed) = files_as_json(&app, &format!("/schemas/ids/{id}/code?lang=python")).await;

    let response = app
        .open(&format!("/schemas/ids/{id}/code?lang=python"), &[])
        .await;

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/zip");
    let disposition = response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        disposition.contains(&format!("schema-{id}-python.zip")),
        "{disposition}"
    );
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    assert_eq!(archive.len(), listed["files"].as_array().unwrap().len());
    for file in listed["files"].as_array().unwrap() {
        let mut entry = archive.by_name(file["path"].as_str().unwrap()).unwrap();
        let mut text = String::new();
        entry.read_to_string(&mut text).unwrap();
        assert_eq!(text, file["content"].as_str().unwrap());
    }
}

#[tokio::test]
async fn a_language_the_format_does_not_support_is_refused_naming_the_supported_ones() {
    let app = TestApp::new().await;
    register_avro_order(&app).await;

    for lang in ["proto", "cobol", ""] {
        let reply = files_as_json(
            &app,
            &format!("/subjects/orders-value/versions/1/code?lang={lang}"),
        )
        .await;
        let message = assert_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, 422);
        assert!(
            message.ends_with("supported: java, typescript, python, rust"),
            "{message}"
        );
    }
    let missing = app.get("/subjects/orders-value/code").await;
    assert_eq!(missing.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_protobuf_bundle_carries_the_imports_registered_under_other_subjects() {
    let app = TestApp::new().await;
    let (status, body) = app
        .post(
            "/subjects/money-proto/versions",
            json!({ "schemaType": "PROTOBUF", "schema": PROTO_MONEY }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = app
        .post(
            "/subjects/orders-proto/versions",
            json!({
                "schemaType": "PROTOBUF",
                "schema": PROTO_ORDER,
                "references": [{ "name": "acme/shared/money.proto", "subject": "money-proto", "version": 1 }]
            }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let (status, body) = files_as_json(
        &app,
        "/subjects/orders-proto/versions/latest/code?lang=proto",
    )
    .await;

    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        paths(&body),
        [
            "acme/orders/order.proto",
            "acme/shared/money.proto",
            "decode_sample.sh",
            "README.md"
        ]
    );
    let java = files_as_json(&app, "/subjects/orders-proto/versions/1/code?lang=java").await;
    let message = assert_error(&java, StatusCode::UNPROCESSABLE_ENTITY, 422);
    assert!(
        message.ends_with("supported: proto, typescript, rust"),
        "{message}"
    );
}

#[tokio::test]
async fn samples_use_every_enum_symbol_and_carry_the_schema_id_on_the_wire() {
    let app = TestApp::new().await;
    let id = register_avro_order(&app).await;

    let (status, body) = app.get("/subjects/orders-value/versions/1/examples").await;

    assert_eq!(status, StatusCode::OK, "{body}");
    let examples = body["examples"].as_array().unwrap();
    let statuses: Vec<&str> = examples
        .iter()
        .map(|e| e["json"]["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["PENDING", "PAID", "SHIPPED", "CANCELLED"]);
    for example in examples {
        let wire = base64::engine::general_purpose::STANDARD
            .decode(example["wire_base64"].as_str().unwrap())
            .unwrap();
        assert_eq!(wire[0], 0, "magic byte");
        assert_eq!(
            u32::from_be_bytes(wire[1..5].try_into().unwrap()) as i64,
            id
        );
    }
    let (_, two) = app
        .get("/subjects/orders-value/versions/1/examples?count=2")
        .await;
    assert_eq!(two["examples"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn a_count_outside_one_to_a_hundred_is_refused() {
    let app = TestApp::new().await;
    register_avro_order(&app).await;

    for count in ["0", "101", "many"] {
        let reply = app
            .get(&format!(
                "/subjects/orders-value/versions/1/examples?count={count}"
            ))
            .await;
        let message = assert_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, 422);
        assert!(message.contains("from 1 to 100"), "{message}");
    }
}

#[tokio::test]
async fn under_enforced_reads_a_granted_consumer_may_generate_and_a_stranger_may_not() {
    let app = TestApp::secured(ReadAccess::Enforce).await;
    let admin = app.admin();
    admin
        .post("/governance/teams", json!({ "name": "payments" }))
        .await;
    let mut credentials = Vec::new();
    for service in ["orders", "billing", "stranger"] {
        admin
            .post(
                "/governance/services",
                json!({ "name": service, "team": "payments" }),
            )
            .await;
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
    let (status, body) = admin
        .put(
            "/governance/subjects/orders-value/consumers/billing",
            json!({}),
        )
        .await;
    assert!(status.is_success(), "{body}");
    let path = "/subjects/orders-value/versions/1/code?lang=typescript";

    let granted = app
        .send(
            Method::GET,
            path,
            &[
                ("authorization", &credentials[1]),
                ("accept", "application/json"),
            ],
            Vec::new(),
        )
        .await;
    let stranger = app.as_(&credentials[2]).get(path).await;
    let stranger_samples = app
        .as_(&credentials[2])
        .get("/subjects/orders-value/versions/1/examples")
        .await;

    assert_eq!(granted.status, StatusCode::OK, "{}", granted.body);
    assert!(granted.body["files"][0]["content"]
        .as_str()
        .unwrap()
        .contains("export interface Order"));
    assert_error(&stranger, StatusCode::FORBIDDEN, 40301);
    assert_error(&stranger_samples, StatusCode::FORBIDDEN, 40301);
}

#[tokio::test]
async fn a_json_schema_gets_jackson_records_and_samples_that_reference_another_subject() {
    let app = TestApp::new().await;
    let customer = include_str!("../fixtures/codegen/json/customer.schema.json");
    let shipment = include_str!("../fixtures/codegen/json/shipment.schema.json");
    app.post(
        "/subjects/customer-value/versions",
        json!({ "schemaType": "JSON", "schema": customer }),
    )
    .await;
    let (status, body) = app
        .post(
            "/subjects/shipments-value/versions",
            json!({
                "schemaType": "JSON",
                "schema": shipment,
                "references": [{ "name": "customer.schema.json", "subject": "customer-value", "version": 1 }]
            }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let (status, code) =
        files_as_json(&app, "/subjects/shipments-value/versions/1/code?lang=java").await;
    let (_, samples) = app
        .get("/subjects/shipments-value/versions/1/examples?count=1")
        .await;

    assert_eq!(status, StatusCode::OK, "{code}");
    assert!(paths(&code).contains(&"src/main/java/com/acme/schemas/Customer.java".to_string()));
    let sample = &samples["examples"][0];
    assert_eq!(sample["json"]["status"], "created");
    let wire = base64::engine::general_purpose::STANDARD
        .decode(sample["wire_base64"].as_str().unwrap())
        .unwrap();
    let body: Value = serde_json::from_slice(&wire[5..]).unwrap();
    assert_eq!(body, sample["json"]);
}

#[tokio::test]
async fn rust_code_by_schema_id_is_a_cargo_package_whose_starter_test_carries_that_id() {
    let app = TestApp::new().await;
    let id = register_avro_order(&app).await;

    let (status, body) = files_as_json(&app, &format!("/schemas/ids/{id}/code?lang=rust")).await;

    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        paths(&body),
        ["Cargo.toml", "src/lib.rs", "tests/sample.rs"]
    );
    let content = |path: &str| {
        body["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"] == path)
            .unwrap()["content"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert!(
        content("src/lib.rs").contains("pub struct Money {"),
        "the referenced subject's type is included"
    );
    let test = content("tests/sample.rs");
    assert!(
        test.contains(&format!("assert_eq!(schema_id, {id}, \"schema id\");")),
        "{test}"
    );
}
