//! The database goes away under load and comes back: clients get a clear 503 meanwhile, nothing
//! acknowledged is lost, and the instances serve again without a restart.
//!
//! The instances reach PostgreSQL through a TCP proxy in the test, which can cut every
//! connection and refuse new ones, and then let them through again; the shared server itself is
//! never stopped.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Mutex};

use crate::backend::{eventually, postgres_or_skip, say, Process};

const CLIENTS: usize = 6;
const CONFLUENT_JSON: &str = "application/vnd.schemaregistry.v1+json";

/// A TCP proxy to PostgreSQL that the test can cut and restore.
struct Proxy {
    port: u16,
    is_up: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl Proxy {
    async fn start(target: &'static str) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let (is_up, watching) = watch::channel(true);
        let task = tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                if !*watching.borrow() {
                    continue; // dropped: the database is "down"
                }
                let mut is_up = watching.clone();
                tokio::spawn(async move {
                    let Ok(mut outbound) = TcpStream::connect(target).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                        _ = is_up.wait_for(|up| !*up) => {}
                    }
                });
            }
        });
        Proxy { port, is_up, task }
    }

    /// Closes every connection through the proxy and drops new ones.
    fn cut(&self) {
        self.is_up.send_replace(false);
    }

    fn restore(&self) {
        self.is_up.send_replace(true);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// What clients saw: acknowledged registrations and refusals.
#[derive(Default)]
struct Outcomes {
    /// (subject, id)
    acknowledged: Vec<(String, i64)>,
    /// (status, body, how long the answer took)
    refused: Vec<(u16, Value, Duration)>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_database_outage_under_load_gives_clear_503s_loses_nothing_and_heals_by_itself() {
    let Some(db) = postgres_or_skip().await else {
        return;
    };
    let started = Instant::now();
    let proxy = Proxy::start("127.0.0.1:5432").await;
    let proxied = db
        .url
        .replace("127.0.0.1:5432", &format!("127.0.0.1:{}", proxy.port));
    assert_ne!(
        proxied, db.url,
        "the test database is reached through the proxy"
    );
    let args = ["--db-acquire-timeout", "1"];
    let (a, b) = tokio::join!(
        Process::start(&proxied, &args),
        Process::start(&proxied, &args)
    );
    let bases = Arc::new(vec![a.base.clone(), b.base.clone()]);
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();

    let response = client
        .put(format!("{}/config", bases[0]))
        .header("content-type", CONFLUENT_JSON)
        .body(json!({ "compatibility": "NONE" }).to_string())
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());

    // Clients register distinct schemas, each in its own subject, until told to stop.
    let outcomes = Arc::new(Mutex::new(Outcomes::default()));
    let stop = Arc::new(AtomicBool::new(false));
    let attempts = Arc::new(AtomicUsize::new(0));
    let load: Vec<_> = (0..CLIENTS)
        .map(|n| {
            let (client, bases, outcomes) = (client.clone(), bases.clone(), outcomes.clone());
            let (stop, attempts) = (stop.clone(), attempts.clone());
            tokio::spawn(async move {
                for step in 0..5_000 {
                    if stop.load(Ordering::SeqCst) {
                        return;
                    }
                    attempts.fetch_add(1, Ordering::SeqCst);
                    let subject = format!("fault-{n}");
                    let schema = format!(
                        r#"{{"type":"record","name":"R{n}x{step}","fields":[{{"name":"f{step}","type":"string","default":""}}]}}"#
                    );
                    let sent = Instant::now();
                    let response = client
                        .post(format!("{}/subjects/{subject}/versions", bases[step % 2]))
                        .header("content-type", CONFLUENT_JSON)
                        .body(json!({ "schema": schema }).to_string())
                        .send()
                        .await
                        .expect("the instance answers, even without its database");
                    let status = response.status().as_u16();
                    let body: Value = response.json().await.unwrap_or(Value::Null);
                    let mut outcomes = outcomes.lock().await;
                    if status == 200 {
                        let id = body["id"].as_i64().expect("an id");
                        outcomes.acknowledged.push((subject, id));
                    } else {
                        outcomes.refused.push((status, body, sent.elapsed()));
                    }
                }
            })
        })
        .collect();
    let acknowledged = || async { outcomes.lock().await.acknowledged.len() };
    let refused = || async { outcomes.lock().await.refused.len() };

    eventually("registrations succeed", Duration::from_secs(30), || async {
        (acknowledged().await >= 30).then_some(())
    })
    .await;

    proxy.cut();
    let cut = Instant::now();
    let acknowledged_before_cut = acknowledged().await;
    eventually("clients are refused", Duration::from_secs(30), || async {
        (refused().await >= 3 * CLIENTS).then_some(())
    })
    .await;
    for base in bases.iter() {
        eventually(
            "/readyz reports the outage",
            Duration::from_secs(10),
            || async {
                let response = client.get(format!("{base}/readyz")).send().await.ok()?;
                (response.status() == 503).then_some(())
            },
        )
        .await;
    }
    let outage_seen = cut.elapsed();

    proxy.restore();
    let restored = Instant::now();
    for base in bases.iter() {
        eventually("/readyz recovers", Duration::from_secs(30), || async {
            let response = client.get(format!("{base}/readyz")).send().await.ok()?;
            response.status().is_success().then_some(())
        })
        .await;
    }
    let acknowledged_at_restore = acknowledged().await;
    eventually(
        "registrations succeed again",
        Duration::from_secs(30),
        || async { (acknowledged().await >= acknowledged_at_restore + 30).then_some(()) },
    )
    .await;
    let healed = restored.elapsed();
    stop.store(true, Ordering::SeqCst);
    for task in load {
        task.await.expect("a client failed");
    }

    let outcomes = outcomes.lock().await;
    // Every refusal is the Confluent store error saying the store is unavailable, and comes fast.
    for (status, body, took) in &outcomes.refused {
        assert_eq!(*status, 503, "a refusal is a 503: {body}");
        assert_eq!(body["error_code"], 50001, "{body}");
        let message = body["message"].as_str().unwrap_or_default();
        assert!(
            message.contains("backend data store is unavailable"),
            "the message says the store is unavailable: {message}"
        );
        assert!(
            *took < Duration::from_secs(5),
            "a refusal took {took:?}: it should fail fast"
        );
    }

    // Nothing acknowledged is lost: every instance serves every acknowledged id, and each
    // subject's versions stay gapless.
    for (subject, id) in &outcomes.acknowledged {
        for base in bases.iter() {
            let response = client
                .get(format!("{base}/schemas/ids/{id}"))
                .send()
                .await
                .unwrap();
            assert!(
                response.status().is_success(),
                "{base} lost id {id} of {subject}"
            );
        }
    }
    for n in 0..CLIENTS {
        let listed: Vec<i64> = client
            .get(format!("{}/subjects/fault-{n}/versions", bases[0]))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let expected: Vec<i64> = (1..=listed.len() as i64).collect();
        assert_eq!(listed, expected, "versions of fault-{n}");
        let acknowledged_here = outcomes
            .acknowledged
            .iter()
            .filter(|(subject, _)| *subject == format!("fault-{n}"))
            .count();
        assert!(listed.len() >= acknowledged_here, "fault-{n} lost versions");
    }
    say(&format!(
        "faults: {} acknowledged ({acknowledged_before_cut} before the cut), {} refused \
         of {} attempts; outage seen by clients and \
         /readyz {outage_seen:?} after the cut; serving again {healed:?} after the restore; \
         whole test {:?}",
        outcomes.acknowledged.len(),
        outcomes.refused.len(),
        attempts.load(Ordering::SeqCst),
        started.elapsed()
    ));
}
