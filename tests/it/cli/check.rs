//! `accord check`: each exit code and each output format.

use serde_json::{json, Value};

use super::{accord, breaking_change_with_a_consumer, refusing_address, Project, Server};

#[tokio::test]
async fn check_exits_0_when_every_file_is_compatible_with_its_subject() {
    let server = Server::start(None).await;
    let project = Project::examples();
    assert_eq!(project.accord(&server, &["register"], &[]).code, 0);
    project.change(
        "schemas/orders/order-created.avsc",
        "schemas/orders/order-created-v2.avsc",
    );

    let run = project.accord(&server, &["check"], &[]);

    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("ok       orders.order-created-value (schemas/orders/order-created.avsc) under BACKWARD"), "{}", run.stdout);
    assert!(
        run.stdout.contains("5 subject(s) checked: all compatible"),
        "{}",
        run.stdout
    );
    assert!(
        !run.stdout.contains('\x1b'),
        "no colour when stdout is not a terminal"
    );
}

#[tokio::test]
async fn check_passes_subjects_that_are_not_registered_yet() {
    let server = Server::start(None).await;
    let project = Project::examples();

    let run = project.accord(&server, &["check", "--format", "json"], &[]);

    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert!(report["subjects"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["new"] == true));
}

#[tokio::test]
async fn check_exits_1_and_names_the_breaking_change_and_the_consumers_it_affects() {
    let (server, project) = breaking_change_with_a_consumer().await;

    let run = project.accord(&server, &["check"], &[]);

    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("BREAKING orders.order-created-value (schemas/orders/order-created.avsc) under BACKWARD"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("  - /fields/4: The field 'warehouse_id'"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("affects billing (team payments: email payments@example.com)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("5 subject(s) checked: 1 would break"),
        "{}",
        run.stdout
    );
}

#[tokio::test]
async fn check_writes_a_stable_json_report() {
    let (server, project) = breaking_change_with_a_consumer().await;

    let run = project.accord(
        &server,
        &[
            "check",
            "--format",
            "json",
            "--subject",
            "orders.order-created-value",
        ],
        &[],
    );

    assert_eq!(run.code, 1, "{}", run.stderr);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(
        report,
        json!({
            "subjects": [{
                "subject": "orders.order-created-value",
                "file": "schemas/orders/order-created.avsc",
                "compatible": false,
                "level": "BACKWARD",
                "new": false,
                "changes": [{
                    "kind": "READER_FIELD_MISSING_DEFAULT_VALUE",
                    "path": "/fields/4",
                    "reason": "The field 'warehouse_id' at path '/fields/4' in the new schema has no default value and is missing in the old schema",
                }],
                "affected": [{
                    "service": "billing",
                    "team": "payments",
                    "contacts": [{"kind": "email", "value": "payments@example.com"}],
                }],
                "undeclared": [],
                "proposal": null,
                "warnings": [],
            }],
            "compatible": false,
            "agreed": false,
        })
    );
}

#[tokio::test]
async fn check_annotates_the_file_for_github_actions() {
    let (server, project) = breaking_change_with_a_consumer().await;

    let run = project.accord(&server, &["check", "--format", "github"], &[]);

    assert_eq!(run.code, 1, "{}", run.stderr);
    let annotation = run
        .stdout
        .lines()
        .find(|l| l.starts_with("::error"))
        .expect("an annotation");
    assert!(annotation.starts_with("::error file=schemas/orders/order-created.avsc,title=Breaking change to orders.order-created-value::/fields/4: The field 'warehouse_id'"), "{annotation}");
    assert!(
        annotation.ends_with("(affects billing (team payments: email payments@example.com))"),
        "{annotation}"
    );
}

#[tokio::test]
async fn check_exits_2_with_one_line_when_a_mapped_file_is_missing() {
    let server = Server::start(None).await;
    let project = Project::examples();
    std::fs::remove_file(project.dir.path().join("schemas/orders/order.proto")).unwrap();

    let run = project.accord(&server, &["check"], &[]);

    assert_eq!(run.code, 2);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(
        run.stderr
            .starts_with("accord: error: schemas/orders/order.proto: cannot read the schema file"),
        "{}",
        run.stderr
    );
}

#[tokio::test]
async fn check_exits_2_naming_the_file_that_does_not_parse() {
    let server = Server::start(None).await;
    let project = Project::examples();
    project.write(
        "schemas/payments/payment-captured.avsc",
        r#"{"type": "record", "name": "P", "fields": [{"name": "id", "type": "string"}, {"name": "id", "type": "long"}]}"#,
    );

    let run = project.accord(&server, &["check", "--format", "github"], &[]);

    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("schemas/payments/payment-captured.avsc: invalid AVRO schema:"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout.starts_with(
            "::error file=schemas/payments/payment-captured.avsc,title=accord failed::"
        ),
        "{}",
        run.stdout
    );
}

#[tokio::test]
async fn check_exits_2_when_the_registry_is_unreachable() {
    let project = Project::examples();
    let (_held, nowhere) = refusing_address();

    let run = accord(
        project.dir.path(),
        &["check"],
        &[("ACCORD_REGISTRY", &nowhere)],
    );

    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains(&format!("cannot reach the registry at {nowhere}")),
        "{}",
        run.stderr
    );
}

#[tokio::test]
async fn check_exits_2_for_an_unknown_subject_or_an_unresolvable_reference() {
    let server = Server::start(None).await;
    let project = Project::examples();

    let unknown = project.accord(&server, &["check", "--subject", "nope-value"], &[]);
    project.write(
        "accord.toml",
        "[[subjects]]\nname = \"o\"\nfile = \"schemas/orders/order-created.avsc\"\n",
    );
    let unresolved = project.accord(&server, &["check"], &[]);

    assert_eq!(unknown.code, 2);
    assert!(
        unknown.stderr.contains(
            "subject 'nope-value' is not mapped in the project file; it maps: shared.money-value, "
        ),
        "{}",
        unknown.stderr
    );
    assert_eq!(unresolved.code, 2);
    assert!(unresolved.stderr.contains("schemas/orders/order-created.avsc: type 'com.example.shared.Money' is defined neither in this file nor in any Avro file"), "{}", unresolved.stderr);
}

#[tokio::test]
async fn check_passes_a_file_the_registry_accepts_and_warns_of_what_stricter_checks_find() {
    let server = Server::start(None).await;
    let project = Project::examples();
    project.write(
        "schemas/orders/order-created.avsc",
        r#"{"type":"record","name":"OrderCreated","namespace":"1orders","fields":[{"name":"id","type":"string","default":1}]}"#,
    );

    let human = project.accord(
        &server,
        &["check", "--subject", "orders.order-created-value"],
        &[],
    );
    let github = project.accord(
        &server,
        &[
            "check",
            "--subject",
            "orders.order-created-value",
            "--format",
            "github",
        ],
        &[],
    );

    assert_eq!(human.code, 0, "{}{}", human.stdout, human.stderr);
    assert!(
        human.stdout.contains(
            "  warning: record '1orders.OrderCreated': invalid default for field 'id': 1 is not a valid string value"
        ),
        "{}",
        human.stdout
    );
    assert!(
        human
            .stdout
            .contains("  warning: record '1orders.OrderCreated': namespace '1orders'"),
        "{}",
        human.stdout
    );
    assert_eq!(github.code, 0, "{}", github.stderr);
    assert!(
        github.stdout.lines().any(|l| l.starts_with(
            "::warning file=schemas/orders/order-created.avsc,title=Warning::record '1orders.OrderCreated'"
        )),
        "{}",
        github.stdout
    );
}
