//! Storage guarantees under concurrency and across restarts, on a real SQLite file.

use std::collections::HashSet;
use std::sync::Arc;

use axum::http::StatusCode;
use serde_json::json;

use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_registrations_of_one_schema_yield_one_id_and_one_version() {
    let app = Arc::new(TestApp::new().await);
    let tasks: Vec<_> = (0..32)
        .map(|_| {
            let app = app.clone();
            tokio::spawn(async move { app.register("race-value", &record("R", &[ID])).await })
        })
        .collect();
    let mut ids = HashSet::new();
    for task in tasks {
        ids.insert(task.await.expect("task"));
    }
    assert_eq!(ids.len(), 1);
    assert_eq!(app.get("/subjects/race-value/versions").await.1, json!([1]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_registrations_of_distinct_schemas_get_gapless_versions_and_distinct_ids() {
    let app = Arc::new(TestApp::new().await);
    app.put("/config/many-value", json!({ "compatibility": "NONE" }))
        .await;
    let tasks: Vec<_> = (0..24)
        .map(|n| {
            let app = app.clone();
            let schema = record(&format!("R{n}"), &[ID]);
            tokio::spawn(async move {
                let subject = if n % 2 == 0 {
                    "many-value"
                } else {
                    "other-value"
                };
                app.put(
                    &format!("/config/{subject}"),
                    json!({ "compatibility": "NONE" }),
                )
                .await;
                let (status, body) = app
                    .post(
                        &format!("/subjects/{subject}/versions"),
                        json!({ "schema": schema }),
                    )
                    .await;
                assert_eq!(status, StatusCode::OK, "{body}");
                body["id"].as_i64().unwrap()
            })
        })
        .collect();
    let mut ids = HashSet::new();
    for task in tasks {
        assert!(
            ids.insert(task.await.expect("task")),
            "an id was given twice"
        );
    }
    let expected: Vec<i64> = (1..=12).collect();
    assert_eq!(
        app.get("/subjects/many-value/versions").await.1,
        json!(expected)
    );
    assert_eq!(
        app.get("/subjects/other-value/versions").await.1,
        json!(expected)
    );
}

#[tokio::test]
async fn data_survives_reopening_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("reopen.db").display());
    {
        let store = accord::storage::connect(&url).await.unwrap();
        let registry = accord::registry::Registry::new(store);
        let subject = accord::types::SubjectName::parse("s").unwrap();
        let request = accord::registry::SchemaRequest {
            schema_type: accord::types::SchemaType::Avro,
            schema: "\"string\"".to_string(),
            references: vec![],
            metadata: None,
            rule_set: None,
            id: None,
            version: None,
        };
        registry
            .register(&subject, request, false, &accord::types::Actor::anonymous())
            .await
            .unwrap();
    }
    let store = accord::storage::connect(&url).await.unwrap();
    let schema = store.schema(accord::types::SchemaId(1)).await.unwrap();
    assert_eq!(schema.unwrap().schema, "\"string\"");
}
