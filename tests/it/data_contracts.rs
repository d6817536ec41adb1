//! Data contracts as Confluent 7.9 keeps them: metadata stored with each version, completed
//! from the latest version and the config, `confluent:version`, lookups by metadata,
//! compatibility groups and the config fields that carry them.

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn a_registration_without_metadata_takes_the_latest_versions_and_answers_with_it() {
    let app = TestApp::new().await;
    let owned = json!({ "schema": "\"string\"", "metadata": { "properties": { "owner": "x" } } });
    let (_, first) = app.post("/subjects/s/versions", owned.clone()).await;
    assert_eq!(
        first,
        json!({ "id": first["id"], "version": 1, "schema": "\"string\"", "metadata": { "properties": { "owner": "x" } } })
    );

    let (_, again) = app.post("/subjects/s/versions", owned).await;
    let (_, completed) = app
        .post("/subjects/s/versions", json!({ "schema": "\"string\"" }))
        .await;

    assert_eq!(again, json!({ "id": first["id"] }));
    assert_eq!(completed, first);
    assert_eq!(app.get("/subjects/s/versions").await.1, json!([1]));
}

#[tokio::test]
async fn other_metadata_is_other_content_and_empty_parts_are_no_parts() {
    let app = TestApp::new().await;
    let plain = app.register("s", "\"string\"").await;
    let (_, empty) = app
        .post(
            "/subjects/s/versions",
            json!({ "schema": "\"string\"", "metadata": {} }),
        )
        .await;
    let (_, same) = app
        .post(
            "/subjects/s/versions",
            json!({ "schema": "\"string\"", "metadata": { "properties": {} } }),
        )
        .await;

    assert_ne!(empty["id"], plain);
    assert_eq!(empty["metadata"], json!({}));
    assert_eq!(same, json!({ "id": empty["id"] }));
}

#[tokio::test]
async fn a_sent_version_stamps_confluent_version_and_a_lookup_without_it_finds_it() {
    let app = TestApp::new().await;
    let (_, first) = app
        .post(
            "/subjects/s/versions",
            json!({ "schema": "\"string\"", "version": -1 }),
        )
        .await;
    app.put("/config/s", json!({ "compatibility": "NONE" }))
        .await;
    let (_, second) = app
        .post(
            "/subjects/s/versions",
            json!({ "schema": "\"int\"", "metadata": { "properties": { "confluent:version": "7" } } }),
        )
        .await;
    let (status, found) = app
        .post("/subjects/s", json!({ "schema": "\"string\"" }))
        .await;

    assert_eq!(
        first["metadata"],
        json!({ "properties": { "confluent:version": "1" } })
    );
    assert_eq!(
        second["metadata"],
        json!({ "properties": { "confluent:version": "2" } })
    );
    assert_eq!(status, StatusCode::OK);
    assert_eq!(found["version"], 1);
}

#[tokio::test]
async fn default_and_override_metadata_from_the_config_are_merged_into_a_registration() {
    let app = TestApp::new().await;
    let settings = json!({
        "defaultMetadata": { "properties": { "d": 1 } },
        "overrideMetadata": { "properties": { "o": "1" } },
    });
    let (_, echoed) = app.put("/config/s", settings).await;
    let (_, own) = app
        .post(
            "/subjects/s/versions",
            json!({ "schema": "\"string\"", "metadata": { "properties": { "d": "2", "o": "2" } } }),
        )
        .await;

    assert_eq!(
        echoed["defaultMetadata"],
        json!({ "properties": { "d": "1" } })
    );
    assert_eq!(
        app.get("/config/s").await.1,
        json!({
            "compatibilityLevel": "BACKWARD",
            "defaultMetadata": { "properties": { "d": "1" } },
            "overrideMetadata": { "properties": { "o": "1" } },
        })
    );
    assert_eq!(
        own["metadata"],
        json!({ "properties": { "d": "2", "o": "1" } })
    );
}

#[tokio::test]
async fn a_config_update_keeps_the_settings_it_does_not_send() {
    let app = TestApp::new().await;
    app.put("/config/s", json!({ "compatibility": "FULL" }))
        .await;
    let (_, echoed) = app
        .put(
            "/config/s",
            json!({ "alias": "t", "validateFields": false, "compatibilityGroup": "major" }),
        )
        .await;

    assert_eq!(
        echoed,
        json!({ "alias": "t", "validateFields": false, "compatibilityGroup": "major" })
    );
    assert_eq!(
        app.delete("/config/s").await.1,
        json!({ "alias": "t", "compatibilityLevel": "FULL", "validateFields": false, "compatibilityGroup": "major" })
    );
}

