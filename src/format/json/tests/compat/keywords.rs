//! Leaf keywords: enum, string and numeric bounds, patterns, multipleOf.

use super::{backward, forward, message};

#[test]
fn enum_extension_is_compatible_and_narrowing_is_not() {
    let old = r#"{"enum":["a","b"]}"#;
    let new = r#"{"enum":["a","b","c"]}"#;
    assert!(backward(old, new).is_empty());
    assert_eq!(
        forward(old, new),
        vec![message("ENUM_ARRAY_NARROWED", "An array or combined type at path '#/enum' has fewer elements in the old schema than the new schema")]
    );
    assert_eq!(
        backward(old, r#"{"enum":["a","z"]}"#),
        vec![message(
            "ENUM_ARRAY_CHANGED",
            "A type at path '#/enum' is different between the new schema and the old schema"
        )]
    );
}

#[test]
fn string_bounds_relaxed_are_compatible_and_tightened_are_not() {
    let old = r#"{"type":"string","maxLength":10,"minLength":2}"#;
    let relaxed = r#"{"type":"string","maxLength":20}"#;
    assert!(backward(old, relaxed).is_empty());
    assert_eq!(
        forward(old, relaxed),
        vec![
            message("MAX_LENGTH_DECREASED", "The value at path '#/maxLength' in the old schema is less than its value in the new schema"),
            message("MIN_LENGTH_ADDED", "The keyword at path '#/minLength' in the old schema is not present in the new schema"),
        ]
    );
    assert_eq!(
        backward(old, r#"{"type":"string","maxLength":10,"minLength":3}"#),
        vec![message("MIN_LENGTH_INCREASED", "The value at path '#/minLength' in the new schema is more than its value in the old schema")]
    );
}

#[test]
fn patterns_added_or_changed_break_backward_and_removed_do_not() {
    let plain = r#"{"type":"string"}"#;
    let digits = r#"{"type":"string","pattern":"^[0-9]+$"}"#;
    assert_eq!(
        backward(plain, digits),
        vec![message(
            "PATTERN_ADDED",
            "The keyword at path '#/pattern' in the new schema is not present in the old schema"
        )]
    );
    assert!(backward(digits, plain).is_empty());
    assert_eq!(
        backward(digits, r#"{"type":"string","pattern":"^[a-z]+$"}"#),
        vec![message(
            "PATTERN_CHANGED",
            "The value at path '#/pattern' is different between the new and old schema"
        )]
    );
}

#[test]
fn numeric_bounds_relaxed_are_compatible_and_tightened_are_not() {
    let old = r#"{"type":"number","minimum":0,"maximum":100,"exclusiveMinimum":-1,"exclusiveMaximum":101}"#;
    let relaxed = r#"{"type":"number","minimum":-5,"maximum":200,"exclusiveMinimum":-10,"exclusiveMaximum":300}"#;
    assert!(backward(old, relaxed).is_empty());
    assert_eq!(
        backward(relaxed, old),
        vec![
            message("MAXIMUM_DECREASED", "The value at path '#/maximum' in the new schema is less than its value in the old schema"),
            message("MINIMUM_INCREASED", "The value at path '#/minimum' in the new schema is more than its value in the old schema"),
            message("EXCLUSIVE_MAXIMUM_DECREASED", "The value at path '#/exclusiveMaximum' in the new schema is less than its value in the old schema"),
            message("EXCLUSIVE_MINIMUM_INCREASED", "The value at path '#/exclusiveMinimum' in the new schema is more than its value in the old schema"),
        ]
    );
    assert_eq!(
        backward(r#"{"type":"number"}"#, r#"{"type":"number","maximum":5}"#),
        vec![message(
            "MAXIMUM_ADDED",
            "The keyword at path '#/maximum' in the new schema is not present in the old schema"
        )]
    );
}

#[test]
fn multiple_of_reduced_is_compatible_and_expanded_or_changed_is_not() {
    let by_four = r#"{"type":"integer","multipleOf":4}"#;
    assert!(backward(by_four, r#"{"type":"integer","multipleOf":2}"#).is_empty());
    assert!(backward(by_four, r#"{"type":"integer"}"#).is_empty());
    assert_eq!(
        backward(by_four, r#"{"type":"integer","multipleOf":8}"#),
        vec![message("MULTIPLE_OF_EXPANDED", "The value at path '#/multipleOf' in the new schema is more than its value in the old schema")]
    );
    assert_eq!(
        backward(by_four, r#"{"type":"integer","multipleOf":3}"#),
        vec![message(
            "MULTIPLE_OF_CHANGED",
            "The value at path '#/multipleOf' is different between the new and old schema"
        )]
    );
}
