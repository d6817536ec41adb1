//! Who really reads a stream: reads are attributed to the credential that made them, and
//! compared with the declared consumers in `/readers` and `/drift`.

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use accord::governance::ReadAccess;

use super::Story;
use crate::support::*;

/// Adds the service `analytics` (team payments), granted nothing; returns its credential.
async fn analytics(story: &Story) -> String {
    let admin = story.app.admin();
    let (status, body) = admin
        .post(
            "/governance/services",
            json!({ "name": "analytics", "team": "payments" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (_, issued) = admin
        .post("/governance/services/analytics/credentials", json!({}))
        .await;
    basic("analytics", issued["secret"].as_str().unwrap())
}

/// Reads `path` with `credential` (none: without one), naming `client` as its User-Agent.
async fn read(story: &Story, credential: Option<&str>, path: &str, client: &str) {
    let mut headers = vec![("user-agent", client)];
    if let Some(credential) = credential {
        headers.push(("authorization", credential));
    }
    let reply = story.app.send(Method::GET, path, &headers, vec![]).await;
    assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.body);
}

fn row<'a>(readers: &'a Value, service: &str) -> &'a Value {
    readers["readers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["service"] == service)
        .unwrap_or_else(|| panic!("no row for {service}: {readers}"))
}

#[tokio::test]
async fn readers_name_declared_consumers_seen_or_not_and_undeclared_readers() {
    let story = Story::new(ReadAccess::Open).await;
    let analytics = analytics(&story).await;
    let latest = "/subjects/orders-value/versions/latest";
    let (_, v1) = story.app.get(latest).await;
    let by_id = format!("/schemas/ids/{}?subject=orders-value", v1["id"]);
    read(&story, Some(&story.billing), latest, "billing-client/1.0").await;
    read(&story, Some(&story.billing), latest, "billing-client/1.0").await;
    read(&story, Some(&story.billing), &by_id, "billing-client/1.0").await;
    read(&story, Some(&analytics), latest, "analytics-job/2.1").await;
    read(&story, None, &by_id, "curl/8").await;

    let (status, readers) = story
        .app
        .as_(&story.orders)
        .get("/governance/subjects/orders-value/readers")
        .await;

    assert_eq!(status, StatusCode::OK, "{readers}");
    let billing = row(&readers, "billing");
    assert_eq!(billing["declared"], true);
    assert_eq!(billing["team"], "payments");
    assert_eq!(billing["reads"], 3);
    assert_eq!(billing["versions"], json!([1]));
    assert_eq!(billing["ids"], json!([v1["id"]]));
    assert_eq!(billing["clients"], json!(["billing-client/1.0"]));
    assert!(billing["granted_at"].is_string() && billing["last_seen"].is_string());
    let shipping = row(&readers, "shipping");
    assert_eq!(
        (shipping["declared"].clone(), shipping["reads"].clone()),
        (json!(true), json!(0))
    );
    assert!(shipping["last_seen"].is_null(), "{shipping}");
    let undeclared = row(&readers, "analytics");
    assert_eq!(undeclared["declared"], false);
    assert_eq!(undeclared["reads"], 1);
    // The anonymous read by id, and the one this test made itself to learn the id.
    assert_eq!(readers["anonymous"]["reads"], 2);

    // A service sees its own row only.
    let (_, own) = story
        .app
        .as_(&analytics)
        .get("/governance/subjects/orders-value/readers")
        .await;
    let services: Vec<&Value> = own["readers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["service"])
        .collect();
    assert_eq!(services, [&json!("analytics")], "{own}");
    assert_eq!(own["anonymous"]["reads"], 0);

    let (status, drift) = story.app.admin().get("/governance/drift").await;
    assert_eq!(status, StatusCode::OK, "{drift}");
    let undeclared: Vec<(&Value, &Value)> = drift["undeclared"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (&r["subject"], &r["service"]))
        .collect();
    assert_eq!(
        undeclared,
        [(&json!("orders-value"), &json!("analytics"))],
        "{drift}"
    );
    let silent: Vec<&Value> = drift["silent"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["service"])
        .collect();
    assert_eq!(silent, [&json!("shipping")], "{drift}");
}

#[tokio::test]
async fn readers_and_drift_refuse_what_they_cannot_answer() {
    let story = Story::new(ReadAccess::Open).await;
    let admin = story.app.admin();
    assert_error(
        &admin.get("/governance/subjects/nothing-here/readers").await,
        StatusCode::NOT_FOUND,
        40401,
    );
    for days in ["0", "-3", "soon", "1.5"] {
        let reply = admin
            .get(&format!("/governance/drift?silent_days={days}"))
            .await;
        let message = assert_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, 422);
        assert!(message.contains("silent_days"), "{message}");
    }
    assert_error(
        &story.app.get("/governance/drift").await,
        StatusCode::UNAUTHORIZED,
        40101,
    );
}

#[tokio::test]
async fn observed_reads_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("r.db").display());
    let client = reqwest::Client::new();
    let first = crate::backend::Process::start(&url, &[]).await;
    let registered = client
        .post(format!("{}/subjects/orders-value/versions", first.base))
        .header("content-type", CONFLUENT_JSON)
        .body(json!({ "schema": record("Order", &[ID]) }).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(registered.status(), 200);
    for _ in 0..3 {
        let path = format!("{}/subjects/orders-value/versions/latest", first.base);
        assert_eq!(client.get(path).send().await.unwrap().status(), 200);
    }

    first.stop();
    let second = crate::backend::Process::start(&url, &[]).await;
    let readers: Value = client
        .get(format!(
            "{}/governance/subjects/orders-value/readers",
            second.base
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();

    assert_eq!(readers["anonymous"]["reads"], 3, "{readers}");
}

#[tokio::test]
async fn a_breaking_change_names_the_undeclared_readers_it_would_reach() {
    let story = Story::new(ReadAccess::Open).await;
    let analytics = analytics(&story).await;
    let latest = "/subjects/orders-value/versions/latest";
    read(&story, Some(&analytics), latest, "analytics-job/2.1").await;
    read(&story, None, latest, "curl/8").await;
    let orders = story.app.as_(&story.orders);

    let (status, refused) = orders
        .post("/subjects/orders-value/versions", Story::breaking_v2())
        .await;

    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    let undeclared = |body: &Value| -> Vec<Value> {
        let list = body["undeclared"].as_array().cloned().unwrap_or_default();
        list.iter()
            .map(|u| json!([u["service"], u["team"]]))
            .collect()
    };
    assert_eq!(undeclared(&refused), [json!(["analytics", "payments"])]);
    let message = refused["message"].as_str().unwrap();
    assert!(
        message.contains("and 1 undeclared reader: analytics (team payments, last read just now)"),
        "{message}"
    );
    for path in [
        "/governance/subjects/orders-value/impact",
        "/compatibility/subjects/orders-value/versions/latest?verbose=true",
    ] {
        let (status, body) = orders.post(path, Story::breaking_v2()).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
        assert_eq!(
            undeclared(&body),
            [json!(["analytics", "payments"])],
            "{path}"
        );
    }
    // A compatible change names nobody.
    let compatible = json!({ "schema": record("Order", &[ID, NOTE]) });
    let (_, impact) = orders
        .post("/governance/subjects/orders-value/impact", compatible)
        .await;
    assert_eq!(impact["undeclared"], json!([]), "{impact}");
}

#[tokio::test]
async fn a_read_by_id_without_a_subject_counts_once_for_each_subject_holding_that_id() {
    let app = TestApp::new().await;
    let orders = app.register("orders-value", &record("Order", &[ID])).await;
    let payments = app
        .register("payments-value", &record("Payment", &[ID]))
        .await;
    let shared = app.register("audit-value", &record("Order", &[ID])).await;
    assert_eq!(shared, orders, "one schema, two subjects");
    for _ in 0..3 {
        assert_eq!(
            app.get(&format!("/schemas/ids/{orders}")).await.0,
            StatusCode::OK
        );
    }
    assert_eq!(
        app.get(&format!("/schemas/ids/{payments}")).await.0,
        StatusCode::OK
    );
    // Read by name too: the two tallies of (anonymous, orders-value) are written as one row.
    let latest = app.get("/subjects/orders-value/versions/latest").await;
    assert_eq!(latest.0, StatusCode::OK);

    let anonymous = |subject: &'static str| {
        let app = &app;
        async move {
            let (_, readers) = app
                .get(&format!("/governance/subjects/{subject}/readers"))
                .await;
            readers["anonymous"]["reads"].clone()
        }
    };
    // Three reads of the shared id reached both of its subjects (and orders-value was read
    // once by name); one read of the other id reached its subject alone.
    assert_eq!(anonymous("orders-value").await, 4);
    assert_eq!(anonymous("audit-value").await, 3);
    assert_eq!(anonymous("payments-value").await, 1);
}

#[tokio::test]
async fn a_services_view_shows_what_it_was_seen_reading_to_whom_may_know() {
    let story = Story::new(ReadAccess::Open).await;
    let analytics = analytics(&story).await;
    let latest = "/subjects/orders-value/versions/latest";
    read(&story, Some(&analytics), latest, "analytics-job/2.1").await;
    read(&story, Some(&analytics), latest, "analytics-job/2.1").await;
    read(&story, Some(&story.billing), latest, "billing/1").await;

    let path = "/governance/services/analytics";
    let (status, view) = story.app.admin().get(path).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    let observed = &view["observed"][0];
    assert_eq!(observed["subject"], "orders-value");
    assert_eq!(observed["declared"], false);
    assert_eq!(observed["reads"], 2);
    assert_eq!(observed["clients"], json!(["analytics-job/2.1"]));
    let (_, billing) = story.app.admin().get("/governance/services/billing").await;
    assert_eq!(billing["observed"][0]["declared"], true, "{billing}");

    // The service itself and the subject's producer see it; another service does not.
    let (_, own) = story.app.as_(&analytics).get(path).await;
    assert_eq!(own["observed"], view["observed"]);
    let (_, producer) = story.app.as_(&story.orders).get(path).await;
    assert_eq!(producer["observed"], view["observed"]);
    let (_, other) = story.app.as_(&story.shipping).get(path).await;
    assert_eq!(other["observed"], json!([]));
}
