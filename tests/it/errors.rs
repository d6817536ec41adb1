//! Malformed requests: every one gets a 4xx in the Confluent shape, and nothing is stored.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::support::*;

async fn post_raw(
    app: &TestApp,
    path: &str,
    content_type: &str,
    body: &[u8],
) -> (StatusCode, Value) {
    let reply = app
        .send(
            Method::POST,
            path,
            &[("content-type", content_type)],
            body.to_vec(),
        )
        .await;
    (reply.status, reply.body)
}

async fn nothing_stored(app: &TestApp) {
    assert_eq!(app.get("/subjects?deleted=true").await.1, json!([]));
}

#[tokio::test]
async fn invalid_json_and_invalid_utf8_are_400s() {
    let app = TestApp::new().await;
    let truncated = post_raw(
        &app,
        "/subjects/s/versions",
        CONFLUENT_JSON,
        b"{\"schema\": ",
    )
    .await;
    assert!(assert_error(&truncated, StatusCode::BAD_REQUEST, 400).contains("Invalid JSON"));
    let not_utf8 = post_raw(
        &app,
        "/subjects/s/versions",
        CONFLUENT_JSON,
        b"{\"schema\": \"\xff\xfe\"}",
    )
    .await;
    assert_error(&not_utf8, StatusCode::BAD_REQUEST, 400);
    nothing_stored(&app).await;
}

#[tokio::test]
async fn wrong_field_types_are_400s_and_a_missing_body_a_422_as_in_confluent() {
    let app = TestApp::new().await;
    // Jackson reads a number as the schema's text, which is no schema.
    let number = app
        .post("/subjects/s/versions", json!({ "schema": 5 }))
        .await;
    assert_error(&number, StatusCode::UNPROCESSABLE_ENTITY, 42201);
    let refs = app
        .post(
            "/subjects/s/versions",
            json!({ "schema": "\"string\"", "references": "none" }),
        )
        .await;
    assert_error(&refs, StatusCode::BAD_REQUEST, 400);
    let empty = post_raw(&app, "/subjects/s/versions", CONFLUENT_JSON, b"").await;
    assert_eq!(
        assert_error(&empty, StatusCode::UNPROCESSABLE_ENTITY, 422),
        "register.arg5 must not be null (was null)"
    );
    nothing_stored(&app).await;
}

#[tokio::test]
async fn an_unknown_schema_type_is_42201() {
    let app = TestApp::new().await;
    let reply = app
        .post(
            "/subjects/s/versions",
            json!({ "schema": "\"string\"", "schemaType": "XML" }),
        )
        .await;
    assert!(assert_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, 42201).contains("XML"));
    nothing_stored(&app).await;
}

#[tokio::test]
async fn invalid_avro_is_42201_with_a_reason() {
    let app = TestApp::new().await;
    let cases = [
        ("not json", "{oops"),
        (
            "unknown type",
            r#"{"type":"recrod","name":"R","fields":[]}"#,
        ),
        (
            "illegal name",
            r#"{"type":"record","name":"1R","fields":[]}"#,
        ),
        (
            "duplicate field",
            r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"a","type":"int"}]}"#,
        ),
        (
            "duplicate symbol",
            r#"{"type":"enum","name":"E","symbols":["A","A"]}"#,
        ),
        (
            "enum default",
            r#"{"type":"enum","name":"E","symbols":["A"],"default":"B"}"#,
        ),
        ("fixed size", r#"{"type":"fixed","name":"F","size":-1}"#),
        ("nested union", r#"["null",["int","string"]]"#),
        ("duplicate branch", r#"["int","int"]"#),
        (
            "primitive name",
            r#"{"type":"record","name":"int","fields":[]}"#,
        ),
    ];
    for (case, schema) in cases {
        let reply = app
            .post("/subjects/s/versions", json!({ "schema": schema }))
            .await;
        let message = assert_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, 42201);
        assert!(
            message.len() > "Invalid schema: ".len(),
            "{case}: {message}"
        );
    }
    nothing_stored(&app).await;
}

