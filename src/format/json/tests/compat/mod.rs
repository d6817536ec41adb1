//! Compatibility checks over whole schemas: types, `$ref`s, recursion, annotations and the order
//! of reported differences; objects, leaf keywords, arrays and combinations each in their file.

mod arrays;
mod combined;
mod keywords;
mod objects;

use super::{backward, can_read, dependency, forward, message, object, parse, ReaderIs};

const AGE_INT: &str = r#""age":{"type":"integer"}"#;

fn closed(properties: &str) -> String {
    object(properties, r#""additionalProperties":false"#)
}

#[test]
fn identical_schemas_are_compatible_both_ways() {
    let schema = object(
        r#""name":{"type":"string"},"tags":{"type":"array","items":{"type":"string"}}"#,
        r#""required":["name"]"#,
    );
    assert!(backward(&schema, &schema).is_empty());
    assert!(forward(&schema, &schema).is_empty());
}

#[test]
fn integer_to_number_is_type_extended_backward_and_narrowed_forward() {
    let old = object(AGE_INT, "");
    let new = object(r#""age":{"type":"number"}"#, "");
    assert!(backward(&old, &new).is_empty());
    assert_eq!(
        forward(&old, &new),
        vec![message("TYPE_NARROWED", "A type at path '#/properties/age' is different between the old schema and the new schema")]
    );
}

#[test]
fn changing_a_type_is_type_changed_both_ways() {
    let old = object(AGE_INT, "");
    let new = object(r#""age":{"type":"string"}"#, "");
    let expected = vec![message(
        "TYPE_CHANGED",
        "A type at path '#/properties/age' is different between the new schema and the old schema",
    )];
    assert_eq!(backward(&old, &new), expected);
    assert_eq!(forward(&old, &new).len(), 1);
}

#[test]
fn refs_are_followed_into_definitions_and_dependencies() {
    let old = r##"{"definitions":{"age":{"type":"integer"}},"type":"object","properties":{"age":{"$ref":"#/definitions/age"}}}"##;
    let new = r##"{"definitions":{"age":{"type":"string"}},"type":"object","properties":{"age":{"$ref":"#/definitions/age"}}}"##;
    assert_eq!(
        backward(old, new),
        vec![message("TYPE_CHANGED", "A type at path '#/properties/age' is different between the new schema and the old schema")]
    );
    let main = r#"{"type":"object","properties":{"home":{"$ref":"address.json"}}}"#;
    let v1 = parse(
        main,
        &[dependency(
            "address.json",
            r#"{"type":"object","properties":{"zip":{"type":"integer"}}}"#,
        )],
    )
    .expect("v1");
    let v2 = parse(
        main,
        &[dependency(
            "address.json",
            r#"{"type":"object","properties":{"zip":{"type":"number"}}}"#,
        )],
    )
    .expect("v2");
    assert!(can_read(&v2, &v1, ReaderIs::New).is_empty());
    assert_eq!(
        can_read(&v1, &v2, ReaderIs::Old),
        vec![message("TYPE_NARROWED", "A type at path '#/properties/home/properties/zip' is different between the old schema and the new schema")]
    );
}

#[test]
fn recursive_schemas_are_compared_without_looping() {
    let old = r##"{"definitions":{"node":{"type":"object","properties":{"value":{"type":"integer"},"next":{"$ref":"#/definitions/node"}}}},"$ref":"#/definitions/node"}"##;
    let new = r##"{"definitions":{"node":{"type":"object","properties":{"value":{"type":"number"},"next":{"$ref":"#/definitions/node"}}}},"$ref":"#/definitions/node"}"##;
    assert!(backward(old, new).is_empty());
    assert_eq!(forward(old, new).len(), 1);
    assert!(backward(old, old).is_empty());
}

#[test]
fn annotations_and_removing_the_whole_schema_content_are_compatible() {
    let old = r#"{"$id":"https://example.com/a","title":"A","description":"first","type":"string","default":"x"}"#;
    let new = r#"{"$id":"https://example.com/b","title":"B","description":"second","type":"string","default":"y"}"#;
    assert!(backward(old, new).is_empty());
    assert!(
        backward(old, "{}").is_empty(),
        "an empty schema accepts everything"
    );
    assert!(
        backward("true", old).len() == 1,
        "a typed schema rejects what true accepted"
    );
    assert!(
        backward("false", old).is_empty(),
        "nothing was accepted by false"
    );
}

#[test]
fn a_type_change_is_ignored_for_kafka_connect_bytes() {
    let old = r#"{"type":"string","connect.type":"bytes"}"#;
    let new = r#"{"type":"array","connect.type":"bytes"}"#;
    assert!(backward(old, new).is_empty());
}

#[test]
fn several_differences_are_reported_in_confluents_order() {
    let old = closed(r#""a":{"type":"string"},"b":{"type":"string"}"#);
    let new = closed(r#""a":{"type":"integer"}"#);
    let found = backward(&old, &new);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(
        found[0].starts_with("{errorType:\"TYPE_CHANGED\""),
        "{found:?}"
    );
    assert!(
        found[1].starts_with("{errorType:\"PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL\""),
        "{found:?}"
    );
    assert!(
        forward(&old, &new).len() == 1,
        "the old closed model may lack nothing the new one has"
    );
}
