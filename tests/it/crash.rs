//! Crash safety: the real binary, killed with SIGKILL, keeps every acknowledged registration.

use serde_json::{json, Value};

use crate::backend::{Process, TestDb};

#[tokio::test]
async fn acknowledged_registrations_survive_sigkill() {
    let db = TestDb::new().await;
    let client = reqwest::Client::new();
    let server = Process::start(db.url(), &[]).await;
    let mut acknowledged = Vec::new();
    for n in 0..20 {
        let schema = format!(r#"{{"type":"record","name":"R{n}","fields":[]}}"#);
        let response = client
            .post(format!("{}/subjects/crash-{n}/versions", server.base))
            .header("content-type", "application/vnd.schemaregistry.v1+json")
            .body(json!({ "schema": schema }).to_string())
            .send()
            .await
            .unwrap();
        let body: Value = response.json().await.unwrap();
        acknowledged.push((n, body["id"].as_i64().unwrap()));
    }
    server.kill();

    let server = Process::start(db.url(), &[]).await;
    for (n, id) in acknowledged {
        let body: Value = client
            .get(format!("{}/subjects/crash-{n}/versions/1", server.base))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(body["id"], id, "crash-{n}");
    }
}
