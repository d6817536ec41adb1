//! `/subjects`: registration, lookup, listing, reading and deleting versions.

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
async fn a_version_reads_back_with_subject_version_id_and_schema_but_no_avro_type() {
    let app = TestApp::new().await;
    let id = app.register("orders-value", &record("Order", &[ID])).await;
    let (status, body) = app.get("/subjects/orders-value/versions/1").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        json!({ "subject": "orders-value", "version": 1, "id": id, "schema": record("Order", &[ID]) })
    );
    assert!(body.get("schemaType").is_none() && body.get("references").is_none());
    for latest in ["latest", "-1"] {
        let (_, by_alias) = app
            .get(&format!("/subjects/orders-value/versions/{latest}"))
            .await;
        assert_eq!(by_alias, body);
    }
}

#[tokio::test]
async fn the_raw_schema_endpoint_returns_the_schema_text_itself() {
    let app = TestApp::new().await;
    app.register("orders-value", &record("Order", &[ID])).await;
    let reply = app
        .send(
            axum::http::Method::GET,
            "/subjects/orders-value/versions/latest/schema",
            &[],
            vec![],
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body["name"], "Order");
}

#[tokio::test]
async fn subjects_list_sorted_with_prefix_filter_and_paging() {
    let app = TestApp::new().await;
    for subject in ["b-value", "a-value", "a-key"] {
        app.register(subject, "\"string\"").await;
    }
    assert_eq!(
        app.get("/subjects").await.1,
        json!(["a-key", "a-value", "b-value"])
    );
    assert_eq!(
        app.get("/subjects?subjectPrefix=a-").await.1,
        json!(["a-key", "a-value"])
    );
    assert_eq!(
        app.get("/subjects?offset=1&limit=1").await.1,
        json!(["a-value"])
    );
    assert_eq!(
        app.get("/subjects?limit=-1").await.1,
        json!(["a-key", "a-value", "b-value"])
    );
}

