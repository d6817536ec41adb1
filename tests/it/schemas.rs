//! `/schemas`: by id, its subjects and versions, the types, and the listing.

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn a_schema_by_id_returns_its_text_and_omits_the_avro_type() {
    let app = TestApp::new().await;
    let id = app.register("orders-value", &record("Order", &[ID])).await;
    let (status, body) = app.get(&format!("/schemas/ids/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({ "schema": record("Order", &[ID]) }));
}

#[tokio::test]
async fn a_subject_hint_does_not_change_the_answer_and_fetch_max_id_adds_max_id() {
    let app = TestApp::new().await;
    let id = app.register("a", "\"string\"").await;
    app.register("b", "\"int\"").await;
    let (_, plain) = app.get(&format!("/schemas/ids/{id}")).await;
    let (_, hinted) = app.get(&format!("/schemas/ids/{id}?subject=b")).await;
    assert_eq!(plain, hinted);
    let (_, with_max) = app.get(&format!("/schemas/ids/{id}?fetchMaxId=true")).await;
    assert_eq!(with_max["maxId"], 2);
}

#[tokio::test]
async fn an_unknown_id_is_40403_naming_the_id() {
    let app = TestApp::new().await;
    let reply = app.get("/schemas/ids/77").await;
    assert_eq!(
        assert_error(&reply, StatusCode::NOT_FOUND, 40403),
        "Schema 77 not found"
    );
    assert_error(
        &app.get("/schemas/ids/77/subjects").await,
        StatusCode::NOT_FOUND,
        40403,
    );
    assert_error(
        &app.get("/schemas/ids/77/versions").await,
        StatusCode::NOT_FOUND,
        40403,
    );
    assert_error(
        &app.get("/schemas/ids/77/schema").await,
        StatusCode::NOT_FOUND,
        40403,
    );
}

#[tokio::test]
async fn an_id_that_is_no_java_int_is_a_plain_404_and_zero_or_less_is_not_found() {
    let app = TestApp::new().await;
    for id in ["abc", "1.5", "2147483648"] {
        for suffix in ["", "/schema", "/subjects", "/versions"] {
            let reply = app.get(&format!("/schemas/ids/{id}{suffix}")).await;
            assert_eq!(
                assert_error(&reply, StatusCode::NOT_FOUND, 404),
                "HTTP 404 Not Found",
                "{id}{suffix}"
            );
        }
    }
    for id in ["0", "-1"] {
        let reply = app.get(&format!("/schemas/ids/{id}")).await;
        assert_eq!(
            assert_error(&reply, StatusCode::NOT_FOUND, 40403),
            format!("Schema {id} not found")
        );
        for suffix in ["/subjects", "/versions"] {
            let reply = app.get(&format!("/schemas/ids/{id}{suffix}")).await;
            assert_eq!(
                assert_error(&reply, StatusCode::NOT_FOUND, 40403),
                "Schema not found"
            );
        }
    }
}

#[tokio::test]
async fn an_id_whose_versions_are_all_soft_deleted_has_no_subjects_or_versions() {
    let app = TestApp::new().await;
    let id = app.register("s", "\"string\"").await;
    app.delete("/subjects/s/versions/1").await;
    for suffix in ["subjects", "versions"] {
        let reply = app.get(&format!("/schemas/ids/{id}/{suffix}")).await;
        assert_eq!(reply, (StatusCode::OK, json!([])), "{suffix}");
    }
    let (_, deleted) = app
        .get(&format!("/schemas/ids/{id}/subjects?deleted=true"))
        .await;
    assert_eq!(deleted, json!(["s"]));
}

#[tokio::test]
async fn the_raw_schema_by_id_is_the_text_itself() {
    let app = TestApp::new().await;
    let id = app.register("s", &record("R", &[ID])).await;
    let reply = app
        .send(
            Method::GET,
            &format!("/schemas/ids/{id}/schema"),
            &[],
            vec![],
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body["type"], "record");
}

#[tokio::test]
async fn the_versions_of_an_id_list_every_subject_version_using_it() {
    let app = TestApp::new().await;
    let id = app.register("a", "\"string\"").await;
    app.register("b", "\"string\"").await;
    let (_, versions) = app.get(&format!("/schemas/ids/{id}/versions")).await;
    assert_eq!(
        versions,
        json!([{ "subject": "a", "version": 1 }, { "subject": "b", "version": 1 }])
    );
    app.delete("/subjects/b").await;
    let (_, live) = app.get(&format!("/schemas/ids/{id}/subjects")).await;
    assert_eq!(live, json!(["a"]));
    let (_, all) = app
        .get(&format!("/schemas/ids/{id}/subjects?deleted=true"))
        .await;
    assert_eq!(all, json!(["a", "b"]));
}

#[tokio::test]
async fn the_schema_types_include_avro() {
    let app = TestApp::new().await;
    let (status, types) = app.get("/schemas/types").await;
    assert_eq!(status, StatusCode::OK);
    assert!(types.as_array().unwrap().contains(&json!("AVRO")));
}

#[tokio::test]
async fn the_schema_listing_filters_by_prefix_and_latest() {
    let app = TestApp::new().await;
    app.register("a-value", &record("R", &[ID])).await;
    app.register("a-value", &record("R", &[ID, NOTE])).await;
    app.register("b-value", "\"string\"").await;
    let (_, all) = app.get("/schemas").await;
    assert_eq!(all.as_array().unwrap().len(), 3);
    let (_, latest) = app.get("/schemas?subjectPrefix=a-&latestOnly=true").await;
    assert_eq!(latest.as_array().unwrap().len(), 1);
    assert_eq!(latest[0]["version"], 2);
    assert_eq!(latest[0]["subject"], "a-value");
}
