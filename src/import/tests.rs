//! The import's decisions, on snapshots built by hand: references first, clashes named,
//! nothing to write where the target holds the source already.

use std::collections::BTreeMap;

use serde_json::json;

use super::plan::{self, Change, Clash};
use super::snapshot::{Reference, Settings, Snapshot, Subject, Version};

fn version(number: i64, id: i64, schema: &str, references: &[(&str, i64)]) -> Version {
    Version {
        version: number,
        id,
        schema: schema.to_string(),
        schema_type: "AVRO".to_string(),
        references: references
            .iter()
            .map(|(subject, version)| Reference {
                name: format!("{subject}.avsc"),
                subject: subject.to_string(),
                version: *version,
            })
            .collect(),
        metadata: None,
        rule_set: None,
        is_deleted: false,
    }
}

fn snapshot(subjects: &[(&str, Vec<Version>)]) -> Snapshot {
    Snapshot {
        subjects: subjects
            .iter()
            .map(|(name, versions)| {
                let subject = Subject {
                    versions: versions.clone(),
                    ..Subject::default()
                };
                (name.to_string(), subject)
            })
            .collect(),
        global_config: json!({ "compatibilityLevel": "BACKWARD" }),
        global_mode: "READWRITE".to_string(),
    }
}

#[test]
fn references_are_registered_before_the_versions_that_use_them() {
    // "a" sorts first but references "z", whose version 2 references "m".
    let source = snapshot(&[
        ("a", vec![version(1, 10, "\"a\"", &[("z", 2)])]),
        ("m", vec![version(1, 3, "\"m\"", &[])]),
        (
            "z",
            vec![
                version(1, 5, "\"z1\"", &[]),
                version(2, 7, "\"z2\"", &[("m", 1)]),
            ],
        ),
    ]);
    let plan = plan::plan(&source, &Snapshot::default(), &BTreeMap::new()).unwrap();
    let order: Vec<(&str, i64)> = plan
        .registrations
        .iter()
        .map(|(s, v)| (s.as_str(), v.version))
        .collect();
    let at = |key: (&str, i64)| order.iter().position(|k| *k == key).unwrap();
    assert_eq!(order.len(), 4);
    assert!(at(("m", 1)) < at(("z", 2)));
    assert!(at(("z", 2)) < at(("a", 1)));
}

#[test]
fn a_target_holding_the_source_already_gets_no_writes_and_no_setting_changes() {
    let source = snapshot(&[(
        "s",
        vec![version(1, 4, "\"s\"", &[]), version(3, 9, "\"t\"", &[])],
    )]);
    let plan = plan::plan(&source, &source.clone(), &BTreeMap::new()).unwrap();
    assert!(plan.is_empty());
    assert!(plan::setting_changes(&source, &source, true).is_empty());
    assert!(plan::differences(&source, &source, true).is_empty());
}

#[test]
fn every_clash_is_named_and_none_of_them_plans_a_write() {
    let source = snapshot(&[
        ("s", vec![version(1, 4, "\"s\"", &[])]),
        ("t", vec![version(1, 8, "\"t\"", &[])]),
    ]);
    let target = snapshot(&[
        ("other", vec![version(1, 4, "\"other\"", &[])]),
        ("t", vec![version(1, 2, "\"t\"", &[])]),
    ]);
    let held = BTreeMap::from([(4, target.subjects["other"].versions[0].content())]);
    let clashes = plan::plan(&source, &target, &held).unwrap_err();
    assert_eq!(clashes.len(), 2, "{clashes:?}");
    assert!(clashes.iter().any(|c| matches!(c, Clash::Id { id: 4, .. })));
    assert!(clashes.contains(&Clash::Version {
        subject: "t".to_string(),
        version: 1,
        target_id: 2,
        source_id: 8
    }));
    assert!(clashes[0].to_string().contains("'other' version 1"));
}

#[test]
fn a_reference_cycle_is_a_clash() {
    let source = snapshot(&[
        ("a", vec![version(1, 1, "\"a\"", &[("b", 1)])]),
        ("b", vec![version(1, 2, "\"b\"", &[("a", 1)])]),
    ]);
    let clashes = plan::plan(&source, &Snapshot::default(), &BTreeMap::new()).unwrap_err();
    assert!(matches!(clashes[0], Clash::Cycle { .. }));
}

#[test]
fn a_soft_deleted_version_is_registered_then_deleted_and_settings_follow_the_source() {
    let mut gone = version(1, 6, "\"s\"", &[]);
    gone.is_deleted = true;
    let mut source = snapshot(&[("s", vec![gone, version(2, 7, "\"t\"", &[])])]);
    source.subjects.get_mut("s").unwrap().settings = Settings {
        config: Some(json!({ "compatibilityLevel": "FULL" })),
        mode: Some("READONLY".to_string()),
    };
    let mut target = snapshot(&[]);
    target.global_mode = "IMPORT".to_string();
    let plan = plan::plan(&source, &target, &BTreeMap::new()).unwrap();
    assert_eq!(plan.registrations.len(), 2);
    assert_eq!(plan.soft_deletes, vec![("s".to_string(), 1)]);
    let changes = plan::setting_changes(&source, &target, true);
    assert_eq!(
        changes.last(),
        Some(&Change::Mode {
            subject: None,
            to: Some("READWRITE".to_string())
        })
    );
    assert!(changes.contains(&Change::Mode {
        subject: Some("s".to_string()),
        to: Some("READONLY".to_string())
    }));
    assert_eq!(plan::differences(&source, &target, true).len(), 5);
}

#[test]
fn a_rule_set_the_target_dropped_is_no_clash_but_a_difference() {
    let mut ruled = version(1, 4, "\"s\"", &[]);
    ruled.rule_set = Some(json!({ "domainRules": [{ "name": "r", "kind": "CONDITION" }] }));
    let source = snapshot(&[("s", vec![ruled])]);
    let target = snapshot(&[("s", vec![version(1, 4, "\"s\"", &[])])]);
    let held = BTreeMap::from([(4, target.subjects["s"].versions[0].content())]);

    let plan = plan::plan(&source, &target, &held).unwrap();
    let differences = plan::differences(&source, &target, true);

    assert!(plan.is_empty());
    assert_eq!(differences.len(), 1, "{differences:?}");
    assert!(
        differences[0].contains("another rule set"),
        "{differences:?}"
    );
}
