//! Impact: a breaking change names the consumers it breaks, their teams and contacts.

use axum::http::StatusCode;
use serde_json::json;

use accord::governance::ReadAccess;

use super::{services_of, Story};
use crate::support::*;

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
             shipping (team fulfilment: chat #fulfilment-oncall). To agree on this break with its \
             consumers, propose it: POST /governance/subjects/orders-value/proposals"
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
async fn a_qualified_subject_is_a_stream_of_its_own_with_its_own_producer_and_consumers() {
    let story = Story::new(ReadAccess::Open).await;
    let qualified = ":.staging:orders-value";
    // billing produces the staging stream of the same name; only shipping consumes it.
    let (status, body) = story
        .app
        .as_(&story.billing)
        .post(
            &format!("/subjects/{qualified}/versions"),
            json!({ "schema": record("Order", &[ID]) }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = story
        .app
        .as_(&story.billing)
        .put(
            &format!("/governance/subjects/{qualified}/consumers/shipping"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");

    // The default context's producer does not own the staging stream...
    let (status, _) = story
        .app
        .as_(&story.orders)
        .post(
            &format!("/subjects/{qualified}/versions"),
            json!({ "schema": record("Order", &[ID, QTY_DEFAULT]) }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // ...and a break of it names its own consumers, not those of the default context's stream.
    let (status, impact) = story
        .app
        .as_(&story.billing)
        .post(
            &format!("/governance/subjects/{qualified}/impact"),
            Story::breaking_v2(),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{impact}");
    assert_eq!(services_of(&impact["affected"]), ["shipping"], "{impact}");
}