#[tokio::test]
async fn every_confluent_media_type_is_accepted_and_others_are_415() {
    let app = TestApp::new().await;
    for media_type in [
        "application/vnd.schemaregistry.v1+json",
        "application/vnd.schemaregistry+json",
        "application/json; charset=utf-8",
        "application/octet-stream",
    ] {
        let reply = post_raw(
            &app,
            "/subjects/s/versions",
            media_type,
            br#"{"schema":"\"string\""}"#,
        )
        .await;
        assert_eq!(reply.0, StatusCode::OK, "{media_type}: {}", reply.1);
    }
    let form = post_raw(
        &app,
        "/subjects/s/versions",
        "application/x-www-form-urlencoded",
        b"schema=x",
    )
    .await;
    assert_error(&form, StatusCode::UNSUPPORTED_MEDIA_TYPE, 415);
}

#[tokio::test]
async fn responses_use_the_media_type_the_client_accepts() {
    let app = TestApp::new().await;
    let default = app.send(Method::GET, "/subjects", &[], vec![]).await;
    assert_eq!(default.content_type, CONFLUENT_JSON);
    let json = app
        .send(
            Method::GET,
            "/subjects",
            &[("accept", "application/json")],
            vec![],
        )
        .await;
    assert_eq!(json.content_type, "application/json");
}

#[tokio::test]
async fn an_oversized_body_is_413() {
    let app = TestApp::new().await;
    let huge = format!(r#"{{"schema":"{}"}}"#, "x".repeat(9 * 1024 * 1024));
    let reply = post_raw(
        &app,
        "/subjects/s/versions",
        CONFLUENT_JSON,
        huge.as_bytes(),
    )
    .await;
    assert_error(&reply, StatusCode::PAYLOAD_TOO_LARGE, 413);
    nothing_stored(&app).await;
}

#[tokio::test]
async fn unknown_paths_are_404_and_wrong_methods_405() {
    let app = TestApp::new().await;
    let unknown = app.get("/nothing/here").await;
    assert_eq!(
        assert_error(&unknown, StatusCode::NOT_FOUND, 404),
        "HTTP 404 Not Found"
    );
    let wrong_method = app.put("/subjects", json!({})).await;
    assert_error(&wrong_method, StatusCode::METHOD_NOT_ALLOWED, 405);
}

#[tokio::test]
async fn invalid_subject_names_are_42208() {
    let app = TestApp::new().await;
    for subject in ["__GLOBAL", "bad%07subject"] {
        let reply = app
            .post(
                &format!("/subjects/{subject}/versions"),
                json!({ "schema": "\"string\"" }),
            )
            .await;
        assert_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, 42208);
    }
    nothing_stored(&app).await;
}

#[tokio::test]
async fn query_values_that_do_not_parse_are_plain_404s_as_in_jax_rs() {
    let app = TestApp::new().await;
    for query in [
        "offset=abc",
        "limit=x",
        "limit=1.0",
        "limit=%201",
        "limit=2147483648",
    ] {
        let reply = app.get(&format!("/subjects?{query}")).await;
        assert_eq!(
            assert_error(&reply, StatusCode::NOT_FOUND, 404),
            "HTTP 404 Not Found",
            "{query}"
        );
    }
    assert_error(
        &app.get("/subjects?offset=-1").await,
        StatusCode::BAD_REQUEST,
        400,
    );
}

#[tokio::test]
async fn a_limit_of_zero_or_less_is_no_limit_and_a_repeated_parameter_counts_once() {
    let app = TestApp::new().await;
    app.register("a", "\"string\"").await;
    app.register("b", "\"int\"").await;
    for query in ["limit=0", "limit=-5", "limit=%2B2", "offset=0&offset=5"] {
        let reply = app.get(&format!("/subjects?{query}")).await;
        assert_eq!(reply, (StatusCode::OK, json!(["a", "b"])), "{query}");
    }
}

#[tokio::test]
async fn booleans_are_read_in_any_spelling() {
    let app = TestApp::new().await;
    app.register("s", "\"string\"").await;
    app.delete("/subjects/s").await;
    assert_eq!(app.get("/subjects?deleted=True").await.1, json!(["s"]));
    assert_eq!(app.get("/subjects?deleted=TRUE").await.1, json!(["s"]));
    assert_eq!(app.get("/subjects?deleted=False").await.1, json!([]));
    assert_eq!(app.get("/subjects?deleted=yes").await.1, json!([]));
}

