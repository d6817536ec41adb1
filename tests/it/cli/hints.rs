//! The command line's mistakes say what to do: which flag states a type, which scheme a URL
//! lacks, which URL could not be reached, and why two files cannot be compared.

use super::{accord, refusing_address, Project};

#[test]
fn a_file_without_a_known_extension_names_the_flag_that_states_its_type() {
    let project = Project::examples();
    project.write("money.txt", "\"string\"");
    let run = accord(
        project.dir.path(),
        &["register", "money-value", "money.txt"],
        &[("ACCORD_REGISTRY", "http://127.0.0.1:9")],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("state it with --type avro|protobuf|json"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_registry_url_without_a_scheme_suggests_one() {
    let project = Project::examples();
    let run = accord(
        project.dir.path(),
        &["subjects", "--registry", "localhost:8081"],
        &[],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("did you mean http://localhost:8081?"),
        "{}",
        run.stderr
    );
}

#[test]
fn two_files_of_different_types_are_not_compared() {
    let project = Project::examples();
    let run = accord(
        project.dir.path(),
        &[
            "diff",
            "schemas/shared/money.avsc",
            "schemas/orders/order.proto",
        ],
        &[],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains(
            "schemas/shared/money.avsc is AVRO and schemas/orders/order.proto is PROTOBUF"
        ),
        "{}",
        run.stderr
    );
}

#[tokio::test]
async fn a_healthcheck_names_the_url_it_could_not_reach() {
    let (_socket, url) = refusing_address();
    let project = Project::examples();
    let run = accord(project.dir.path(), &["healthcheck", "--url", &url], &[]);
    assert_ne!(run.code, 0);
    assert!(
        run.stderr.contains(&format!("cannot reach {url}/readyz")),
        "{}",
        run.stderr
    );
}
