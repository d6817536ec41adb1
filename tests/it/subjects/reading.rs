//! Reading: versions, raw schemas, subject listings, lookups, and the errors for what is not
//! there or not a valid version.

use axum::http::StatusCode;
use serde_json::json;

use crate::support::*;

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
async fn a_version_with_trailing_space_reads_as_the_number() {
    let app = TestApp::new().await;
    app.register("s", "\"string\"").await;
    assert_eq!(app.get("/subjects/s/versions/1%20").await.1["version"], 1);
    assert_error(
        &app.get("/subjects/s/versions/%20").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        42202,
    );
}

#[tokio::test]
async fn names_that_cannot_be_registered_are_read_as_not_found() {
    let app = TestApp::new().await;
    for name in ["__GLOBAL", "__EMPTY", "tab%09here"] {
        let reply = app.get(&format!("/subjects/{name}/versions")).await;
        assert_error(&reply, StatusCode::NOT_FOUND, 40401);
        let reply = app.get(&format!("/subjects/{name}/versions/1")).await;
        assert_error(&reply, StatusCode::NOT_FOUND, 40401);
        let reply = app.get(&format!("/config/{name}")).await;
        assert_error(&reply, StatusCode::NOT_FOUND, 40408);
    }
    for write in [
        app.post(
            "/subjects/tab%09here/versions",
            json!({ "schema": "\"string\"" }),
        )
        .await,
        app.post(
            "/subjects/%3A.ctx%3A__GLOBAL/versions",
            json!({ "schema": "\"string\"" }),
        )
        .await,
        app.put("/config/__EMPTY", json!({ "compatibility": "NONE" }))
            .await,
    ] {
        let message = assert_error(&write, StatusCode::UNPROCESSABLE_ENTITY, 42208);
        assert!(message.ends_with("' is not a valid."), "{message}");
    }
}

#[tokio::test]
async fn deleted_only_lists_none_of_a_subject_without_deleted_versions() {
    let app = TestApp::new().await;
    app.register("s", "\"string\"").await;
    assert_eq!(
        app.get("/subjects/s/versions?deletedOnly=true").await,
        (StatusCode::OK, json!([]))
    );
    assert_error(
        &app.get("/subjects/nope/versions?deletedOnly=true").await,
        StatusCode::NOT_FOUND,
        40401,
    );
}

#[tokio::test]
async fn latest_is_the_latest_live_version_even_with_deleted_true() {
    let app = TestApp::new().await;
    app.register("s", &record("R", &[ID])).await;
    app.register("s", &record("R", &[ID, QTY_DEFAULT])).await;
    app.delete("/subjects/s/versions/2").await;
    let (_, latest) = app.get("/subjects/s/versions/latest?deleted=true").await;
    assert_eq!(latest["version"], 1);
    app.delete("/subjects/s/versions/1").await;
    let reply = app.get("/subjects/s/versions/latest?deleted=true").await;
    assert_eq!(
        assert_error(&reply, StatusCode::NOT_FOUND, 40402),
        "Version -1 not found."
    );
    let reply = app.delete("/subjects/s/versions/latest").await;
    assert_eq!(
        assert_error(&reply, StatusCode::NOT_FOUND, 40402),
        "Version -1 not found."
    );
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
