//! `accord codegen`: from a registry, and offline from a file with its references found
//! through the project file.

use super::{accord, repo, Server};

fn corpus() -> std::path::PathBuf {
    repo().join("tests/fixtures/codegen")
}

#[tokio::test]
async fn codegen_writes_a_registered_version_s_files_under_the_output_directory() {
    let server = Server::start(None).await;
    let out = tempfile::tempdir().unwrap();
    let registry = [("ACCORD_REGISTRY", server.base.as_str())];
    let registered = accord(&corpus(), &["register"], &registry);
    assert_eq!(
        registered.code, 0,
        "{}{}",
        registered.stdout, registered.stderr
    );

    let out_dir = out.path().to_str().unwrap();
    let run = accord(
        &corpus(),
        &[
            "codegen",
            "orders.order-value@1",
            "--lang",
            "java",
            "--out",
            out_dir,
        ],
        &registry,
    );

    assert_eq!(run.code, 0, "{}", run.stderr);
    let order = out.path().join("src/main/java/com/acme/orders/Order.java");
    assert!(
        run.stdout.contains(order.to_str().unwrap()),
        "{}",
        run.stdout
    );
    let text = std::fs::read_to_string(order).unwrap();
    assert!(
        text.contains("private com.acme.shared.Money total;"),
        "{text}"
    );
}

#[test]
fn codegen_offline_resolves_references_through_the_project_file() {
    let out = tempfile::tempdir().unwrap();

    let run = accord(
        &corpus(),
        &[
            "codegen",
            "--file",
            "json/shipment.schema.json",
            "--lang",
            "typescript",
            "--out",
            out.path().to_str().unwrap(),
        ],
        &[],
    );

    assert_eq!(run.code, 0, "{}", run.stderr);
    let types = std::fs::read_to_string(out.path().join("src/types.ts")).unwrap();
    assert!(types.contains("export interface Customer {"), "{types}");
}

#[test]
fn codegen_exits_2_naming_the_languages_a_format_supports() {
    let out = tempfile::tempdir().unwrap();

    let run = accord(
        &corpus(),
        &[
            "codegen",
            "--file",
            "protobuf/order.proto",
            "--lang",
            "java",
            "--out",
            out.path().to_str().unwrap(),
        ],
        &[],
    );

    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("supported: proto, typescript, rust"),
        "{}",
        run.stderr
    );
    assert_eq!(
        std::fs::read_dir(out.path()).unwrap().count(),
        0,
        "nothing is written"
    );
}
