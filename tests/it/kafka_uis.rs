//! The Kafka UIs people look at registries through, each replayed call by call as its source
//! makes them (Kafbat UI's `SchemaRegistryService`, AKHQ's `SchemaRegistryRepository` over
//! Confluent's `RestService`, Redpanda Console over franz-go's `sr` client) for listing,
//! viewing, comparing, changing config and deleting, checking every field each one parses.

use axum::http::StatusCode;
use serde_json::{json, Value};

use crate::support::*;

const LEVELS: [&str; 7] = [
    "NONE",
    "BACKWARD",
    "BACKWARD_TRANSITIVE",
    "FORWARD",
    "FORWARD_TRANSITIVE",
    "FULL",
    "FULL_TRANSITIVE",
];

fn v1() -> String {
    record("Order", &[ID])
}

fn v2() -> String {
    record(
        "Order",
        &[
            ID,
            r#"{"name":"note","type":["null","string"],"default":null}"#,
        ],
    )
}

/// Answers 200 and returns the body.
async fn ok(reply: (StatusCode, Value)) -> Value {
    assert_eq!(reply.0, StatusCode::OK, "{}", reply.1);
    reply.1
}

/// Checks a version as the UIs' `Schema` / `SchemaSubject` models read it.
fn assert_version(body: &Value, subject: &str, version: i64, id: i64, schema_type: Option<&str>) {
    assert_eq!(body["subject"], subject, "{body}");
    assert_eq!(body["version"].as_i64(), Some(version), "{body}");
    assert_eq!(body["id"].as_i64(), Some(id), "{body}");
    assert!(body["schema"].is_string(), "{body}");
    // Confluent 7.x omits `schemaType` for Avro; the UIs default it.
    match schema_type {
        None => assert!(body.get("schemaType").is_none(), "{body}"),
        Some(kind) => assert_eq!(body["schemaType"], kind, "{body}"),
    }
    if let Some(references) = body.get("references") {
        assert!(references.is_array(), "{body}");
    }
}

fn assert_level(config: &Value) {
    let level = config["compatibilityLevel"].as_str().unwrap_or_default();
    assert!(LEVELS.contains(&level), "{config}");
}

#[tokio::test]
async fn kafbat_ui_lists_views_compares_configures_and_deletes() {
    let app = TestApp::new().await;
    assert_level(&ok(app.get("/config").await).await);
    let registered = ok(app
        .post(
            "/subjects/orders-value/versions",
            json!({ "schema": v1(), "schemaType": "AVRO" }),
        )
        .await)
    .await;
    let id1 = registered["id"].as_i64().unwrap();
    // registerNewSchema then reads the latest version back.
    let id2 = app.register("orders-value", &v2()).await;

    // Listing: the names, then each row's latest version and level.
    assert_eq!(
        ok(app.get("/subjects?deleted=false").await).await,
        json!(["orders-value"])
    );
    let latest = ok(app
        .get("/subjects/orders-value/versions/latest?deleted=false")
        .await)
    .await;
    assert_version(&latest, "orders-value", 2, id2, None);
    let level = app.get("/config/orders-value?defaultToGlobal=true").await;
    assert_level(&ok(level).await);

    // Viewing and comparing: every version, one by one.
    assert_eq!(
        ok(app.get("/subjects/orders-value/versions").await).await,
        json!([1, 2])
    );
    let first = ok(app
        .get("/subjects/orders-value/versions/1?deleted=false")
        .await)
    .await;
    assert_version(&first, "orders-value", 1, id1, None);
    let check = ok(app
        .post(
            "/compatibility/subjects/orders-value/versions/latest?verbose=true",
            json!({ "schema": record("Order", &[]), "schemaType": "AVRO" }),
        )
        .await)
    .await;
    assert!(
        check["is_compatible"].is_boolean() && check["messages"].is_array(),
        "{check}"
    );

    // Changing config: the subject's and the global, each echoed.
    let set = app
        .put("/config/orders-value", json!({ "compatibility": "FULL" }))
        .await;
    assert_eq!(set, (StatusCode::OK, json!({ "compatibility": "FULL" })));
    let global = app
        .put("/config", json!({ "compatibility": "BACKWARD_TRANSITIVE" }))
        .await;
    assert_eq!(
        global,
        (
            StatusCode::OK,
            json!({ "compatibility": "BACKWARD_TRANSITIVE" })
        )
    );
    let level = ok(app.get("/config/orders-value?defaultToGlobal=true").await).await;
    assert_eq!(level["compatibilityLevel"], "FULL");

    // Deleting: one version, the latest, then a whole subject.
    assert_eq!(
        app.delete("/subjects/orders-value/versions/1?permanent=false")
            .await,
        (StatusCode::OK, json!(1))
    );
    assert_eq!(
        app.delete("/subjects/orders-value/versions/latest?permanent=false")
            .await,
        (StatusCode::OK, json!(2))
    );
    app.register("payments-value", &v1()).await;
    assert_eq!(
        app.delete("/subjects/payments-value?permanent=false").await,
        (StatusCode::OK, json!([1]))
    );
    assert_eq!(
        ok(app.get("/subjects?deleted=false").await).await,
        json!([])
    );
}

