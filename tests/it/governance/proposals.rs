//! Change proposals: the producer proposes a break, the affected consumers answer with their own
//! credentials, and once they are all ready the producer's registration of exactly that schema
//! lands, once.

use axum::http::StatusCode;
use serde_json::{json, Value};

use accord::governance::ReadAccess;

use super::{services_of, Story};
use crate::support::*;

const PROPOSALS: &str = "/governance/subjects/orders-value/proposals";

impl Story {
    /// Opens the proposal of [`Story::breaking_v2`] as `orders`; returns it.
    async fn propose(&self) -> Value {
        let mut body = Story::breaking_v2();
        body["summary"] = "qty becomes required: send it from every order".into();
        body["deadline"] = "2999-01-01T00:00:00Z".into();
        let (status, proposal) = self.app.as_(&self.orders).post(PROPOSALS, body).await;
        assert_eq!(status, StatusCode::CREATED, "{proposal}");
        proposal
    }

    async fn answer(&self, credential: &str, id: &Value, service: &str, response: &str) -> Value {
        let path = format!("/governance/proposals/{id}/responses/{service}");
        let body = json!({ "response": response, "comment": format!("{service} says {response}") });
        let (status, proposal) = self.app.as_(credential).put(&path, body).await;
        assert_eq!(status, StatusCode::OK, "{proposal}");
        proposal
    }

    async fn proposal(&self, id: &Value) -> Value {
        let (status, proposal) = self
            .app
            .admin()
            .get(&format!("/governance/proposals/{id}"))
            .await;
        assert_eq!(status, StatusCode::OK, "{proposal}");
        proposal
    }

    async fn inbox(&self, credential: &str, service: &str) -> Vec<i64> {
        let path = format!("/governance/proposals?awaiting={service}");
        let (status, body) = self.app.as_(credential).get(&path).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        ids(&body)
    }
}

fn ids(list: &Value) -> Vec<i64> {
    list["proposals"]
        .as_array()
        .expect("a list of proposals")
        .iter()
        .map(|p| p["id"].as_i64().unwrap())
        .collect()
}

