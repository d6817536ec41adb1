//! `TestApp`: the whole HTTP service over a fresh database, called in-process.
//!
//! The database is an SQLite file, or a PostgreSQL database under `ACCORD_TEST_BACKEND=postgres`
//! (see `backend.rs`), so that the one suite runs on both backends.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

use accord::app::{AccessSettings, AppState};
use accord::governance::ReadAccess;

use crate::backend::TestDb;

pub const CONFLUENT_JSON: &str = "application/vnd.schemaregistry.v1+json";

/// A registry over its own database, torn down with it.
pub struct TestApp {
    service: accord::http::HttpService,
    /// Declared last: the service and its store go before their database.
    _db: TestDb,
}

/// A response: status, content type and body (JSON when it parses, else a JSON string).
pub struct Reply {
    pub status: StatusCode,
    pub content_type: String,
    pub body: Value,
}

/// The admin token of secured test apps.
pub const ADMIN_TOKEN: &str = "test-admin-token";

impl TestApp {
    /// A registry with authentication off.
    pub async fn new() -> Self {
        Self::with_access(AccessSettings::default()).await
    }

    /// A registry with authentication on (admin token [`ADMIN_TOKEN`]) and the given read policy.
    pub async fn secured(read_access: ReadAccess) -> Self {
        Self::with_access(AccessSettings {
            admin_token: Some(ADMIN_TOKEN.to_string()),
            read_access,
        })
        .await
    }

    async fn with_access(access: AccessSettings) -> Self {
        Self::on(TestDb::new().await, access).await
    }

    /// A registry over `store`, which the caller keeps alive, with authentication off.
    pub async fn with_store(store: std::sync::Arc<dyn accord::storage::Store>) -> Self {
        TestApp {
            service: accord::http::service(AppState::new(store)),
            _db: TestDb::Borrowed { url: String::new() },
        }
    }

    /// A registry over `store`, which the caller keeps alive, with the given access settings.
    pub fn over(store: std::sync::Arc<dyn accord::storage::Store>, access: AccessSettings) -> Self {
        TestApp {
            service: accord::http::service(AppState::with_access(store, access)),
            _db: TestDb::Borrowed { url: String::new() },
        }
    }

    /// A registry over `db` with the given access settings.
    pub async fn on(db: TestDb, access: AccessSettings) -> Self {
        let store = db.connect().await;
        TestApp {
            service: accord::http::service(AppState::with_access(store, access)),
            _db: db,
        }
    }

    /// A registry with the given access and change-event settings.
    pub async fn with_events(
        access: AccessSettings,
        events: accord::events::EventSettings,
    ) -> Self {
        let db = TestDb::new().await;
        let store = db.connect().await;
        TestApp {
            service: accord::http::service(AppState::configured(store, access, events)),
            _db: db,
        }
    }

    /// Returns a view of the app whose requests carry `authorization`.
    pub fn as_(&self, authorization: impl Into<String>) -> As<'_> {
        As {
            app: self,
            authorization: authorization.into(),
        }
    }

    /// Returns a view of the app whose requests carry the admin token.
    pub fn admin(&self) -> As<'_> {
        self.as_(format!("Bearer {ADMIN_TOKEN}"))
    }

    /// Sends a request with a raw body and headers.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: Vec<u8>,
    ) -> Reply {
        let mut request = Request::builder().method(method).uri(path);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let request = request.body(Body::from(body)).expect("request builds");
        let response = self
            .service
            .clone()
            .oneshot(request)
            .await
            .expect("infallible");
        let status = response.status();
        let content_type = response
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap_or_default().to_string())
            .unwrap_or_default();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        let body = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
        Reply {
            status,
            content_type,
            body,
        }
    }

    /// Sends a GET with `headers` and returns the response as it comes, its body unread (a
    /// stream, say).
    pub async fn open(&self, path: &str, headers: &[(&str, &str)]) -> axum::response::Response {
        let mut request = Request::builder().method(Method::GET).uri(path);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let request = request.body(Body::empty()).expect("request builds");
        self.service
            .clone()
            .oneshot(request)
            .await
            .expect("infallible")
    }

    async fn json(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        self.json_as(None, method, path, body).await
    }

    async fn json_as(
        &self,
        authorization: Option<&str>,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let bytes = body.map(|b| b.to_string().into_bytes()).unwrap_or_default();
        let mut headers = vec![("content-type", CONFLUENT_JSON)];
        if let Some(authorization) = authorization {
            headers.push(("authorization", authorization));
        }
        let reply = self.send(method, path, &headers, bytes).await;
        (reply.status, reply.body)
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.json(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.json(Method::POST, path, Some(body)).await
    }

    pub async fn put(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.json(Method::PUT, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> (StatusCode, Value) {
        self.json(Method::DELETE, path, None).await
    }

    /// Registers `schema` (Avro text) under `subject` and returns its id; panics on refusal.
    pub async fn register(&self, subject: &str, schema: &str) -> i64 {
        let (status, body) = self
            .post(
                &format!("/subjects/{subject}/versions"),
                json!({ "schema": schema }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "registering in {subject}: {body}");
        body["id"].as_i64().expect("an id")
    }
}

/// The app seen through one credential.
pub struct As<'a> {
    app: &'a TestApp,
    authorization: String,
}

impl As<'_> {
    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.app
            .json_as(Some(&self.authorization), Method::GET, path, None)
            .await
    }

    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.app
            .json_as(Some(&self.authorization), Method::POST, path, Some(body))
            .await
    }

    pub async fn put(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.app
            .json_as(Some(&self.authorization), Method::PUT, path, Some(body))
            .await
    }

    pub async fn delete(&self, path: &str) -> (StatusCode, Value) {
        self.app
            .json_as(Some(&self.authorization), Method::DELETE, path, None)
            .await
    }
}

/// The HTTP Basic header a Confluent client sends for `basic.auth.user.info = user:secret`.
pub fn basic(user: &str, secret: &str) -> String {
    use base64::Engine;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{secret}"))
    )
}

/// An Avro record named `name` with the given fields (JSON text of each field).
pub fn record(name: &str, fields: &[&str]) -> String {
    format!(
        r#"{{"type":"record","name":"{name}","fields":[{}]}}"#,
        fields.join(",")
    )
}

/// Asserts the Confluent error shape with `error_code`, and returns the message.
pub fn assert_error(reply: &(StatusCode, Value), status: StatusCode, error_code: i64) -> String {
    assert_eq!(reply.0, status, "status of {}", reply.1);
    assert_eq!(
        reply.1["error_code"], error_code,
        "error_code of {}",
        reply.1
    );
    reply.1["message"].as_str().expect("a message").to_string()
}

pub const ID: &str = r#"{"name":"id","type":"string"}"#;
pub const QTY: &str = r#"{"name":"qty","type":"int"}"#;
pub const QTY_DEFAULT: &str = r#"{"name":"qty","type":"int","default":0}"#;
pub const NOTE: &str = r#"{"name":"note","type":["null","string"],"default":null}"#;

/// Registers `schema` of `schema_type` ("PROTOBUF", "JSON", "AVRO") with `references` under
/// `subject` and returns its id; panics on refusal.
pub async fn register_typed(
    app: &TestApp,
    subject: &str,
    schema_type: &str,
    schema: &str,
    references: Value,
) -> i64 {
    let (status, body) = app
        .post(
            &format!("/subjects/{subject}/versions"),
            json!({ "schema": schema, "schemaType": schema_type, "references": references }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "registering in {subject}: {body}");
    body["id"].as_i64().expect("an id")
}
