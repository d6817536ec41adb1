//! Governance over HTTP: identities, grants, authorization, impact and the audit log.

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

#[tokio::test]
async fn a_breaking_change_is_refused_naming_the_consumers_their_teams_and_contacts() {
    let story = Story::new(ReadAccess::Open).await;
    let (status, body) = story
        .app
        .as_(&story.orders)
        .post("/subjects/orders-value/versions", Story::breaking_v2())
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error_code"], 409);
    let message = body["message"].as_str().unwrap();
    assert!(
        message.starts_with("Schema being registered is incompatible"),
        "{message}"
    );
    assert!(
        message.ends_with(
            "This change would break 2 consumers: billing (team payments: email payments@example.com); \
             shipping (team fulfilment: chat #fulfilment-oncall)."
        ),
        "{message}"
    );
    assert_eq!(services_of(&body["affected"]), ["billing", "shipping"]);
    assert_eq!(body["affected"][0]["team"], "payments");
    assert_eq!(
        body["affected"][0]["contacts"][0]["value"],
        "payments@example.com"
    );
}

#[tokio::test]
async fn impact_gives_the_same_answer_and_stores_nothing() {
    let story = Story::new(ReadAccess::Open).await;
    let (status, impact) = story
        .app
        .as_(&story.billing)
        .post(
            "/governance/subjects/orders-value/impact",
            Story::breaking_v2(),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{impact}");
    assert_eq!(impact["compatible"], false);
    assert_eq!(impact["compatibilityLevel"], "BACKWARD");
    assert!(impact["messages"][0]
        .as_str()
        .unwrap()
        .contains("READER_FIELD_MISSING_DEFAULT_VALUE"));
    assert_eq!(services_of(&impact["affected"]), ["billing", "shipping"]);
    assert_eq!(
        story.app.get("/subjects/orders-value/versions").await.1,
        json!([1])
    );

    let (_, fine) = story
        .app
        .as_(&story.orders)
        .post(
            "/governance/subjects/orders-value/impact",
            json!({ "schema": record("Order", &[ID, NOTE]) }),
        )
        .await;
    assert_eq!(fine["compatible"], true);
    assert_eq!(fine["affected"], json!([]));
}

#[tokio::test]
async fn a_verbose_compatibility_check_names_the_affected_consumers() {
    let story = Story::new(ReadAccess::Open).await;
    let (_, verdict) = story
        .app
        .post(
            "/compatibility/subjects/orders-value/versions/latest?verbose=true",
            Story::breaking_v2(),
        )
        .await;
    assert_eq!(verdict["is_compatible"], false);
    assert_eq!(services_of(&verdict["affected"]), ["billing", "shipping"]);
}

#[tokio::test]
async fn a_consumer_cannot_register_in_the_producers_subject() {
    let story = Story::new(ReadAccess::Open).await;
    let reply = story
        .app
        .as_(&story.billing)
        .post(
            "/subjects/orders-value/versions",
            json!({ "schema": record("Order", &[ID, NOTE]) }),
        )
        .await;
    let message = assert_error(&reply, StatusCode::FORBIDDEN, 40301);
    assert!(
        message.contains("only its producer ('orders')"),
        "{message}"
    );
}

#[tokio::test]
async fn a_revoked_credential_stops_working() {
    let story = Story::new(ReadAccess::Open).await;
    let admin = story.app.admin();
    let (status, issued) = admin
        .post("/governance/services/orders/credentials", json!({}))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let second = basic("orders", issued["secret"].as_str().unwrap());
    let (status, _) = story.app.as_(&second).get("/subjects").await;
    assert_eq!(status, StatusCode::OK);

    let (status, _) = admin
        .delete(&format!(
            "/governance/services/orders/credentials/{}",
            issued["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    // Refused even on a read that needs no credential at all.
    assert_error(
        &story.app.as_(&second).get("/subjects").await,
        StatusCode::UNAUTHORIZED,
        40101,
    );
    // The other credential of the same service still works: rotation.
    assert_eq!(
        story.app.as_(&story.orders).get("/subjects").await.0,
        StatusCode::OK
    );
    let (_, listed) = admin.get("/governance/services/orders/credentials").await;
    assert_eq!(listed.as_array().unwrap().len(), 2);
    assert!(listed[0]["last_used_at"].is_string(), "{listed}");
    assert!(listed.to_string().find("secret").is_none(), "{listed}");
}

#[tokio::test]
async fn the_audit_log_shows_every_step_with_its_principal() {
    let story = Story::new(ReadAccess::Open).await;
    story
        .app
        .as_(&story.orders)
        .post("/subjects/orders-value/versions", Story::breaking_v2())
        .await;
    let (status, audit) = story.app.admin().get("/governance/audit?limit=100").await;
    assert_eq!(status, StatusCode::OK, "{audit}");
    let steps: Vec<(String, String)> = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .map(|e| {
            (
                e["principal"].as_str().unwrap().to_string(),
                e["action"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected = [
        ("admin", "team.created"),
        ("admin", "team.created"),
        ("admin", "service.created"),
        ("admin", "credential.issued"),
        ("admin", "service.created"),
        ("admin", "credential.issued"),
        ("admin", "service.created"),
        ("admin", "credential.issued"),
        ("orders", "schema.registered"),
        ("orders", "producer.claimed"),
        ("orders", "consumer.granted"),
        ("orders", "consumer.granted"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(p, a)| (p.to_string(), a.to_string()))
        .collect();
    assert_eq!(steps, expected);
    let registered = &audit["entries"][3];
    assert_eq!(registered["subject"], "orders-value");
    assert_eq!(registered["version"], 1);
    // No secret is ever written to the log.
    assert!(!audit.to_string().contains("acs_"), "{audit}");
}

#[tokio::test]
async fn the_audit_log_pages_and_filters() {
    let story = Story::new(ReadAccess::Open).await;
    let admin = story.app.admin();
    let (_, first) = admin.get("/governance/audit?limit=5").await;
    assert_eq!(first["entries"].as_array().unwrap().len(), 5);
    let cursor = first["next"].as_str().unwrap();
    let (_, second) = admin
        .get(&format!("/governance/audit?limit=5&cursor={cursor}"))
        .await;
    assert_eq!(second["entries"].as_array().unwrap().len(), 5);
    assert_ne!(first["entries"][0], second["entries"][0]);
    let (_, by_subject) = admin.get("/governance/audit?subject=orders-value").await;
    assert_eq!(by_subject["entries"].as_array().unwrap().len(), 4);
    let (_, by_principal) = admin.get("/governance/audit?principal=orders").await;
    assert_eq!(by_principal["entries"].as_array().unwrap().len(), 4);
    let (_, by_service) = admin.get("/governance/audit?service=billing").await;
    assert_eq!(by_service["entries"].as_array().unwrap().len(), 3);
    let (_, future) = admin
        .get("/governance/audit?since=2999-01-01T00:00:00Z")
        .await;
    assert_eq!(future["entries"], json!([]));
    assert_error(
        &admin.get("/governance/audit?since=yesterday").await,
        StatusCode::BAD_REQUEST,
        400,
    );
    assert_error(
        &admin.get("/governance/audit?limit=0").await,
        StatusCode::BAD_REQUEST,
        400,
    );
}

#[tokio::test]
async fn a_producer_reads_its_subjects_audit_but_not_the_whole_log() {
    let story = Story::new(ReadAccess::Open).await;
    let orders = story.app.as_(&story.orders);
    let (status, own) = orders.get("/governance/audit?subject=orders-value").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(own["entries"].as_array().unwrap().len(), 4);
    assert_error(
        &orders.get("/governance/audit").await,
        StatusCode::FORBIDDEN,
        40301,
    );
    let billing = story.app.as_(&story.billing);
    assert_error(
        &billing.get("/governance/audit?subject=orders-value").await,
        StatusCode::FORBIDDEN,
        40301,
    );
}

#[tokio::test]
async fn writes_without_a_credential_are_401_and_reads_are_open_by_default() {
    let story = Story::new(ReadAccess::Open).await;
    let app = &story.app;
    let register = app
        .post("/subjects/x/versions", json!({ "schema": "\"string\"" }))
        .await;
    let message = assert_error(&register, StatusCode::UNAUTHORIZED, 40101);
    assert!(message.contains("Authentication required"), "{message}");
    assert_error(
        &app.put("/config", json!({ "compatibility": "NONE" })).await,
        StatusCode::UNAUTHORIZED,
        40101,
    );
    assert_error(
        &app.delete("/subjects/orders-value").await,
        StatusCode::UNAUTHORIZED,
        40101,
    );
    assert_error(
        &app.post("/governance/teams", json!({ "name": "t" })).await,
        StatusCode::UNAUTHORIZED,
        40101,
    );
    assert_eq!(
        app.get("/subjects/orders-value/versions/1").await.0,
        StatusCode::OK
    );
    assert_eq!(app.get("/schemas/ids/1").await.0, StatusCode::OK);
    let (_, ready) = app.get("/readyz").await;
    assert_eq!(ready["authentication"], "on");
}

#[tokio::test]
async fn a_wrong_or_malformed_credential_is_401_everywhere() {
    let story = Story::new(ReadAccess::Open).await;
    for header in [
        "Bearer not-a-token".to_string(),
        basic("orders", "wrong"),
        basic("admin", "wrong"),
        "Basic %%%".to_string(),
        "Digest abc".to_string(),
    ] {
        let reply = story.app.as_(&header).get("/subjects").await;
        assert_error(&reply, StatusCode::UNAUTHORIZED, 40101);
    }
    // Another service's name with a valid secret does not pass either.
    let secret = story.orders.clone();
    let reply = story
        .app
        .as_(secret.replace("Basic ", "Basic x"))
        .get("/subjects")
        .await;
    assert_error(&reply, StatusCode::UNAUTHORIZED, 40101);
}

#[tokio::test]
async fn the_admin_token_works_as_bearer_and_as_basic_and_a_secret_as_bearer() {
    let story = Story::new(ReadAccess::Open).await;
    let as_basic = story.app.as_(basic("admin", ADMIN_TOKEN));
    assert_eq!(
        as_basic
            .put("/config", json!({ "compatibility": "FULL" }))
            .await
            .0,
        StatusCode::OK
    );
    let (_, issued) = story
        .app
        .admin()
        .post("/governance/services/orders/credentials", json!({}))
        .await;
    let bearer = format!("Bearer {}", issued["secret"].as_str().unwrap());
    let (status, _) = story
        .app
        .as_(&bearer)
        .put("/config/orders-value", json!({ "compatibility": "NONE" }))
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn only_the_admin_changes_global_settings_teams_services_and_credentials() {
    let story = Story::new(ReadAccess::Open).await;
    let orders = story.app.as_(&story.orders);
    for reply in [
        orders
            .put("/config", json!({ "compatibility": "NONE" }))
            .await,
        orders.delete("/config").await,
        orders.put("/mode", json!({ "mode": "READONLY" })).await,
        orders
            .post("/governance/teams", json!({ "name": "rogue" }))
            .await,
        orders
            .put("/governance/teams/payments", json!({ "contacts": [] }))
            .await,
        orders.delete("/governance/teams/payments").await,
        orders
            .post(
                "/governance/services",
                json!({ "name": "rogue", "team": "payments" }),
            )
            .await,
        orders
            .put(
                "/governance/services/billing",
                json!({ "team": "payments" }),
            )
            .await,
        orders.delete("/governance/services/billing").await,
        orders
            .post("/governance/services/billing/credentials", json!({}))
            .await,
        orders.get("/governance/services/billing/credentials").await,
    ] {
        assert_error(&reply, StatusCode::FORBIDDEN, 40301);
    }
    // Reading the model is open to every service.
    assert_eq!(orders.get("/governance/teams").await.0, StatusCode::OK);
    assert_eq!(orders.get("/config").await.0, StatusCode::OK);
}

#[tokio::test]
async fn only_the_producer_changes_deletes_and_grants_in_its_subject() {
    let story = Story::new(ReadAccess::Open).await;
    let billing = story.app.as_(&story.billing);
    for reply in [
        billing
            .put("/config/orders-value", json!({ "compatibility": "NONE" }))
            .await,
        billing
            .put("/mode/orders-value", json!({ "mode": "READONLY" }))
            .await,
        billing.delete("/subjects/orders-value").await,
        billing.delete("/subjects/orders-value/versions/1").await,
        billing
            .put(
                "/governance/subjects/orders-value/consumers/shipping",
                json!({}),
            )
            .await,
        billing
            .delete("/governance/subjects/orders-value/consumers/shipping")
            .await,
        billing
            .put(
                "/governance/subjects/orders-value/producer",
                json!({ "service": "billing" }),
            )
            .await,
    ] {
        assert_error(&reply, StatusCode::FORBIDDEN, 40301);
    }
    let orders = story.app.as_(&story.orders);
    assert_eq!(
        orders
            .put("/config/orders-value", json!({ "compatibility": "NONE" }))
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(
        orders
            .delete("/governance/subjects/orders-value/consumers/shipping")
            .await
            .0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        orders.delete("/subjects/orders-value/versions/1").await.0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_subject_without_a_producer_is_claimed_by_its_first_registering_service() {
    let story = Story::new(ReadAccess::Open).await;
    let billing = story.app.as_(&story.billing);
    let (status, _) = billing
        .post(
            "/subjects/invoices-value/versions",
            json!({ "schema": "\"string\"" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, view) = story.app.get("/governance/subjects/invoices-value").await;
    assert_eq!(view["producer"]["service"], "billing");
    assert_eq!(view["producer"]["team"], "payments");
    let refused = story
        .app
        .as_(&story.orders)
        .post(
            "/subjects/invoices-value/versions",
            json!({ "schema": "\"int\"" }),
        )
        .await;
    assert_error(&refused, StatusCode::FORBIDDEN, 40301);
}

#[tokio::test]
async fn the_subject_view_shows_producer_consumers_latest_version_and_level() {
    let story = Story::new(ReadAccess::Open).await;
    let (status, view) = story.app.get("/governance/subjects/orders-value").await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(view["producer"]["service"], "orders");
    assert_eq!(view["latest_version"], 1);
    assert_eq!(view["compatibility_level"], "BACKWARD");
    let consumers = view["consumers"].as_array().unwrap();
    assert_eq!(consumers.len(), 2);
    assert_eq!(consumers[0]["service"], "billing");
    assert_eq!(consumers[0]["team"], "payments");
    assert_eq!(consumers[0]["granted_by"], "orders");
    assert!(consumers[0]["granted_at"].as_str().unwrap().ends_with('Z'));
    let (_, listed) = story
        .app
        .get("/governance/subjects/orders-value/consumers")
        .await;
    assert_eq!(listed.as_array().unwrap().len(), 2);
    assert_error(
        &story.app.get("/governance/subjects/nothing-here").await,
        StatusCode::NOT_FOUND,
        40401,
    );
    let (_, service) = story.app.get("/governance/services/billing").await;
    assert_eq!(service["consumes"], json!(["orders-value"]));
    assert_eq!(service["produces"], json!([]));
    let (_, producer) = story.app.get("/governance/services/orders").await;
    assert_eq!(producer["produces"], json!(["orders-value"]));
}

#[tokio::test]
async fn enforced_reads_need_the_producer_a_grant_or_the_admin() {
    let story = Story::new(ReadAccess::Enforce).await;
    let admin = story.app.admin();
    admin
        .post(
            "/governance/services",
            json!({ "name": "stranger", "team": "payments" }),
        )
        .await;
    let (_, issued) = admin
        .post("/governance/services/stranger/credentials", json!({}))
        .await;
    let stranger = story
        .app
        .as_(basic("stranger", issued["secret"].as_str().unwrap()));
    for path in [
        "/subjects/orders-value/versions/1",
        "/schemas/ids/1",
        "/config/orders-value?defaultToGlobal=true",
    ] {
        let reply = stranger.get(path).await;
        let message = assert_error(&reply, StatusCode::FORBIDDEN, 40301);
        assert!(message.contains("consumer grant"), "{path}: {message}");
        assert_eq!(
            story.app.as_(&story.billing).get(path).await.0,
            StatusCode::OK,
            "{path}"
        );
        assert_eq!(
            story.app.as_(&story.orders).get(path).await.0,
            StatusCode::OK,
            "{path}"
        );
        assert_eq!(
            story.app.as_(&story.shipping).get(path).await.0,
            StatusCode::OK,
            "{path}"
        );
        assert_eq!(admin.get(path).await.0, StatusCode::OK, "{path}");
        assert_error(&story.app.get(path).await, StatusCode::UNAUTHORIZED, 40101);
    }
    // Listings show only what the caller may read.
    assert_eq!(stranger.get("/subjects").await.1, json!([]));
    assert_eq!(
        story.app.as_(&story.billing).get("/subjects").await.1,
        json!(["orders-value"])
    );
    let lookup = stranger
        .post(
            "/subjects/orders-value",
            json!({ "schema": record("Order", &[ID]) }),
        )
        .await;
    assert_error(&lookup, StatusCode::FORBIDDEN, 40301);
}

#[tokio::test]
async fn governance_input_is_validated_with_clear_errors() {
    let story = Story::new(ReadAccess::Open).await;
    let admin = story.app.admin();
    let duplicate = admin
        .post("/governance/teams", json!({ "name": "payments" }))
        .await;
    assert_eq!(
        assert_error(&duplicate, StatusCode::CONFLICT, 40911),
        "Team 'payments' already exists."
    );
    let bad_kind = admin
        .post(
            "/governance/teams",
            json!({ "name": "t", "contacts": [{ "kind": "fax", "value": "1" }] }),
        )
        .await;
    assert_error(&bad_kind, StatusCode::UNPROCESSABLE_ENTITY, 42220);
    let bad_email = admin
        .post(
            "/governance/teams",
            json!({ "name": "t", "contacts": [{ "kind": "email", "value": "nobody" }] }),
        )
        .await;
    assert_error(&bad_email, StatusCode::UNPROCESSABLE_ENTITY, 42220);
    let bad_name = admin
        .post("/governance/teams", json!({ "name": "no spaces" }))
        .await;
    assert_error(&bad_name, StatusCode::UNPROCESSABLE_ENTITY, 42220);
    let missing_name = admin
        .post("/governance/teams", json!({ "contacts": [] }))
        .await;
    assert_error(&missing_name, StatusCode::UNPROCESSABLE_ENTITY, 422);
    let unknown_team = admin
        .post(
            "/governance/services",
            json!({ "name": "s", "team": "nope" }),
        )
        .await;
    assert_eq!(
        assert_error(&unknown_team, StatusCode::NOT_FOUND, 40411),
        "Team 'nope' not found."
    );
    let reserved = admin
        .post(
            "/governance/services",
            json!({ "name": "admin", "team": "payments" }),
        )
        .await;
    assert_error(&reserved, StatusCode::UNPROCESSABLE_ENTITY, 42220);
    assert_error(
        &admin.get("/governance/services/nope").await,
        StatusCode::NOT_FOUND,
        40412,
    );
    assert_error(
        &admin
            .delete("/governance/services/orders/credentials/cred_nope")
            .await,
        StatusCode::NOT_FOUND,
        40413,
    );
    let in_use = admin.delete("/governance/teams/payments").await;
    assert!(assert_error(&in_use, StatusCode::CONFLICT, 40912).contains("billing"));
    let producing = admin.delete("/governance/services/orders").await;
    assert!(assert_error(&producing, StatusCode::CONFLICT, 40912).contains("orders-value"));
    let own_stream = admin
        .put(
            "/governance/subjects/orders-value/consumers/orders",
            json!({}),
        )
        .await;
    assert_error(&own_stream, StatusCode::UNPROCESSABLE_ENTITY, 42220);
    let unknown_consumer = admin
        .put(
            "/governance/subjects/orders-value/consumers/nope",
            json!({}),
        )
        .await;
    assert_error(&unknown_consumer, StatusCode::NOT_FOUND, 40412);
    let not_granted = admin
        .delete("/governance/subjects/orders-value/consumers/nope")
        .await;
    assert_error(&not_granted, StatusCode::NOT_FOUND, 40414);
    let unknown_producer = admin
        .put(
            "/governance/subjects/orders-value/producer",
            json!({ "service": "nope" }),
        )
        .await;
    assert_error(&unknown_producer, StatusCode::NOT_FOUND, 40412);
}

#[tokio::test]
async fn teams_and_services_can_be_changed_and_deleted_by_the_admin() {
    let story = Story::new(ReadAccess::Open).await;
    let admin = story.app.admin();
    let (status, team) = admin
        .put(
            "/governance/teams/payments",
            json!({ "contacts": [{ "kind": "pager", "value": "payments-oncall" }] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(team["contacts"][0]["kind"], "pager");
    let (status, service) = admin
        .put(
            "/governance/services/billing",
            json!({ "team": "fulfilment", "description": "moved" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(service["team"], "fulfilment");
    assert_eq!(
        admin.delete("/governance/services/billing").await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        admin.delete("/governance/teams/payments").await.0,
        StatusCode::NO_CONTENT
    );
    let (_, teams) = admin.get("/governance/teams").await;
    assert_eq!(teams.as_array().unwrap().len(), 1);
    // A deleted service's grants are gone with it.
    let (_, consumers) = admin
        .get("/governance/subjects/orders-value/consumers")
        .await;
    assert_eq!(consumers.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn with_authentication_off_changes_are_recorded_as_anonymous() {
    let app = TestApp::new().await;
    app.register("s", "\"string\"").await;
    let (status, audit) = app.get("/governance/audit").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(audit["entries"][0]["principal"], "anonymous");
    assert_eq!(audit["entries"][0]["action"], "schema.registered");
}
