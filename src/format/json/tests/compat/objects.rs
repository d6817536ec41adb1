//! Objects: properties against open, closed and partially open content models, required
//! names, additionalProperties.

use super::{backward, closed, forward, message, object, AGE_INT};

#[test]
fn adding_a_typed_property_to_an_open_model_breaks_backward() {
    let old = object(AGE_INT, "");
    let new = object(&format!(r#"{AGE_INT},"name":{{"type":"string"}}"#), "");
    assert_eq!(
        backward(&old, &new),
        vec![message("PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", "The new schema has an open content model and has a property or item at path '#/properties/name' which is missing in the old schema")]
    );
    assert!(
        forward(&old, &new).is_empty(),
        "removing from an open model is compatible"
    );
}

#[test]
fn adding_a_property_with_an_empty_schema_to_an_open_model_is_compatible() {
    let old = object(AGE_INT, "");
    let new = object(&format!(r#"{AGE_INT},"extra":{{}}"#), "");
    assert!(backward(&old, &new).is_empty());
}

#[test]
fn adding_an_optional_property_to_a_closed_model_is_compatible_but_removing_it_is_not() {
    let old = closed(AGE_INT);
    let new = closed(&format!(r#"{AGE_INT},"name":{{"type":"string"}}"#));
    assert!(backward(&old, &new).is_empty());
    assert_eq!(
        forward(&old, &new),
        vec![message("PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", "The old has a closed content model and is missing a property or item present at path '#/properties/name' in the new schema")]
    );
}

#[test]
fn adding_a_required_property_to_a_closed_model_needs_a_default() {
    let old = closed(AGE_INT);
    let without = object(
        &format!(r#"{AGE_INT},"name":{{"type":"string"}}"#),
        r#""additionalProperties":false,"required":["name"]"#,
    );
    let with = object(
        &format!(r#"{AGE_INT},"name":{{"type":"string","default":"x"}}"#),
        r#""additionalProperties":false,"required":["name"]"#,
    );
    assert_eq!(
        backward(&old, &without),
        vec![message("REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL", "The new schema has an unopen content model and has a required property at path '#/properties/name' which is missing in the old schema")]
    );
    assert!(backward(&old, &with).is_empty());
}

#[test]
fn a_property_removed_from_a_closed_model_is_compatible_when_it_was_false() {
    let old = closed(&format!(r#"{AGE_INT},"gone":false"#));
    assert!(backward(&old, &closed(AGE_INT)).is_empty());
}

#[test]
fn partially_open_models_accept_changes_their_additional_schema_covers() {
    let old = object(AGE_INT, r#""additionalProperties":{"type":"string"}"#);
    let covered = object(
        &format!(r#"{AGE_INT},"name":{{"type":"string"}}"#),
        r#""additionalProperties":{"type":"string"}"#,
    );
    let not_covered = object(
        &format!(r#"{AGE_INT},"count":{{"type":"integer"}}"#),
        r#""additionalProperties":{"type":"string"}"#,
    );
    assert!(backward(&old, &covered).is_empty());
    assert_eq!(
        backward(&old, &not_covered),
        vec![
            message("TYPE_CHANGED", "A type at path '#/properties/count' is different between the new schema and the old schema"),
            message("PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", "The new schema has a property or item at path '#/properties/count' which is missing in the old schema and is not covered by its partially open content model"),
        ]
    );
    assert_eq!(
        forward(&old, &not_covered).last().map(String::as_str),
        Some(message("PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", "A property or item is missing in the old schema but present at path '#/properties/count' in the new schema and is not covered by its partially open content model").as_str())
    );
}

#[test]
fn pattern_properties_decide_coverage_by_the_first_matching_pattern() {
    let old = object(
        AGE_INT,
        r#""patternProperties":{"^s_":{"type":"string"}},"additionalProperties":false"#,
    );
    let new = object(
        &format!(r#"{AGE_INT},"s_name":{{"type":"string"}}"#),
        r#""patternProperties":{"^s_":{"type":"string"}},"additionalProperties":false"#,
    );
    assert!(backward(&old, &new).is_empty());
}

#[test]
fn making_a_property_required_breaks_backward_unless_it_has_a_default() {
    let old = object(AGE_INT, "");
    let new = object(AGE_INT, r#""required":["age"]"#);
    assert_eq!(
        backward(&old, &new),
        vec![message("REQUIRED_ATTRIBUTE_ADDED", "The keyword at path '#/required/age' in the new schema is not present in the old schema")]
    );
    assert!(
        forward(&old, &new).is_empty(),
        "dropping required is compatible"
    );
    let with_default = object(
        r#""age":{"type":"integer","default":0}"#,
        r#""required":["age"]"#,
    );
    let old_with_default = object(r#""age":{"type":"integer","default":0}"#, "");
    assert!(backward(&old_with_default, &with_default).is_empty());
}

#[test]
fn closing_additional_properties_breaks_backward_and_opening_is_compatible() {
    let open = object(AGE_INT, "");
    let shut = closed(AGE_INT);
    assert_eq!(
        backward(&open, &shut),
        vec![message("ADDITIONAL_PROPERTIES_REMOVED", "The keyword at path '#/additionalProperties' in the new schema is not present in the old schema")]
    );
    assert!(forward(&open, &shut).is_empty());
}

#[test]
fn an_additional_properties_schema_narrows_an_open_model() {
    let open = object(AGE_INT, "");
    let partial = object(AGE_INT, r#""additionalProperties":{"type":"string"}"#);
    assert_eq!(
        backward(&open, &partial),
        vec![message("ADDITIONAL_PROPERTIES_NARROWED", "An array or combined type at path '#/additionalProperties' has fewer elements in the new schema than the old schema")]
    );
    assert!(
        forward(&open, &partial).is_empty(),
        "ADDITIONAL_PROPERTIES_EXTENDED"
    );
}