#[tokio::test]
async fn akhq_lists_views_compares_configures_and_deletes() {
    let app = TestApp::new().await;
    let id1 = app.register("orders-value", &v1()).await;
    let id2 = app.register("orders-value", &v2()).await;

    // Listing: getAllSubjects, then per subject getLatestVersion and getConfig, which falls back
    // to the global config on a 404.
    assert_eq!(
        ok(app.get("/subjects").await).await,
        json!(["orders-value"])
    );
    let latest = ok(app.get("/subjects/orders-value/versions/latest").await).await;
    assert_version(&latest, "orders-value", 2, id2, None);
    assert_error(
        &app.get("/config/orders-value").await,
        StatusCode::NOT_FOUND,
        40408,
    );
    assert_level(&ok(app.get("/config").await).await);

    // Viewing: getAllVersions and getVersion; a lookup of a schema in the subject.
    assert_eq!(
        ok(app.get("/subjects/orders-value/versions").await).await,
        json!([1, 2])
    );
    let first = ok(app.get("/subjects/orders-value/versions/1").await).await;
    assert_version(&first, "orders-value", 1, id1, None);
    let found = ok(app
        .post(
            "/subjects/orders-value?deleted=false",
            json!({ "schema": v1() }),
        )
        .await)
    .await;
    assert_version(&found, "orders-value", 1, id1, None);

    // Comparing: testCompatibility against the latest version, with the reasons.
    let check = ok(app
        .post(
            "/compatibility/subjects/orders-value/versions/latest?verbose=true",
            json!({ "schema": record("Order", &[r#"{"name":"n","type":"int"}"#]) }),
        )
        .await)
    .await;
    assert_eq!(check["is_compatible"], false, "{check}");
    assert!(!check["messages"].as_array().unwrap().is_empty(), "{check}");

    // Registering another type: the latest version's id must be the one the registration gave.
    let json_schema = r#"{"type":"object","properties":{"a":{"type":"string"}}}"#;
    let made = ok(app
        .post(
            "/subjects/events-value/versions",
            json!({ "schema": json_schema, "schemaType": "JSON", "references": [] }),
        )
        .await)
    .await;
    let latest = ok(app.get("/subjects/events-value/versions/latest").await).await;
    assert_version(
        &latest,
        "events-value",
        1,
        made["id"].as_i64().unwrap(),
        Some("JSON"),
    );

    // Changing config: updateCompatibility reads the echoed `compatibility`.
    let set = app
        .put(
            "/config/orders-value",
            json!({ "compatibility": "FORWARD" }),
        )
        .await;
    assert_eq!(set, (StatusCode::OK, json!({ "compatibility": "FORWARD" })));
    assert_eq!(
        ok(app.get("/config/orders-value").await).await["compatibilityLevel"],
        "FORWARD"
    );

    // Deleting: deleteSchemaVersion answers the version, deleteSubject the versions.
    assert_eq!(
        app.delete("/subjects/events-value/versions/1").await,
        (StatusCode::OK, json!(1))
    );
    assert_eq!(
        app.delete("/subjects/orders-value").await,
        (StatusCode::OK, json!([1, 2]))
    );
}

#[tokio::test]
async fn redpanda_console_lists_views_compares_configures_and_deletes() {
    let app = TestApp::new().await;
    // The overview: mode, config, types and contexts.
    assert_eq!(
        ok(app.get("/mode").await).await,
        json!({ "mode": "READWRITE" })
    );
    assert_level(&ok(app.get("/config").await).await);
    let types = ok(app.get("/schemas/types").await).await;
    for kind in ["AVRO", "JSON", "PROTOBUF"] {
        assert!(types.as_array().unwrap().contains(&json!(kind)), "{types}");
    }
    assert_eq!(ok(app.get("/contexts").await).await, json!(["."]));

    // Creating: a Protobuf schema with metadata, normalized, and an Avro pair with a reference.
    let proto = "syntax = \"proto3\";\nmessage Ping { string at = 1; }\n";
    let metadata = json!({ "properties": { "owner": "ops" } });
    let ping = ok(app
        .post(
            "/subjects/ping-value/versions?normalize=true",
            json!({ "schema": proto, "schemaType": "PROTOBUF", "metadata": metadata }),
        )
        .await)
    .await;
    let ping_id = ping["id"].as_i64().unwrap();
    let money =
        r#"{"type":"record","name":"Money","namespace":"x","fields":[{"name":"c","type":"long"}]}"#;
    let money_id = app.register("money-value", money).await;
    let reference = json!([{ "name": "x.Money", "subject": "money-value", "version": 1 }]);
    let order = r#"{"type":"record","name":"Order","fields":[{"name":"total","type":"x.Money"}]}"#;
    let order_id = ok(app
        .post(
            "/subjects/order-value/versions",
            json!({ "schema": order, "references": reference }),
        )
        .await)
    .await["id"]
        .as_i64()
        .unwrap();

    // Listing, with and without the soft-deleted subjects.
    let names = json!(["money-value", "order-value", "ping-value"]);
    assert_eq!(ok(app.get("/subjects?deleted=true").await).await, names);
    assert_eq!(ok(app.get("/subjects?deleted=false").await).await, names);
    let listed = ok(app
        .get("/schemas?subjectPrefix=ping&latestOnly=true&deleted=false&deletedOnly=false&offset=0&limit=10")
        .await)
    .await;
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
    assert_version(&listed[0], "ping-value", 1, ping_id, Some("PROTOBUF"));

    // Viewing a subject: versions, a version, its level, its mode (none of its own: 40409).
    assert_eq!(
        ok(app.get("/subjects/ping-value/versions?deleted=true").await).await,
        json!([1])
    );
    let version = ok(app
        .get("/subjects/ping-value/versions/1?deleted=true")
        .await)
    .await;
    assert_version(&version, "ping-value", 1, ping_id, Some("PROTOBUF"));
    assert_eq!(
        version["metadata"]["properties"]["owner"], "ops",
        "{version}"
    );
    assert_level(&ok(app.get("/config/ping-value?defaultToGlobal=true").await).await);
    assert_error(
        &app.get("/mode/ping-value").await,
        StatusCode::NOT_FOUND,
        40409,
    );
    assert_eq!(
        ok(app.get("/mode/ping-value?defaultToGlobal=true").await).await["mode"],
        "READWRITE"
    );
    let with_reference = ok(app.get("/subjects/order-value/versions/latest").await).await;
    assert_version(&with_reference, "order-value", 1, order_id, None);
    assert_eq!(with_reference["references"], reference);

    // Comparing and following references: who uses money, and where an id is used.
    let used_by = ok(app
        .get("/subjects/money-value/versions/1/referencedby?deleted=true")
        .await)
    .await;
    assert_eq!(used_by, json!([order_id]));
    let usages = ok(app.get(&format!("/schemas/ids/{money_id}/versions")).await).await;
    assert_eq!(usages, json!([{ "subject": "money-value", "version": 1 }]));

    // Changing config.
    let set = app
        .put("/config/ping-value", json!({ "compatibility": "NONE" }))
        .await;
    assert_eq!(set, (StatusCode::OK, json!({ "compatibility": "NONE" })));

    // Deleting: soft, then permanent, for a version and for a subject.
    assert_eq!(
        app.delete("/subjects/ping-value/versions/1?permanent=false")
            .await,
        (StatusCode::OK, json!(1))
    );
    assert_eq!(
        app.delete("/subjects/ping-value/versions/1?permanent=true")
            .await,
        (StatusCode::OK, json!(1))
    );
    assert_eq!(
        app.delete("/subjects/order-value?permanent=false").await,
        (StatusCode::OK, json!([1]))
    );
    assert_eq!(
        app.delete("/subjects/order-value?permanent=true").await,
        (StatusCode::OK, json!([1]))
    );
    assert_eq!(
        ok(app.get("/subjects?deleted=true").await).await,
        json!(["money-value"])
    );
}
