//! Storage guarantees under concurrency and across restarts, on the backend of the run; and,
//! on PostgreSQL, between instances that share one database.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use serde_json::json;

use accord::app::AccessSettings;
use accord::registry::{Registry, SchemaRequest};
use accord::types::{Actor, SchemaId, SchemaType, SubjectName};

use crate::backend::{eventually, postgres_or_skip, say, test_pool, TestDb};
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

fn string_schema() -> SchemaRequest {
    SchemaRequest {
        schema_type: SchemaType::Avro,
        schema: "\"string\"".to_string(),
        references: vec![],
        metadata: None,
        rule_set: None,
        id: None,
        version: None,
        stamp: accord::registry::Stamp::None,
    }
}

#[tokio::test]
async fn data_survives_reopening_the_database() {
    let db = TestDb::new().await;
    {
        let registry = Registry::new(db.connect().await);
        let subject = SubjectName::parse("s").unwrap();
        registry
            .register(&subject, string_schema(), false, &Actor::anonymous())
            .await
            .unwrap();
    }
    let store = db.connect().await;
    let schema = store.schema(SchemaId(1)).await.unwrap();
    assert_eq!(schema.unwrap().schema, "\"string\"");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn several_instances_starting_at_once_migrate_a_new_postgres_database_once() {
    let Some(db) = postgres_or_skip().await else {
        return;
    };
    let starts: Vec<_> = (0..4)
        .map(|_| {
            let url = db.url.clone();
            tokio::spawn(async move { accord::storage::connect_with(&url, &test_pool()).await })
        })
        .collect();
    for start in starts {
        assert!(start.await.unwrap().is_ok(), "an instance failed to start");
    }
    let applied: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations WHERE success")
        .fetch_one(&mut db.connection().await)
        .await
        .unwrap();
    let migrations = std::fs::read_dir("migrations/postgres").unwrap().count();
    assert_eq!(applied as usize, migrations);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_instances_give_new_content_one_id_and_distinct_content_dense_ids() {
    let Some(db) = postgres_or_skip().await else {
        return;
    };
    let instances = [
        Arc::new(Registry::new(
            accord::storage::connect_with(&db.url, &test_pool())
                .await
                .unwrap(),
        )),
        Arc::new(Registry::new(
            accord::storage::connect_with(&db.url, &test_pool())
                .await
                .unwrap(),
        )),
    ];
    // The same content in 8 subjects, and 8 distinct contents in one subject each, at once.
    let tasks: Vec<_> = (0..16)
        .map(|n| {
            let registry = instances[n % 2].clone();
            tokio::spawn(async move {
                let mut request = string_schema();
                if n >= 8 {
                    request.schema = record(&format!("R{n}"), &[ID]);
                }
                let subject = SubjectName::parse(&format!("race-{n}")).unwrap();
                let registered = registry
                    .register(&subject, request, false, &Actor::anonymous())
                    .await
                    .expect("registered");
                (n, registered.id.0)
            })
        })
        .collect();
    let mut shared = HashSet::new();
    let mut distinct = HashSet::new();
    for task in tasks {
        let (n, id) = task.await.unwrap();
        match n < 8 {
            true => shared.insert(id),
            false => distinct.insert(id),
        };
    }
    assert_eq!(shared.len(), 1, "one content, one id: {shared:?}");
    assert!(distinct.is_disjoint(&shared));
    let mut all: Vec<i32> = shared.union(&distinct).copied().collect();
    all.sort();
    assert_eq!(all, (1..=9).collect::<Vec<_>>(), "ids are dense");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_instance_serves_a_new_id_at_once_and_a_new_latest_within_the_notification_delay() {
    let Some(db) = postgres_or_skip().await else {
        return;
    };
    let db = TestDb::Postgres(db);
    let a = TestApp::on(db.borrowed(), AccessSettings::default()).await;
    let b = TestApp::on(db.borrowed(), AccessSettings::default()).await;
    a.register("orders-value", &record("Order", &[ID])).await;
    // B caches version 1 as the latest.
    assert_eq!(
        b.get("/subjects/orders-value/versions/latest").await.1["version"],
        1
    );
    assert_eq!(
        b.get("/subjects/orders-value/versions/latest").await.1["version"],
        1
    );

    let id = a
        .register("orders-value", &record("Order", &[ID, NOTE]))
        .await;
    let acknowledged = Instant::now();
    let (status, _) = b.get(&format!("/schemas/ids/{id}")).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "a new id is served everywhere at once"
    );
    eventually("B sees the new latest", Duration::from_secs(5), || async {
        let (_, body) = b.get("/subjects/orders-value/versions/latest").await;
        (body["version"] == 2).then_some(())
    })
    .await;
    say(&format!(
        "storage: another instance saw the new latest {:?} after the acknowledgement",
        acknowledged.elapsed()
    ));

    // A config change on A reaches B's cached settings too, for a subject and globally.
    for (path, level) in [("/config/orders-value", "NONE"), ("/config", "FULL")] {
        assert_ne!(b.get(path).await.1["compatibilityLevel"], level);
        let (status, _) = a.put(path, json!({ "compatibility": level })).await;
        assert_eq!(status, StatusCode::OK);
        eventually(
            &format!("B sees {level} at {path}"),
            Duration::from_secs(5),
            || async { (b.get(path).await.1["compatibilityLevel"] == level).then_some(()) },
        )
        .await;
    }
    assert_eq!(b.get("/mode/orders-value").await.0, StatusCode::NOT_FOUND);
    let (status, _) = a
        .put("/mode/orders-value", json!({ "mode": "READONLY" }))
        .await;
    assert_eq!(status, StatusCode::OK);
    // (Polled on the mode itself: a registration that raced the notification would succeed,
    // and its schema, now registered, would be answered even in READONLY, as Confluent does.)
    eventually("B sees READONLY", Duration::from_secs(5), || async {
        (b.get("/mode/orders-value").await.1["mode"] == "READONLY").then_some(())
    })
    .await;
    let refused = b
        .post(
            "/subjects/orders-value/versions",
            json!({ "schema": record("Order", &[ID, NOTE, QTY_DEFAULT]) }),
        )
        .await;
    assert_error(&refused, StatusCode::UNPROCESSABLE_ENTITY, 42205);
    a.delete("/mode/orders-value").await;

    // A permanent deletion removes the id from B's cache too.
    a.delete("/subjects/orders-value").await;
    a.delete("/subjects/orders-value?permanent=true").await;
    eventually(
        "B forgets the deleted id",
        Duration::from_secs(5),
        || async {
            let (status, _) = b.get(&format!("/schemas/ids/{id}")).await;
            (status == StatusCode::NOT_FOUND).then_some(())
        },
    )
    .await;
}
