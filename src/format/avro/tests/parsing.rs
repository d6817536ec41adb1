use super::{avro, dependency, normalize, parse, refusal};

fn assert_refused(text: &str, expected: &str) {
    let err = refusal(text);
    assert!(err.contains(expected), "expected '{expected}' in: {err}");
}

/// Checks that `text` registers, but that normalizing it refuses an invalid default.
fn assert_invalid_default(text: &str, expected: &str) {
    let err = normalize(&avro(text)).expect_err("an invalid default");
    assert!(err.contains(expected), "expected '{expected}' in: {err}");
}

#[test]
fn invalid_json_is_refused() {
    assert_refused(r#"{"type":"record""#, "invalid JSON");
}

#[test]
fn json_nested_too_deeply_is_refused_before_parsing() {
    let text = format!("{}\"int\"{}", "[".repeat(2000), "]".repeat(2000));
    assert_refused(&text, "nested 2000 levels deep");
}

#[test]
fn unknown_type_names_are_refused() {
    assert_refused(
        r#"{"type":"record","name":"R","fields":[{"name":"a","type":"Nope"}]}"#,
        "unknown type 'Nope'",
    );
}

#[test]
fn a_type_used_before_it_is_defined_is_unknown() {
    let text = r#"{"type":"record","name":"R","fields":[{"name":"a","type":"E"},
        {"name":"b","type":{"type":"enum","name":"E","symbols":["X"]}}]}"#;
    assert_refused(text, "unknown type 'E'");
}

#[test]
fn illegal_names_are_refused() {
    assert_refused(
        r#"{"type":"record","name":"1R","fields":[]}"#,
        "illegal initial character in '1R'",
    );
    assert_refused(
        r#"{"type":"record","name":"R-x","fields":[]}"#,
        "illegal character in 'R-x'",
    );
    assert_refused(
        r#"{"type":"record","name":"R","fields":[{"name":"a b","type":"int"}]}"#,
        "field 'a b'",
    );
}

#[test]
fn a_namespace_breaking_the_naming_rule_is_registered_with_a_warning() {
    // Java's `Schema.Name` (Avro 1.11) checks the simple name only.
    let schema = avro(r#"{"type":"record","name":"R","namespace":"a.9b","fields":[]}"#);
    assert_eq!(
        schema.warnings(),
        ["record 'a.9b.R': namespace 'a.9b': illegal initial character in '9b'"]
    );
    assert!(normalize(&schema).is_ok());
}

#[test]
fn a_named_type_called_like_a_primitive_is_refused() {
    assert_refused(
        r#"{"type":"fixed","name":"int","size":4}"#,
        "named after the primitive type 'int'",
    );
}

#[test]
fn redefining_a_name_is_refused() {
    let text = r#"{"type":"record","name":"R","fields":[
        {"name":"a","type":{"type":"fixed","name":"F","size":1}},
        {"name":"b","type":{"type":"fixed","name":"F","size":1}}]}"#;
    assert_refused(text, "can't redefine 'F'");
}