#[tokio::test]
async fn lookup_finds_the_version_holding_a_schema() {
    let app = TestApp::new().await;
    app.register("orders-value", &record("Order", &[ID])).await;
    app.register("orders-value", &record("Order", &[ID, NOTE]))
        .await;
    let (status, body) = app
        .post(
            "/subjects/orders-value",
            json!({ "schema": record("Order", &[ID]) }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["version"], 1);
    assert_eq!(body["subject"], "orders-value");
    assert_eq!(body["id"], 1);
}

#[tokio::test]
async fn lookup_of_an_unknown_schema_is_40403_and_of_an_unknown_subject_40401() {
    let app = TestApp::new().await;
    app.register("orders-value", &record("Order", &[ID])).await;
    let unknown_schema = app
        .post(
            "/subjects/orders-value",
            json!({ "schema": record("Other", &[ID]) }),
        )
        .await;
    assert_eq!(
        assert_error(&unknown_schema, StatusCode::NOT_FOUND, 40403),
        "Schema not found"
    );
    let unknown_subject = app
        .post(
            "/subjects/nope",
            json!({ "schema": record("Order", &[ID]) }),
        )
        .await;
    assert_eq!(
        assert_error(&unknown_subject, StatusCode::NOT_FOUND, 40401),
        "Subject 'nope' not found."
    );
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
async fn soft_deleted_versions_are_hidden_unless_asked_for() {
    let app = TestApp::new().await;
    app.register("s", &record("R", &[ID])).await;
    app.register("s", &record("R", &[ID, NOTE])).await;
    assert_eq!(app.delete("/subjects/s/versions/2").await.1, json!(2));
    assert_eq!(app.get("/subjects/s/versions").await.1, json!([1]));
    assert_eq!(
        app.get("/subjects/s/versions?deleted=true").await.1,
        json!([1, 2])
    );
    assert_eq!(app.get("/subjects/s/versions/latest").await.1["version"], 1);
    let hidden = app.get("/subjects/s/versions/2").await;
    assert_error(&hidden, StatusCode::NOT_FOUND, 40402);
    assert_eq!(
        app.get("/subjects/s/versions/2?deleted=true").await.1["version"],
        2
    );
    // The id still resolves: consumers may hold data written with it.
    assert_eq!(app.get("/schemas/ids/2").await.0, StatusCode::OK);
}

#[tokio::test]
async fn versions_are_never_reused_after_deletion() {
    let app = TestApp::new().await;
    app.register("s", &record("R", &[ID])).await;
    app.register("s", &record("R", &[ID, NOTE])).await;
    app.delete("/subjects/s/versions/2").await;
    app.delete("/subjects/s/versions/2?permanent=true").await;
    // Re-registering the deleted schema creates version 3 with the same id.
    let id = app.register("s", &record("R", &[ID, NOTE])).await;
    assert_eq!(id, 2);
    assert_eq!(app.get("/subjects/s/versions").await.1, json!([1, 3]));
}

#[tokio::test]
async fn deleting_a_version_twice_or_permanently_first_gives_the_confluent_codes() {
    let app = TestApp::new().await;
    app.register("s", &record("R", &[ID])).await;
    let not_soft = app.delete("/subjects/s/versions/1?permanent=true").await;
    assert_eq!(
        assert_error(&not_soft, StatusCode::NOT_FOUND, 40407),
        "Subject 's' Version 1 was not deleted first before being permanently deleted"
    );
    assert_eq!(app.delete("/subjects/s/versions/1").await.1, json!(1));
    let again = app.delete("/subjects/s/versions/1").await;
    assert_error(&again, StatusCode::NOT_FOUND, 40406);
    assert_eq!(
        app.delete("/subjects/s/versions/1?permanent=true").await.1,
        json!(1)
    );
    assert_error(
        &app.delete("/subjects/s/versions/1").await,
        StatusCode::NOT_FOUND,
        40401,
    );
    assert_error(
        &app.delete("/subjects/nope/versions/1").await,
        StatusCode::NOT_FOUND,
        40401,
    );
}

#[tokio::test]
async fn deleting_an_unknown_version_is_40402_and_an_invalid_one_42202() {
    let app = TestApp::new().await;
    app.register("s", &record("R", &[ID])).await;
    assert_error(
        &app.delete("/subjects/s/versions/9").await,
        StatusCode::NOT_FOUND,
        40402,
    );
    assert_error(
        &app.delete("/subjects/s/versions/0").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        42202,
    );
}

#[tokio::test]
async fn deleting_a_subject_soft_then_permanently() {
    let app = TestApp::new().await;
    app.register("s", &record("R", &[ID])).await;
    app.register("s", &record("R", &[ID, NOTE])).await;
    let not_soft = app.delete("/subjects/s?permanent=true").await;
    assert_eq!(
        assert_error(&not_soft, StatusCode::NOT_FOUND, 40405),
        "Subject 's' was not deleted first before being permanently deleted"
    );
    assert_eq!(app.delete("/subjects/s").await.1, json!([1, 2]));
    assert_eq!(app.get("/subjects").await.1, json!([]));
    assert_eq!(app.get("/subjects?deleted=true").await.1, json!(["s"]));
    assert_eq!(app.get("/subjects?deletedOnly=true").await.1, json!(["s"]));
    assert_error(
        &app.delete("/subjects/s").await,
        StatusCode::NOT_FOUND,
        40404,
    );
    assert_eq!(
        app.delete("/subjects/s?permanent=true").await.1,
        json!([1, 2])
    );
    assert_error(
        &app.get("/subjects/s/versions").await,
        StatusCode::NOT_FOUND,
        40401,
    );
    // With no version left anywhere, the ids are gone too.
    assert_error(
        &app.get("/schemas/ids/1").await,
        StatusCode::NOT_FOUND,
        40403,
    );
}

#[tokio::test]
async fn reading_unknown_subjects_and_versions_gives_40401_and_40402() {
    let app = TestApp::new().await;
    let subject = app.get("/subjects/nope/versions/1").await;
    assert_eq!(
        assert_error(&subject, StatusCode::NOT_FOUND, 40401),
        "Subject 'nope' not found."
    );
    assert_error(
        &app.get("/subjects/nope/versions/latest").await,
        StatusCode::NOT_FOUND,
        40401,
    );
    assert_error(
        &app.get("/subjects/nope/versions").await,
        StatusCode::NOT_FOUND,
        40401,
    );
    app.register("s", "\"string\"").await;
    let version = app.get("/subjects/s/versions/5").await;
    assert_eq!(
        assert_error(&version, StatusCode::NOT_FOUND, 40402),
        "Version 5 not found."
    );
}

#[tokio::test]
async fn invalid_version_ids_are_42202() {
    let app = TestApp::new().await;
    app.register("s", "\"string\"").await;
    for bad in ["0", "-2", "abc", "99999999999"] {
        let reply = app.get(&format!("/subjects/s/versions/{bad}")).await;
        let message = assert_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, 42202);
        assert!(message.contains(bad), "{message}");
    }
}

#[tokio::test]
async fn subjects_with_a_slash_arrive_percent_encoded_in_one_segment() {
    let app = TestApp::new().await;
    let (status, _) = app
        .post(
            "/subjects/team%2Forders-value/versions",
            json!({ "schema": "\"string\"" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(app.get("/subjects").await.1, json!(["team/orders-value"]));
    let (_, latest) = app
        .get("/subjects/team%2Forders-value/versions/latest")
        .await;
    assert_eq!(latest["subject"], "team/orders-value");
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
        "Invalid schema: Version is not one more than previous version"
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
async fn metadata_and_rule_set_are_stored_and_returned_unchanged() {
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
    let (_, version) = app.get("/subjects/s/versions/1").await;
    assert_eq!(version["metadata"], metadata);
    assert_eq!(version["ruleSet"], rule_set);
    let (_, by_id) = app.get(&format!("/schemas/ids/{}", body["id"])).await;
    assert_eq!(by_id["metadata"], metadata);
}

#[tokio::test]
async fn import_mode_registers_under_the_given_id_and_version() {
    let app = TestApp::new().await;
    assert_eq!(
        app.put("/mode", json!({ "mode": "IMPORT" })).await.0,
        StatusCode::OK
    );
    let (status, body) = app
        .post(
            "/subjects/s/versions",
            json!({ "schema": record("R", &[ID]), "id": 42, "version": 7 }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["id"], 42);
    assert_eq!(app.get("/subjects/s/versions").await.1, json!([7]));
    // Another schema under a used id is refused; the same content under another id too.
    let overwrite = app
        .post(
            "/subjects/t/versions",
            json!({ "schema": record("Other", &[ID]), "id": 42 }),
        )
        .await;
    assert_error(&overwrite, StatusCode::UNPROCESSABLE_ENTITY, 42205);
    let mismatch = app
        .post(
            "/subjects/t/versions",
            json!({ "schema": record("R", &[ID]), "id": 43 }),
        )
        .await;
    assert_eq!(
        assert_error(&mismatch, StatusCode::UNPROCESSABLE_ENTITY, 42207),
        "Schema already registered with id 42 instead of input id 43"
    );
    // Back in READWRITE, new ids continue after the imported ones.
    app.put("/mode", json!({ "mode": "READWRITE" })).await;
    assert_eq!(app.register("u", "\"string\"").await, 43);
}

#[tokio::test]
async fn an_id_outside_import_mode_is_refused() {
    let app = TestApp::new().await;
    let reply = app
        .post(
            "/subjects/s/versions",
            json!({ "schema": "\"string\"", "id": 5 }),
        )
        .await;
    assert_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, 42205);
}

#[tokio::test]
async fn entering_import_mode_with_live_subjects_needs_force() {
    let app = TestApp::new().await;
    app.register("s", "\"string\"").await;
    let refused = app.put("/mode", json!({ "mode": "IMPORT" })).await;
    assert_eq!(
        assert_error(&refused, StatusCode::UNPROCESSABLE_ENTITY, 42205),
        "Cannot import since found existing subjects"
    );
    assert_eq!(
        app.put("/mode?force=true", json!({ "mode": "IMPORT" }))
            .await
            .0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn read_only_mode_refuses_writes_with_42205_and_still_serves_reads() {
    let app = TestApp::new().await;
    app.register("s", "\"string\"").await;
    app.put("/mode/s", json!({ "mode": "READONLY" })).await;
    let register = app
        .post("/subjects/s/versions", json!({ "schema": "\"int\"" }))
        .await;
    assert_error(&register, StatusCode::UNPROCESSABLE_ENTITY, 42205);
    assert_error(
        &app.delete("/subjects/s").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        42205,
    );
    let config = app
        .put("/config/s", json!({ "compatibility": "NONE" }))
        .await;
    assert_error(&config, StatusCode::UNPROCESSABLE_ENTITY, 42205);
    assert_eq!(app.get("/subjects/s/versions/1").await.0, StatusCode::OK);
    // Other subjects are unaffected by a subject's mode.
    app.register("t", "\"string\"").await;
    // A global READONLY reaches every subject.
    app.put("/mode", json!({ "mode": "READONLY" })).await;
    let elsewhere = app
        .post("/subjects/t/versions", json!({ "schema": "\"int\"" }))
        .await;
    assert_error(&elsewhere, StatusCode::UNPROCESSABLE_ENTITY, 42205);
}
