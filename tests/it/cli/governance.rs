//! The everyday settings and governance commands: `config`, `mode`, `team`, `service`,
//! `grant`, `credential` and `who`, their human and JSON output and their exit codes.

use serde_json::{json, Value};

use super::{Project, Run, Server, ADMIN};

fn as_admin(project: &Project, server: &Server, args: &[&str]) -> Run {
    project.accord(server, args, &[("ACCORD_TOKEN", ADMIN)])
}

fn ok(run: Run) -> String {
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    run.stdout
}

fn json_of(run: Run) -> Value {
    let stdout = ok(run);
    serde_json::from_str(&stdout).unwrap_or_else(|err| panic!("{err}: {stdout}"))
}

#[tokio::test]
async fn config_and_mode_show_the_global_setting_a_subject_falls_back_to_and_set_either() {
    let server = Server::start(Some(ADMIN)).await;
    let project = Project::examples();
    let accord = |args: &[&str]| as_admin(&project, &server, args);

    assert_eq!(ok(accord(&["config"])), "global: BACKWARD\n");
    assert_eq!(
        ok(accord(&["config", "orders-value"])),
        "orders-value: BACKWARD (the global compatibility level; the subject sets none)\n"
    );
    assert_eq!(
        ok(accord(&["config", "orders-value", "full"])),
        "set the compatibility level of orders-value to FULL\n"
    );
    assert_eq!(
        json_of(accord(&["config", "orders-value", "--format", "json"])),
        json!({"compatibilityLevel": "FULL"})
    );
    assert_eq!(
        ok(accord(&["config", "NONE"])),
        "set the global compatibility level to NONE\n"
    );
    assert_eq!(
        ok(accord(&["config", "orders-value", "--reset"])),
        "removed the compatibility level of orders-value; the global compatibility level applies\n"
    );
    assert_eq!(ok(accord(&["mode"])), "global: READWRITE\n");
    assert_eq!(
        ok(accord(&["mode", "orders-value", "READONLY"])),
        "set the mode of orders-value to READONLY\n"
    );
    assert_eq!(
        ok(accord(&["mode", "orders-value"])),
        "orders-value: READONLY\n"
    );

    let unknown = accord(&["config", "orders-value", "SIDEWAYS"]);
    assert_eq!(unknown.code, 2);
    assert!(
        unknown
            .stderr
            .contains("unknown compatibility level 'SIDEWAYS': use NONE, BACKWARD"),
        "{}",
        unknown.stderr
    );
}