fn responses(proposal: &Value) -> Vec<(&str, &str)> {
    proposal["affected"]
        .as_array()
        .expect("affected services")
        .iter()
        .map(|a| {
            (
                a["service"].as_str().unwrap(),
                a["response"].as_str().unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_break_lands_through_the_producers_registration_once_every_consumer_is_ready() {
    let story = Story::new(ReadAccess::Enforce).await;
    let orders = story.app.as_(&story.orders);

    let refused = orders
        .post("/subjects/orders-value/versions", Story::breaking_v2())
        .await;
    let message = assert_error(&refused, StatusCode::CONFLICT, 409);
    assert!(
        message.ends_with(
            "To agree on this break with its consumers, propose it: POST \
             /governance/subjects/orders-value/proposals"
        ),
        "{message}"
    );

    let proposal = story.propose().await;
    let id = &proposal["id"];
    assert_eq!(proposal["state"], "open");
    assert_eq!(proposal["subject"], "orders-value");
    assert_eq!(proposal["opened_by"], "orders");
    assert_eq!(proposal["deadline"], "2999-01-01T00:00:00Z");
    assert_eq!(proposal["compatibilityLevel"], "BACKWARD");
    assert_eq!(proposal["schemaType"], "AVRO");
    assert!(proposal["messages"][0]
        .as_str()
        .unwrap()
        .contains("READER_FIELD_MISSING_DEFAULT_VALUE"));
    assert_eq!(
        responses(&proposal),
        [("billing", "pending"), ("shipping", "pending")]
    );
    assert_eq!(proposal["affected"][0]["team"], "payments");
    assert_eq!(proposal["affected"][0]["declared"], true);
    assert_eq!(
        proposal["affected"][0]["contacts"][0]["value"],
        "payments@example.com"
    );
    assert_eq!(
        story.inbox(&story.billing, "billing").await,
        [id.as_i64().unwrap()]
    );
    assert_eq!(
        story.inbox(&story.shipping, "shipping").await,
        [id.as_i64().unwrap()]
    );

    let blocked = story.answer(&story.billing, id, "billing", "blocked").await;
    assert_eq!(blocked["state"], "open");
    assert_eq!(blocked["affected"][0]["comment"], "billing says blocked");
    assert_eq!(blocked["affected"][0]["answered_by"], "billing");
    assert!(story.inbox(&story.billing, "billing").await.is_empty());
    let still_refused = orders
        .post("/subjects/orders-value/versions", Story::breaking_v2())
        .await;
    assert_error(&still_refused, StatusCode::CONFLICT, 409);
    let early = orders
        .post(&format!("/governance/proposals/{id}/apply"), json!({}))
        .await;
    let message = assert_error(&early, StatusCode::CONFLICT, 40914);
    assert!(
        message.contains("billing (blocked: billing says blocked)"),
        "{message}"
    );
    assert!(message.contains("shipping (pending)"), "{message}");

    story.answer(&story.billing, id, "billing", "ready").await;
    let approved = story.answer(&story.shipping, id, "shipping", "ready").await;
    assert_eq!(approved["state"], "approved");

    // The producer's ordinary registration, as a serializer makes it, lands the break.
    let (status, landed) = orders
        .post("/subjects/orders-value/versions", Story::breaking_v2())
        .await;
    assert_eq!(status, StatusCode::OK, "{landed}");
    let (_, versions) = orders.get("/subjects/orders-value/versions").await;
    assert_eq!(versions, json!([1, 2]));
    let applied = story.proposal(id).await;
    assert_eq!(applied["state"], "applied");
    assert_eq!(applied["version"], 2);
    assert_eq!(applied["decided_by"], "orders");
    assert_eq!(applied["overridden"], false);
    assert_eq!(applied["latest"]["version"], 2);

    // Once: the next break is refused again, and a decided proposal does not change.
    let next = orders
        .post(
            "/subjects/orders-value/versions",
            json!({ "schema": record("Order", &[ID, QTY, r#"{"name":"sku","type":"string"}"#]) }),
        )
        .await;
    assert_error(&next, StatusCode::CONFLICT, 409);
    let late = story
        .app
        .as_(&story.billing)
        .put(
            &format!("/governance/proposals/{id}/responses/billing"),
            json!({ "response": "blocked" }),
        )
        .await;
    assert_error(&late, StatusCode::CONFLICT, 40913);

    let (_, audit) = story
        .app
        .admin()
        .get("/governance/audit?subject=orders-value")
        .await;
    let steps: Vec<(&str, &str)> = audit["entries"]
        .as_array()
        .or(audit.as_array())
        .expect("audit entries")
        .iter()
        .filter(|e| e["action"].as_str().unwrap().starts_with("proposal."))
        .map(|e| {
            (
                e["action"].as_str().unwrap(),
                e["principal"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        steps,
        [
            ("proposal.applied", "orders"),
            ("proposal.approved", "shipping"),
            ("proposal.answered", "shipping"),
            ("proposal.answered", "billing"),
            ("proposal.answered", "billing"),
            ("proposal.opened", "orders"),
        ]
    );
}

#[tokio::test]
async fn every_refusal_says_what_is_wrong() {
    let story = Story::new(ReadAccess::Open).await;
    let mut body = Story::breaking_v2();
    body["summary"] = "qty".into();

    let not_producer = story
        .app
        .as_(&story.billing)
        .post(PROPOSALS, body.clone())
        .await;
    assert_error(&not_producer, StatusCode::FORBIDDEN, 40301);
    let anonymous = story.app.post(PROPOSALS, body.clone()).await;
    assert_error(&anonymous, StatusCode::UNAUTHORIZED, 40101);

    let orders = story.app.as_(&story.orders);
    let compatible = orders
        .post(
            PROPOSALS,
            json!({ "schema": record("Order", &[ID, NOTE]), "summary": "a note" }),
        )
        .await;
    let message = assert_error(&compatible, StatusCode::UNPROCESSABLE_ENTITY, 42221);
    assert!(message.contains("register it instead"), "{message}");
    let invalid = orders
        .post(
            PROPOSALS,
            json!({ "schema": "{\"type\":\"record\"", "summary": "x" }),
        )
        .await;
    assert_error(&invalid, StatusCode::UNPROCESSABLE_ENTITY, 42201);
    let no_summary = orders.post(PROPOSALS, Story::breaking_v2()).await;
    assert_error(&no_summary, StatusCode::UNPROCESSABLE_ENTITY, 42220);
    for deadline in ["2001-01-01T00:00:00Z", "next week"] {
        let mut past = body.clone();
        past["deadline"] = deadline.into();
        let refused = orders.post(PROPOSALS, past).await;
        let message = assert_error(&refused, StatusCode::UNPROCESSABLE_ENTITY, 42220);
        assert!(message.contains(deadline), "{message}");
    }

    let unknown = story.app.admin().get("/governance/proposals/999").await;
    assert_error(&unknown, StatusCode::NOT_FOUND, 40415);
    let malformed = story.app.admin().get("/governance/proposals/abc").await;
    assert_error(&malformed, StatusCode::UNPROCESSABLE_ENTITY, 42220);
    let bad_state = story
        .app
        .admin()
        .get("/governance/proposals?state=merged")
        .await;
    assert_error(&bad_state, StatusCode::UNPROCESSABLE_ENTITY, 42220);

    let proposal = story.propose().await;
    let id = &proposal["id"];
    let for_another = story
        .app
        .as_(&story.billing)
        .put(
            &format!("/governance/proposals/{id}/responses/shipping"),
            json!({ "response": "ready" }),
        )
        .await;
    assert_error(&for_another, StatusCode::FORBIDDEN, 40301);
    for response in ["maybe", "pending"] {
        let refused = story
            .app
            .as_(&story.billing)
            .put(
                &format!("/governance/proposals/{id}/responses/billing"),
                json!({ "response": response }),
            )
            .await;
        let message = assert_error(&refused, StatusCode::UNPROCESSABLE_ENTITY, 42220);
        assert!(message.contains("ready or blocked"), "{message}");
    }
    let not_affected = orders
        .put(
            &format!("/governance/proposals/{id}/responses/orders"),
            json!({ "response": "ready" }),
        )
        .await;
    assert_error(&not_affected, StatusCode::UNPROCESSABLE_ENTITY, 42220);
    let reject_by_service = orders
        .post(
            &format!("/governance/proposals/{id}/reject"),
            json!({ "reason": "no" }),
        )
        .await;
    assert_error(&reject_by_service, StatusCode::FORBIDDEN, 40301);
    let reject_without_reason = story
        .app
        .admin()
        .post(&format!("/governance/proposals/{id}/reject"), json!({}))
        .await;
    assert_error(
        &reject_without_reason,
        StatusCode::UNPROCESSABLE_ENTITY,
        42220,
    );
    let withdraw_by_consumer = story
        .app
        .as_(&story.billing)
        .post(&format!("/governance/proposals/{id}/withdraw"), json!({}))
        .await;
    assert_error(&withdraw_by_consumer, StatusCode::FORBIDDEN, 40301);
}

#[tokio::test]
async fn the_admin_may_apply_early_with_a_reason_and_it_is_recorded_as_overridden() {
    let story = Story::new(ReadAccess::Open).await;
    let proposal = story.propose().await;
    let id = &proposal["id"];
    let admin = story.app.admin();
    let apply = format!("/governance/proposals/{id}/apply");

    let without_reason = admin.post(&apply, json!({})).await;
    let message = assert_error(&without_reason, StatusCode::UNPROCESSABLE_ENTITY, 42220);
    assert!(message.contains("billing (pending)"), "{message}");

    let (status, applied) = admin
        .post(
            &apply,
            json!({ "reason": "the old field leaks personal data" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{applied}");
    assert_eq!(applied["version"], 2);
    assert!(applied["id"].as_i64().unwrap() > 0);
    let proposal = story.proposal(id).await;
    assert_eq!(proposal["state"], "applied");
    assert_eq!(proposal["overridden"], true);
    assert_eq!(proposal["decided_by"], "admin");
    assert_eq!(proposal["reason"], "the old field leaks personal data");
    assert_error(
        &admin.post(&apply, json!({ "reason": "again" })).await,
        StatusCode::CONFLICT,
        40913,
    );
}

#[tokio::test]
async fn withdrawn_and_rejected_proposals_are_final() {
    let story = Story::new(ReadAccess::Open).await;
    let first = story.propose().await;
    let (status, withdrawn) = story
        .app
        .as_(&story.orders)
        .post(
            &format!("/governance/proposals/{}/withdraw", first["id"]),
            json!({ "reason": "we found another way" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{withdrawn}");
    assert_eq!(withdrawn["state"], "withdrawn");
    assert_eq!(withdrawn["reason"], "we found another way");
    assert_eq!(withdrawn["decided_by"], "orders");

    let second = story.propose().await;
    let reject = format!("/governance/proposals/{}/reject", second["id"]);
    let (status, rejected) = story
        .app
        .admin()
        .post(&reject, json!({ "reason": "breaks the ledger" }))
        .await;
    assert_eq!(status, StatusCode::OK, "{rejected}");
    assert_eq!(rejected["state"], "rejected");
    assert_error(
        &story
            .app
            .admin()
            .post(&reject, json!({ "reason": "twice" }))
            .await,
        StatusCode::CONFLICT,
        40913,
    );
    for (id, state) in [(&first["id"], "withdrawn"), (&second["id"], "rejected")] {
        let path = format!("/governance/proposals/{id}/apply");
        let refused = story
            .app
            .admin()
            .post(&path, json!({ "reason": "x" }))
            .await;
        let message = assert_error(&refused, StatusCode::CONFLICT, 40913);
        assert!(message.contains(state), "{message}");
    }
    // Neither lands through a registration.
    let refused = story
        .app
        .as_(&story.orders)
        .post("/subjects/orders-value/versions", Story::breaking_v2())
        .await;
    assert_error(&refused, StatusCode::CONFLICT, 409);

    let (_, decided) = story
        .app
        .admin()
        .get("/governance/proposals?state=withdrawn")
        .await;
    assert_eq!(ids(&decided), [first["id"].as_i64().unwrap()]);
    let (_, all) = story
        .app
        .admin()
        .get("/governance/proposals?subject=orders-value")
        .await;
    assert_eq!(
        ids(&all),
        [
            second["id"].as_i64().unwrap(),
            first["id"].as_i64().unwrap()
        ]
    );
}

#[tokio::test]
async fn a_new_latest_version_finds_the_breaking_changes_again_and_keeps_the_answers() {
    let story = Story::new(ReadAccess::Open).await;
    let proposal = story.propose().await;
    let id = &proposal["id"];
    assert_eq!(proposal["based_on"], 1);
    story.answer(&story.billing, id, "billing", "ready").await;

    let (status, body) = story
        .app
        .as_(&story.orders)
        .post(
            "/subjects/orders-value/versions",
            json!({ "schema": record("Order", &[ID, NOTE]) }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let again = story.proposal(id).await;
    assert_eq!(again["based_on"], 2);
    assert!(!again["messages"].as_array().unwrap().is_empty());
    assert_eq!(
        responses(&again),
        [("billing", "ready"), ("shipping", "pending")]
    );

    // Under NONE the candidate breaks nothing any more: its breaking changes are gone.
    let (status, body) = story
        .app
        .admin()
        .put("/config/orders-value", json!({ "compatibility": "NONE" }))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let relaxed = story.proposal(id).await;
    assert_eq!(relaxed["compatibilityLevel"], "NONE");
    assert_eq!(relaxed["messages"], json!([]));
}

#[tokio::test]
async fn a_consumer_granted_mid_way_is_pending_and_a_revoked_one_is_gone() {
    let story = Story::new(ReadAccess::Open).await;
    let admin = story.app.admin();
    let (status, body) = admin
        .post(
            "/governance/services",
            json!({ "name": "ledger", "team": "payments" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let proposal = story.propose().await;
    let id = &proposal["id"];
    story.answer(&story.billing, id, "billing", "ready").await;
    let approved = story.answer(&story.shipping, id, "shipping", "ready").await;
    assert_eq!(approved["state"], "approved");

    let (status, body) = admin
        .put(
            "/governance/subjects/orders-value/consumers/ledger",
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let widened = story.proposal(id).await;
    assert_eq!(widened["state"], "open");
    assert_eq!(
        responses(&widened),
        [
            ("billing", "ready"),
            ("ledger", "pending"),
            ("shipping", "ready")
        ]
    );
    let refused = story
        .app
        .as_(&story.orders)
        .post("/subjects/orders-value/versions", Story::breaking_v2())
        .await;
    assert_error(&refused, StatusCode::CONFLICT, 409);

    // Revoking shipping forgets its answer: granted again, it answers again.
    for method in ["DELETE", "PUT"] {
        let path = "/governance/subjects/orders-value/consumers/shipping";
        let (status, body) = match method {
            "DELETE" => admin.delete(path).await,
            _ => admin.put(path, json!({})).await,
        };
        assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    }
    let (status, body) = admin
        .delete("/governance/subjects/orders-value/consumers/ledger")
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let narrowed = story.proposal(id).await;
    assert_eq!(services_of(&narrowed["affected"]), ["billing", "shipping"]);
    assert_eq!(
        responses(&narrowed),
        [("billing", "ready"), ("shipping", "pending")]
    );
}

#[tokio::test]
async fn an_ungoverned_subjects_refusal_stays_confluents_word_for_word() {
    let app = TestApp::new().await;
    app.register("loose-value", &record("Loose", &[ID])).await;
    let refused = app
        .post(
            "/subjects/loose-value/versions",
            json!({ "schema": record("Loose", &[ID, QTY]) }),
        )
        .await;
    let message = assert_error(&refused, StatusCode::CONFLICT, 409);
    assert!(message.ends_with("]"), "{message}");
    assert!(!message.contains("propose"), "{message}");
}

#[tokio::test]
async fn a_check_names_the_proposal_for_exactly_its_schema() {
    let story = Story::new(ReadAccess::Open).await;
    let impact = "/governance/subjects/orders-value/impact";
    let (_, before) = story
        .app
        .as_(&story.orders)
        .post(impact, Story::breaking_v2())
        .await;
    assert_eq!(before["proposal"], Value::Null);
    let proposal = story.propose().await;
    let (_, open) = story
        .app
        .as_(&story.orders)
        .post(impact, Story::breaking_v2())
        .await;
    assert_eq!(
        open["proposal"],
        json!({ "id": proposal["id"], "state": "open" })
    );
    // The same schema written differently is the same candidate after normalization.
    let spaced = json!({ "schema": record("Order", &[ID, QTY]).replace(',', " , ") });
    let (_, same) = story.app.as_(&story.orders).post(impact, spaced).await;
    assert_eq!(same["proposal"]["id"], proposal["id"]);
    let other = json!({ "schema": record("Order", &[QTY]) });
    let (_, different) = story.app.as_(&story.orders).post(impact, other).await;
    assert_eq!(different["proposal"], Value::Null);
}