#[test]
fn redefining_a_name_from_a_dependency_is_refused() {
    let deps = [dependency("F", r#"{"type":"fixed","name":"F","size":1}"#)];
    let err = parse(r#"{"type":"fixed","name":"F","size":2}"#, &deps).expect_err("refused");
    assert!(err.contains("can't redefine 'F'"), "{err}");
}

#[test]
fn duplicate_field_names_are_refused() {
    assert_refused(
        &super::record(r#"{"name":"a","type":"int"},{"name":"a","type":"long"}"#),
        "two fields named 'a'",
    );
}

#[test]
fn duplicate_and_invalid_enum_symbols_are_refused() {
    assert_refused(
        r#"{"type":"enum","name":"E","symbols":["A","A"]}"#,
        "symbol 'A' twice",
    );
    assert_refused(
        r#"{"type":"enum","name":"E","symbols":["A","b-c"]}"#,
        "symbol 'b-c'",
    );
    assert_refused(
        r#"{"type":"enum","name":"E","symbols":["A",1]}"#,
        "not a string",
    );
    assert_refused(r#"{"type":"enum","name":"E"}"#, "no \"symbols\" array");
}

#[test]
fn an_enum_default_outside_its_symbols_is_refused() {
    assert_refused(
        r#"{"type":"enum","name":"E","symbols":["A"],"default":"B"}"#,
        "default 'B'",
    );
}

#[test]
fn fixed_needs_a_non_negative_integer_size() {
    for size in [r#""4""#, "-1", "1.5", "4294967296"] {
        let text = format!(r#"{{"type":"fixed","name":"F","size":{size}}}"#);
        assert_refused(&text, "non-negative 32-bit integer");
    }
    assert_refused(r#"{"type":"fixed","name":"F"}"#, "\"size\"");
}

/// Confluent parses with default validation off: an invalid default registers (with a
/// warning), but normalizing validates and refuses it.
#[test]
fn field_defaults_that_do_not_match_their_type_are_warned_of_and_refused_normalized() {
    let cases = [
        (r#""int""#, r#""1""#),
        (r#""int""#, "2147483648"),
        (r#""int""#, "1.5"),
        (r#""long""#, "9223372036854775808"),
        (r#""double""#, "true"),
        (r#""string""#, "1"),
        (r#""bytes""#, "null"),
        (r#""boolean""#, "0"),
        (r#""null""#, "0"),
        (r#"{"type":"array","items":"int"}"#, r#"["a"]"#),
        (r#"{"type":"map","values":"int"}"#, "[]"),
        (r#"{"type":"enum","name":"E","symbols":["A"]}"#, "1"),
        (r#"{"type":"fixed","name":"F","size":2}"#, "2"),
    ];
    for (field_type, default) in cases {
        let text = super::record(&format!(
            r#"{{"name":"f","type":{field_type},"default":{default}}}"#
        ));
        let schema = avro(&text);
        let warnings = schema.warnings();
        assert_eq!(warnings.len(), 1, "{text}: {warnings:?}");
        assert!(
            warnings[0].starts_with("record 'R': invalid default for field 'f': "),
            "{text}: {warnings:?}"
        );
        assert_eq!(normalize(&schema), Err(warnings[0].clone()), "{text}");
    }
}

#[test]
fn an_enum_default_that_is_not_a_symbol_is_valid_as_in_java_but_warned_of() {
    let text = super::record(
        r#"{"name":"f","type":{"type":"enum","name":"E","symbols":["A"]},"default":"Z"}"#,
    );
    let schema = avro(&text);
    assert_eq!(
        schema.warnings(),
        ["the default of field 'f', 'Z', is not a symbol of enum 'E': a reader that needs it fails"]
    );
    assert!(normalize(&schema).is_ok());
}

#[test]
fn matching_defaults_are_accepted() {
    let cases = [
        (r#""int""#, "-2147483648"),
        (r#""long""#, "9223372036854775807"),
        (r#""float""#, "1"),
        (r#""double""#, r#""NaN""#),
        (r#""bytes""#, r#""\u00ff""#),
        (r#"{"type":"map","values":"int"}"#, r#"{"a":1}"#),
        (r#"{"type":"array","items":"string"}"#, r#"["a"]"#),
        (r#"["null","int"]"#, "null"),
        (r#"["int","null"]"#, "1"),
    ];
    for (field_type, default) in cases {
        let text = super::record(&format!(
            r#"{{"name":"f","type":{field_type},"default":{default}}}"#
        ));
        super::avro(&text);
    }
}

#[test]
fn a_union_default_must_match_the_first_branch() {
    let text = super::record(r#"{"name":"f","type":["null","int"],"default":1}"#);
    assert_invalid_default(&text, "first branch");
}

#[test]
fn a_record_default_needs_every_field_without_its_own_default() {
    let inner = r#"{"type":"record","name":"I","fields":[{"name":"a","type":"int"},{"name":"b","type":"int","default":2}]}"#;
    super::avro(&super::record(&format!(
        r#"{{"name":"f","type":{inner},"default":{{"a":1}}}}"#
    )));
    let text = super::record(&format!(
        r#"{{"name":"f","type":{inner},"default":{{"b":1}}}}"#
    ));
    assert_invalid_default(&text, "lacks field 'a'");
}

#[test]
fn unions_nested_in_unions_are_refused() {
    assert_refused(
        r#"["null",["int","string"]]"#,
        "may not directly contain another union",
    );
}

#[test]
fn duplicate_union_branches_are_refused() {
    assert_refused(r#"["int","int"]"#, "duplicate 'int' in union");
    assert_refused(
        r#"[{"type":"array","items":"int"},{"type":"array","items":"long"}]"#,
        "duplicate 'array'",
    );
    let text = super::record(
        r#"{"name":"a","type":{"type":"fixed","name":"F","size":1}},{"name":"b","type":["F","F"]}"#,
    );
    assert_refused(&text, "duplicate 'F' in union");
}

#[test]
fn invalid_field_order_and_aliases_are_refused() {
    assert_refused(
        &super::record(r#"{"name":"a","type":"int","order":"sideways"}"#),
        "\"order\"",
    );
    assert_refused(
        r#"{"type":"record","name":"R","aliases":"Old","fields":[]}"#,
        "not an array",
    );
}

#[test]
fn invalid_logical_types_are_kept_as_plain_properties() {
    super::avro(r#"{"type":"bytes","logicalType":"decimal","scale":4,"precision":2}"#);
    super::avro(r#"{"type":"bytes","logicalType":"decimal"}"#);
    super::avro(r#"{"type":"string","logicalType":"date"}"#);
}

#[test]
fn a_dependency_supplies_named_types_to_the_schema() {
    let deps = [
        dependency(
            "com.acme.Currency",
            r#"{"type":"enum","name":"Currency","namespace":"com.acme","symbols":["EUR"]}"#,
        ),
        dependency(
            "com.acme.Money",
            r#"{"type":"record","name":"Money","namespace":"com.acme","fields":[{"name":"currency","type":"Currency"}]}"#,
        ),
    ];
    let schema = parse(
        &super::record(r#"{"name":"price","type":"com.acme.Money"}"#),
        &deps,
    )
    .expect("parses");
    assert_eq!(
        schema.canonical(),
        r#"{"type":"record","name":"R","fields":[{"name":"price","type":"com.acme.Money"}]}"#
    );
}

#[test]
fn a_broken_dependency_is_named_in_the_error() {
    let deps = [dependency("Bad", "{")];
    let err = parse(r#""int""#, &deps).expect_err("refused");
    assert!(err.starts_with("reference 'Bad'"), "{err}");
}
