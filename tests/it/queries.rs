//! Listings under enforced reads cost the store a bounded number of calls, however many
//! subjects there are: who may read what is decided from two lookups, not two per subject.

use std::sync::atomic::Ordering;

use axum::http::StatusCode;
use serde_json::json;

use accord::app::AccessSettings;
use accord::governance::ReadAccess;

use crate::support::*;
use crate::wrapped::faulty_store;

/// Registers `subjects` subjects as the producer `orders`, under enforced reads, then returns
/// how many store calls each of `paths` costs when `orders` asks for it.
async fn calls_with(subjects: usize, paths: &[&str]) -> Vec<usize> {
    let (store, fault, _dir) = faulty_store().await;
    let app = TestApp::over(
        store,
        AccessSettings {
            admin_token: Some(ADMIN_TOKEN.to_string()),
            read_access: ReadAccess::Enforce,
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
    let orders = basic("orders", issued["secret"].as_str().unwrap());
    for n in 0..subjects {
        let (status, body) = app
            .as_(&orders)
            .post(
                &format!("/subjects/s{n}-value/versions"),
                json!({ "schema": record(&format!("R{n}"), &[ID]) }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let mut calls = Vec::new();
    for path in paths {
        let before = fault.calls.load(Ordering::SeqCst);
        let (status, body) = app.as_(&orders).get(path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
        assert_eq!(body.as_array().map(Vec::len), Some(subjects), "{path}");
        calls.push(fault.calls.load(Ordering::SeqCst) - before);
    }
    calls
}

#[tokio::test]
async fn listing_subjects_and_schemas_costs_the_same_for_3_subjects_as_for_30() {
    let paths = ["/subjects", "/schemas", "/schemas?latestOnly=true"];
    let few = calls_with(3, &paths).await;
    let many = calls_with(30, &paths).await;
    assert_eq!(few, many, "store calls for {paths:?}");
}
