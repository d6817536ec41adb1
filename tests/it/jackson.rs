//! Request bodies read as Confluent's Jackson reads them: the null-argument 422s, the 400s for
//! JSON of the wrong type, and the scalar coercions it accepts.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::support::*;

async fn send_raw(app: &TestApp, method: Method, path: &str, body: &str) -> (StatusCode, Value) {
    let reply = app
        .send(
            method,
            path,
            &[("content-type", CONFLUENT_JSON)],
            body.as_bytes().to_vec(),
        )
        .await;
    (reply.status, reply.body)
}

#[tokio::test]
async fn a_missing_or_null_body_names_the_resource_methods_argument() {
    let app = TestApp::new().await;
    let cases = [
        (Method::POST, "/subjects/s/versions", "register.arg5"),
        (Method::POST, "/subjects/s", "lookUpSchemaUnderSubject.arg5"),
        (
            Method::POST,
            "/compatibility/subjects/s/versions",
            "testCompatibilityForSubject.arg3",
        ),
        (
            Method::POST,
            "/compatibility/subjects/s/versions/1",
            "testCompatibilityBySubjectName.arg4",
        ),
        (Method::PUT, "/config", "updateTopLevelConfig.arg1"),
        (Method::PUT, "/config/s", "updateSubjectLevelConfig.arg2"),
        (Method::PUT, "/mode", "updateTopLevelMode.arg1"),
        (Method::PUT, "/mode/s", "updateMode.arg2"),
    ];
    for (method, path, argument) in cases {
        for body in ["", "   ", "null"] {
            let reply = send_raw(&app, method.clone(), path, body).await;
            assert_eq!(
                assert_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, 422),
                format!("{argument} must not be null (was null)"),
                "{method} {path} {body:?}"
            );
        }
    }
}

#[tokio::test]
async fn a_body_or_field_of_the_wrong_json_type_is_a_400() {
    let app = TestApp::new().await;
    for body in [
        json!([]),
        json!("string"),
        json!(42),
        json!({ "schema": { "type": "string" } }),
        json!({ "schema": "\"string\"", "references": {} }),
        json!({ "schema": "\"string\"", "references": "x" }),
        json!({ "schema": "\"string\"", "version": "x" }),
        json!({ "schema": "\"string\"", "id": "x" }),
        json!({ "schema": "\"string\"", "version": true }),
        json!({ "schema": "\"string\"", "version": 99999999999_i64 }),
    ] {
        let reply = app.post("/subjects/s/versions", body.clone()).await;
        assert_error(&reply, StatusCode::BAD_REQUEST, 400);
    }
    let array = app.post("/subjects/s/versions", json!([])).await;
    assert_eq!(
        array.1["message"],
        "Cannot deserialize value of type `RegisterSchemaRequest` from Array value (token `JsonToken.START_ARRAY`)"
    );
    for (path, body) in [
        ("/config", json!([])),
        ("/config/s", json!("x")),
        ("/config", json!({ "normalize": "yes" })),
        ("/mode/s", json!([])),
    ] {
        assert_error(&app.put(path, body).await, StatusCode::BAD_REQUEST, 400);
    }
    assert_eq!(app.get("/subjects?deleted=true").await.1, json!([]));
}

#[tokio::test]
async fn scalars_are_coerced_as_jackson_coerces_them() {
    let app = TestApp::new().await;
    for body in [
        json!({ "schema": "\"int\"", "version": "1" }),
        json!({ "schema": "\"int\"", "version": 1.7 }),
        json!({ "schema": "\"int\"", "version": "" }),
        json!({ "schema": "\"int\"", "id": "-1" }),
        json!({ "schema": "\"int\"", "schemaType": null }),
    ] {
        let reply = app.post("/subjects/s/versions", body.clone()).await;
        assert_eq!(reply.0, StatusCode::OK, "{body}: {}", reply.1);
    }
    let number_as_schema = app
        .post("/subjects/t/versions", json!({ "schema": 42 }))
        .await;
    assert_error(&number_as_schema, StatusCode::UNPROCESSABLE_ENTITY, 42201);
    let number_as_type = app
        .post(
            "/subjects/t/versions",
            json!({ "schema": "\"int\"", "schemaType": 5 }),
        )
        .await;
    assert_eq!(
        assert_error(&number_as_type, StatusCode::UNPROCESSABLE_ENTITY, 42201),
        "Invalid schema type 5"
    );
    let (status, echoed) = app.put("/config/c", json!({ "normalize": "true" })).await;
    assert_eq!(
        (status, echoed),
        (StatusCode::OK, json!({ "normalize": true }))
    );
    let (_, echoed) = app.put("/config/d", json!({ "normalize": 1 })).await;
    assert_eq!(echoed, json!({ "normalize": true }));
    let level = app.put("/config/e", json!({ "compatibility": true })).await;
    assert_error(&level, StatusCode::UNPROCESSABLE_ENTITY, 42203);
    let mode = app.put("/mode/m", json!({ "mode": 5 })).await;
    assert_eq!(
        assert_error(&mode, StatusCode::UNPROCESSABLE_ENTITY, 42204),
        "Invalid mode. Valid values are READWRITE, READONLY, and IMPORT."
    );
}

#[tokio::test]
async fn a_repeated_key_takes_its_last_value() {
    let app = TestApp::new().await;
    let reply = send_raw(
        &app,
        Method::POST,
        "/subjects/dup/versions",
        r#"{"schema":"\"int\"","schema":"\"long\""}"#,
    )
    .await;
    assert_eq!(reply.0, StatusCode::OK);
    assert_eq!(
        app.get("/subjects/dup/versions/1").await.1["schema"],
        "\"long\""
    );
}

#[tokio::test]
async fn a_schema_type_must_be_spelt_exactly() {
    let app = TestApp::new().await;
    for schema_type in ["avro", "Avro", "json", "protobuf", "XML", ""] {
        let reply = app
            .post(
                "/subjects/s/versions",
                json!({ "schema": "\"string\"", "schemaType": schema_type }),
            )
            .await;
        assert_eq!(
            assert_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, 42201),
            format!("Invalid schema type {schema_type}")
        );
    }
    let reply = app
        .post(
            "/subjects/s/versions",
            json!({ "schema": "\"string\"", "schemaType": "AVRO" }),
        )
        .await;
    assert_eq!(reply.0, StatusCode::OK);
}

#[tokio::test]
async fn post_root_reads_a_map_of_strings_and_answers_an_empty_object() {
    let app = TestApp::new().await;
    for body in ["", "{}", r#"{"a":"b"}"#, r#"{"a":1}"#] {
        assert_eq!(
            send_raw(&app, Method::POST, "/", body).await,
            (StatusCode::OK, json!({})),
            "{body}"
        );
    }
    for body in ["not json", "[]", r#"{"a":{}}"#] {
        let reply = send_raw(&app, Method::POST, "/", body).await;
        assert_error(&reply, StatusCode::BAD_REQUEST, 400);
    }
}

#[tokio::test]
async fn an_unsupported_media_type_is_confluents_415() {
    let app = TestApp::new().await;
    let reply = app
        .send(
            Method::POST,
            "/subjects/s/versions",
            &[("content-type", "text/plain")],
            br#"{"schema":"\"string\""}"#.to_vec(),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(
        reply.body,
        json!({ "error_code": 415, "message": "HTTP 415 Unsupported Media Type" })
    );
}
