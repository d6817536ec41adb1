//! The example contracts in `schemas/`, registered as the README's walkthrough does.

use axum::http::StatusCode;
use serde_json::{json, Value};

use crate::support::*;

fn example(path: &str) -> String {
    std::fs::read_to_string(format!("{}/schemas/{path}", env!("CARGO_MANIFEST_DIR")))
        .expect("example exists")
}

fn with_money_reference(path: &str) -> Value {
    json!({
        "schema": example(path),
        "references": [{ "name": "com.example.shared.Money", "subject": "shared.money-value", "version": 1 }]
    })
}

#[tokio::test]
async fn the_walkthrough_registers_evolves_and_refuses_as_the_readme_says() {
    let app = TestApp::new().await;
    app.register("shared.money-value", &example("shared/money.avsc"))
        .await;
    let (status, v1) = app
        .post(
            "/subjects/orders.order-created-value/versions",
            with_money_reference("orders/order-created.avsc"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{v1}");
    let (status, v2) = app
        .post(
            "/subjects/orders.order-created-value/versions",
            with_money_reference("orders/order-created-v2.avsc"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{v2}");
    let breaking = app
        .post(
            "/subjects/orders.order-created-value/versions",
            with_money_reference("orders/order-created-breaking.avsc"),
        )
        .await;
    let message = assert_error(&breaking, StatusCode::CONFLICT, 409);
    assert!(message.contains("warehouse_id"), "{message}");
    app.register(
        "payments.payment-captured-value",
        &example("payments/payment-captured.avsc"),
    )
    .await;
}

#[tokio::test]
async fn the_protobuf_and_json_schema_examples_register() {
    let app = TestApp::new().await;
    for (subject, schema_type, path) in [
        ("orders.order-v1-value", "PROTOBUF", "orders/order.proto"),
        (
            "payments.payment-refunded-value",
            "JSON",
            "payments/payment-refunded.schema.json",
        ),
    ] {
        let (status, body) = app
            .post(
                &format!("/subjects/{subject}/versions"),
                json!({ "schemaType": schema_type, "schema": example(path) }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
        let (_, version) = app.get(&format!("/subjects/{subject}/versions/1")).await;
        assert_eq!(version["schemaType"], schema_type);
    }
}
