use super::{avro, normalize, parse};

fn canonical(text: &str) -> String {
    avro(text).canonical()
}

#[test]
fn whitespace_and_key_order_do_not_change_the_canonical_text() {
    let a = r#"{"type":"record","name":"R","namespace":"ns","fields":[{"name":"a","type":"int","default":1,"doc":"d"}]}"#;
    let b = r#"{ "fields" : [ { "doc":"d", "default": 1, "type": "int", "name": "a" } ],
                "namespace": "ns", "name": "R", "type": "record" }"#;
    assert_eq!(canonical(a), canonical(b));
    assert_eq!(
        canonical(a),
        r#"{"type":"record","name":"R","namespace":"ns","fields":[{"name":"a","type":"int","doc":"d","default":1}]}"#
    );
}

#[test]
fn primitives_are_written_as_names_unless_they_carry_properties() {
    assert_eq!(canonical(r#"{"type":"string"}"#), r#""string""#);
    assert_eq!(
        canonical(r#"{"logicalType":"timestamp-millis","type":"long"}"#),
        r#"{"type":"long","logicalType":"timestamp-millis"}"#
    );
}

#[test]
fn a_named_type_written_once_is_referenced_afterwards() {
    let text = r#"{"type":"record","name":"R","namespace":"a","fields":[
        {"name":"x","type":{"type":"fixed","name":"F","size":2}},
        {"name":"y","type":"F"},
        {"name":"z","type":{"type":"enum","name":"E","namespace":"b","symbols":["A"]}},
        {"name":"w","type":"b.E"}]}"#;
    assert_eq!(
        canonical(text),
        concat!(
            r#"{"type":"record","name":"R","namespace":"a","fields":["#,
            r#"{"name":"x","type":{"type":"fixed","name":"F","size":2}},{"name":"y","type":"F"},"#,
            r#"{"name":"z","type":{"type":"enum","name":"E","namespace":"b","symbols":["A"]}},"#,
            r#"{"name":"w","type":"b.E"}]}"#
        )
    );
}

#[test]
fn a_recursive_record_refers_to_itself_by_name() {
    let text = r#"{"type":"record","name":"Node","fields":[{"name":"next","type":["null","Node"],"default":null}]}"#;
    assert_eq!(canonical(text), text);
}

#[test]
fn a_global_type_inside_a_namespace_gets_an_empty_namespace() {
    let text = r#"{"type":"record","name":"R","namespace":"ns","fields":[
        {"name":"g","type":{"type":"record","name":"G","namespace":"","fields":[]}}]}"#;
    assert_eq!(
        canonical(text),
        r#"{"type":"record","name":"R","namespace":"ns","fields":[{"name":"g","type":{"type":"record","name":"G","namespace":"","fields":[]}}]}"#
    );
}

#[test]
fn qualified_names_are_split_into_name_and_namespace() {
    assert_eq!(
        canonical(
            r#"{"type":"enum","name":"a.b.E","symbols":["X"],"default":"X","aliases":["a.b.Old","c.Other"]}"#
        ),
        r#"{"type":"enum","name":"E","namespace":"a.b","symbols":["X"],"default":"X","aliases":["Old","c.Other"]}"#
    );
}

#[test]
fn fields_keep_java_key_order_with_order_aliases_and_properties() {
    let text = super::record(
        r#"{"x-prop":true,"aliases":["b"],"order":"DESCENDING","default":"v","doc":"d","type":"string","name":"a"}"#,
    );
    assert_eq!(
        canonical(&text),
        r#"{"type":"record","name":"R","fields":[{"name":"a","type":"string","doc":"d","default":"v","order":"descending","aliases":["b"],"x-prop":true}]}"#
    );
}

#[test]
fn defaults_render_as_java_renders_their_json_nodes() {
    let text = super::record(
        r#"{"name":"a","type":"double","default":1.50},{"name":"b","type":"double","default":1e10},
           {"name":"c","type":"long","default":12},{"name":"d","type":"float","default":"1.5"},
           {"name":"e","type":{"type":"map","values":"int"},"default":{"z":1,"a":2}}"#,
    );
    assert_eq!(
        canonical(&text),
        concat!(
            r#"{"type":"record","name":"R","fields":[{"name":"a","type":"double","default":1.5},"#,
            r#"{"name":"b","type":"double","default":1.0E10},{"name":"c","type":"long","default":12},"#,
            r#"{"name":"d","type":"float","default":1.5},"#,
            r#"{"name":"e","type":{"type":"map","values":"int"},"default":{"z":1,"a":2}}]}"#
        )
    );
}

#[test]
fn record_props_come_after_fields_and_before_aliases() {
    assert_eq!(
        canonical(
            r#"{"aliases":["O"],"connect.name":"x","fields":[],"doc":"hi","name":"R","type":"record"}"#
        ),
        r#"{"type":"record","name":"R","doc":"hi","fields":[],"connect.name":"x","aliases":["O"]}"#
    );
}

#[test]
fn dependency_types_are_referenced_not_inlined() {
    let deps = [super::dependency(
        "ns.F",
        r#"{"type":"fixed","name":"F","namespace":"ns","size":3}"#,
    )];
    let schema = parse(r#"{"type":"array","items":"ns.F"}"#, &deps).expect("parses");
    assert_eq!(schema.canonical(), r#"{"type":"array","items":"ns.F"}"#);
}

#[test]
fn normalize_sorts_properties_and_aliases_and_converts_defaults() {
    let text = r#"{"type":"record","name":"R","namespace":"ns","aliases":["Z","A"],"zeta":1,"alpha":{"y":1,"x":2},
        "fields":[{"name":"a","type":"double","default":1},{"name":"b","type":{"type":"bytes","precision":4,"logicalType":"decimal","scale":2}}]}"#;
    assert_eq!(
        normalize(&avro(text)).expect("normalizes"),
        concat!(
            r#"{"type":"record","name":"R","namespace":"ns","fields":[{"name":"a","type":"double","default":1.0},"#,
            r#"{"name":"b","type":{"type":"bytes","logicalType":"decimal","precision":4,"scale":2}}],"#,
            r#""alpha":{"x":2,"y":1},"zeta":1,"aliases":["A","Z"]}"#
        )
    );
}

#[test]
fn normalize_ignores_key_order_and_is_idempotent() {
    let a = r#"{"type":"record","name":"R","fields":[{"name":"a","type":"int","b":1,"a":2}],"y":1,"x":2}"#;
    let b = r#"{"x":2,"fields":[{"a":2,"type":"int","b":1,"name":"a"}],"name":"R","y":1,"type":"record"}"#;
    let normalized = |text: &str| normalize(&avro(text)).expect("normalizes");
    let once = normalized(a);
    assert_eq!(once, normalized(b));
    assert_eq!(normalized(&once), once);
}

#[test]
fn normalize_keeps_dependency_types_as_references() {
    let deps = [super::dependency(
        "ns.F",
        r#"{"type":"fixed","name":"F","namespace":"ns","size":3}"#,
    )];
    let schema = parse(r#"{"type":"map","values":"ns.F"}"#, &deps).expect("parses");
    assert_eq!(
        normalize(&schema).as_deref(),
        Ok(r#"{"type":"map","values":"ns.F"}"#)
    );
}
