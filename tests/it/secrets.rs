//! Secrets never leak: a whole governance story against the real binary, logging JSON at debug
//! level (tower_http and sqlx included), then every secret, the admin token and every wrong
//! password tried is looked for in the logs, in every answer and in the audit log. Repeated
//! failed authentication is logged with the principal and the source address. `Debug` of the
//! configuration shows no secret either.

use reqwest::{Client, Method, RequestBuilder};
use serde_json::{json, Value};

use crate::backend::{Process, TestDb};

const CT: &str = "application/vnd.schemaregistry.v1+json";

/// Sends requests and keeps every answer's text, to search it for secrets afterwards.
struct Story {
    client: Client,
    base: String,
    admin: String,
    answers: Vec<String>,
}

impl Story {
    async fn send(&mut self, request: RequestBuilder) -> (u16, Value) {
        let response = request.send().await.expect("the server answers");
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        self.answers.push(text.clone());
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.client
            .request(method, format!("{}{path}", self.base))
            .header("content-type", CT)
    }

    async fn as_admin(&mut self, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut request = self.request(method, path).bearer_auth(self.admin.clone());
        if let Some(body) = body {
            request = request.body(body.to_string());
        }
        self.send(request).await
    }
}

/// Issues a credential to `service`; returns its id and secret.
async fn issue(story: &mut Story, service: &str) -> (String, String) {
    let path = format!("/governance/services/{service}/credentials");
    let (status, body) = story.as_admin(Method::POST, &path, None).await;
    assert_eq!(status, 201, "{body}");
    (
        body["id"].as_str().unwrap().to_string(),
        body["secret"].as_str().unwrap().to_string(),
    )
}

fn random_hex() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).unwrap();
    hex::encode(bytes)
}

