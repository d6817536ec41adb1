//! The hot lane (reads by id and of the latest version answered from the cache, in front of the
//! router) answers exactly as the router does, follows every change, never skips a credential
//! check, and passes the same middleware: its answers are traced and counted like routed ones.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

use axum::http::{Method, StatusCode};
use serde_json::json;

use accord::app::AccessSettings;
use accord::governance::ReadAccess;

use crate::support::*;
use crate::wrapped::faulty_store;

/// The hot paths, each with a variant the lane leaves to the router (a query whose answer is
/// the same, or a trailing slash the router trims).
fn hot_and_routed(id: i64) -> [(String, String); 4] {
    let by_id = format!("/schemas/ids/{id}");
    let latest = "/subjects/orders-value/versions/latest".to_string();
    [
        (by_id.clone(), format!("{by_id}?fetchMaxId=false")),
        (
            format!("{by_id}?subject=orders-value"),
            format!("{by_id}?subject=orders-value&fetchMaxId=false"),
        ),
        (latest.clone(), format!("{latest}?deleted=false")),
        (latest.clone(), format!("{latest}/")),
    ]
}

#[tokio::test]
async fn hot_reads_answer_byte_for_byte_as_the_router_does_in_every_media_type() {
    let app = TestApp::new().await;
    let id = app.register("orders-value", &record("Order", &[ID])).await;
    for (hot, routed) in hot_and_routed(id) {
        for accept in [
            None,
            Some("application/json"),
            Some("application/vnd.schemaregistry+json"),
            Some("application/vnd.schemaregistry.v1+json, */*"),
        ] {
            let headers: Vec<_> = accept.map(|a| ("accept", a)).into_iter().collect();
            // The routed read first, so that the hot one finds the cache warm.
            let routed = app.send(Method::GET, &routed, &headers, vec![]).await;
            let hot_reply = app.send(Method::GET, &hot, &headers, vec![]).await;
            assert_eq!(routed.status, StatusCode::OK, "{hot} {}", routed.body);
            assert_eq!(
                (hot_reply.status, &hot_reply.content_type, &hot_reply.body),
                (routed.status, &routed.content_type, &routed.body),
                "{hot} with accept {accept:?}"
            );
        }
    }
}

#[tokio::test]
async fn a_warm_latest_follows_new_and_deleted_versions() {
    let app = TestApp::new().await;
    app.register("orders-value", &record("Order", &[ID])).await;
    let latest = "/subjects/orders-value/versions/latest";
    assert_eq!(app.get(latest).await.1["version"], 1);
    app.register("orders-value", &record("Order", &[ID, NOTE]))
        .await;
    assert_eq!(app.get(latest).await.1["version"], 2);
    assert_eq!(app.get(latest).await.1["version"], 2);
    let (status, _) = app.delete("/subjects/orders-value/versions/2").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(app.get(latest).await.1["version"], 1);
    app.delete("/subjects/orders-value").await;
    assert_error(&app.get(latest).await, StatusCode::NOT_FOUND, 40401);
}