#[tokio::test]
async fn the_latest_version_with_given_metadata_is_found_by_its_properties() {
    let app = TestApp::new().await;
    app.put("/config/s", json!({ "compatibility": "NONE" }))
        .await;
    for (schema, b) in [("\"string\"", "2"), ("\"int\"", "3")] {
        app.post(
            "/subjects/s/versions",
            json!({ "schema": schema, "metadata": { "properties": { "a": "1", "b": b } } }),
        )
        .await;
    }

    let (_, both) = app
        .get("/subjects/s/metadata?key=a&value=1&key=b&value=2")
        .await;
    let (_, latest) = app.get("/subjects/s/metadata?key=a&value=1").await;

    assert_eq!(both["version"], 1);
    assert_eq!(latest["version"], 2);
    assert_eq!(
        assert_error(
            &app.get("/subjects/s/metadata?key=zz&value=1").await,
            StatusCode::NOT_FOUND,
            40403
        ),
        "Schema not found"
    );
    assert_error(
        &app.get("/subjects/missing/metadata").await,
        StatusCode::NOT_FOUND,
        40401,
    );
}

#[tokio::test]
async fn a_compatibility_group_checks_only_the_versions_of_the_same_group() {
    let app = TestApp::new().await;
    app.put(
        "/config/s",
        json!({ "compatibility": "BACKWARD", "compatibilityGroup": "major" }),
    )
    .await;
    let name_as = |kind: &str, major: &str| {
        json!({
            "schema": record("User", &[&format!(r#"{{"name":"name","type":"{kind}"}}"#)]),
            "metadata": { "properties": { "major": major } },
        })
    };
    app.post("/subjects/s/versions", name_as("string", "1"))
        .await;

    let (other_group, _) = app.post("/subjects/s/versions", name_as("int", "2")).await;
    let same_group = app.post("/subjects/s/versions", name_as("int", "1")).await;

    assert_eq!(other_group, StatusCode::OK);
    assert_error(&same_group, StatusCode::CONFLICT, 409);
}

#[tokio::test]
async fn malformed_metadata_and_rule_sets_are_refused_with_jacksons_words() {
    let app = TestApp::new().await;
    let sent = |metadata: serde_json::Value| json!({ "schema": "\"int\"", "metadata": metadata });

    let object_property = app
        .post(
            "/subjects/s/versions",
            sent(json!({ "properties": { "k": {} } })),
        )
        .await;
    let string_tags = app
        .post(
            "/subjects/s/versions",
            sent(json!({ "tags": { "f": "PII" } })),
        )
        .await;
    let bogus_kind = app
        .post(
            "/subjects/s/versions",
            json!({ "schema": "\"int\"", "ruleSet": { "domainRules": [{ "name": "r", "kind": "BOGUS" }] } }),
        )
        .await;

    assert_eq!(
        assert_error(&object_property, StatusCode::BAD_REQUEST, 400),
        "Cannot deserialize value of type `String` from Object value (token `JsonToken.START_OBJECT`)"
    );
    assert!(assert_error(&string_tags, StatusCode::BAD_REQUEST, 400).contains("`HashSet`"));
    assert!(
        assert_error(&bogus_kind, StatusCode::BAD_REQUEST, 400).contains("[CONDITION, TRANSFORM]")
    );
}

#[tokio::test]
async fn listing_schemas_by_rule_type_finds_none_as_no_rule_set_is_kept() {
    let app = TestApp::new().await;
    app.register("s", "\"string\"").await;

    let (_, all) = app.get("/schemas?subjectPrefix=s").await;
    let (_, cel) = app.get("/schemas?subjectPrefix=s&ruleType=CEL").await;

    assert_eq!(all.as_array().map(Vec::len), Some(1));
    assert_eq!(cel, json!([]));
}

#[tokio::test]
async fn tagging_an_avro_version_registers_the_tagged_schema_as_the_next_version() {
    let app = TestApp::new().await;
    app.register(
        "s",
        &record("User", &[r#"{"name":"name","type":"string"}"#]),
    )
    .await;
    let field = |tags: &[&str]| json!([{ "schemaEntity": { "entityPath": "User.name", "entityType": "sr_field" }, "tags": tags }]);

    let (_, tagged) = app
        .post(
            "/subjects/s/versions/1/tags",
            json!({ "newVersion": 2, "tagsToAdd": field(&["PII"]) }),
        )
        .await;
    let (_, untagged) = app
        .post(
            "/subjects/s/versions/latest/tags",
            json!({ "tagsToRemove": field(&["PII"]), "tagsToAdd": [{ "schemaEntity": { "entityPath": "User", "entityType": "sr_record" }, "tags": ["R"] }] }),
        )
        .await;

    assert_eq!(
        tagged["schema"],
        r#"{"type":"record","name":"User","fields":[{"name":"name","type":"string","confluent:tags":["PII"]}]}"#
    );
    assert_eq!(
        tagged["metadata"],
        json!({ "properties": { "confluent:version": "2" } })
    );
    assert_eq!(
        untagged["schema"],
        r#"{"type":"record","name":"User","fields":[{"name":"name","type":"string"}],"confluent:tags":["R"]}"#
    );
    assert_eq!(untagged["version"], 3);
    assert_eq!(app.get("/subjects/s/versions").await.1, json!([1, 2, 3]));
}

#[tokio::test]
async fn tagging_a_json_schema_property_and_refusing_a_missing_path_or_version() {
    let app = TestApp::new().await;
    register_typed(
        &app,
        "s",
        "JSON",
        r#"{"type":"object","properties":{"a":{"type":"string"}}}"#,
        json!([]),
    )
    .await;
    let on = |path: &str| json!({ "tagsToAdd": [{ "schemaEntity": { "entityPath": path, "entityType": "sr_field" }, "tags": ["PII"] }] });

    let (_, tagged) = app
        .post("/subjects/s/versions/1/tags", on("object.a"))
        .await;
    let missing = app
        .post("/subjects/s/versions/1/tags", on("object.nope"))
        .await;
    let no_version = app
        .post("/subjects/s/versions/9/tags", on("object.a"))
        .await;
    let sent = app
        .send(Method::POST, "/subjects/s/versions/1/tags", &[], Vec::new())
        .await;
    let no_body = (sent.status, sent.body);

    assert_eq!(
        tagged["schema"],
        r#"{"type":"object","properties":{"a":{"type":"string","confluent:tags":["PII"]}}}"#
    );
    assert_eq!(tagged["schemaType"], "JSON");
    assert!(
        assert_error(&missing, StatusCode::UNPROCESSABLE_ENTITY, 42201)
            .contains("No matching path 'object.nope' found in the schema")
    );
    assert_error(&no_version, StatusCode::NOT_FOUND, 40402);
    assert_eq!(
        assert_error(&no_body, StatusCode::UNPROCESSABLE_ENTITY, 422),
        "modifyTags.arg4 must not be null (was null)"
    );
}

#[tokio::test]
async fn tagging_a_protobuf_field_and_message_writes_confluents_meta_options() {
    let app = TestApp::new().await;
    app.put("/config/s", json!({ "compatibility": "NONE" }))
        .await;
    register_typed(
        &app,
        "s",
        "PROTOBUF",
        "syntax = \"proto3\";\npackage p;\nmessage M {\n  message Inner {\n    string x = 1;\n  }\n  Inner i = 1;\n  string a = 2;\n}\n",
        json!([]),
    )
    .await;
    let entity = |path: &str, kind: &str| json!([{ "schemaEntity": { "entityPath": path, "entityType": kind }, "tags": ["PII"] }]);

    let (status, field) = app
        .post(
            "/subjects/s/versions/1/tags",
            json!({ "tagsToAdd": entity("M.Inner.x", "sr_field") }),
        )
        .await;
    let (_, message) = app
        .post(
            "/subjects/s/versions/2/tags",
            json!({ "tagsToAdd": entity("M", "sr_record"), "tagsToRemove": entity("M.Inner.x", "sr_field") }),
        )
        .await;
    let missing = app
        .post(
            "/subjects/s/versions/1/tags",
            json!({ "tagsToAdd": entity("M.nope", "sr_field") }),
        )
        .await;

    assert_eq!(status, StatusCode::OK, "{field}");
    assert_eq!(field["version"], 2);
    let text = field["schema"].as_str().unwrap();
    assert!(
        text.contains(
            "string x = 1 [(confluent.field_meta) = {\n      tags: [\n        \"PII\"\n      ]\n    }];"
        ),
        "{text}"
    );
    // Confluent writes the options without importing the file that declares them.
    assert!(!text.contains("import"), "{text}");
    let text = message["schema"].as_str().unwrap();
    assert!(
        text.contains(
            "option (confluent.message_meta) = {\n    tags: [\n      \"PII\"\n    ]\n  };"
        ),
        "{text}"
    );
    assert!(text.contains("    string x = 1;\n"), "{text}");
    assert_eq!(
        assert_error(&missing, StatusCode::UNPROCESSABLE_ENTITY, 42201),
        "java.lang.IllegalArgumentException: No matching Field with name 'nope' found in the schema"
    );
    // The tagged text reads back and registers again as the same version.
    let (_, latest) = app.get("/subjects/s/versions/latest").await;
    let again = app
        .post(
            "/subjects/s/versions",
            json!({ "schema": latest["schema"], "schemaType": "PROTOBUF" }),
        )
        .await;
    assert_eq!(again.1["id"], latest["id"], "{:?}", again.1);
}
