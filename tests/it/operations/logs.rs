//! What the server logs: plain text into a file, a first line that says how it runs, and no
//! driver chatter at the default level.

use crate::backend::{postgres_or_skip, Process};

/// The line of `log` that says the server is serving.
fn serving_line(log: &str) -> &str {
    log.lines()
        .find(|line| line.contains("accord is serving"))
        .unwrap_or_else(|| panic!("no startup line in {log}"))
}

/// Starts and stops a server with authentication off over a fresh SQLite file, its output
/// written to a file; returns what it logged.
async fn open_server_log() -> String {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("accord.db").display());
    let log = dir.path().join("accord.log");
    Process::start_logging(&url, &[], &[], &log).await.stop();
    std::fs::read_to_string(&log).unwrap()
}

#[tokio::test]
async fn logs_written_to_a_file_carry_no_colour_codes() {
    let log = open_server_log().await;
    assert!(!log.contains('\x1b'), "{log:?}");
}

#[tokio::test]
async fn the_startup_line_says_version_authentication_read_access_database_and_ui() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("accord.db");
    let log = dir.path().join("accord.log");
    let args = ["--admin-token", "s3cret", "--read-access", "enforce"];

    let server =
        Process::start_logging(&format!("sqlite://{}", file.display()), &args, &[], &log).await;
    let address = server.base.trim_start_matches("http://").to_string();
    server.stop();

    let log = std::fs::read_to_string(&log).unwrap();
    let line = serving_line(&log);
    let version = format!("version={}", env!("CARGO_PKG_VERSION"));
    let database = format!("database=sqlite://{}", file.display());
    let ui = format!("ui=http://{address}/ui/");
    for field in [
        version.as_str(),
        "authentication=on",
        "read_access=enforce",
        &database,
        &ui,
    ] {
        assert!(line.contains(field), "{field} in {line}");
    }
    assert!(!log.contains("s3cret"), "{log}");
}

#[tokio::test]
async fn an_open_server_says_authentication_is_off() {
    let log = open_server_log().await;
    let line = serving_line(&log);
    assert!(line.contains("authentication=off"), "{line}");
    assert!(line.contains("read_access=open"), "{line}");
}

#[tokio::test]
async fn a_postgres_restart_logs_no_notice_that_the_tables_already_exist() {
    let Some(db) = postgres_or_skip().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first.log");
    let second = dir.path().join("second.log");

    Process::start_logging(&db.url, &[], &[], &first)
        .await
        .stop();
    Process::start_logging(&db.url, &[], &[], &second)
        .await
        .stop();

    let logs = [first, second].map(|log| std::fs::read_to_string(log).unwrap());
    for log in &logs {
        assert!(!log.contains("already exists, skipping"), "{log}");
    }
    for log in &logs {
        let line = serving_line(log);
        assert!(line.contains(&format!("database={}", db.url)), "{line}");
    }
}
