//! A server that cannot open its database refuses to start, and says why in the driver's
//! words rather than a generic "Error in the backend data store".

use super::serve_until_it_stops;
use crate::backend::postgres_or_skip;

/// Asserts that `ended` is a refusal to start whose message contains every one of `words`.
fn assert_refused(ended: &super::Ended, words: &[&str]) {
    assert_eq!(ended.code, 1, "{}", ended.stderr);
    assert!(
        ended.stderr.starts_with("accord: error: "),
        "{}",
        ended.stderr
    );
    assert!(!ended.stderr.contains("backtrace"), "{}", ended.stderr);
    for word in words {
        assert!(ended.stderr.contains(word), "{word:?} in {}", ended.stderr);
    }
    assert!(
        !ended.stderr.contains("backend data store"),
        "{}",
        ended.stderr
    );
}

#[test]
fn an_unknown_scheme_is_refused_with_the_schemes_accord_knows() {
    let dir = tempfile::tempdir().unwrap();

    let ended = serve_until_it_stops(
        dir.path(),
        &["--database-url", "mysql://root:s3cret@127.0.0.1/accord"],
        &[],
    );

    assert_refused(&ended, &["'mysql:'", "sqlite://PATH", "postgres://"]);
    assert!(!ended.stderr.contains("s3cret"), "{}", ended.stderr);
}

#[test]
fn a_misspelt_postgres_scheme_is_refused_instead_of_creating_a_file() {
    let dir = tempfile::tempdir().unwrap();

    let ended = serve_until_it_stops(dir.path(), &["--database-url", "postgress:four.db"], &[]);

    assert_refused(&ended, &["'postgress:'", "postgres://"]);
    let files: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert!(files.is_empty(), "no file is created: {files:?}");
}

#[test]
fn a_scheme_from_the_environment_is_refused_too() {
    let dir = tempfile::tempdir().unwrap();

    let ended = serve_until_it_stops(
        dir.path(),
        &[],
        &[("ACCORD_DATABASE_URL", "postgress://accord@db/accord")],
    );

    assert_refused(&ended, &["'postgress:'"]);
}

#[test]
fn an_sqlite_file_in_a_missing_directory_names_the_directory() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no").join("such");
    let url = format!("sqlite://{}", missing.join("accord.db").display());

    let ended = serve_until_it_stops(dir.path(), &["--database-url", &url], &[]);

    let cause = format!("the directory {} does not exist", missing.display());
    assert_refused(&ended, &[&cause]);
}

#[tokio::test]
async fn a_missing_postgres_database_is_named() {
    let Some(db) = postgres_or_skip().await else {
        return;
    };
    let url = format!("{}_missing", db.url);

    let ended = serve_until_it_stops(std::path::Path::new("."), &["--database-url", &url], &[]);

    let cause = format!("database \"{}_missing\" does not exist", db.name);
    assert_refused(&ended, &[&cause]);
}

#[tokio::test]
async fn an_unreachable_postgres_names_the_address_that_refused() {
    // Bound but never listened on: connecting to it is refused, and no one else can take it.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let address = socket.local_addr().unwrap();
    let url = format!("postgres://postgres@{address}/accord");

    let ended = serve_until_it_stops(
        std::path::Path::new("."),
        &["--database-url", &url, "--db-acquire-timeout", "0.5"],
        &[],
    );

    assert_refused(&ended, &[&address.to_string(), "refused"]);
    assert!(!ended.stderr.contains("try again"), "{}", ended.stderr);
}
