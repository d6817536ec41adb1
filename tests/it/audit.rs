//! The audit log over HTTP: `since` compares instants, whatever the offset and the precision
//! of the time asked for and of the times stored; a refused change says why and records nothing.

use axum::http::StatusCode;
use serde_json::json;
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime, UtcOffset};

use crate::support::*;

/// An app whose audit log holds one entry, and the instant it was recorded at.
async fn one_entry() -> (TestApp, OffsetDateTime) {
    let app = TestApp::new().await;
    let (status, body) = app
        .post("/governance/teams", json!({ "name": "payments" }))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (_, audit) = app.get("/governance/audit").await;
    let at = audit["entries"][0]["at"]
        .as_str()
        .expect("an at")
        .to_string();
    (
        app,
        OffsetDateTime::parse(&at, &Rfc3339).expect("at is RFC 3339"),
    )
}

/// Returns how many entries `/governance/audit?since=...` lists.
async fn listed_since(app: &TestApp, since: &str) -> usize {
    let (status, body) = app
        .get(&format!(
            "/governance/audit?since={}",
            since.replace('+', "%2B")
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "since {since}: {body}");
    body["entries"].as_array().expect("entries").len()
}

/// `instant` in RFC 3339 at `offset` hours from UTC.
fn at_offset(instant: OffsetDateTime, hours: i8) -> String {
    let offset = UtcOffset::from_hms(hours, 0, 0).expect("an offset");
    instant.to_offset(offset).format(&Rfc3339).expect("formats")
}

/// `instant` in UTC with all nine digits of its fraction, trailing zeros kept.
fn nanoseconds(instant: OffsetDateTime) -> String {
    let whole = instant.replace_nanosecond(0).expect("a whole second");
    let seconds = at_offset(whole, 0);
    let seconds = seconds.trim_end_matches('Z');
    format!("{seconds}.{:09}Z", instant.nanosecond())
}

#[tokio::test]
async fn since_the_same_instant_in_any_offset_or_precision_includes_the_entry() {
    let (app, at) = one_entry().await;
    let second = at.replace_nanosecond(0).expect("a whole second");
    for since in [
        at_offset(at, 0),
        nanoseconds(at),
        at_offset(second, 0),
        at_offset(second, 2),
        at_offset(second, -5),
        at_offset(second - Duration::HOUR, 9),
    ] {
        assert_eq!(
            listed_since(&app, &since).await,
            1,
            "since {since}, at {at}"
        );
    }
}

#[tokio::test]
async fn since_a_later_instant_in_any_offset_or_precision_excludes_the_entry() {
    let (app, at) = one_entry().await;
    let next_second = at.replace_nanosecond(0).expect("a whole second") + Duration::SECOND;
    for since in [
        at_offset(at + Duration::NANOSECOND, 0),
        nanoseconds(at + Duration::NANOSECOND),
        at_offset(next_second, 0),
        at_offset(next_second, 2),
        at_offset(next_second, -5),
    ] {
        assert_eq!(
            listed_since(&app, &since).await,
            0,
            "since {since}, at {at}"
        );
    }
}

#[tokio::test]
async fn an_offset_whose_plus_was_not_url_encoded_still_reads_as_an_offset() {
    let (app, at) = one_entry().await;
    let second = at.replace_nanosecond(0).expect("a whole second");
    let since = at_offset(second, 2);

    let (status, body) = app.get(&format!("/governance/audit?since={since}")).await;

    assert_eq!(status, StatusCode::OK, "since {since}: {body}");
    assert_eq!(body["entries"].as_array().map(Vec::len), Some(1), "{body}");
}

#[tokio::test]
async fn a_since_that_is_not_a_time_is_still_refused() {
    let app = TestApp::new().await;
    for since in ["yesterday", "2026-01-01", "2026-01-01T00:00:00"] {
        let reply = app.get(&format!("/governance/audit?since={since}")).await;
        let message = assert_error(&reply, StatusCode::BAD_REQUEST, 400);
        assert!(message.contains(since), "{message}");
    }
}

/// Returns how many entries the audit log holds.
async fn entries(app: &TestApp) -> usize {
    let (_, audit) = app.get("/governance/audit?limit=1000").await;
    audit["entries"].as_array().expect("entries").len()
}

#[tokio::test]
async fn a_refused_governance_change_says_why_and_records_nothing() {
    let app = TestApp::new().await;
    app.post("/governance/teams", json!({ "name": "payments" }))
        .await;
    app.post(
        "/governance/services",
        json!({ "name": "billing", "team": "payments" }),
    )
    .await;
    app.put(
        "/governance/subjects/orders-value/producer",
        json!({ "service": "billing" }),
    )
    .await;
    let recorded = entries(&app).await;
    let billing = json!({ "name": "billing", "team": "payments" });
    let refusals = [
        (
            app.post("/governance/teams", json!({ "name": "payments" }))
                .await,
            (
                StatusCode::CONFLICT,
                40911,
                "Team 'payments' already exists.",
            ),
        ),
        (
            app.post("/governance/services", billing).await,
            (
                StatusCode::CONFLICT,
                40911,
                "Service 'billing' already exists.",
            ),
        ),
        (
            app.put("/governance/services/billing", json!({ "team": "nope" }))
                .await,
            (StatusCode::NOT_FOUND, 40411, "Team 'nope' not found."),
        ),
        (
            app.delete("/governance/teams/nope").await,
            (StatusCode::NOT_FOUND, 40411, "Team 'nope' not found."),
        ),
        (
            app.delete("/governance/teams/payments").await,
            (
                StatusCode::CONFLICT,
                40912,
                "Team 'payments' still owns services: billing.",
            ),
        ),
        (
            app.delete("/governance/services/nope").await,
            (StatusCode::NOT_FOUND, 40412, "Service 'nope' not found."),
        ),
        (
            app.delete("/governance/services/billing").await,
            (
                StatusCode::CONFLICT,
                40912,
                "Service 'billing' still produces subjects: orders-value.",
            ),
        ),
        (
            app.post("/governance/services/nope/credentials", json!({}))
                .await,
            (StatusCode::NOT_FOUND, 40412, "Service 'nope' not found."),
        ),
        (
            app.delete("/governance/services/billing/credentials/cred_nope")
                .await,
            (
                StatusCode::NOT_FOUND,
                40413,
                "Credential 'cred_nope' of service 'billing' not found.",
            ),
        ),
        (
            app.put(
                "/governance/subjects/orders-value/consumers/billing",
                json!({}),
            )
            .await,
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                42220,
                "Service 'billing' produces subject 'orders-value' and cannot also be granted \
                 as its consumer.",
            ),
        ),
        (
            app.delete("/governance/subjects/orders-value/consumers/billing")
                .await,
            (
                StatusCode::NOT_FOUND,
                40414,
                "Service 'billing' is not a consumer of subject 'orders-value'.",
            ),
        ),
    ];

    for (reply, (status, error_code, message)) in &refusals {
        assert_eq!(assert_error(reply, *status, *error_code), *message);
    }
    assert_eq!(entries(&app).await, recorded);
}