#[tokio::test]
async fn the_association_lookup_answers_an_empty_list_so_serializers_fall_back() {
    let app = TestApp::new().await;
    let reply = app
        .get("/associations/resources/-/orders?resourceType=topic&associationType=value")
        .await;
    assert_eq!(reply, (StatusCode::OK, json!([])));
}

#[tokio::test]
async fn the_probes_answer() {
    let app = TestApp::new().await;
    assert_eq!(app.get("/").await, (StatusCode::OK, json!({})));
    assert_eq!(app.get("/v1/metadata/id").await.0, StatusCode::OK);
    assert_eq!(
        app.get("/v1/metadata/version").await.1["version"],
        env!("CARGO_PKG_VERSION")
    );
    assert_eq!(app.get("/contexts").await.1, json!(["."]));
    assert_eq!(app.get("/healthz").await.0, StatusCode::OK);
    let (_, ready) = app.get("/readyz").await;
    assert_eq!(ready["status"], "READY");
    assert!(ready["authentication"].as_str().unwrap().starts_with("off"));
}

#[tokio::test]
async fn metrics_count_requests_registrations_refusals_and_cache_hits() {
    let app = TestApp::new().await;
    let id = app.register("metrics-s", &record("R", &[ID])).await;
    app.post(
        "/subjects/metrics-s/versions",
        json!({ "schema": record("R", &[ID, QTY]) }),
    )
    .await;
    app.get(&format!("/schemas/ids/{id}")).await;
    app.get(&format!("/schemas/ids/{id}")).await;
    let reply = app.send(Method::GET, "/metrics", &[], vec![]).await;
    let text = reply.body.as_str().expect("text").to_string();
    for needle in [
        "accord_http_requests_total{method=\"POST\",route=\"/subjects/{subject}/versions\",status=\"200\"}",
        "accord_http_request_duration_seconds_bucket",
        "accord_registrations_total",
        "accord_compatibility_refusals_total",
        "accord_cache_lookups_total{cache=\"schema_by_id\",outcome=\"hit\"}",
    ] {
        assert!(text.contains(needle), "missing {needle} in\n{text}");
    }
}

#[tokio::test]
async fn a_schema_over_one_mebibyte_is_42209() {
    let app = TestApp::new().await;
    let fields: Vec<String> = (0..40_000)
        .map(|i| format!(r#"{{"name":"field_number_{i}","type":"string"}}"#))
        .collect();
    let huge = record(
        "Huge",
        &fields.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    assert!(huge.len() > 1024 * 1024);
    let reply = app
        .post("/subjects/s/versions", json!({ "schema": huge }))
        .await;
    assert_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, 42209);
    nothing_stored(&app).await;
}

#[tokio::test]
async fn a_subject_name_over_2048_bytes_is_42208_and_a_long_one_is_accepted() {
    let app = TestApp::new().await;
    let long = "s".repeat(2049);
    let reply = app
        .post(
            &format!("/subjects/{long}/versions"),
            json!({ "schema": "\"string\"" }),
        )
        .await;
    assert_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, 42208);
    let accepted = "s".repeat(300);
    assert_eq!(
        app.post(
            &format!("/subjects/{accepted}/versions"),
            json!({ "schema": "\"string\"" })
        )
        .await
        .0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn more_than_a_hundred_references_are_refused() {
    let app = TestApp::new().await;
    let references: Vec<Value> = (0..101)
        .map(|i| json!({ "name": format!("T{i}"), "subject": "t", "version": 1 }))
        .collect();
    let reply = app
        .post(
            "/subjects/s/versions",
            json!({ "schema": "\"string\"", "references": references }),
        )
        .await;
    let message = assert_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, 42201);
    assert!(message.contains("at most 100 references"), "{message}");
}

#[tokio::test]
async fn a_bad_query_value_on_accord_s_own_api_is_a_400_that_names_it() {
    let app = TestApp::new().await;
    for path in [
        "/governance/audit?limit=x",
        "/governance/events?limit=9223372036854775808",
    ] {
        let message = assert_error(&app.get(path).await, StatusCode::BAD_REQUEST, 400);
        assert!(
            message.starts_with("Invalid query parameter"),
            "{path}: {message}"
        );
    }
}
