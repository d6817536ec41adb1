//! `accord register`: dependency order, idempotence, refusals, and credentials from the
//! environment.

use serde_json::{json, Value};

use super::{breaking_change_with_a_consumer, Project, Server, ADMIN};

#[tokio::test]
async fn register_publishes_references_first_and_twice_changes_nothing() {
    let server = Server::start(None).await;
    let project = Project::examples();
    // The referencing subject comes first in the file; the reference must still go first.
    let toml = std::fs::read_to_string(project.dir.path().join("accord.toml")).unwrap();
    let (head, money) = toml
        .split_once("[[subjects]]\nname = \"shared.money-value\"")
        .unwrap();
    let (money, rest) = money.split_once("\n\n").unwrap();
    project.write(
        "accord.toml",
        &format!("{head}{rest}\n\n[[subjects]]\nname = \"shared.money-value\"{money}\n"),
    );

    let first = project.accord(&server, &["register", "--format", "json"], &[]);
    let second = project.accord(&server, &["register", "--format", "json"], &[]);

    assert_eq!(first.code, 0, "{}", first.stderr);
    assert_eq!(second.code, 0, "{}", second.stderr);
    let first: Value = serde_json::from_str(&first.stdout).unwrap();
    let second: Value = serde_json::from_str(&second.stdout).unwrap();
    let order: Vec<&str> = first["subjects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["subject"].as_str().unwrap())
        .collect();
    assert_eq!(order[0], "shared.money-value");
    assert!(first["subjects"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["registered"] == true));
    assert!(second["subjects"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["registered"] == false));
    for (a, b) in first["subjects"]
        .as_array()
        .unwrap()
        .iter()
        .zip(second["subjects"].as_array().unwrap())
    {
        assert_eq!((&a["id"], &a["version"]), (&b["id"], &b["version"]));
    }
    assert_eq!(
        server
            .get("/subjects/orders.order-created-value/versions")
            .await,
        json!([1])
    );
    let created = server
        .get("/subjects/orders.order-created-value/versions/1")
        .await;
    assert_eq!(
        created["references"],
        json!([{"name": "com.example.shared.Money", "subject": "shared.money-value", "version": 1}])
    );
}

#[tokio::test]
async fn register_exits_2_on_a_reference_cycle() {
    let server = Server::start(None).await;
    let project = Project::examples();
    project.write(
        "accord.toml",
        r#"
[[subjects]]
name = "a"
file = "schemas/shared/money.avsc"
references = [{ name = "x", subject = "b" }]

[[subjects]]
name = "b"
file = "schemas/payments/payment-captured.avsc"
references = [{ name = "y", subject = "a" }]
"#,
    );

    let run = project.accord(&server, &["register"], &[]);

    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("reference cycle: a -> b -> a"),
        "{}",
        run.stderr
    );
}

#[tokio::test]
async fn credentials_come_from_the_environment_and_refusals_exit_2() {
    let server = Server::start(Some(ADMIN)).await;
    let project = Project::examples();
    assert_eq!(
        project
            .accord(&server, &["register"], &[("ACCORD_TOKEN", ADMIN)])
            .code,
        0
    );
    let team = json!({"name": "fulfilment", "contacts": []});
    server
        .admin(reqwest::Method::POST, "/governance/teams", team)
        .await;
    let mut secrets = Vec::new();
    for name in ["orders", "billing"] {
        let service = json!({"name": name, "team": "fulfilment"});
        server
            .admin(reqwest::Method::POST, "/governance/services", service)
            .await;
        let path = format!("/governance/services/{name}/credentials");
        secrets.push(
            server.admin(reqwest::Method::POST, &path, json!({})).await["secret"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    let producer = "/governance/subjects/orders.order-created-value/producer";
    server
        .admin(reqwest::Method::PUT, producer, json!({"service": "orders"}))
        .await;
    project.change(
        "schemas/orders/order-created.avsc",
        "schemas/orders/order-created-v2.avsc",
    );

    let anonymous = project.accord(&server, &["register"], &[]);
    let wrong = project.accord(
        &server,
        &["register"],
        &[("ACCORD_CREDENTIALS", "orders:wrong")],
    );
    let billing = format!("billing:{}", secrets[1]);
    let not_producer = project.accord(&server, &["register"], &[("ACCORD_CREDENTIALS", &billing)]);
    let orders = format!("orders:{}", secrets[0]);
    let producer = project.accord(&server, &["register"], &[("ACCORD_CREDENTIALS", &orders)]);

    assert_eq!(anonymous.code, 2);
    assert!(
        anonymous.stderr.contains("requires a credential (401"),
        "{}",
        anonymous.stderr
    );
    assert_eq!(wrong.code, 2);
    assert!(
        wrong.stderr.contains("refused the credential (401"),
        "{}",
        wrong.stderr
    );
    assert_eq!(not_producer.code, 2);
    assert!(
        not_producer
            .stderr
            .contains("denied the credential access (403"),
        "{}",
        not_producer.stderr
    );
    assert_eq!(producer.code, 0, "{}", producer.stderr);
    assert!(
        producer
            .stdout
            .contains("registered orders.order-created-value"),
        "{}",
        producer.stdout
    );
}

#[tokio::test]
async fn register_exits_1_when_the_registry_refuses_a_breaking_change() {
    let (server, project) = breaking_change_with_a_consumer().await;

    let run = project.accord(&server, &["register"], &[("ACCORD_TOKEN", ADMIN)]);

    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("unchanged  shared.money-value"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr.contains(
            "schemas/orders/order-created.avsc: the registry refused orders.order-created-value:"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("billing (team payments"),
        "{}",
        run.stderr
    );
}
