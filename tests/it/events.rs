//! Change events: every change arrives at a real local receiver once, signed, in order, however
//! long the receiver fails; a hanging receiver holds nothing up; the feed pages and streams.

use std::sync::atomic::{AtomicBool, AtomicU16, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tokio::sync::Notify;

use accord::app::AccessSettings;
use accord::events::{signatures, EventSettings};
use accord::governance::ReadAccess;

use crate::backend::eventually;
use crate::support::*;

/// What a receiver got: the Standard Webhooks headers and the body.
#[derive(Debug, Clone)]
pub struct Received {
    pub id: String,
    pub timestamp: i64,
    pub signature: String,
    pub body: Vec<u8>,
}

impl Received {
    pub fn event(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a JSON event")
    }
}

/// A real HTTP receiver on a loopback port: it answers `status` (200 unless told otherwise), or
/// holds every request while `hang` is set.
pub struct Receiver {
    pub url: String,
    pub received: Arc<Mutex<Vec<Received>>>,
    pub status: Arc<AtomicU16>,
    pub hang: Arc<AtomicBool>,
    pub release: Arc<Notify>,
    /// Requests that arrived, answered or not.
    pub arrived: Arc<Mutex<usize>>,
}

impl Receiver {
    pub async fn start() -> Receiver {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hooks", listener.local_addr().unwrap());
        let received = Arc::new(Mutex::new(Vec::new()));
        let status = Arc::new(AtomicU16::new(200));
        let hang = Arc::new(AtomicBool::new(false));
        let release = Arc::new(Notify::new());
        let arrived = Arc::new(Mutex::new(0));
        let state = (
            received.clone(),
            status.clone(),
            hang.clone(),
            release.clone(),
            arrived.clone(),
        );
        let app = axum::Router::new().route(
            "/hooks",
            post(move |headers: HeaderMap, body: Bytes| {
                let (received, status, hang, release, arrived) = state.clone();
                async move {
                    *arrived.lock().unwrap() += 1;
                    if hang.load(Ordering::SeqCst) {
                        release.notified().await;
                    }
                    let code = status.load(Ordering::SeqCst);
                    if code == 200 {
                        let header = |name: &str| {
                            headers
                                .get(name)
                                .map(|v| v.to_str().unwrap().to_string())
                                .unwrap_or_default()
                        };
                        received.lock().unwrap().push(Received {
                            id: header("webhook-id"),
                            timestamp: header("webhook-timestamp").parse().unwrap_or(0),
                            signature: header("webhook-signature"),
                            body: body.to_vec(),
                        });
                    }
                    StatusCode::from_u16(code).unwrap()
                }
            }),
        );
        tokio::spawn(async move { axum::serve(listener, app).await });
        Receiver {
            url,
            received,
            status,
            hang,
            release,
            arrived,
        }
    }

    pub fn events(&self) -> Vec<Value> {
        self.received
            .lock()
            .unwrap()
            .iter()
            .map(Received::event)
            .collect()
    }

    /// Waits until `count` events arrived.
    pub async fn until(&self, count: usize) -> Vec<Value> {
        eventually(
            &format!("{count} events arrive"),
            Duration::from_secs(20),
            || async {
                let events = self.events();
                (events.len() >= count).then_some(events)
            },
        )
        .await
    }
}

/// Event settings quick enough for tests.
pub fn quick() -> EventSettings {
    EventSettings {
        source: "https://registry.example.com".to_string(),
        first_retry: Duration::from_millis(100),
        timeout: Duration::from_secs(1),
        poll: Duration::from_millis(20),
        ..EventSettings::default()
    }
}

async fn secured() -> TestApp {
    let access = AccessSettings {
        admin_token: Some(ADMIN_TOKEN.to_string()),
        read_access: ReadAccess::Open,
    };
    TestApp::with_events(access, quick()).await
}

fn types(events: &[Value]) -> Vec<String> {
    events
        .iter()
        .map(|e| {
            e["type"]
                .as_str()
                .unwrap()
                .trim_start_matches("dev.accord.")
                .to_string()
        })
        .collect()
}

/// Subscribes `receiver` as the admin to `events`; returns the secret.
async fn subscribe(app: &TestApp, receiver: &Receiver, body: Value) -> (String, String) {
    let mut body = body;
    body["url"] = receiver.url.clone().into();
    let (status, made) = app.admin().post("/governance/webhooks", body).await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    (
        made["id"].as_str().unwrap().to_string(),
        made["secret"].as_str().unwrap().to_string(),
    )
}

#[tokio::test]
async fn every_change_arrives_once_as_a_signed_cloud_event() {
    let app = secured().await;
    let receiver = Receiver::start().await;
    let (_, secret) = subscribe(&app, &receiver, json!({ "events": ["*"] })).await;
    let admin = app.admin();
    admin
        .post(
            "/governance/teams",
            json!({ "name": "shop", "contacts": [] }),
        )
        .await;
    admin
        .put(
            "/governance/teams/shop",
            json!({ "contacts": [{ "kind": "email", "value": "s@example.com" }] }),
        )
        .await;
    for service in ["orders", "billing"] {
        admin
            .post(
                "/governance/services",
                json!({ "name": service, "team": "shop" }),
            )
            .await;
    }
    let (_, credential) = admin
        .post("/governance/services/orders/credentials", json!({}))
        .await;
    let orders = basic("orders", credential["secret"].as_str().unwrap());
    let orders = app.as_(&orders);
    orders
        .post(
            "/subjects/orders-value/versions",
            json!({ "schema": record("Order", &[ID]) }),
        )
        .await;
    orders
        .put(
            "/governance/subjects/orders-value/consumers/billing",
            json!({}),
        )
        .await;
    let breaking = json!({ "schema": record("Order", &[ID, QTY]) });
    orders
        .post("/subjects/orders-value/versions", breaking.clone())
        .await;
    let mut proposal = breaking.clone();
    proposal["summary"] = "qty".into();
    let (_, opened) = orders
        .post("/governance/subjects/orders-value/proposals", proposal)
        .await;
    let answer = format!("/governance/proposals/{}/responses/billing", opened["id"]);
    admin.put(&answer, json!({ "response": "ready" })).await;
    orders
        .post("/subjects/orders-value/versions", breaking)
        .await;
    admin
        .put("/config/orders-value", json!({ "compatibility": "NONE" }))
        .await;
    admin.delete("/config/orders-value").await;
    admin
        .put("/mode/orders-value", json!({ "mode": "READONLY" }))
        .await;
    admin.delete("/mode/orders-value").await;
    admin.delete("/subjects/orders-value/versions/1").await;
    admin
        .delete("/governance/subjects/orders-value/consumers/billing")
        .await;
    admin
        .delete(&format!(
            "/governance/services/orders/credentials/{}",
            credential["id"].as_str().unwrap()
        ))
        .await;
    admin.delete("/subjects/orders-value").await;

    let expected = [
        "webhook.created",
        "team.created",
        "team.updated",
        "service.created",
        "service.created",
        "credential.issued",
        "schema.registered",
        "producer.claimed",
        "consumer.granted",
        "schema.refused",
        "proposal.opened",
        "proposal.answered",
        "proposal.approved",
        "schema.registered",
        "proposal.applied",
        "config.changed",
        "config.deleted",
        "mode.changed",
        "mode.deleted",
        "version.deleted",
        "consumer.revoked",
        "credential.revoked",
        "subject.deleted",
    ];
    let events = receiver.until(expected.len()).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let events_now = receiver.events();
    assert_eq!(types(&events_now), expected, "each change once, in order");

    let registered = &events[6];
    assert_eq!(registered["specversion"], "1.0");
    assert_eq!(registered["source"], "https://registry.example.com");
    assert_eq!(registered["subject"], "orders-value");
    assert_eq!(registered["datacontenttype"], "application/json");
    assert_eq!(registered["data"]["principal"], "orders");
    assert_eq!(registered["data"]["version"], 1);
    assert_eq!(registered["data"]["schemaType"], "AVRO");
    assert!(!receiver
        .received
        .lock()
        .unwrap()
        .iter()
        .any(|r| String::from_utf8_lossy(&r.body).contains("acs_")));
    for received in receiver.received.lock().unwrap().iter() {
        assert_eq!(received.id, received.event()["id"].as_str().unwrap());
        let expected = signatures(&[&secret], &received.id, received.timestamp, &received.body);
        assert_eq!(received.signature, expected);
    }
}

#[tokio::test]
async fn a_receiver_that_fails_for_a_while_gets_the_events_later_in_order() {
    let app = secured().await;
    let receiver = Receiver::start().await;
    receiver.status.store(500, Ordering::SeqCst);
    let (id, _) = subscribe(
        &app,
        &receiver,
        json!({ "events": ["dev.accord.schema.registered"], "subjects": ["orders-*"] }),
    )
    .await;
    for n in 0..3 {
        for subject in [format!("orders-{n}-value"), format!("other-{n}-value")] {
            app.admin()
                .post(
                    &format!("/subjects/{subject}/versions"),
                    json!({ "schema": record("R", &[ID]) }),
                )
                .await;
        }
    }
    app.admin()
        .put("/config/orders-value", json!({ "compatibility": "NONE" }))
        .await;
    let deliveries = format!("/governance/webhooks/{id}/deliveries");
    eventually("three attempts failed", Duration::from_secs(10), || async {
        let (_, body) = app.admin().get(&deliveries).await;
        let failed = body["deliveries"]
            .as_array()?
            .iter()
            .filter(|d| d["status"] == 500)
            .count();
        (failed >= 3).then_some(())
    })
    .await;
    assert!(receiver.events().is_empty());
    // Ready all the same, saying which subscription is in trouble.
    let (status, ready) = app.get("/readyz").await;
    assert_eq!(status, StatusCode::OK, "{ready}");
    assert_eq!(ready["webhooks"]["retrying"], json!([id]), "{ready}");
    receiver.status.store(200, Ordering::SeqCst);
    receiver.until(3).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let events = receiver.events();
    // In order, and only the registrations in orders-*: not other-*'s, not the config change.
    let subjects: Vec<&str> = events
        .iter()
        .map(|e| e["subject"].as_str().unwrap())
        .collect();
    assert_eq!(
        subjects,
        ["orders-0-value", "orders-1-value", "orders-2-value"]
    );
    assert!(
        events
            .iter()
            .all(|e| e["type"] == "dev.accord.schema.registered"),
        "{events:?}"
    );
    let (_, ready) = app.get("/readyz").await;
    assert!(ready.get("webhooks").is_none(), "{ready}");
    let (_, body) = app.admin().get(&deliveries).await;
    let first = &body["deliveries"].as_array().unwrap()[0];
    assert_eq!(first["status"], 200);
    let failed = body["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["status"] == 500)
        .unwrap();
    assert_eq!(
        failed["error"],
        "the receiver answered 500 Internal Server Error"
    );
}

#[tokio::test]
async fn a_receiver_that_hangs_holds_up_no_registration() {
    let app = secured().await;
    let receiver = Receiver::start().await;
    receiver.hang.store(true, Ordering::SeqCst);
    subscribe(&app, &receiver, json!({})).await;
    eventually(
        "the receiver is sent the first event",
        Duration::from_secs(10),
        || async { (*receiver.arrived.lock().unwrap() >= 1).then_some(()) },
    )
    .await;
    for n in 0..20 {
        let (status, body) = app
            .admin()
            .post(
                &format!("/subjects/s{n}-value/versions"),
                json!({ "schema": record("R", &[ID]) }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    // Every registration was answered while the receiver still held its first request.
    assert!(receiver.events().is_empty());
    receiver.hang.store(false, Ordering::SeqCst);
    receiver.release.notify_waiters();
    receiver.until(21).await;
}

#[tokio::test]
async fn subscriptions_are_validated_and_managed_by_their_team_or_the_admin() {
    let app = secured().await;
    let admin = app.admin();
    for (team, service) in [("shop", "orders"), ("money", "billing")] {
        admin
            .post("/governance/teams", json!({ "name": team }))
            .await;
        admin
            .post(
                "/governance/services",
                json!({ "name": service, "team": team }),
            )
            .await;
    }
    let (_, credential) = admin
        .post("/governance/services/orders/credentials", json!({}))
        .await;
    let orders = basic("orders", credential["secret"].as_str().unwrap());
    let orders = app.as_(&orders);

    for (body, fragment) in [
        (json!({ "url": "ftp://x" }), "http:// or https://"),
        (json!({ "url": "not a url" }), "http:// or https://"),
        (
            json!({ "url": "http://x", "events": ["schema.registered"] }),
            "Invalid event type pattern",
        ),
        (json!({ "url": "http://x", "events": [] }), "at least one"),
        (
            json!({ "url": "http://x", "follow": "consumed" }),
            "name the team",
        ),
        (
            json!({ "url": "http://x", "team": "shop", "follow": "everything" }),
            "Invalid follow",
        ),
    ] {
        let refused = admin.post("/governance/webhooks", body).await;
        let message = assert_error(&refused, StatusCode::UNPROCESSABLE_ENTITY, 42220);
        assert!(message.contains(fragment), "{message}");
    }
    assert_error(
        &admin
            .post(
                "/governance/webhooks",
                json!({ "url": "http://x", "team": "nobody" }),
            )
            .await,
        StatusCode::NOT_FOUND,
        40411,
    );
    assert_error(
        &app.post("/governance/webhooks", json!({ "url": "http://x" }))
            .await,
        StatusCode::UNAUTHORIZED,
        40101,
    );

    // A service subscribes for its own team, and manages only its team's.
    let (status, own) = orders
        .post(
            "/governance/webhooks",
            json!({ "url": "http://127.0.0.1:9/hooks", "follow": "consumed" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{own}");
    assert_eq!(own["team"], "shop");
    assert!(own["secret"].as_str().unwrap().starts_with("whsec_"));
    let (_, theirs) = admin
        .post(
            "/governance/webhooks",
            json!({ "url": "http://127.0.0.1:9/x", "team": "money" }),
        )
        .await;
    assert_error(
        &orders
            .get(&format!(
                "/governance/webhooks/{}",
                theirs["id"].as_str().unwrap()
            ))
            .await,
        StatusCode::FORBIDDEN,
        40301,
    );
    assert_error(
        &orders
            .post(
                "/governance/webhooks",
                json!({ "url": "http://x", "team": "money" }),
            )
            .await,
        StatusCode::FORBIDDEN,
        40301,
    );
    let (_, listed) = orders.get("/governance/webhooks").await;
    assert_eq!(listed["webhooks"].as_array().unwrap().len(), 1);
    let (_, all) = admin.get("/governance/webhooks").await;
    assert_eq!(all["webhooks"].as_array().unwrap().len(), 2);
    assert!(
        !all.to_string().contains("whsec_"),
        "secrets are shown once: {all}"
    );

    let path = format!("/governance/webhooks/{}", own["id"].as_str().unwrap());
    let (status, updated) = orders
        .put(
            &path,
            json!({ "url": "http://127.0.0.1:9/other", "events": ["dev.accord.proposal.*"] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    assert_eq!(updated["events"], json!(["dev.accord.proposal.*"]));
    let (status, rotated) = orders
        .post(&format!("{path}/rotate-secret"), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{rotated}");
    assert_ne!(rotated["secret"], own["secret"]);
    assert_error(
        &admin
            .post(&format!("{path}/deliveries/999999/redeliver"), json!({}))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        42220,
    );
    let (status, _) = orders.delete(&path).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_error(&admin.get(&path).await, StatusCode::NOT_FOUND, 40416);
}

#[tokio::test]
async fn during_a_rotation_both_secrets_sign_and_a_redelivery_arrives_again() {
    let app = secured().await;
    let receiver = Receiver::start().await;
    let (id, old) = subscribe(
        &app,
        &receiver,
        json!({ "events": ["dev.accord.schema.*"] }),
    )
    .await;
    app.admin()
        .post(
            "/subjects/a-value/versions",
            json!({ "schema": record("A", &[ID]) }),
        )
        .await;
    let first = receiver.until(1).await;
    let (_, rotated) = app
        .admin()
        .post(
            &format!("/governance/webhooks/{id}/rotate-secret"),
            json!({}),
        )
        .await;
    let new = rotated["secret"].as_str().unwrap().to_string();
    let event_id = first[0]["id"].as_str().unwrap();
    let (status, _) = app
        .admin()
        .post(
            &format!("/governance/webhooks/{id}/deliveries/{event_id}/redeliver"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    receiver.until(2).await;
    let again = receiver.received.lock().unwrap()[1].clone();
    assert_eq!(again.id, event_id, "the same id on redelivery");
    let both = signatures(&[&new, &old], &again.id, again.timestamp, &again.body);
    assert_eq!(again.signature, both);
}

#[tokio::test]
async fn a_team_following_what_it_consumes_hears_of_those_streams_only() {
    let app = secured().await;
    let receiver = Receiver::start().await;
    let admin = app.admin();
    admin
        .post("/governance/teams", json!({ "name": "money" }))
        .await;
    admin
        .post(
            "/governance/services",
            json!({ "name": "billing", "team": "money" }),
        )
        .await;
    for subject in ["orders-value", "other-value"] {
        admin
            .post(
                &format!("/subjects/{subject}/versions"),
                json!({ "schema": record("R", &[ID]) }),
            )
            .await;
    }
    admin
        .put(
            "/governance/subjects/orders-value/consumers/billing",
            json!({}),
        )
        .await;
    let mut body =
        json!({ "team": "money", "follow": "consumed", "events": ["dev.accord.schema.*"] });
    body["url"] = receiver.url.clone().into();
    let (status, made) = admin.post("/governance/webhooks", body).await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    // The queue is delivered in order: once orders-value's event is in, other-value's was
    // decided before it.
    for subject in ["other-value", "orders-value"] {
        admin
            .post(
                &format!("/subjects/{subject}/versions"),
                json!({ "schema": record("R", &[ID, NOTE]) }),
            )
            .await;
    }
    receiver.until(1).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let events = receiver.events();
    let heard: Vec<(&Value, &Value)> = events
        .iter()
        .map(|e| (&e["subject"], &e["data"]["version"]))
        .collect();
    assert_eq!(heard, [(&json!("orders-value"), &json!(2))], "{events:?}");
}

#[tokio::test]
async fn the_feed_pages_through_events_and_streams_them_from_the_last_event_id() {
    let app = secured().await;
    for n in 0..3 {
        app.admin()
            .post(
                &format!("/subjects/s{n}-value/versions"),
                json!({ "schema": record("R", &[ID]) }),
            )
            .await;
    }
    let (status, page) = app.admin().get("/governance/events?limit=2").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["events"].as_array().unwrap().len(), 2);
    let next = page["next"].as_i64().unwrap();
    let (_, rest) = app
        .admin()
        .get(&format!("/governance/events?after={next}"))
        .await;
    assert_eq!(rest["events"].as_array().unwrap().len(), 1);
    assert_eq!(rest["events"][0]["subject"], "s2-value");
    let (_, typed) = app
        .admin()
        .get("/governance/events?type=dev.accord.schema.registered&subject=s1-value")
        .await;
    assert_eq!(typed["events"].as_array().unwrap().len(), 1);
    assert_error(
        &app.get("/governance/events").await,
        StatusCode::UNAUTHORIZED,
        40101,
    );

    // The stream from the first event on: the other two, then one registered while it is open.
    let first = page["events"][0]["id"].as_str().unwrap().to_string();
    let authorization = format!("Bearer {ADMIN_TOKEN}");
    let headers = [
        ("accept", "text/event-stream"),
        ("authorization", authorization.as_str()),
        ("last-event-id", first.as_str()),
    ];
    let response = app.open("/governance/events", &headers).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/event-stream"));
    let mut body = response.into_body();
    let registering = async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        app.admin()
            .post(
                "/subjects/s3-value/versions",
                json!({ "schema": record("R", &[ID]) }),
            )
            .await;
    };
    let reading = async {
        let mut text = String::new();
        while text.matches("\nid: ").count() + usize::from(text.starts_with("id: ")) < 3 {
            let frame = tokio::time::timeout(Duration::from_secs(10), body.frame())
                .await
                .expect("an event within 10 s")
                .expect("the stream goes on")
                .expect("a frame");
            if let Ok(data) = frame.into_data() {
                text.push_str(&String::from_utf8_lossy(&data));
            }
        }
        text
    };
    let ((), text) = tokio::join!(registering, reading);
    let subjects: Vec<&str> = text
        .lines()
        .filter_map(|line| line.strip_prefix("data: "))
        .map(|data| {
            let event: Value = serde_json::from_str(data).unwrap();
            match event["subject"].as_str() {
                Some("s1-value") => "s1",
                Some("s2-value") => "s2",
                Some("s3-value") => "s3",
                _ => "other",
            }
        })
        .collect();
    assert_eq!(subjects, ["s1", "s2", "s3"], "{text}");
    assert!(
        text.contains("event: dev.accord.schema.registered"),
        "{text}"
    );
}

/// The admin's requests to a running `accord` process.
pub struct Remote {
    pub base: String,
    client: reqwest::Client,
}

impl Remote {
    pub fn new(base: &str) -> Remote {
        Remote {
            base: base.to_string(),
            client: reqwest::Client::new(),
        }
    }

    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        let response = self
            .client
            .post(format!("{}{path}", self.base))
            .header("authorization", format!("Bearer {ADMIN_TOKEN}"))
            .header("content-type", CONFLUENT_JSON)
            .body(body.to_string())
            .send()
            .await
            .expect("accord answers");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// Registers a first version of `subject`.
    pub async fn register(&self, subject: &str) {
        let (status, body) = self
            .post(
                &format!("/subjects/{subject}/versions"),
                json!({ "schema": record("R", &[ID]) }),
            )
            .await;
        assert_eq!(status, 200, "{body}");
    }

    /// Subscribes `receiver` to every registration; returns the subscription's id.
    pub async fn subscribe(&self, receiver: &Receiver) -> String {
        let body = json!({ "url": receiver.url, "events": ["dev.accord.schema.registered"] });
        let (status, made) = self.post("/governance/webhooks", body).await;
        assert_eq!(status, 201, "{made}");
        made["id"].as_str().unwrap().to_string()
    }
}

/// The flags of a process that retries and takes over dead instances' leases quickly.
pub const QUICK_DELIVERY: [&str; 6] = [
    "--admin-token",
    ADMIN_TOKEN,
    "--webhook-first-retry-ms",
    "50",
    "--webhook-lease-ms",
    "900",
];

/// Returns the subjects of the events `receiver` got, in the order they first arrived, and how
/// many arrived more than once.
pub fn first_arrivals(receiver: &Receiver) -> (Vec<String>, usize) {
    let mut seen = std::collections::HashSet::new();
    let mut subjects = Vec::new();
    for event in receiver.events() {
        if seen.insert(event["id"].as_str().unwrap().to_string()) {
            subjects.push(event["subject"].as_str().unwrap().to_string());
        }
    }
    let repeated = receiver.events().len() - subjects.len();
    (subjects, repeated)
}

#[tokio::test]
async fn killing_accord_between_commit_and_delivery_loses_no_event() {
    let db = crate::backend::TestDb::new().await;
    let receiver = Receiver::start().await;
    receiver.status.store(500, Ordering::SeqCst);
    let first = crate::backend::Process::start(db.url(), &QUICK_DELIVERY).await;
    let remote = Remote::new(&first.base);
    remote.subscribe(&receiver).await;
    let subjects: Vec<String> = (0..12).map(|n| format!("kill-{n:02}-value")).collect();
    for subject in &subjects[..6] {
        remote.register(subject).await;
    }
    // Committed, attempted and refused: nothing delivered yet when the process dies.
    eventually("attempts fail", Duration::from_secs(10), || async {
        (*receiver.arrived.lock().unwrap() >= 2).then_some(())
    })
    .await;
    first.kill();
    assert!(receiver.events().is_empty());

    // The next process delivers what the first could not, and is killed while delivering.
    receiver.status.store(200, Ordering::SeqCst);
    let second = crate::backend::Process::start(db.url(), &QUICK_DELIVERY).await;
    let remote = Remote::new(&second.base);
    for subject in &subjects[6..] {
        remote.register(subject).await;
    }
    receiver.until(1).await;
    second.kill();

    let third = crate::backend::Process::start(db.url(), &QUICK_DELIVERY).await;
    eventually("every event arrives", Duration::from_secs(20), || async {
        (first_arrivals(&receiver).0.len() >= subjects.len()).then_some(())
    })
    .await;
    let (arrived, _) = first_arrivals(&receiver);
    assert_eq!(arrived, subjects, "every event, in order");
    drop(third);
}

#[tokio::test]
async fn with_reads_enforced_a_team_s_subscription_hears_only_of_the_streams_it_may_read() {
    let access = AccessSettings {
        admin_token: Some(ADMIN_TOKEN.to_string()),
        read_access: ReadAccess::Enforce,
    };
    let app = TestApp::with_events(access, quick()).await;
    let receiver = Receiver::start().await;
    let admin = app.admin();
    admin
        .post("/governance/teams", json!({ "name": "money" }))
        .await;
    admin
        .post(
            "/governance/services",
            json!({ "name": "billing", "team": "money" }),
        )
        .await;
    for subject in ["orders-value", "secret-value"] {
        admin
            .post(
                &format!("/subjects/{subject}/versions"),
                json!({ "schema": record("R", &[ID]) }),
            )
            .await;
    }
    admin
        .put(
            "/governance/subjects/orders-value/consumers/billing",
            json!({}),
        )
        .await;
    let body = json!({ "team": "money", "events": ["dev.accord.schema.*"], "url": receiver.url });
    let (status, made) = admin.post("/governance/webhooks", body).await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    for subject in ["secret-value", "orders-value"] {
        admin
            .post(
                &format!("/subjects/{subject}/versions"),
                json!({ "schema": record("R", &[ID, NOTE]) }),
            )
            .await;
    }
    receiver.until(1).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let subjects: Vec<Value> = receiver
        .events()
        .iter()
        .map(|e| e["subject"].clone())
        .collect();
    assert_eq!(subjects, [json!("orders-value")]);
}