#[tokio::test]
async fn secrets_appear_in_no_log_answer_or_audit_entry() {
    let db = TestDb::new().await;
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("accord.log");
    let admin = format!("admin-{}", random_hex());
    let server = Process::start_logging(
        db.url(),
        &[
            "--admin-token",
            &admin,
            "--log-format",
            "json",
            "--read-access",
            "enforce",
        ],
        &[("RUST_LOG", "debug,tower_http=debug,sqlx=debug,hyper=info")],
        &log,
    )
    .await;
    let mut story = Story {
        client: Client::new(),
        base: server.base.clone(),
        admin: admin.clone(),
        answers: Vec::new(),
    };
    let mut secrets = vec![admin.clone()];

    // Teams, services and credentials.
    for (team, service) in [("fulfilment", "orders"), ("payments", "billing")] {
        let team_body =
            json!({"name": team, "contacts": [{"kind": "email", "value": "t@example.com"}]});
        assert_eq!(
            story
                .as_admin(Method::POST, "/governance/teams", Some(team_body))
                .await
                .0,
            201
        );
        let service_body = json!({"name": service, "team": team});
        let created = story
            .as_admin(Method::POST, "/governance/services", Some(service_body))
            .await;
        assert_eq!(created.0, 201);
    }
    let (_, orders) = issue(&mut story, "orders").await;
    let (billing_id, billing) = issue(&mut story, "billing").await;
    let (_, billing_rotated) = issue(&mut story, "billing").await;
    secrets.extend([orders.clone(), billing.clone(), billing_rotated.clone()]);

    // The producer registers (HTTP Basic) and grants a consumer, who reads (Bearer).
    let schema = json!({"schema": r#"{"type":"record","name":"Order","fields":[{"name":"id","type":"string"}]}"#});
    let register = story
        .request(Method::POST, "/subjects/orders-value/versions")
        .basic_auth("orders", Some(&orders))
        .body(schema.to_string());
    assert_eq!(story.send(register).await.0, 200);
    let grant = story
        .request(
            Method::PUT,
            "/governance/subjects/orders-value/consumers/billing",
        )
        .basic_auth("orders", Some(&orders));
    let granted = story.send(grant).await.0;
    assert!(granted == 200 || granted == 204, "grant: {granted}");
    let read = story
        .request(Method::GET, "/subjects/orders-value/versions/latest")
        .bearer_auth(&billing);
    assert_eq!(story.send(read).await.0, 200);

    // Wrong secrets, several times, from one principal; a wrong Bearer token; a wrong admin token.
    let wrong = format!("wrong-{}", random_hex());
    secrets.push(wrong.clone());
    for _ in 0..3 {
        let attempt = story
            .request(Method::GET, "/subjects")
            .basic_auth("orders", Some(&wrong));
        assert_eq!(story.send(attempt).await.0, 401);
    }
    let wrong_bearer = format!("bearer-{}", random_hex());
    secrets.push(wrong_bearer.clone());
    let attempt = story
        .request(Method::GET, "/subjects")
        .bearer_auth(&wrong_bearer);
    assert_eq!(story.send(attempt).await.0, 401);
    let attempt = story
        .request(Method::GET, "/subjects")
        .basic_auth("admin", Some(&wrong_bearer));
    assert_eq!(story.send(attempt).await.0, 401);

    // Revoke one of billing's credentials; it is refused from then on, the other still works.
    let path = format!("/governance/services/billing/credentials/{billing_id}");
    assert_eq!(story.as_admin(Method::DELETE, &path, None).await.0, 204);
    let revoked = story
        .request(Method::GET, "/subjects")
        .bearer_auth(&billing);
    assert_eq!(story.send(revoked).await.0, 401);
    let rotated = story
        .request(Method::GET, "/subjects/orders-value/versions/latest")
        .basic_auth("billing", Some(&billing_rotated));
    assert_eq!(story.send(rotated).await.0, 200);

    // Everything the server said about it.
    let (status, audit) = story
        .as_admin(Method::GET, "/governance/audit?limit=1000", None)
        .await;
    assert_eq!(status, 200);
    let audit = audit.to_string();
    assert!(
        audit.contains("credential"),
        "the audit log records credentials: {audit}"
    );
    let (_, credentials) = story
        .as_admin(
            Method::GET,
            "/governance/services/billing/credentials",
            None,
        )
        .await;
    drop(server);
    let logs = std::fs::read_to_string(&log).unwrap();

    assert!(
        logs.lines().count() > 20,
        "too few log lines to mean anything:\n{logs}"
    );
    for secret in &secrets {
        assert!(!logs.contains(secret.as_str()), "a secret is in the logs");
        assert!(
            !audit.contains(secret.as_str()),
            "a secret is in the audit log"
        );
        assert!(!credentials.to_string().contains(secret.as_str()));
    }
    // Only the issuing answers carry their own secret; no other answer carries any.
    let issuing = |answer: &&String| answer.contains("\"secret\"");
    for answer in story.answers.iter().filter(|a| !issuing(a)) {
        for secret in &secrets {
            assert!(
                !answer.contains(secret.as_str()),
                "a secret in an answer: {answer}"
            );
        }
    }
    // The repeated failures are logged with who and from where.
    let failures: Vec<Value> = logs
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|line| line["fields"]["message"] == "authentication failed")
        .collect();
    let from_orders = failures
        .iter()
        .filter(|line| {
            line["fields"]["principal"] == "orders" && line["fields"]["source"] == "127.0.0.1"
        })
        .count();
    assert!(
        from_orders >= 3,
        "failed logins of orders not logged: {failures:?}"
    );
}

#[test]
fn debug_output_shows_no_secret_of_the_configuration() {
    use clap::Parser;
    let serve = accord::cli::Cli::try_parse_from([
        "accord",
        "serve",
        "--admin-token",
        "admin-secret-1",
        "--database-url",
        "postgres://accord:db-secret-2@db.example.com/accord?password=db-secret-3",
    ])
    .expect("the flags parse");
    let check = accord::cli::Cli::try_parse_from([
        "accord",
        "check",
        "--registry",
        "https://ci:registry-secret-4@registry.example.com",
    ])
    .expect("the flags parse");
    let access = accord::app::AccessSettings {
        admin_token: Some("admin-secret-5".to_string()),
        read_access: accord::governance::ReadAccess::Enforce,
    };

    let shown = [
        format!("{serve:?}"),
        format!("{check:?}"),
        format!("{access:?}"),
        format!("{access:#?}"),
    ];

    for debug in &shown {
        assert!(!debug.contains("secret"), "a secret through Debug: {debug}");
        assert!(
            debug.contains("***"),
            "no sign of the redacted value: {debug}"
        );
    }
    assert!(shown[0].contains("db.example.com"), "{}", shown[0]);
    assert!(shown[1].contains("registry.example.com"), "{}", shown[1]);
}
