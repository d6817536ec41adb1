//! Crash safety: the real binary under registration load, killed with SIGKILL at random moments
//! and restarted, keeps every acknowledged registration with its id and version, and shows
//! nothing half-written. Runs on the backend of the suite (SQLite, or PostgreSQL with
//! `ACCORD_TEST_BACKEND=postgres`).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};

use crate::backend::{Process, TestDb};

const CLIENTS: usize = 4;
const ROUNDS: usize = 5;

/// The `k`th schema (from 1) that client `c` registers: record `C{c}` with `k` defaulted fields,
/// so each is BACKWARD compatible with the one before and is version `k` of its subject.
fn schema(c: usize, k: usize) -> Value {
    let fields: Vec<Value> = (1..=k)
        .map(|i| json!({"name": format!("f{i}"), "type": "int", "default": 0}))
        .collect();
    json!({"type": "record", "name": format!("C{c}"), "fields": fields})
}

fn subject(c: usize) -> String {
    format!("crash-{c}")
}

/// A random number in `0..n`.
fn random_below(n: u64) -> u64 {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).expect("random bytes");
    u64::from_le_bytes(bytes) % n
}

/// What a client has registered and seen acknowledged.
#[derive(Default)]
struct Progress {
    /// The next schema to register; a registration that was not acknowledged is retried.
    next: usize,
    /// `acknowledged[k - 1]` is the id the server answered for schema `k`.
    acknowledged: Vec<i64>,
}

/// Registers client `c`'s schemas one after another until a request fails.
async fn register_until_failure(
    client: reqwest::Client,
    base: String,
    c: usize,
    progress: Arc<Mutex<Progress>>,
) {
    loop {
        let k = progress.lock().unwrap().next;
        let body = json!({ "schema": schema(c, k).to_string() }).to_string();
        let response = client
            .post(format!("{base}/subjects/{}/versions", subject(c)))
            .header("content-type", "application/vnd.schemaregistry.v1+json")
            .body(body)
            .send()
            .await;
        let Ok(response) = response else { return };
        assert!(
            response.status().is_success(),
            "registration {k} of client {c} refused: {}",
            response.status()
        );
        let Ok(answer) = response.json::<Value>().await else {
            return;
        };
        let id = answer["id"].as_i64().expect("an id");
        let mut progress = progress.lock().unwrap();
        progress.acknowledged.push(id);
        progress.next += 1;
    }
}

/// The number of registrations acknowledged so far, over all clients.
fn acknowledged(progress: &[Arc<Mutex<Progress>>]) -> usize {
    progress
        .iter()
        .map(|p| p.lock().unwrap().acknowledged.len())
        .sum()
}

async fn get(client: &reqwest::Client, url: String) -> (u16, Value) {
    let response = client.get(&url).send().await.expect("the server answers");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Checks what the restarted server shows: each client's subject has versions 1..n, where every
/// acknowledged schema `k` is version `k` with its acknowledged id, every version is the schema
/// registered for it, and every id resolves to that schema.
async fn check_consistent(client: &reqwest::Client, base: &str, progress: &[Arc<Mutex<Progress>>]) {
    for (c, progress) in progress.iter().enumerate() {
        let (acknowledged, attempted) = {
            let p = progress.lock().unwrap();
            (p.acknowledged.clone(), p.next)
        };
        let (status, versions) =
            get(client, format!("{base}/subjects/{}/versions", subject(c))).await;
        let versions: Vec<i64> = if status == 404 {
            Vec::new()
        } else {
            serde_json::from_value(versions).expect("a list of versions")
        };
        let n = versions.len();
        assert_eq!(versions, (1..=n as i64).collect::<Vec<_>>(), "client {c}");
        assert!(
            n >= acknowledged.len(),
            "client {c}: an acknowledged version is missing"
        );
        assert!(n <= attempted, "client {c}: a version nobody registered");
        for v in 1..=n {
            let (status, version) = get(
                client,
                format!("{base}/subjects/{}/versions/{v}", subject(c)),
            )
            .await;
            assert_eq!(status, 200, "client {c} version {v}: {version}");
            let stored: Value = serde_json::from_str(version["schema"].as_str().unwrap()).unwrap();
            assert_eq!(stored, schema(c, v), "client {c} version {v}");
            let id = version["id"].as_i64().unwrap();
            if let Some(&acknowledged_id) = acknowledged.get(v - 1) {
                assert_eq!(id, acknowledged_id, "client {c} version {v}: id changed");
            }
            let (status, by_id) = get(client, format!("{base}/schemas/ids/{id}")).await;
            assert_eq!(status, 200, "id {id}: {by_id}");
            let by_id: Value = serde_json::from_str(by_id["schema"].as_str().unwrap()).unwrap();
            assert_eq!(by_id, schema(c, v), "id {id}");
        }
    }
}

#[tokio::test]
async fn acknowledged_registrations_survive_sigkill_under_load() {
    let db = TestDb::new().await;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let progress: Vec<_> = (0..CLIENTS)
        .map(|_| {
            Arc::new(Mutex::new(Progress {
                next: 1,
                acknowledged: Vec::new(),
            }))
        })
        .collect();
    for _round in 0..ROUNDS {
        let server = Process::start(db.url(), &[]).await;
        let clients: Vec<_> = (0..CLIENTS)
            .map(|c| {
                tokio::spawn(register_until_failure(
                    client.clone(),
                    server.base.clone(),
                    c,
                    progress[c].clone(),
                ))
            })
            .collect();
        // Let the load run until a random number of registrations more are acknowledged (so
        // that there is load however slow the machine), then a random moment more, and crash
        // the server under it.
        let target = acknowledged(&progress) + 2 + random_below(10) as usize;
        crate::backend::eventually("registrations under load", Duration::from_secs(60), || {
            let progress = &progress;
            async move { (acknowledged(progress) >= target).then_some(()) }
        })
        .await;
        tokio::time::sleep(Duration::from_millis(random_below(100))).await;
        server.kill();
        for client in clients {
            client.await.expect("client task");
        }
    }
    let server = Process::start(db.url(), &[]).await;
    check_consistent(&client, &server.base, &progress).await;
    assert!(acknowledged(&progress) >= 2 * ROUNDS);
    // The server still registers after all of that.
    let response = client
        .post(format!("{}/subjects/after-crash/versions", server.base))
        .header("content-type", "application/vnd.schemaregistry.v1+json")
        .body(json!({"schema": "\"string\""}).to_string())
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());
}

/// A quiet server killed right after acknowledging.
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
        let (_, body) = get(
            &client,
            format!("{}/subjects/crash-{n}/versions/1", server.base),
        )
        .await;
        assert_eq!(body["id"], id, "crash-{n}");
    }
}