/// Registers `orders-value` v1 as the admin of the secured `app`; returns the hot paths to it.
async fn secured_hot_paths(app: &TestApp) -> [String; 2] {
    let (status, body) = app
        .admin()
        .post(
            "/subjects/orders-value/versions",
            json!({ "schema": record("Order", &[ID]) }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    [
        format!("/schemas/ids/{}", body["id"]),
        "/subjects/orders-value/versions/latest".to_string(),
    ]
}

#[tokio::test]
async fn warm_reads_still_need_a_grant_when_reads_are_enforced() {
    let app = TestApp::secured(ReadAccess::Enforce).await;
    let admin = app.admin();
    for path in secured_hot_paths(&app).await {
        let path = path.as_str();
        // Warm, then read without a credential and with a bad one.
        assert_eq!(admin.get(path).await.0, StatusCode::OK);
        assert_eq!(admin.get(path).await.0, StatusCode::OK);
        assert_error(&app.get(path).await, StatusCode::UNAUTHORIZED, 40101);
        assert_error(
            &app.as_(basic("orders", "wrong")).get(path).await,
            StatusCode::UNAUTHORIZED,
            40101,
        );
    }
}

#[tokio::test]
async fn warm_open_reads_still_refuse_a_bad_credential() {
    let app = TestApp::secured(ReadAccess::Open).await;
    for path in secured_hot_paths(&app).await {
        let path = path.as_str();
        assert_eq!(app.get(path).await.0, StatusCode::OK);
        assert_eq!(app.get(path).await.0, StatusCode::OK);
        assert_error(
            &app.as_("Bearer not-a-credential").get(path).await,
            StatusCode::UNAUTHORIZED,
            40101,
        );
    }
}

#[tokio::test]
async fn hot_paths_that_are_not_hot_reads_get_the_routers_answer() {
    let app = TestApp::new().await;
    let id = app.register("orders-value", &record("Order", &[ID])).await;
    app.get(&format!("/schemas/ids/{id}")).await;
    // Not GET: the router's 405.
    let reply = app
        .send(
            Method::DELETE,
            &format!("/schemas/ids/{id}"),
            &[("content-type", CONFLUENT_JSON)],
            vec![],
        )
        .await;
    assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED);
    // Not a valid id, or not an id at all: the router's 4xx answers.
    for path in [
        "/schemas/ids/0",
        "/schemas/ids/-1",
        "/schemas/ids/99999999999",
    ] {
        assert!(app.get(path).await.0.is_client_error(), "{path}");
    }
    assert_error(
        &app.get("/schemas/ids/424242").await,
        StatusCode::NOT_FOUND,
        40403,
    );
    assert_error(
        &app.get("/subjects/nope/versions/latest").await,
        StatusCode::NOT_FOUND,
        40401,
    );
}

/// What the stack logs at DEBUG on this thread while `run` runs (the suite's runtime runs each
/// test on one thread).
async fn logged<T>(run: impl std::future::Future<Output = T>) -> String {
    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Buffer {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let guard = tracing::subscriber::set_default(subscriber);
    run.await;
    drop(guard);
    let bytes = buffer.0.lock().unwrap().clone();
    String::from_utf8(bytes).unwrap()
}

/// The requests to `route` answered 200 that `/metrics` counts so far (in every test of the
/// process, which share one recorder).
async fn counted(app: &TestApp, route: &str) -> u64 {
    let reply = app.send(Method::GET, "/metrics", &[], vec![]).await;
    let series =
        format!("accord_http_requests_total{{method=\"GET\",route=\"{route}\",status=\"200\"}} ");
    let text = reply.body.as_str().expect("text").to_string();
    text.lines()
        .find_map(|line| line.strip_prefix(series.as_str()))
        .map_or(0, |count| count.trim().parse().expect("a count"))
}

#[tokio::test]
async fn hot_reads_are_traced_and_counted_under_the_routers_routes() {
    let app = TestApp::new().await;
    let id = app.register("orders-value", &record("Order", &[ID])).await;
    let reads = [
        (format!("/schemas/ids/{id}"), "/schemas/ids/{id}"),
        (
            "/subjects/orders-value/versions/latest".to_string(),
            "/subjects/{subject}/versions/{version}",
        ),
    ];
    for (path, route) in reads {
        assert_eq!(app.get(&path).await.0, StatusCode::OK, "warming {path}");
        let before = counted(&app, route).await;

        let log = logged(app.get(&path)).await;

        let span = format!("request{{method=GET uri={path} version=HTTP/1.1}}");
        assert!(log.contains(&span), "no request span for {path}:\n{log}");
        let after = counted(&app, route).await;
        assert!(after > before, "{path} not counted under {route}");
    }
}

/// A registry with authentication on over a store that counts its calls, `orders-value` v1
/// registered, and the service `orders` with a credential: the app, the call counter, the hot
/// paths and `orders`'s Basic credential (with its id).
async fn counted_with_a_service(
    read_access: ReadAccess,
) -> (
    TestApp,
    Arc<crate::wrapped::Fault>,
    tempfile::TempDir,
    [String; 5],
    (String, String),
) {
    let (store, fault, dir) = faulty_store().await;
    let app = TestApp::over(
        store,
        AccessSettings {
            admin_token: Some(ADMIN_TOKEN.to_string()),
            read_access,
        },
    );
    let admin = app.admin();
    admin
        .post("/governance/teams", json!({ "name": "fulfilment" }))
        .await;
    admin
        .post(
            "/governance/services",
            json!({ "name": "orders", "team": "fulfilment" }),
        )
        .await;
    let (_, issued) = admin
        .post("/governance/services/orders/credentials", json!({}))
        .await;
    let credential = basic("orders", issued["secret"].as_str().unwrap());
    let [by_id, latest] = secured_hot_paths(&app).await;
    let hinted = format!("{by_id}?subject=orders-value");
    // What the Java serializers send, and a `latest` asking for the default explicitly.
    let java = format!("{by_id}?fetchMaxId=false&subject=orders-value");
    let explicit = format!("{latest}?deleted=false");
    let id = issued["id"].as_str().unwrap().to_string();
    let paths = [by_id, hinted, java, latest, explicit];
    (app, fault, dir, paths, (credential, id))
}

#[tokio::test]
async fn warm_reads_with_a_service_credential_cost_the_store_nothing_and_answer_as_routed() {
    let (app, fault, _dir, paths, (credential, _)) = counted_with_a_service(ReadAccess::Open).await;
    let orders = app.as_(credential.as_str());
    for path in &paths {
        let routed = orders.get(&format!("{path}{}", routed_suffix(path))).await;
        assert_eq!(routed.0, StatusCode::OK, "{path} {}", routed.1);
        let before = fault.calls.load(Ordering::SeqCst);

        let hot = orders.get(path).await;

        assert_eq!(fault.calls.load(Ordering::SeqCst), before, "{path}");
        assert_eq!(hot, routed, "{path}");
    }
}

/// A suffix that sends `path` to the router without changing its answer: a parameter the
/// route ignores, percent-encoded, or a trailing slash.
fn routed_suffix(path: &str) -> &'static str {
    match (path.contains("/schemas/ids/"), path.contains('?')) {
        (_, true) => "&routed=%2A",
        (true, false) => "?routed=%2A",
        (false, false) => "/",
    }
}

#[tokio::test]
async fn a_revoked_or_deleted_credential_is_refused_on_the_next_warm_read() {
    let (app, _fault, _dir, paths, (credential, id)) =
        counted_with_a_service(ReadAccess::Open).await;
    let orders = app.as_(credential.as_str());
    for path in &paths {
        assert_eq!(orders.get(path).await.0, StatusCode::OK, "{path}");
    }

    let revoke = format!("/governance/services/orders/credentials/{id}");
    let (status, body) = app.admin().delete(&revoke).await;
    assert!(status.is_success(), "{body}");

    for path in &paths {
        assert_error(&orders.get(path).await, StatusCode::UNAUTHORIZED, 40101);
    }

    let (_, issued) = app
        .admin()
        .post("/governance/services/orders/credentials", json!({}))
        .await;
    let again = basic("orders", issued["secret"].as_str().unwrap());
    let orders = app.as_(again.as_str());
    for path in &paths {
        assert_eq!(orders.get(path).await.0, StatusCode::OK, "{path}");
    }
    let (status, body) = app.admin().delete("/governance/services/orders").await;
    assert!(status.is_success(), "{body}");
    for path in &paths {
        assert_error(&orders.get(path).await, StatusCode::UNAUTHORIZED, 40101);
    }
}

#[tokio::test]
async fn under_enforce_a_warm_read_with_a_service_credential_still_needs_its_grant() {
    let (app, _fault, _dir, paths, (credential, _)) =
        counted_with_a_service(ReadAccess::Enforce).await;
    let orders = app.as_(credential.as_str());
    for path in &paths {
        assert_eq!(app.admin().get(path).await.0, StatusCode::OK, "{path}");
        assert_error(&orders.get(path).await, StatusCode::FORBIDDEN, 40301);
    }
}

#[tokio::test]
async fn under_enforce_a_granted_reader_is_served_from_memory_until_its_grant_goes() {
    let (app, fault, _dir, paths, (credential, _)) =
        counted_with_a_service(ReadAccess::Enforce).await;
    let admin = app.admin();
    let grant = "/governance/subjects/orders-value/consumers/orders";
    assert_eq!(admin.put(grant, json!({})).await.0, StatusCode::NO_CONTENT);
    let orders = app.as_(credential.as_str());
    for path in &paths {
        let routed = orders.get(&format!("{path}{}", routed_suffix(path))).await;
        assert_eq!(routed.0, StatusCode::OK, "{path} {}", routed.1);
        // The first read asks the store for the grant; the next is answered from memory.
        assert_eq!(orders.get(path).await, routed, "{path}");
        let before = fault.calls.load(Ordering::SeqCst);
        assert_eq!(orders.get(path).await, routed, "{path}");
        assert_eq!(fault.calls.load(Ordering::SeqCst), before, "{path}");
    }

    assert_eq!(admin.delete(grant).await.0, StatusCode::NO_CONTENT);
    for path in &paths {
        assert_error(&orders.get(path).await, StatusCode::FORBIDDEN, 40301);
    }

    // A producer reads its subject; once replaced, it reads it no more.
    admin
        .post(
            "/governance/services",
            json!({ "name": "checkout", "team": "fulfilment" }),
        )
        .await;
    let producer = "/governance/subjects/orders-value/producer";
    let (status, body) = admin.put(producer, json!({ "service": "orders" })).await;
    assert!(status.is_success(), "{body}");
    for path in &paths {
        assert_eq!(orders.get(path).await.0, StatusCode::OK, "{path}");
        assert_eq!(orders.get(path).await.0, StatusCode::OK, "{path}");
    }
    let (status, body) = admin.put(producer, json!({ "service": "checkout" })).await;
    assert!(status.is_success(), "{body}");
    for path in &paths {
        assert_error(&orders.get(path).await, StatusCode::FORBIDDEN, 40301);
    }
}