#[tokio::test]
async fn teams_services_grants_and_credentials_are_managed_and_who_names_them() {
    let server = Server::start(Some(ADMIN)).await;
    let project = Project::examples();
    let accord = |args: &[&str]| as_admin(&project, &server, args);
    let subject = "orders.order-created-value";
    ok(accord(&["register"]));

    ok(accord(&[
        "team",
        "create",
        "orders",
        "--contact",
        "email=orders@example.com",
    ]));
    let created = json_of(accord(&["team", "create", "payments", "--format", "json"]));
    ok(accord(&[
        "service", "create", "checkout", "--team", "orders",
    ]));
    ok(accord(&[
        "service",
        "create",
        "billing",
        "--team",
        "payments",
        "--description",
        "Invoices",
    ]));
    assert_eq!(
        ok(accord(&["grant", "producer", subject, "checkout"])),
        format!("checkout is now the producer of {subject}\n")
    );
    assert_eq!(
        ok(accord(&["grant", "consumer", subject, "billing"])),
        format!("granted billing read access to {subject}\n")
    );

    assert_eq!(created["name"], "payments");
    assert_eq!(
        ok(accord(&["team", "list"])),
        "NAME      CONTACTS\norders    email orders@example.com\npayments  -\n"
    );
    assert_eq!(
        ok(accord(&["service", "list"])),
        "NAME      TEAM      DESCRIPTION\nbilling   payments  Invoices\ncheckout  orders    -\n"
    );
    let shown = ok(accord(&["service", "show", "billing"]));
    assert!(
        shown.contains(&format!("consumes     {subject}\n")),
        "{shown}"
    );
    let who = ok(accord(&["who", subject]));
    assert!(
        who.starts_with(&format!("{subject}: version 1, BACKWARD\n")),
        "{who}"
    );
    assert!(
        who.contains("producer  checkout  orders    email orders@example.com"),
        "{who}"
    );
    assert!(who.contains("consumer  billing   payments  -  "), "{who}");
    let who_json = json_of(accord(&["who", subject, "--format", "json"]));
    assert_eq!(who_json["producer"]["service"], "checkout");
    assert_eq!(who_json["consumers"][0]["service"], "billing");
    let granted = json_of(accord(&["grant", "list", subject, "--format", "json"]));
    assert_eq!(granted[0]["granted_by"], "admin");

    let issued = json_of(accord(&[
        "credential",
        "issue",
        "billing",
        "--format",
        "json",
    ]));
    let secret = issued["secret"].as_str().unwrap();
    let id = issued["id"].as_str().unwrap();
    let credential = format!("billing:{secret}");
    let as_billing = project.accord(
        &server,
        &["get", subject],
        &[("ACCORD_CREDENTIALS", credential.as_str())],
    );
    assert_eq!(as_billing.code, 0, "{}", as_billing.stderr);
    let listed = ok(accord(&["credential", "list", "billing"]));
    assert!(listed.starts_with("ID"), "{listed}");
    assert!(listed.contains(id), "{listed}");
    assert_eq!(
        ok(accord(&["credential", "revoke", "billing", id])),
        format!("revoked credential {id} of billing\n")
    );
    let revoked = project.accord(
        &server,
        &["get", subject],
        &[("ACCORD_CREDENTIALS", credential.as_str())],
    );
    assert_eq!(revoked.code, 2);
    assert!(
        revoked.stderr.contains("refused the credential"),
        "{}",
        revoked.stderr
    );

    ok(accord(&["grant", "revoke", subject, "billing"]));
    let in_use = accord(&["team", "delete", "payments"]);
    assert_eq!(in_use.code, 2, "a team that owns a service stays");
    assert!(in_use.stderr.contains("409"), "{}", in_use.stderr);
    assert_eq!(
        ok(accord(&["service", "delete", "billing"])),
        "deleted service billing\n"
    );
    assert_eq!(
        ok(accord(&["team", "delete", "payments"])),
        "deleted team payments\n"
    );
    assert!(ok(accord(&["who", subject])).contains("no consumer granted\n"));
}

#[tokio::test]
async fn who_names_the_services_seen_reading_beside_the_declared_ones() {
    let server = Server::start(Some(ADMIN)).await;
    let project = Project::examples();
    let accord = |args: &[&str]| as_admin(&project, &server, args);
    let subject = "orders.order-created-value";
    ok(accord(&["register"]));
    ok(accord(&["team", "create", "data"]));
    ok(accord(&[
        "service",
        "create",
        "analytics",
        "--team",
        "data",
    ]));
    let issued = json_of(accord(&[
        "credential",
        "issue",
        "analytics",
        "--format",
        "json",
    ]));
    let read = server
        .http
        .get(format!(
            "{}/subjects/{subject}/versions/latest",
            server.base
        ))
        .basic_auth("analytics", issued["secret"].as_str())
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), 200);

    let who = ok(accord(&["who", subject]));
    let row = who
        .lines()
        .find(|line| line.starts_with("undeclared"))
        .unwrap_or_else(|| panic!("no undeclared reader: {who}"));
    assert!(row.starts_with("undeclared  analytics  data"), "{who}");
    assert!(who.contains("LAST READ"), "{who}");
    let who_json = json_of(accord(&["who", subject, "--format", "json"]));
    assert_eq!(who_json["readers"][0]["service"], "analytics");
    assert_eq!(who_json["readers"][0]["declared"], false);
}
