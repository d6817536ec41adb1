//! Three real `accord` processes on one PostgreSQL database, driven by 50 concurrent clients:
//! the instances behave as one registry.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokio::sync::Mutex;

use crate::backend::{postgres_or_skip, say, PgDatabase, Process};

const CLIENTS: usize = 50;
const REGISTRATIONS_PER_CLIENT: usize = 8;
const SUBJECTS: usize = 10;
const CONTENTS: usize = 60;
const CONFLUENT_JSON: &str = "application/vnd.schemaregistry.v1+json";

/// One acknowledged registration: content `k` in subject `s` got `id` and `version`.
#[derive(Debug, Clone, Copy)]
struct Ack {
    subject: usize,
    content: usize,
    id: i64,
    version: i64,
}

/// Avro record number `k`: the contents that clients register, many of them by several clients.
fn content(k: usize) -> String {
    format!(r#"{{"type":"record","name":"R{k}","fields":[{{"name":"f{k}","type":"string"}}]}}"#)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_instances_on_one_database_give_one_id_per_schema_gapless_versions_and_serve_every_id_at_once(
) {
    let Some(db) = postgres_or_skip().await else {
        return;
    };
    let started = Instant::now();
    // Started together: they migrate the new database at the same time.
    let args = ["--db-max-connections", "8"];
    let (a, b, c) = tokio::join!(
        Process::start(&db.url, &args),
        Process::start(&db.url, &args),
        Process::start(&db.url, &args),
    );
    let bases: Arc<Vec<String>> = Arc::new(vec![a.base.clone(), b.base.clone(), c.base.clone()]);
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    // Any order of registration is then allowed (no instance has read the config yet, so each
    // reads the new one from the database).
    let response = client
        .put(format!("{}/config", bases[0]))
        .header("content-type", CONFLUENT_JSON)
        .body(json!({ "compatibility": "NONE" }).to_string())
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());

    let acks = Arc::new(Mutex::new(Vec::<Ack>::new()));
    let load = Instant::now();
    let tasks: Vec<_> = (0..CLIENTS)
        .map(|n| {
            let (client, bases, acks) = (client.clone(), bases.clone(), acks.clone());
            tokio::spawn(async move {
                for step in 0..REGISTRATIONS_PER_CLIENT {
                    let subject = (n + step) % SUBJECTS;
                    let k = (n * 3 + step * 7) % CONTENTS;
                    let at = &bases[(n + step) % bases.len()];
                    let response = client
                        .post(format!("{at}/subjects/mi-{subject}/versions"))
                        .header("content-type", CONFLUENT_JSON)
                        .body(json!({ "schema": content(k) }).to_string())
                        .send()
                        .await
                        .expect("the instance answers");
                    let status = response.status();
                    let body: Value = response.json().await.expect("a JSON body");
                    assert!(
                        status.is_success(),
                        "registering R{k} in mi-{subject}: {body}"
                    );
                    let id = body["id"].as_i64().expect("an id");

                    // Every instance serves the id as soon as it is acknowledged.
                    for base in bases.iter() {
                        let response = client
                            .get(format!("{base}/schemas/ids/{id}"))
                            .send()
                            .await
                            .unwrap();
                        assert!(
                            response.status().is_success(),
                            "{base} does not serve acknowledged id {id}"
                        );
                        let served: Value = response.json().await.unwrap();
                        assert!(
                            served["schema"]
                                .as_str()
                                .unwrap()
                                .contains(&format!("R{k}")),
                            "{base} serves other content under id {id}: {served}"
                        );
                    }
                    let version = version_of(&client, at, subject, k).await;
                    acks.lock().await.push(Ack {
                        subject,
                        content: k,
                        id,
                        version,
                    });
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("a client failed");
    }
    let load = load.elapsed();
    let acks = acks.lock().await.clone();
    assert_eq!(acks.len(), CLIENTS * REGISTRATIONS_PER_CLIENT);

    // One id per distinct content, and distinct contents have distinct ids.
    let mut ids_of: BTreeMap<usize, BTreeSet<i64>> = BTreeMap::new();
    for ack in &acks {
        ids_of.entry(ack.content).or_default().insert(ack.id);
    }
    for (k, ids) in &ids_of {
        assert_eq!(ids.len(), 1, "R{k} got several ids: {ids:?}");
    }
    let all_ids: BTreeSet<i64> = ids_of.values().flatten().copied().collect();
    assert_eq!(all_ids.len(), ids_of.len(), "two contents share an id");

    // Each subject's versions are 1..n, one per distinct content acknowledged in it.
    let mut versions_of: HashMap<usize, BTreeMap<usize, BTreeSet<i64>>> = HashMap::new();
    for ack in &acks {
        versions_of
            .entry(ack.subject)
            .or_default()
            .entry(ack.content)
            .or_default()
            .insert(ack.version);
    }
    for (subject, contents) in &versions_of {
        for (k, versions) in contents {
            assert_eq!(versions.len(), 1, "R{k} in mi-{subject}: {versions:?}");
        }
        let expected: Vec<i64> = (1..=contents.len() as i64).collect();
        for base in bases.iter() {
            let listed: Value = client
                .get(format!("{base}/subjects/mi-{subject}/versions"))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            assert_eq!(
                listed,
                json!(expected),
                "versions of mi-{subject} on {base}"
            );
        }
    }

    // And the database agrees: as many schemas as distinct contents.
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM schemas")
        .fetch_one(&mut db.connection().await)
        .await
        .unwrap();
    assert_eq!(stored as usize, ids_of.len());
    say(&format!(
        "multi_instance: {} registrations by {CLIENTS} clients over 3 instances in {load:?} \
         ({} distinct schemas, {} subjects); whole test {:?}",
        acks.len(),
        ids_of.len(),
        versions_of.len(),
        started.elapsed()
    ));
}

/// Returns the version of `subject` that holds content `k`, as the instance at `base` says.
async fn version_of(client: &reqwest::Client, base: &str, subject: usize, k: usize) -> i64 {
    let response = client
        .post(format!("{base}/subjects/mi-{subject}"))
        .header("content-type", CONFLUENT_JSON)
        .body(json!({ "schema": content(k) }).to_string())
        .send()
        .await
        .unwrap();
    let body: Value = response.json().await.unwrap();
    body["version"].as_i64().expect("a version")
}

/// Sends `GET path` to `base` with `authorization`; returns the status.
async fn status_of(client: &reqwest::Client, base: &str, path: &str, authorization: &str) -> u16 {
    let response = client
        .get(format!("{base}{path}"))
        .header("authorization", authorization)
        .send()
        .await
        .unwrap();
    response.status().as_u16()
}

/// Two instances A and B with authentication on (and `args`) over one database, `r-value` v1
/// registered and the service `s` (team `t`) with a credential: the database, A, B, the
/// admin's and the service's `Authorization` values, and the credential's id.
async fn secured_pair(
    args: &[&str],
) -> Option<(PgDatabase, Process, Process, String, String, String)> {
    let db = postgres_or_skip().await?;
    let token = "multi-instance-admin";
    let mut all = vec!["--admin-token", token];
    all.extend_from_slice(args);
    let (a, b) = tokio::join!(Process::start(&db.url, &all), Process::start(&db.url, &all));
    let client = reqwest::Client::new();
    let admin = format!("Bearer {token}");
    let post = |path: &str, body: Value| {
        client
            .post(format!("{}{path}", a.base))
            .header("authorization", &admin)
            .header("content-type", CONFLUENT_JSON)
            .body(body.to_string())
            .send()
    };
    post("/governance/teams", json!({ "name": "t" }))
        .await
        .unwrap();
    post("/governance/services", json!({ "name": "s", "team": "t" }))
        .await
        .unwrap();
    let issued: Value = post("/governance/services/s/credentials", json!({}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let registered = post(
        "/subjects/r-value/versions",
        json!({ "schema": content(1) }),
    )
    .await
    .unwrap();
    assert_eq!(registered.status(), 200);
    let service = format!("Bearer {}", issued["secret"].as_str().unwrap());
    let id = issued["id"].as_str().unwrap().to_string();
    Some((db, a, b, admin, service, id))
}

/// Waits up to a second (the notification delay is milliseconds) for `GET path` on `base` to
/// answer `status`.
async fn soon(client: &reqwest::Client, base: &str, path: &str, credential: &str, status: u16) {
    let deadline = Instant::now() + Duration::from_secs(1);
    loop {
        if status_of(client, base, path, credential).await == status {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{base}{path} is not {status} yet"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_credential_revoked_on_one_instance_is_refused_by_another_that_had_verified_it() {
    let Some((_db, a, b, admin, service, id)) = secured_pair(&[]).await else {
        return;
    };
    let client = reqwest::Client::new();
    let path = "/subjects/r-value/versions/latest";
    // B verifies the credential and keeps it.
    assert_eq!(status_of(&client, &b.base, path, &service).await, 200);
    assert_eq!(status_of(&client, &b.base, path, &service).await, 200);

    let revoke = format!("{}/governance/services/s/credentials/{id}", a.base);
    let revoked = client
        .delete(revoke)
        .header("authorization", &admin)
        .send()
        .await
        .unwrap();
    assert!(revoked.status().is_success());

    soon(&client, &b.base, path, &service, 401).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_grant_revoked_on_one_instance_is_refused_by_another_that_had_allowed_it() {
    let Some((_db, a, b, admin, service, _)) = secured_pair(&["--read-access", "enforce"]).await
    else {
        return;
    };
    let client = reqwest::Client::new();
    let grant = "/governance/subjects/r-value/consumers/s";
    let granted = client
        .put(format!("{}{grant}", a.base))
        .header("authorization", &admin)
        .send()
        .await
        .unwrap();
    assert!(granted.status().is_success());
    let path = "/subjects/r-value/versions/latest";
    // B asks the store once, then answers from memory.
    assert_eq!(status_of(&client, &b.base, path, &service).await, 200);
    assert_eq!(status_of(&client, &b.base, path, &service).await, 200);

    let revoked = client
        .delete(format!("{}{grant}", a.base))
        .header("authorization", &admin)
        .send()
        .await
        .unwrap();
    assert!(revoked.status().is_success());

    soon(&client, &b.base, path, &service, 403).await;
}

/// Sends `method path` with `body` to `base` as `authorization`; returns the status and body.
async fn send(
    client: &reqwest::Client,
    method: reqwest::Method,
    base: &str,
    path: &str,
    authorization: &str,
    body: Value,
) -> (u16, Value) {
    let response = client
        .request(method, format!("{base}{path}"))
        .header("authorization", authorization)
        .header("content-type", CONFLUENT_JSON)
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_proposal_opened_answered_and_landed_across_two_instances_is_one_proposal() {
    use reqwest::Method;
    let Some((_db, a, b, admin, producer, _)) = secured_pair(&[]).await else {
        return;
    };
    let client = reqwest::Client::new();
    let (a, b) = (a.base.as_str(), b.base.as_str());
    let (status, _) = send(
        &client,
        Method::PUT,
        a,
        "/governance/subjects/r-value/producer",
        &admin,
        json!({ "service": "s" }),
    )
    .await;
    assert_eq!(status, 204);
    let mut consumers = Vec::new();
    for name in ["c1", "c2"] {
        send(
            &client,
            Method::POST,
            a,
            "/governance/services",
            &admin,
            json!({ "name": name, "team": "t" }),
        )
        .await;
        let (_, issued) = send(
            &client,
            Method::POST,
            b,
            &format!("/governance/services/{name}/credentials"),
            &admin,
            json!({}),
        )
        .await;
        consumers.push(format!("Bearer {}", issued["secret"].as_str().unwrap()));
        let grant = format!("/governance/subjects/r-value/consumers/{name}");
        let (status, _) = send(&client, Method::PUT, a, &grant, &producer, json!({})).await;
        assert_eq!(status, 204);
    }
    let breaking = json!({ "schema": r#"{"type":"record","name":"R1","fields":[{"name":"f1","type":"string"},{"name":"g","type":"int"}]}"# });
    let register = "/subjects/r-value/versions";

    let (status, refused) = send(
        &client,
        Method::POST,
        b,
        register,
        &producer,
        breaking.clone(),
    )
    .await;
    assert_eq!(status, 409);
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("POST /governance/subjects/r-value/proposals"),
        "{refused}"
    );
    let mut body = breaking.clone();
    body["summary"] = "g is required".into();
    let (status, proposal) = send(
        &client,
        Method::POST,
        a,
        "/governance/subjects/r-value/proposals",
        &producer,
        body,
    )
    .await;
    assert_eq!(status, 201, "{proposal}");
    let answer = |name: &str| format!("/governance/proposals/{}/responses/{name}", proposal["id"]);

    let (status, _) = send(
        &client,
        Method::PUT,
        b,
        &answer("c1"),
        &consumers[0],
        json!({ "response": "blocked", "comment": "soon" }),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = send(
        &client,
        Method::POST,
        a,
        register,
        &producer,
        breaking.clone(),
    )
    .await;
    assert_eq!(status, 409);
    send(
        &client,
        Method::PUT,
        a,
        &answer("c1"),
        &consumers[0],
        json!({ "response": "ready" }),
    )
    .await;
    let (_, approved) = send(
        &client,
        Method::PUT,
        b,
        &answer("c2"),
        &consumers[1],
        json!({ "response": "ready" }),
    )
    .await;
    assert_eq!(approved["state"], "approved", "{approved}");

    let (status, landed) = send(
        &client,
        Method::POST,
        b,
        register,
        &producer,
        breaking.clone(),
    )
    .await;
    assert_eq!(status, 200, "{landed}");
    let path = format!("/governance/proposals/{}", proposal["id"]);
    let (_, applied) = send(&client, Method::GET, a, &path, &admin, Value::Null).await;
    assert_eq!(
        (applied["state"].as_str(), applied["version"].as_i64()),
        (Some("applied"), Some(2))
    );
    let next = json!({ "schema": r#"{"type":"record","name":"R1","fields":[{"name":"f1","type":"string"},{"name":"g","type":"int"},{"name":"h","type":"int"}]}"# });
    let (status, _) = send(&client, Method::POST, a, register, &producer, next).await;
    assert_eq!(status, 409);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_deliver_each_event_once_and_one_takes_over_when_the_other_dies() {
    use crate::events::{first_arrivals, Receiver, Remote, QUICK_DELIVERY};
    let Some(db) = postgres_or_skip().await else {
        return;
    };
    let (a, b) = tokio::join!(
        Process::start(&db.url, &QUICK_DELIVERY),
        Process::start(&db.url, &QUICK_DELIVERY)
    );
    let receivers = [Receiver::start().await, Receiver::start().await];
    let (on_a, on_b) = (Remote::new(&a.base), Remote::new(&b.base));
    for receiver in &receivers {
        on_a.subscribe(receiver).await;
    }
    let subjects: Vec<String> = (0..40).map(|n| format!("two-{n:02}-value")).collect();
    for (n, subject) in subjects[..30].iter().enumerate() {
        let on = if n % 2 == 0 { &on_a } else { &on_b };
        on.register(subject).await;
    }
    for receiver in &receivers {
        receiver.until(30).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    for receiver in &receivers {
        let (arrived, repeated) = first_arrivals(receiver);
        assert_eq!(arrived, subjects[..30], "in order");
        assert_eq!(repeated, 0, "each event is delivered by one instance");
    }

    // The receivers fail for a while, so that either instance may hold a lease when A dies:
    // B delivers everything all the same, once A's lease has run out.
    for receiver in &receivers {
        receiver.status.store(500, Ordering::SeqCst);
    }
    for subject in &subjects[30..] {
        on_b.register(subject).await;
    }
    let tried = *receivers[0].arrived.lock().unwrap() + 4;
    crate::backend::eventually("attempts fail", Duration::from_secs(10), || async {
        (*receivers[0].arrived.lock().unwrap() >= tried).then_some(())
    })
    .await;
    a.kill();
    for receiver in &receivers {
        receiver.status.store(200, Ordering::SeqCst);
    }
    for receiver in &receivers {
        receiver.until(40).await;
        let (arrived, _) = first_arrivals(receiver);
        assert_eq!(arrived, subjects, "in order");
    }
    drop(b);
}
