//! `accord init` writes an `accord.toml` the CI commands load, and `accord completions` prints
//! a script for each shell.

use serde_json::Value;

use super::{accord, Project, Server};

#[tokio::test]
async fn init_maps_the_schema_files_so_that_register_and_check_pass() {
    let server = Server::start(None).await;
    let project = Project::examples();
    std::fs::remove_file(project.dir.path().join("accord.toml")).unwrap();
    std::fs::write(
        project.dir.path().join("package.json"),
        r#"{"name": "not a schema"}"#,
    )
    .unwrap();

    let init = accord(project.dir.path(), &["init"], &[]);

    assert_eq!(init.code, 0, "{}{}", init.stdout, init.stderr);
    assert!(
        init.stdout.starts_with("wrote accord.toml: 7 subject(s)\n"),
        "{}",
        init.stdout
    );
    let written = std::fs::read_to_string(project.dir.path().join("accord.toml")).unwrap();
    for mapping in [
        "name = \"orders.order-created-value\"\nfile = \"schemas/orders/order-created.avsc\"",
        "name = \"shared.money-value\"\nfile = \"schemas/shared/money.avsc\"",
        "name = \"orders.order-value\"\nfile = \"schemas/orders/order.proto\"",
        "name = \"payments.payment-refunded-value\"\nfile = \"schemas/payments/payment-refunded.schema.json\"",
    ] {
        assert!(written.contains(mapping), "{mapping}\n{written}");
    }
    assert!(!written.contains("package"), "{written}");
    let register = project.accord(&server, &["register"], &[]);
    assert_eq!(register.code, 0, "{}{}", register.stdout, register.stderr);
    let check = project.accord(&server, &["check"], &[]);
    assert_eq!(check.code, 0, "{}{}", check.stdout, check.stderr);
    assert!(
        check
            .stdout
            .contains("7 subject(s) checked: all compatible"),
        "{}",
        check.stdout
    );
}

#[test]
fn init_keeps_an_existing_accord_toml_unless_forced() {
    let project = Project::examples();
    let before = std::fs::read_to_string(project.dir.path().join("accord.toml")).unwrap();

    let written = || std::fs::read_to_string(project.dir.path().join("accord.toml")).unwrap();

    let kept = accord(project.dir.path(), &["init"], &[]);

    assert_eq!(kept.code, 2);
    assert!(
        kept.stderr
            .contains("accord.toml exists already: pass --force"),
        "{}",
        kept.stderr
    );
    assert_eq!(written(), before);

    let forced = accord(
        project.dir.path(),
        &["init", "schemas", "--force", "--format", "json"],
        &[],
    );

    assert_eq!(forced.code, 0, "{}", forced.stderr);
    assert_ne!(written(), before);
    let report: Value = serde_json::from_str(&forced.stdout).unwrap();
    assert_eq!(
        report["subjects"][0]["file"],
        "schemas/orders/order-created-breaking.avsc"
    );
    assert_eq!(
        report["subjects"][0]["name"],
        "orders.order-created-breaking-value"
    );
}

#[test]
fn completions_print_a_script_for_each_shell() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish"] {
        let run = accord(dir.path(), &["completions", shell], &[]);

        assert_eq!(run.code, 0, "{shell}: {}", run.stderr);
        assert!(run.stdout.contains("accord"), "{shell}");
        assert!(
            run.stdout.contains("subjects"),
            "{shell}: the everyday commands complete"
        );
    }
}
