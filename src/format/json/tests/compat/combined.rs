//! Combinations: oneOf, anyOf, allOf and not, and a type widened into a union.

use super::{backward, forward, message};

#[test]
fn a_oneof_gaining_a_branch_is_sum_type_extended_and_losing_one_is_narrowed() {
    let old = r#"{"oneOf":[{"type":"string"},{"type":"integer"}]}"#;
    let new = r#"{"oneOf":[{"type":"string"},{"type":"integer"},{"type":"boolean"}]}"#;
    assert!(backward(old, new).is_empty());
    assert_eq!(
        forward(old, new),
        vec![message("SUM_TYPE_NARROWED", "An array or combined type at path '#/' has fewer elements in the old schema than the new schema")]
    );
}

#[test]
fn a_single_type_widened_into_a_union_is_compatible() {
    let old = r#"{"type":"string"}"#;
    let new = r#"{"anyOf":[{"type":"string"},{"type":"null"}]}"#;
    assert!(backward(old, new).is_empty());
    assert_eq!(
        forward(old, new),
        vec![message(
            "TYPE_CHANGED",
            "A type at path '#/' is different between the old schema and the new schema"
        )]
    );
    assert!(backward(old, r#"{"type":["string","null"]}"#).is_empty());
}

#[test]
fn changing_a_branch_of_a_union_is_combined_type_subschemas_changed() {
    let old = r#"{"anyOf":[{"type":"string"},{"type":"integer"}]}"#;
    let new = r#"{"anyOf":[{"type":"string"},{"type":"boolean"}]}"#;
    assert_eq!(
        backward(old, new),
        vec![message(
            "COMBINED_TYPE_SUBSCHEMAS_CHANGED",
            "A type at path '#/' is different between the new schema and the old schema"
        )]
    );
}

#[test]
fn allof_losing_a_member_is_product_type_narrowed_and_gaining_one_is_not() {
    let old =
        r#"{"allOf":[{"type":"object","properties":{"a":{"type":"string"}}},{"required":["a"]}]}"#;
    let new = r#"{"allOf":[{"type":"object","properties":{"a":{"type":"string"}}}]}"#;
    assert!(backward(old, new).is_empty());
    assert_eq!(
        forward(old, new),
        vec![message("PRODUCT_TYPE_EXTENDED", "An array or combined type at path '#/' has more elements in the old schema than the new schema")]
    );
}

#[test]
fn switching_oneof_to_allof_is_combined_type_changed_and_to_anyof_is_extended() {
    let one = r#"{"oneOf":[{"type":"string"},{"type":"integer"}]}"#;
    let all = r#"{"allOf":[{"type":"string"},{"type":"integer"}]}"#;
    let any = r#"{"anyOf":[{"type":"string"},{"type":"integer"}]}"#;
    assert_eq!(
        backward(one, all),
        vec![message(
            "COMBINED_TYPE_CHANGED",
            "A type at path '#/' is different between the new schema and the old schema"
        )]
    );
    assert!(backward(one, any).is_empty());
}

#[test]
fn not_narrowed_is_compatible_and_not_extended_is_not() {
    let old = r#"{"not":{"type":["string","integer"]}}"#;
    let new = r#"{"not":{"type":"string"}}"#;
    assert!(backward(old, new).is_empty());
    assert_eq!(
        forward(old, new),
        vec![message("NOT_TYPE_EXTENDED", "An array or combined type at path '#/not' has more elements in the old schema than the new schema")]
    );
}
