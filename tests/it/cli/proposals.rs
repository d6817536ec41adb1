//! `accord propose`, `accord proposals` and `accord check` on a proposal: a breaking file is
//! proposed by its producer, the check fails while the consumer has not answered and passes
//! once the break is agreed, and the producer's `accord register` lands it.

use reqwest::Method;
use serde_json::{json, Value};

use super::{breaking_change_with_a_consumer, Server};

const SUBJECT: &str = "orders.order-created-value";

/// Makes `checkout` (team shop) the producer of [`SUBJECT`]; returns its credential as
/// `ACCORD_CREDENTIALS` takes it.
async fn producer(server: &Server) -> String {
    let team = json!({ "name": "shop" });
    server.admin(Method::POST, "/governance/teams", team).await;
    let service = json!({ "name": "checkout", "team": "shop" });
    server
        .admin(Method::POST, "/governance/services", service)
        .await;
    let path = format!("/governance/subjects/{SUBJECT}/producer");
    let assign = json!({ "service": "checkout" });
    server.admin(Method::PUT, &path, assign).await;
    let issued = server
        .admin(
            Method::POST,
            "/governance/services/checkout/credentials",
            json!({}),
        )
        .await;
    format!("checkout:{}", issued["secret"].as_str().unwrap())
}

#[tokio::test]
async fn a_break_is_proposed_checked_agreed_and_registered_from_the_command_line() {
    let (server, project) = breaking_change_with_a_consumer().await;
    let credentials = producer(&server).await;
    let env = [("ACCORD_CREDENTIALS", credentials.as_str())];

    let check = project.accord(&server, &["check"], &env);
    assert_eq!(check.code, 1, "{}{}", check.stdout, check.stderr);
    assert!(
        check
            .stdout
            .contains("  to agree on it with them: accord propose --summary \"...\""),
        "{}",
        check.stdout
    );

    let summary = "warehouse_id is required now: read it from v2";
    let propose = project.accord(&server, &["propose", "--summary", summary], &env);
    assert_eq!(propose.code, 0, "{}{}", propose.stdout, propose.stderr);
    assert!(
        propose.stdout.contains(
            "proposed orders.order-created-value (schemas/orders/order-created.avsc): proposal 1, open"
        ),
        "{}",
        propose.stdout
    );
    assert!(
        propose
            .stdout
            .contains("  pending  billing (team payments: email payments@example.com)"),
        "{}",
        propose.stdout
    );
    // Proposing again opens nothing new.
    let again = project.accord(&server, &["propose", "--summary", summary], &env);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(
        again
            .stdout
            .contains("already proposed orders.order-created-value"),
        "{}",
        again.stdout
    );

    let check = project.accord(&server, &["check"], &env);
    assert_eq!(check.code, 1, "open is not agreed: {}", check.stdout);
    assert!(
        check
            .stdout
            .contains("  proposal 1 is open: waiting for the consumers' answers"),
        "{}",
        check.stdout
    );
    let listed = project.accord(&server, &["proposals"], &env);
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    assert!(
        listed.stdout.contains(&format!(
            "proposal 1 open      {SUBJECT}: {summary} (by checkout"
        )),
        "{}",
        listed.stdout
    );
    assert!(listed.stdout.contains("0/1 ready"), "{}", listed.stdout);

    let answer = json!({ "response": "ready", "comment": "v2 reader deployed" });
    server
        .admin(
            Method::PUT,
            "/governance/proposals/1/responses/billing",
            answer,
        )
        .await;
    let check = project.accord(&server, &["check", "--format", "json"], &env);
    assert_eq!(check.code, 0, "agreed: {}{}", check.stdout, check.stderr);
    let report: Value = serde_json::from_str(&check.stdout).unwrap();
    assert_eq!(report["compatible"], false);
    assert_eq!(report["agreed"], true);
    let verdict = report["subjects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["subject"] == SUBJECT)
        .unwrap();
    assert_eq!(verdict["proposal"], json!({ "id": 1, "state": "approved" }));
    let human = project.accord(&server, &["check"], &env);
    assert_eq!(human.code, 0);
    assert!(
        human
            .stdout
            .contains("  agreed: proposal 1 is approved; registering this schema lands it"),
        "{}",
        human.stdout
    );

    let register = project.accord(&server, &["register"], &env);
    assert_eq!(register.code, 0, "{}{}", register.stdout, register.stderr);
    assert!(
        register
            .stdout
            .contains("registered orders.order-created-value (schemas/orders/order-created.avsc): id 6, version 2"),
        "{}",
        register.stdout
    );
    let all = project.accord(&server, &["proposals", "--all", "--format", "json"], &env);
    let all: Value = serde_json::from_str(&all.stdout).unwrap();
    assert_eq!(all["proposals"][0]["state"], "applied");
    let open = project.accord(&server, &["proposals"], &env);
    assert!(
        open.stdout.contains("no proposals for the mapped subjects"),
        "{}",
        open.stdout
    );
}

#[tokio::test]
async fn propose_says_when_nothing_would_break_and_fails_with_the_registry_s_refusal() {
    let (server, project) = breaking_change_with_a_consumer().await;
    project.change(
        "schemas/orders/order-created.avsc",
        "schemas/orders/order-created-v2.avsc",
    );
    let credentials = producer(&server).await;
    let env = [("ACCORD_CREDENTIALS", credentials.as_str())];
    let run = project.accord(&server, &["propose", "--summary", "x"], &env);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("nothing to propose: no mapped subject would break"),
        "{}",
        run.stdout
    );

    project.change(
        "schemas/orders/order-created.avsc",
        "schemas/orders/order-created-breaking.avsc",
    );
    let past = [
        "propose",
        "--summary",
        "x",
        "--deadline",
        "2000-01-01T00:00:00Z",
    ];
    let run = project.accord(&server, &past, &env);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stderr
            .starts_with("accord: error: proposing orders.order-created-value:"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("422"), "{}", run.stderr);
}
