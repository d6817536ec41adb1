use super::{avro, backward, can_read, dependency, forward, parse, record, ReaderIs};

const ID_ONLY: &str = r#"{"name":"id","type":"int"}"#;

#[test]
fn identical_schemas_are_compatible_both_ways() {
    let schema = record(
        r#"{"name":"id","type":"int"},{"name":"tags","type":{"type":"array","items":"string"}}"#,
    );
    assert!(backward(&schema, &schema).is_empty());
    assert!(forward(&schema, &schema).is_empty());
}

#[test]
fn a_new_field_without_default_breaks_backward_with_confluents_message() {
    let old = record(ID_ONLY);
    let new = record(r#"{"name":"id","type":"int"},{"name":"age","type":"int"}"#);
    assert_eq!(
        backward(&old, &new),
        vec!["{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'age' at path '/fields/1' in the new schema has no default value and is missing in the old schema', additionalInfo:'age'}"]
    );
    assert!(
        forward(&old, &new).is_empty(),
        "old readers ignore the extra field"
    );
}

#[test]
fn removing_a_field_without_default_breaks_forward_with_the_words_swapped() {
    let old = record(r#"{"name":"id","type":"int"},{"name":"age","type":"int"}"#);
    let new = record(ID_ONLY);
    assert!(backward(&old, &new).is_empty());
    assert_eq!(
        forward(&old, &new),
        vec!["{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'age' at path '/fields/1' in the old schema has no default value and is missing in the new schema', additionalInfo:'age'}"]
    );
}

#[test]
fn a_new_field_with_a_default_is_compatible() {
    let new =
        record(r#"{"name":"id","type":"int"},{"name":"age","type":["null","int"],"default":null}"#);
    assert!(backward(&record(ID_ONLY), &new).is_empty());
}

#[test]
fn a_reader_field_alias_matches_a_renamed_writer_field() {
    let old = record(r#"{"name":"old_name","type":"int"}"#);
    let new = record(r#"{"name":"new_name","type":"int","aliases":["old_name"]}"#);
    assert!(backward(&old, &new).is_empty());
    assert_eq!(
        forward(&old, &new).len(),
        1,
        "the old reader has no alias for the new name"
    );
}

#[test]
fn a_field_matching_two_writer_fields_reports_javas_exception() {
    let writer = record(r#"{"name":"a","type":"int"},{"name":"b","type":"int"}"#);
    let reader = record(r#"{"name":"a","type":"int","aliases":["b"]}"#);
    let messages = backward(&writer, &reader);
    assert_eq!(messages.len(), 1);
    assert!(messages[0].starts_with("Unexpected exception during compatibility check: Reader record field a type:INT pos:0 matches multiple fields"), "{}", messages[0]);
}

#[test]
fn type_changes_are_type_mismatches_at_the_field_type_path() {
    let old = record(r#"{"name":"id","type":"int"},{"name":"name","type":"string"}"#);
    let new = record(r#"{"name":"id","type":"int"},{"name":"name","type":"boolean"}"#);
    assert_eq!(
        backward(&old, &new),
        vec!["{errorType:'TYPE_MISMATCH', description:'The type (path '/fields/1/type') of a field in the new schema does not match with the old schema', additionalInfo:'reader type: BOOLEAN not compatible with writer type: STRING'}"]
    );
}

#[test]
fn promotions_are_allowed_only_towards_the_wider_type() {
    let widening = [
        ("int", "long"),
        ("int", "float"),
        ("int", "double"),
        ("long", "float"),
        ("long", "double"),
        ("float", "double"),
        ("string", "bytes"),
        ("bytes", "string"),
    ];
    for (writer, reader) in widening {
        assert!(
            can_read(
                &avro(&format!("\"{reader}\"")),
                &avro(&format!("\"{writer}\"")),
                ReaderIs::New
            )
            .is_empty(),
            "{writer} -> {reader}"
        );
    }
    let narrowing = [
        ("long", "int"),
        ("float", "int"),
        ("double", "float"),
        ("float", "long"),
        ("double", "long"),
        ("boolean", "int"),
        ("null", "string"),
    ];
    for (writer, reader) in narrowing {
        let messages = can_read(
            &avro(&format!("\"{reader}\"")),
            &avro(&format!("\"{writer}\"")),
            ReaderIs::New,
        );
        assert_eq!(messages.len(), 1, "{writer} -> {reader}");
        assert!(
            messages[0].contains("TYPE_MISMATCH") && messages[0].contains("path '/'"),
            "{}",
            messages[0]
        );
    }
}

#[test]
fn logical_types_are_ignored_by_the_check() {
    let plain = r#""long""#;
    let timestamp = r#"{"type":"long","logicalType":"timestamp-millis"}"#;
    assert!(can_read(&avro(plain), &avro(timestamp), ReaderIs::New).is_empty());
    assert!(can_read(&avro(timestamp), &avro(plain), ReaderIs::New).is_empty());
}

#[test]
fn renaming_a_record_is_a_name_mismatch_unless_an_alias_names_the_old_one() {
    let old = r#"{"type":"record","name":"a.Old","fields":[]}"#;
    assert_eq!(
        backward(old, r#"{"type":"record","name":"a.New","fields":[]}"#),
        vec!["{errorType:'NAME_MISMATCH', description:'The name of the schema has changed (path '/name')', additionalInfo:'expected: a.Old'}"]
    );
    assert!(backward(
        old,
        r#"{"type":"record","name":"a.New","aliases":["Old"],"fields":[]}"#
    )
    .is_empty());
    assert!(
        backward(old, r#"{"type":"record","name":"b.Old","fields":[]}"#).is_empty(),
        "a namespace change alone passes"
    );
}

#[test]
fn removed_enum_symbols_are_missing_unless_the_reader_has_a_default() {
    let old = r#"{"type":"enum","name":"E","symbols":["A","B","C"]}"#;
    let new = r#"{"type":"enum","name":"E","symbols":["A"]}"#;
    assert_eq!(
        backward(old, new),
        vec!["{errorType:'MISSING_ENUM_SYMBOLS', description:'The new schema is missing enum symbols '[B, C]' at path '/symbols' in the old schema', additionalInfo:'[B, C]'}"]
    );
    assert!(
        forward(old, new).is_empty(),
        "the old reader knows every new symbol"
    );
    assert!(backward(
        old,
        r#"{"type":"enum","name":"E","symbols":["A"],"default":"A"}"#
    )
    .is_empty());
}

#[test]
fn a_missing_enum_field_with_an_enum_default_is_checked_against_the_writer_record() {
    let old = record(ID_ONLY);
    let new = record(
        r#"{"name":"id","type":"int"},{"name":"e","type":{"type":"enum","name":"E","symbols":["A"],"default":"A"}}"#,
    );
    assert_eq!(
        backward(&old, &new),
        vec!["{errorType:'TYPE_MISMATCH', description:'The type (path '/fields/1/type') of a field in the new schema does not match with the old schema', additionalInfo:'reader type: ENUM not compatible with writer type: RECORD'}"]
    );
}

#[test]
fn fixed_sizes_must_be_equal() {
    let old = r#"{"type":"fixed","name":"F","size":4}"#;
    assert!(backward(old, old).is_empty());
    assert_eq!(
        backward(old, r#"{"type":"fixed","name":"F","size":8}"#),
        vec!["{errorType:'FIXED_SIZE_MISMATCH', description:'The size of FIXED type field at path '/size' in the new schema does not match with the old schema', additionalInfo:'expected: 4, found: 8'}"]
    );
}

#[test]
fn arrays_and_maps_recurse_into_their_items_and_values() {
    let old = record(
        r#"{"name":"a","type":{"type":"array","items":"long"}},{"name":"m","type":{"type":"map","values":"string"}}"#,
    );
    let new = record(
        r#"{"name":"a","type":{"type":"array","items":"int"}},{"name":"m","type":{"type":"map","values":"int"}}"#,
    );
    let messages = backward(&old, &new);
    assert_eq!(messages.len(), 2);
    assert!(
        messages[0].contains("path '/fields/0/type/items'"),
        "{}",
        messages[0]
    );
    assert!(
        messages[1].contains("path '/fields/1/type/values'"),
        "{}",
        messages[1]
    );
    assert!(
        forward(&old, &new).iter().all(|m| !m.contains("items")),
        "int promotes to long"
    );
}

#[test]
fn adding_a_union_branch_is_backward_but_not_forward_compatible() {
    let old = record(r#"{"name":"v","type":["null","string"]}"#);
    let new = record(r#"{"name":"v","type":["null","string","int"]}"#);
    assert!(backward(&old, &new).is_empty());
    assert_eq!(
        forward(&old, &new),
        vec!["{errorType:'MISSING_UNION_BRANCH', description:'The old schema is missing a type inside a union field at path '/fields/0/type/2' in the new schema', additionalInfo:'reader union lacking writer type: INT'}"]
    );
}

#[test]
fn a_plain_writer_is_readable_by_a_union_that_accepts_it() {
    assert!(backward(r#""int""#, r#"["null","long"]"#).is_empty());
    assert_eq!(
        backward(r#""boolean""#, r#"["null","long"]"#),
        vec!["{errorType:'MISSING_UNION_BRANCH', description:'The new schema is missing a type inside a union field at path '/' in the old schema', additionalInfo:'reader union lacking writer type: BOOLEAN'}"]
    );
}

#[test]
fn a_writer_union_must_be_readable_branch_by_branch_by_a_plain_reader() {
    assert!(backward(r#"["int","long"]"#, r#""double""#).is_empty());
    let messages = backward(r#"["int","string"]"#, r#""long""#);
    assert_eq!(messages.len(), 1);
    assert!(
        messages[0].contains("TYPE_MISMATCH") && messages[0].contains("path '/1'"),
        "{}",
        messages[0]
    );
}

#[test]
fn every_incompatibility_is_reported_not_only_the_first() {
    let old = record(r#"{"name":"a","type":"string"},{"name":"b","type":"string"}"#);
    let new =
        record(r#"{"name":"a","type":"int"},{"name":"b","type":"int"},{"name":"c","type":"int"}"#);
    assert_eq!(backward(&old, &new).len(), 3);
}

#[test]
fn recursive_schemas_terminate_and_are_compared_structurally() {
    let old = r#"{"type":"record","name":"Node","fields":[{"name":"v","type":"int"},{"name":"next","type":["null","Node"]}]}"#;
    let new = r#"{"type":"record","name":"Node","fields":[{"name":"v","type":"long"},{"name":"next","type":["null","Node"]}]}"#;
    assert!(backward(old, new).is_empty());
    let messages = forward(old, new);
    assert!(
        messages.iter().any(|m| m.contains("path '/fields/0/type'")),
        "{messages:?}"
    );
}

#[test]
fn types_from_dependencies_take_part_in_the_check() {
    let v1 = [dependency(
        "Money",
        r#"{"type":"record","name":"Money","fields":[{"name":"cents","type":"long"}]}"#,
    )];
    let v2 = [dependency(
        "Money",
        r#"{"type":"record","name":"Money","fields":[{"name":"cents","type":"long"},{"name":"currency","type":"string"}]}"#,
    )];
    let text = record(r#"{"name":"price","type":"Money"}"#);
    let old = parse(&text, &v1).expect("parses");
    let new = parse(&text, &v2).expect("parses");
    assert_eq!(
        can_read(&new, &old, ReaderIs::New),
        vec!["{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'currency' at path '/fields/0/type/fields/1' in the new schema has no default value and is missing in the old schema', additionalInfo:'currency'}"]
    );
    assert!(can_read(&old, &new, ReaderIs::Old).is_empty());
}
