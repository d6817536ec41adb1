//! `accord diff`: the offline verdict on pairs of files of every format, at several levels.

use serde_json::Value;

use super::{accord, repo, Run};

fn diff(args: &[&str]) -> Run {
    let mut all = vec!["diff"];
    all.extend_from_slice(args);
    accord(&repo().join("tests/fixtures/cli"), &all, &[])
}

#[test]
fn diff_decides_compatible_and_breaking_pairs_of_every_format() {
    for extension in ["avsc", "proto", "schema.json"] {
        let old = format!("shipment-v1.{extension}");
        let compatible = diff(&[&old, &format!("shipment-v2.compatible.{extension}")]);
        let breaking = diff(&[&old, &format!("shipment-v2.breaking.{extension}")]);
        assert_eq!(
            compatible.code, 0,
            "{extension}: {}{}",
            compatible.stdout, compatible.stderr
        );
        assert_eq!(
            breaking.code, 1,
            "{extension}: {}{}",
            breaking.stdout, breaking.stderr
        );
        assert!(
            breaking.stdout.starts_with("BREAKING "),
            "{}",
            breaking.stdout
        );
    }
}

#[test]
fn diff_applies_the_level_it_is_given() {
    let adds_required_field = ["shipment-v1.avsc", "shipment-v2.breaking.avsc"];

    let forward = diff(&[
        adds_required_field[0],
        adds_required_field[1],
        "--level",
        "FORWARD",
    ]);
    let full = diff(&[
        adds_required_field[0],
        adds_required_field[1],
        "--level",
        "full_transitive",
    ]);
    let none = diff(&[
        adds_required_field[0],
        adds_required_field[1],
        "--level",
        "NONE",
    ]);
    let unknown = diff(&[
        adds_required_field[0],
        adds_required_field[1],
        "--level",
        "SIDEWAYS",
    ]);

    assert_eq!(
        (forward.code, full.code, none.code, unknown.code),
        (0, 1, 0, 2)
    );
}

#[test]
fn diff_reports_json_and_github_annotations_and_exits_2_on_bad_input() {
    let json = diff(&[
        "shipment-v1.schema.json",
        "shipment-v2.breaking.schema.json",
        "--format",
        "json",
    ]);
    let github = diff(&[
        "shipment-v1.proto",
        "shipment-v2.breaking.proto",
        "--format",
        "github",
    ]);
    let invalid = diff(&["shipment-v1.avsc", "shipment.invalid.avsc"]);
    let missing = diff(&["shipment-v1.avsc", "nope.avsc"]);
    let untyped = diff(&[
        "shipment-v1.avsc",
        "shipment-v2.breaking.avsc",
        "--type",
        "json",
    ]);

    let report: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(report["compatible"], false);
    assert_eq!(report["level"], "BACKWARD");
    assert_eq!(report["changes"][0]["path"], "#/properties/carrier");
    assert!(github.stdout.contains("::error file=shipment-v2.breaking.proto,title=Breaking change (BACKWARD)::#/Shipment/2:"), "{}", github.stdout);
    assert_eq!(invalid.code, 2);
    assert!(
        invalid
            .stderr
            .contains("shipment.invalid.avsc: invalid AVRO schema"),
        "{}",
        invalid.stderr
    );
    assert_eq!(missing.code, 2);
    assert!(
        missing
            .stderr
            .contains("nope.avsc: cannot read the schema file"),
        "{}",
        missing.stderr
    );
    assert_eq!(untyped.code, 2);
}

#[test]
fn diff_resolves_references_through_accord_toml() {
    let run = accord(
        &repo(),
        &[
            "diff",
            "schemas/orders/order-created.avsc",
            "schemas/orders/order-created-breaking.avsc",
        ],
        &[],
    );

    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("/fields/4: The field 'warehouse_id'"),
        "{}",
        run.stdout
    );
}
