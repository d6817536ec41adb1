//! Schema contexts (`:.ctx:subject`, `/contexts/{ctx}/...`) and subject aliases, as Confluent
//! 7.9 answers them.

use axum::http::StatusCode;
use serde_json::json;

use crate::support::*;

/// A qualified subject percent-encoded for a path, as clients send it.
fn qualified(context: &str, subject: &str) -> String {
    format!("%3A.{context}%3A{subject}")
}

#[tokio::test]
async fn qualified_subjects_are_listed_with_their_contexts_and_reached_through_context_urls() {
    let app = TestApp::new().await;
    app.register(&qualified("orders", "payments-value"), r#""string""#)
        .await;
    app.register(&qualified("billing", "payments-value"), r#""int""#)
        .await;
    app.register("payments-value", r#""long""#).await;
    // The default context's qualifier is dropped, and a context named alone is its subject ``.
    app.register("%3A.%3Arefunds-value", r#""long""#).await;

    assert_eq!(
        app.get("/contexts").await.1,
        json!([".", ".billing", ".orders"])
    );
    assert_eq!(
        app.get("/subjects").await.1,
        json!([
            ":.billing:payments-value",
            ":.orders:payments-value",
            "payments-value",
            "refunds-value"
        ])
    );
    assert_eq!(
        app.get("/contexts/orders/subjects").await.1,
        json!([":.orders:payments-value"])
    );
    let (status, version) = app
        .get("/contexts/.orders/subjects/payments-value/versions/1")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(version["subject"], ":.orders:payments-value");
    assert_eq!(version["schema"], r#""string""#);

    let (status, registered) = app
        .post(
            "/contexts/.orders/subjects/refunds-value/versions",
            json!({ "schema": r#""double""# }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{registered}");
    assert_eq!(
        app.get(&format!(
            "/subjects/{}/versions",
            qualified("orders", "refunds-value")
        ))
        .await
        .1,
        json!([1])
    );
    let reply = app.get("/contexts/.bad:name/subjects").await;
    assert_eq!(
        assert_error(&reply, StatusCode::BAD_REQUEST, 400),
        "Context name cannot contain a colon"
    );
}

#[tokio::test]
async fn a_context_has_its_own_settings_which_the_global_ones_do_not_reach() {
    let app = TestApp::new().await;
    let subject = qualified("c", "orders-value");
    app.put("/config", json!({ "compatibility": "NONE" })).await;
    app.register(&subject, &record("Order", &[ID])).await;
    // The global NONE does not reach the context: BACKWARD refuses the change of type.
    let change = json!({ "schema": record("Order", &[r#"{"name":"id","type":"int"}"#]) });
    let refused = app
        .post(&format!("/subjects/{subject}/versions"), change.clone())
        .await;
    assert_error(&refused, StatusCode::CONFLICT, 409);
    assert_eq!(
        app.get(&format!("/config/{subject}?defaultToGlobal=true"))
            .await
            .1,
        json!({ "compatibilityLevel": "BACKWARD" })
    );

    // The context's own level does.
    let (status, _) = app
        .put("/contexts/c/config", json!({ "compatibility": "NONE" }))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        app.get("/config/%3A.c%3A").await.1,
        json!({ "compatibilityLevel": "NONE" })
    );
    let (status, _) = app
        .post(&format!("/subjects/{subject}/versions"), change)
        .await;
    assert_eq!(status, StatusCode::OK);

    // A context in IMPORT mode takes explicit ids; a global READONLY_OVERRIDE reaches it.
    app.put("/mode/%3A.imports%3A", json!({ "mode": "IMPORT" }))
        .await;
    let imported = qualified("imports", "legacy-value");
    let (status, body) = app
        .post(
            &format!("/subjects/{imported}/versions"),
            json!({ "schema": r#""string""#, "id": 300001, "version": 1 }),
        )
        .await;
    assert_eq!((status, body), (StatusCode::OK, json!({ "id": 300001 })));
    app.put("/mode", json!({ "mode": "READONLY_OVERRIDE" }))
        .await;
    assert_eq!(
        app.get(&format!("/mode/{imported}")).await.1,
        json!({ "mode": "READONLY_OVERRIDE" })
    );
    let refused = app
        .post(
            &format!("/subjects/{subject}/versions"),
            json!({ "schema": r#""string""# }),
        )
        .await;
    assert_error(&refused, StatusCode::UNPROCESSABLE_ENTITY, 42205);
}

#[tokio::test]
async fn a_by_id_read_sees_the_ids_of_the_context_its_subject_hint_names() {
    let app = TestApp::new().await;
    let subject = qualified("x", "users-value");
    let id = app.register(&subject, &record("User", &[ID])).await;

    // Unqualified and without a hint, a by-id read looks in the default context only.
    let reply = app.get(&format!("/schemas/ids/{id}")).await;
    assert_eq!(
        assert_error(&reply, StatusCode::NOT_FOUND, 40403),
        format!("Schema {id} not found")
    );
    for hint in [subject.as_str(), "%3A.x%3A", "users-value"] {
        let (status, _) = app.get(&format!("/schemas/ids/{id}?subject={hint}")).await;
        assert_eq!(status, StatusCode::OK, "hint {hint}");
    }
    let reply = app
        .get(&format!("/schemas/ids/{id}?subject=%3A.nope%3A"))
        .await;
    assert_error(&reply, StatusCode::NOT_FOUND, 40403);
    assert_eq!(
        app.get(&format!("/contexts/.x/schemas/ids/{id}/versions"))
            .await
            .1,
        json!([{ "subject": ":.x:users-value", "version": 1 }])
    );

    // The same content in the default context is found there too, and only its subjects
    // are listed for a read in that context.
    let same = app.register("users-value", &record("User", &[ID])).await;
    assert_eq!(same, id);
    let (status, _) = app.get(&format!("/schemas/ids/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        app.get(&format!("/schemas/ids/{id}/subjects")).await.1,
        json!(["users-value"])
    );
}

#[tokio::test]
async fn an_unqualified_read_falls_back_to_the_same_name_in_other_contexts() {
    let app = TestApp::new().await;
    let schema = record("User", &[ID]);
    app.register(&qualified("x", "users-value"), &schema).await;

    for path in [
        "/subjects/users-value/versions/1",
        "/subjects/users-value/versions/latest",
    ] {
        let (status, version) = app.get(path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {version}");
        assert_eq!(version["subject"], ":.x:users-value");
    }
    let (status, found) = app
        .post("/subjects/users-value", json!({ "schema": schema }))
        .await;
    assert_eq!(status, StatusCode::OK, "{found}");
    assert_eq!(found["subject"], ":.x:users-value");
    // Listing the versions does not fall back.
    let reply = app.get("/subjects/users-value/versions").await;
    assert_error(&reply, StatusCode::NOT_FOUND, 40401);

    // Once the default context holds the name, it answers.
    app.register("users-value", r#""string""#).await;
    let (_, version) = app.get("/subjects/users-value/versions/1").await;
    assert_eq!(version["subject"], "users-value");
}

#[tokio::test]
async fn an_alias_reaches_its_subject_for_reads_and_writes_but_keeps_its_own_settings() {
    let app = TestApp::new().await;
    let id = app.register("orders-value", &record("Order", &[ID])).await;
    let (status, echoed) = app
        .put("/config/orders", json!({ "alias": "orders-value" }))
        .await;
    assert_eq!(
        (status, echoed),
        (StatusCode::OK, json!({ "alias": "orders-value" }))
    );

    let (_, latest) = app.get("/subjects/orders/versions/latest").await;
    assert_eq!(latest["subject"], "orders-value");
    let (status, _) = app
        .post(
            "/subjects/orders/versions",
            json!({ "schema": record("Order", &[ID, QTY_DEFAULT]) }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        app.get("/subjects/orders-value/versions").await.1,
        json!([1, 2])
    );
    let (status, _) = app.get(&format!("/schemas/ids/{id}?subject=orders")).await;
    assert_eq!(status, StatusCode::OK);
    let (_, listed) = app
        .get("/schemas?subjectPrefix=orders-value&aliases=true&latestOnly=true")
        .await;
    assert_eq!(listed[0]["aliases"], json!(["orders"]));

    // The alias's config and mode are its own.
    assert_eq!(
        app.get("/config/orders").await.1,
        json!({ "alias": "orders-value", "compatibilityLevel": "BACKWARD" })
    );
    app.put("/mode/orders", json!({ "mode": "READONLY" })).await;
    let reply = app.get("/mode/orders-value").await;
    assert_error(&reply, StatusCode::NOT_FOUND, 40409);

    // Aliases do not chain.
    app.put("/config/orders-alias", json!({ "alias": "orders" }))
        .await;
    let reply = app.get("/subjects/orders-alias/versions").await;
    assert_eq!(
        assert_error(&reply, StatusCode::NOT_FOUND, 40401),
        "Subject 'orders' not found."
    );
}
