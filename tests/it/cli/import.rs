//! `accord import`: a registry copied into another through both REST APIs, ids, versions,
//! references, soft-deleted versions, metadata and settings kept; twice is a no-op, a killed
//! run resumes, and a clash is refused before anything is written.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use reqwest::Method;
use serde_json::{json, Value};

use super::{accord, Server, ADMIN};

const MONEY: &str = r#"{"type":"record","name":"Money","namespace":"com.example","fields":[{"name":"cents","type":"long"}]}"#;

fn order(fields: &[&str]) -> String {
    let fields: Vec<String> = fields
        .iter()
        .map(|f| format!(r#"{{"name":"{f}","type":"com.example.Money"}}"#))
        .collect();
    format!(
        r#"{{"type":"record","name":"Order","fields":[{}]}}"#,
        fields.join(",")
    )
}

/// Sends `method path` with `body` and returns the status and the JSON answer.
async fn send(server: &Server, method: Method, path: &str, body: Value) -> (u16, Value) {
    // A fresh connection each time: a pooled one may have been closed by the server while
    // idle. A server with authentication off ignores the token.
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let mut request = http
        .request(method, format!("{}{path}", server.base))
        .bearer_auth(ADMIN);
    if !body.is_null() {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn ok(server: &Server, method: Method, path: &str, body: Value) -> Value {
    let (status, answer) = send(server, method, path, body).await;
    assert_eq!(status, 200, "{path}: {answer}");
    answer
}

/// Imports `body` into `subject` under its id and version.
async fn put(server: &Server, subject: &str, body: Value) {
    let id = body["id"].clone();
    let answer = ok(
        server,
        Method::POST,
        &format!("/subjects/{subject}/versions"),
        body,
    )
    .await;
    assert_eq!(answer["id"], id);
}

/// A source holding every feature the import keeps: ids with gaps, an id two subjects share,
/// references, soft-deleted versions and subjects, three schema types, metadata and a rule
/// set, global and subject settings, and a subject of another context.
async fn rich_source(admin_token: Option<&str>) -> Server {
    let source = Server::start(admin_token).await;
    ok(&source, Method::PUT, "/mode", json!({ "mode": "IMPORT" })).await;
    put(
        &source,
        "shared.money-value",
        json!({ "schema": MONEY, "id": 3, "version": 1 }),
    )
    .await;
    let money =
        json!([{ "name": "com.example.Money", "subject": "shared.money-value", "version": 1 }]);
    put(
        &source,
        "orders-value",
        json!({ "schema": order(&["total"]), "references": money, "id": 10, "version": 1 }),
    )
    .await;
    put(
        &source,
        "orders-value",
        json!({ "schema": order(&["total", "tax"]), "references": money, "id": 12, "version": 2 }),
    )
    .await;
    put(
        &source,
        "orders-value",
        json!({ "schema": order(&["total", "tip"]), "references": money, "id": 20, "version": 5 }),
    )
    .await;
    put(
        &source,
        "orders-copy-value",
        json!({ "schema": order(&["total", "tax"]), "references": money, "id": 12, "version": 1 }),
    )
    .await;
    let event = json!({
        "schema": r#"{"type":"object","properties":{"name":{"type":"string"}}}"#,
        "schemaType": "JSON",
        "metadata": { "properties": { "owner": "team-a" }, "tags": { "name": ["PII"] } },
        "ruleSet": { "domainRules": [{ "name": "named", "kind": "CONDITION", "mode": "WRITE", "type": "CEL", "expr": "message.name != ''" }] },
        "id": 31, "version": 1
    });
    put(&source, "events-value", event).await;
    put(&source, "proto-value", json!({ "schema": "syntax = \"proto3\";\nmessage Ping { string at = 1; }\n", "schemaType": "PROTOBUF", "id": 40, "version": 2 })).await;
    put(
        &source,
        "retired-value",
        json!({ "schema": "\"string\"", "id": 55, "version": 1 }),
    )
    .await;
    ok(
        &source,
        Method::PUT,
        "/mode",
        json!({ "mode": "READWRITE" }),
    )
    .await;
    ok(
        &source,
        Method::DELETE,
        "/subjects/orders-value/versions/5",
        Value::Null,
    )
    .await;
    ok(
        &source,
        Method::DELETE,
        "/subjects/retired-value",
        Value::Null,
    )
    .await;
    ok(
        &source,
        Method::PUT,
        "/config",
        json!({ "compatibility": "FULL" }),
    )
    .await;
    ok(
        &source,
        Method::PUT,
        "/config/orders-value",
        json!({ "compatibility": "NONE", "normalize": true }),
    )
    .await;
    ok(
        &source,
        Method::PUT,
        "/mode/events-value",
        json!({ "mode": "READONLY" }),
    )
    .await;
    // A subject of another context, with a setting of its own: the global IMPORT mode does
    // not reach a context, so the context gets its own for the while.
    ok(
        &source,
        Method::PUT,
        "/mode/:.inventory:",
        json!({ "mode": "IMPORT" }),
    )
    .await;
    put(
        &source,
        ":.inventory:stock-value",
        json!({ "schema": "\"long\"", "id": 60, "version": 2 }),
    )
    .await;
    ok(&source, Method::DELETE, "/mode/:.inventory:", Value::Null).await;
    ok(
        &source,
        Method::PUT,
        "/config/:.inventory:stock-value",
        json!({ "compatibility": "FORWARD" }),
    )
    .await;
    let topic = json!({
        "resourceName": "orders", "resourceNamespace": "lkc-1", "resourceId": "t-0001",
        "associations": [
            { "subject": "orders-value" },
            { "associationType": "key", "subject": "orders-copy-value", "lifecycle": "STRONG" }
        ]
    });
    ok(&source, Method::POST, "/associations", topic).await;
    source
}

/// Everything the import copies, as `server` answers it, to compare two registries.
async fn contents(server: &Server) -> Value {
    let subjects = ok(server, Method::GET, "/subjects?deleted=true", Value::Null).await;
    let mut out = json!({
        "subjects": subjects,
        "live": ok(server, Method::GET, "/subjects", Value::Null).await,
        "config": ok(server, Method::GET, "/config", Value::Null).await,
        "mode": ok(server, Method::GET, "/mode", Value::Null).await,
    });
    for subject in subjects
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
    {
        let versions = ok(
            server,
            Method::GET,
            &format!("/subjects/{subject}/versions?deleted=true"),
            Value::Null,
        )
        .await;
        let mut each = Vec::new();
        for v in versions.as_array().unwrap() {
            let path = format!("/subjects/{subject}/versions/{v}?deleted=true");
            let version = ok(server, Method::GET, &path, Value::Null).await;
            let by_id = send(
                server,
                Method::GET,
                &format!("/schemas/ids/{}", version["id"]),
                Value::Null,
            )
            .await;
            each.push(json!({ "version": version, "by_id": by_id.1 }));
        }
        out[subject] = json!({
            "versions": each,
            "live": send(server, Method::GET, &format!("/subjects/{subject}/versions"), Value::Null).await.1,
            "config": send(server, Method::GET, &format!("/config/{subject}"), Value::Null).await,
            "mode": send(server, Method::GET, &format!("/mode/{subject}"), Value::Null).await,
            "associations": send(server, Method::GET, &format!("/associations/subjects/{subject}"), Value::Null).await,
        });
    }
    out
}

fn import(source: &Server, target: &Server, extra: &[&str]) -> super::Run {
    let dir = tempfile::tempdir().unwrap();
    let mut args = vec!["import", "--from", &source.base, "--registry", &target.base];
    args.extend_from_slice(extra);
    accord(dir.path(), &args, &[])
}

#[tokio::test]
async fn import_copies_ids_versions_references_deletes_and_settings_and_twice_writes_nothing() {
    let source = rich_source(None).await;
    let target = Server::start(None).await;

    let first = import(&source, &target, &[]);

    assert_eq!(first.code, 0, "{}\n{}", first.stdout, first.stderr);
    assert!(
        first
            .stdout
            .contains("wrote 9 version(s), 2 soft-delete(s), 1 association request(s)"),
        "{}",
        first.stdout
    );
    assert!(
        first
            .stdout
            .contains("verified: the target matches the source"),
        "{}",
        first.stdout
    );
    let copied = contents(&target).await;
    assert_eq!(copied, contents(&source).await);
    // The copy is what the source was filled with, not merely what both answer alike.
    assert_eq!(copied["orders-value"]["live"], json!([1, 2]));
    assert_eq!(
        copied["orders-copy-value"]["versions"][0]["version"]["id"],
        12
    );
    assert_eq!(copied["retired-value"]["live"]["error_code"], 40401);
    assert_eq!(
        copied["events-value"]["versions"][0]["version"]["metadata"]["properties"]["owner"],
        "team-a"
    );
    assert_eq!(
        copied["events-value"]["mode"],
        json!([200, { "mode": "READONLY" }])
    );
    assert_eq!(copied["config"]["compatibilityLevel"], "FULL");
    let key = &copied["orders-copy-value"]["associations"][1][0];
    assert_eq!(
        (&key["resourceId"], &key["lifecycle"]),
        (&json!("t-0001"), &json!("STRONG"))
    );
    assert_eq!(
        copied["proto-value"]["versions"][0]["version"]["schemaType"],
        "PROTOBUF"
    );
    let stock = &copied[":.inventory:stock-value"];
    assert_eq!(
        (
            &stock["versions"][0]["version"]["id"],
            &stock["versions"][0]["version"]["version"]
        ),
        (&json!(60), &json!(2))
    );
    assert_eq!(stock["config"][1]["compatibilityLevel"], "FORWARD");

    let second = import(&source, &target, &[]);

    assert_eq!(second.code, 0, "{}", second.stderr);
    assert!(
        second.stdout.contains("nothing to write"),
        "{}",
        second.stdout
    );
    assert_eq!(contents(&target).await, copied);
}

#[tokio::test]
async fn a_dry_run_prints_the_plan_and_writes_nothing_and_the_source_takes_a_credential() {
    let source = rich_source(Some(ADMIN)).await;
    let target = Server::start(None).await;

    let refused = import(&source, &target, &["--dry-run", "--bearer", "wrong"]);
    let run = import(
        &source,
        &target,
        &["--dry-run", "--auth", &format!("admin:{ADMIN}")],
    );

    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("refused the credential (401")
            && refused
                .stderr
                .contains("check --auth USER:PASSWORD or --bearer TOKEN"),
        "{}",
        refused.stderr
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("register 'orders-value' version 5 as id 20"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("soft-delete 'retired-value' version 1"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("set 'events-value' mode to READONLY"),
        "{}",
        run.stdout
    );
    assert_eq!(
        ok(&target, Method::GET, "/subjects?deleted=true", Value::Null).await,
        json!([])
    );
}

#[tokio::test]
async fn an_import_into_a_target_with_a_clashing_id_or_version_is_refused_before_writing() {
    let source = rich_source(None).await;
    let target = Server::start(None).await;
    ok(&target, Method::PUT, "/mode", json!({ "mode": "IMPORT" })).await;
    put(
        &target,
        "mine-value",
        json!({ "schema": "\"int\"", "id": 10, "version": 1 }),
    )
    .await;
    put(
        &target,
        "proto-value",
        json!({ "schema": "\"long\"", "id": 77, "version": 2 }),
    )
    .await;
    ok(
        &target,
        Method::PUT,
        "/mode",
        json!({ "mode": "READWRITE" }),
    )
    .await;
    let before = contents(&target).await;

    let run = import(&source, &target, &[]);

    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stderr
            .contains("clash: id 10 holds another schema in the target ('mine-value' version 1)"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("'proto-value' version 2 has id 77 in the target and id 40 in the source"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("nothing was written"), "{}", run.stderr);
    assert_eq!(contents(&target).await, before);
}

#[tokio::test]
async fn an_import_killed_midway_is_completed_by_the_next_run() {
    let source = Server::start(None).await;
    ok(&source, Method::PUT, "/mode", json!({ "mode": "IMPORT" })).await;
    for i in 0..200 {
        for version in 1..=2 {
            let schema = format!(
                r#"{{"type":"record","name":"R{i}","fields":[{{"name":"f{version}","type":"int"}}]}}"#
            );
            let body =
                json!({ "schema": schema, "id": 1000 + 3 * (2 * i + version), "version": version });
            put(&source, &format!("s{i:03}-value"), body).await;
        }
    }
    ok(
        &source,
        Method::PUT,
        "/mode",
        json!({ "mode": "READWRITE" }),
    )
    .await;
    let target = Server::start(None).await;

    let mut child = Command::new(env!("CARGO_BIN_EXE_accord"))
        .args(["import", "--from", &source.base, "--registry", &target.base])
        .env_remove("ACCORD_TOKEN")
        .env_remove("ACCORD_CREDENTIALS")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let progress = lines
        .find(|line| line.as_ref().unwrap().starts_with("imported "))
        .unwrap()
        .unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(progress.starts_with("imported 25/400 writes"), "{progress}");
    let subjects = ok(&target, Method::GET, "/subjects", Value::Null).await;
    let landed = subjects.as_array().unwrap().len();
    assert!(
        (13..200).contains(&landed),
        "{landed} subjects landed before the kill"
    );

    let resumed = import(&source, &target, &[]);

    assert_eq!(resumed.code, 0, "{}\n{}", resumed.stdout, resumed.stderr);
    let written: usize = resumed
        .stdout
        .lines()
        .find_map(|line| line.strip_prefix("wrote "))
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(written < 400 && written > 0, "{}", resumed.stdout);
    assert!(resumed.stdout.contains("verified"), "{}", resumed.stdout);
    assert_eq!(contents(&target).await, contents(&source).await);
}

#[tokio::test]
async fn watch_imports_what_the_source_gains_until_it_is_stopped() {
    let source = rich_source(None).await;
    let target = Server::start(None).await;
    let mut child = Command::new(env!("CARGO_BIN_EXE_accord"))
        .args([
            "import",
            "--from",
            &source.base,
            "--registry",
            &target.base,
            "--watch",
            "1",
        ])
        .env_remove("ACCORD_TOKEN")
        .env_remove("ACCORD_CREDENTIALS")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap())
        .lines()
        .map(Result::unwrap);
    assert!(lines.any(|line| line.starts_with("verified")));

    let added = json!({ "schema": "\"bytes\"" });
    let path = "/subjects/fresh-value/versions";
    let id = ok(&source, Method::POST, path, added).await["id"].clone();
    let next = lines.find(|line| line.starts_with("wrote ") || line.starts_with("verified"));
    let verified = lines.find(|line| line.starts_with("verified"));
    child.kill().unwrap();
    child.wait().unwrap();

    assert_eq!(
        next.as_deref().map(|l| l.starts_with("wrote 1 version(s)")),
        Some(true),
        "{next:?}"
    );
    assert!(verified.is_some());
    let copied = ok(
        &target,
        Method::GET,
        "/subjects/fresh-value/versions/1",
        Value::Null,
    )
    .await;
    assert_eq!(copied["id"], id);
}
