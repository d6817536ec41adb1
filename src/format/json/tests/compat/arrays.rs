//! Arrays: bounds, uniqueness, item schemas, tuples and additionalItems.

use super::{backward, forward, message};

#[test]
fn array_bounds_and_unique_items_follow_the_same_rule() {
    let old = r#"{"type":"array","items":{"type":"string"},"maxItems":5,"uniqueItems":true}"#;
    let relaxed = r#"{"type":"array","items":{"type":"string"}}"#;
    assert!(backward(old, relaxed).is_empty());
    assert_eq!(
        forward(old, relaxed),
        vec![
            message("MAX_ITEMS_ADDED", "The keyword at path '#/maxItems' in the old schema is not present in the new schema"),
            message("UNIQUE_ITEMS_ADDED", "The keyword at path '#/uniqueItems' in the old schema is not present in the new schema"),
        ]
    );
}

#[test]
fn item_schemas_are_compared_at_the_items_path() {
    let old = r#"{"type":"array","items":{"type":"integer"}}"#;
    let new = r#"{"type":"array","items":{"type":"boolean"}}"#;
    assert_eq!(
        backward(old, new),
        vec![message(
            "TYPE_CHANGED",
            "A type at path '#/items' is different between the new schema and the old schema"
        )]
    );
    assert_eq!(
        backward(r#"{"type":"array"}"#, old),
        vec![message("SCHEMA_ADDED", "")],
        "Confluent has no description for SCHEMA_ADDED"
    );
}

#[test]
fn tuple_items_follow_the_content_model_of_additional_items() {
    let old = r#"{"type":"array","items":[{"type":"string"}],"additionalItems":false}"#;
    let longer = r#"{"type":"array","items":[{"type":"string"},{"type":"integer"}],"additionalItems":false}"#;
    assert!(
        backward(old, longer).is_empty(),
        "ITEM_ADDED_TO_CLOSED_CONTENT_MODEL"
    );
    assert_eq!(
        forward(old, longer),
        vec![message("ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL", "The old has a closed content model and is missing a property or item present at path '#/items/1' in the new schema")]
    );
    let open = r#"{"type":"array","items":[{"type":"string"}]}"#;
    let open_longer = r#"{"type":"array","items":[{"type":"string"},{"type":"integer"}]}"#;
    assert_eq!(
        backward(open, open_longer),
        vec![message("ITEM_ADDED_TO_OPEN_CONTENT_MODEL", "The new schema has an open content model and has a property or item at path '#/items/1' which is missing in the old schema")]
    );
}

#[test]
fn removing_additional_items_breaks_backward() {
    let old = r#"{"type":"array","items":[{"type":"string"}]}"#;
    let new = r#"{"type":"array","items":[{"type":"string"}],"additionalItems":false}"#;
    assert_eq!(
        backward(old, new),
        vec![message("ADDITIONAL_ITEMS_REMOVED", "The keyword at path '#/additionalItems' in the new schema is not present in the old schema")]
    );
    assert!(forward(old, new).is_empty(), "ADDITIONAL_ITEMS_ADDED");
}
