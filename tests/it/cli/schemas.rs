//! The everyday schema commands: `register SUBJECT FILE`, `subjects`, `get`, `compat` and
//! `delete`, their human and JSON output and their exit codes.

use serde_json::{json, Value};

use super::{accord, Project, Run, Server, ADMIN};

const MONEY: &str = "schemas/shared/money.avsc";
const ORDER: &str = "schemas/orders/order-created.avsc";
const MONEY_REF: &str = "com.example.shared.Money=shared.money-value";

/// A server with authentication on, and the examples registered one file at a time.
async fn registered() -> (Server, Project) {
    let server = Server::start(Some(ADMIN)).await;
    let project = Project::examples();
    let money = as_admin(
        &project,
        &server,
        &["register", "shared.money-value", MONEY],
    );
    assert_eq!(money.code, 0, "{}", money.stderr);
    let order = as_admin(
        &project,
        &server,
        &[
            "register",
            "orders.order-created-value",
            ORDER,
            "--reference",
            MONEY_REF,
        ],
    );
    assert_eq!(order.code, 0, "{}", order.stderr);
    (server, project)
}

fn as_admin(project: &Project, server: &Server, args: &[&str]) -> Run {
    project.accord(server, args, &[("ACCORD_TOKEN", ADMIN)])
}

fn json_of(run: &Run) -> Value {
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    serde_json::from_str(&run.stdout).unwrap_or_else(|err| panic!("{err}: {}", run.stdout))
}

#[tokio::test]
async fn one_file_registers_once_and_reads_back_as_listed_fetched_and_deleted() {
    let (server, project) = registered().await;

    let again = as_admin(
        &project,
        &server,
        &["register", "shared.money-value", MONEY],
    );
    let subjects = as_admin(&project, &server, &["subjects"]);
    let matching = as_admin(
        &project,
        &server,
        &["subjects", "orders.*", "--format", "json"],
    );
    let latest = as_admin(&project, &server, &["get", "orders.order-created-value"]);
    let first = as_admin(
        &project,
        &server,
        &["get", "shared.money-value@1", "--format", "json"],
    );
    let by_id = as_admin(&project, &server, &["get", "--id", "1"]);

    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(
        again.stdout.starts_with(
            "unchanged  shared.money-value (schemas/shared/money.avsc): id 1, version 1"
        ),
        "{}",
        again.stdout
    );
    assert_eq!(
        subjects.stdout,
        "orders.order-created-value\nshared.money-value\n"
    );
    assert_eq!(json_of(&matching), json!(["orders.order-created-value"]));
    let file: Value =
        serde_json::from_str(&std::fs::read_to_string(project.dir.path().join(ORDER)).unwrap())
            .unwrap();
    assert_eq!(latest.code, 0, "{}", latest.stderr);
    assert!(
        latest.stdout.ends_with("}\n"),
        "only the schema: {}",
        latest.stdout
    );
    assert_eq!(serde_json::from_str::<Value>(&latest.stdout).unwrap(), file);
    let first = json_of(&first);
    assert_eq!(
        (&first["subject"], &first["version"], &first["id"]),
        (&json!("shared.money-value"), &json!(1), &json!(1))
    );
    assert_eq!(by_id.code, 0, "{}", by_id.stderr);
    assert_eq!(
        serde_json::from_str::<Value>(&by_id.stdout).unwrap()["name"],
        "Money"
    );

    let deleted = as_admin(
        &project,
        &server,
        &["delete", "orders.order-created-value", "--permanent"],
    );
    let after = as_admin(
        &project,
        &server,
        &["subjects", "--deleted", "--format", "json"],
    );

    assert_eq!(deleted.code, 0, "{}", deleted.stderr);
    assert_eq!(
        deleted.stdout,
        "permanently deleted orders.order-created-value: version(s) 1\n"
    );
    assert_eq!(json_of(&after), json!(["shared.money-value"]));
}

#[tokio::test]
async fn compat_and_register_exit_1_on_a_breaking_file_and_2_on_an_error() {
    let (server, project) = registered().await;
    let breaking = "schemas/orders/order-created-breaking.avsc";
    let compatible = "schemas/orders/order-created-v2.avsc";
    let subject = "orders.order-created-value";

    let ok = as_admin(
        &project,
        &server,
        &["compat", subject, compatible, "--reference", MONEY_REF],
    );
    let refused = as_admin(
        &project,
        &server,
        &["compat", subject, breaking, "--reference", MONEY_REF],
    );
    let refused_json = as_admin(
        &project,
        &server,
        &[
            "compat",
            subject,
            breaking,
            "--reference",
            MONEY_REF,
            "--format",
            "json",
        ],
    );
    let register = as_admin(
        &project,
        &server,
        &["register", subject, breaking, "--reference", MONEY_REF],
    );
    let missing = as_admin(&project, &server, &["get", "orders.nope-value"]);
    let referenced = as_admin(&project, &server, &["delete", "shared.money-value"]);
    let unknown_type = as_admin(
        &project,
        &server,
        &["register", subject, "schemas/README.md"],
    );
    let anonymous = project.accord(&server, &["team", "create", "x"], &[]);
    let nowhere = accord(
        project.dir.path(),
        &["subjects", "--config", "missing.toml"],
        &[],
    );

    assert_eq!(ok.code, 0, "{}{}", ok.stdout, ok.stderr);
    assert_eq!(
        ok.stdout,
        format!("ok       {subject} ({compatible}) under BACKWARD\n")
    );
    assert_eq!(refused.code, 1, "{}{}", refused.stdout, refused.stderr);
    assert!(
        refused.stdout.starts_with(&format!("BREAKING {subject} ({breaking}) under BACKWARD\n  - /fields/4: The field 'warehouse_id'")),
        "{}",
        refused.stdout
    );
    assert_eq!(refused_json.code, 1);
    let verdict: Value = serde_json::from_str(&refused_json.stdout).unwrap();
    assert_eq!(verdict["is_compatible"], false);
    assert!(!verdict["messages"].as_array().unwrap().is_empty());
    assert_eq!(register.code, 1, "{}{}", register.stdout, register.stderr);
    assert!(
        register
            .stderr
            .contains("the registry refused orders.order-created-value"),
        "{}",
        register.stderr
    );
    for (run, says) in [
        (&missing, "not found"),
        (&referenced, "references exist"),
        (&unknown_type, "extension"),
        (&anonymous, "requires a credential"),
        (&nowhere, "missing.toml"),
    ] {
        assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
        assert!(run.stderr.starts_with("accord: error: "), "{}", run.stderr);
        assert!(run.stderr.contains(says), "{says}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{}", run.stdout);
    }
}
