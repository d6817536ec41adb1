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
