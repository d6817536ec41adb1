//! Governance over HTTP: identities, grants, authorization, impact and the audit log, one story
//! per file, all told over the same registry of two teams and three services.

mod audit;
mod authorization;
mod credentials;
mod impact;
mod proposals;
mod readers;
mod teams;

use axum::http::StatusCode;
use serde_json::{json, Value};

use accord::governance::ReadAccess;

use crate::support::*;

/// Two teams, three services with one credential each, and `orders-value` v1 registered by
/// its producer `orders`, consumed by `billing` and `shipping`.
struct Story {
    app: TestApp,
    orders: String,
    billing: String,
    shipping: String,
}

impl Story {
    async fn new(read_access: ReadAccess) -> Story {
        let app = TestApp::secured(read_access).await;
        let admin = app.admin();
        for (team, kind, value) in [
            ("payments", "email", "payments@example.com"),
            ("fulfilment", "chat", "#fulfilment-oncall"),
        ] {
            let (status, body) = admin
                .post(
                    "/governance/teams",
                    json!({ "name": team, "contacts": [{ "kind": kind, "value": value }] }),
                )
                .await;
            assert_eq!(status, StatusCode::CREATED, "{body}");
        }
        let mut secrets = Vec::new();
        for (service, team) in [
            ("orders", "fulfilment"),
            ("billing", "payments"),
            ("shipping", "fulfilment"),
        ] {
            let (status, body) = admin
                .post("/governance/services", json!({ "name": service, "team": team, "description": format!("the {service} service") }))
                .await;
            assert_eq!(status, StatusCode::CREATED, "{body}");
            let (status, credential) = admin
                .post(
                    &format!("/governance/services/{service}/credentials"),
                    json!({}),
                )
                .await;
            assert_eq!(status, StatusCode::CREATED, "{credential}");
            secrets.push(basic(service, credential["secret"].as_str().unwrap()));
        }
        let story = Story {
            orders: secrets[0].clone(),
            billing: secrets[1].clone(),
            shipping: secrets[2].clone(),
            app,
        };
        let (status, body) = story
            .app
            .as_(&story.orders)
            .post(
                "/subjects/orders-value/versions",
                json!({ "schema": record("Order", &[ID]) }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        for consumer in ["billing", "shipping"] {
            let (status, body) = story
                .app
                .as_(&story.orders)
                .put(
                    &format!("/governance/subjects/orders-value/consumers/{consumer}"),
                    json!({}),
                )
                .await;
            assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
        }
        story
    }

    fn breaking_v2() -> Value {
        json!({ "schema": record("Order", &[ID, QTY]) })
    }
}

fn services_of(affected: &Value) -> Vec<&str> {
    affected
        .as_array()
        .expect("affected is a list")
        .iter()
        .map(|a| a["service"].as_str().unwrap())
        .collect()
}
