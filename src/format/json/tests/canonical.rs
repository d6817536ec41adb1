use super::{json, normalize};

#[test]
fn canonical_text_is_compact_and_keeps_key_order() {
    let schema = json("{\n  \"type\": \"object\",\n  \"properties\": { \"b\": {\"type\": \"string\"}, \"a\": {} }\n}");
    assert_eq!(
        schema.canonical(),
        r#"{"type":"object","properties":{"b":{"type":"string"},"a":{}}}"#
    );
}

#[test]
fn canonical_numbers_are_written_as_javas_big_decimal() {
    let schema = json(
        r#"{"type":"number","minimum":1.50,"maximum":1e10,"multipleOf":0.0000001,"default":-0,"examples":[2.0,100,1.5E3,0.001]}"#,
    );
    assert_eq!(
        schema.canonical(),
        r#"{"type":"number","minimum":1.50,"maximum":1E+10,"multipleOf":1E-7,"default":0,"examples":[2.0,100,1.5E+3,0.001]}"#
    );
}

#[test]
fn canonical_strings_escape_as_jackson_does() {
    let schema = json(r#"{"description":"tab\there \u0001 \"q\" \/ é"}"#);
    assert_eq!(
        schema.canonical(),
        "{\"description\":\"tab\\there \\u0001 \\\"q\\\" / é\"}"
    );
}

#[test]
fn a_repeated_key_keeps_its_first_position_and_last_value() {
    let schema = json(r#"{"title":"a","type":"string","title":"b"}"#);
    assert_eq!(schema.canonical(), r#"{"title":"b","type":"string"}"#);
}

#[test]
fn normalize_sorts_keys_at_every_level() {
    let schema = json(
        r#"{"type":"object","properties":{"b":{"type":"string","maxLength":3},"a":{}},"required":["b"]}"#,
    );
    assert_eq!(
        normalize(&schema),
        r#"{"properties":{"a":{},"b":{"maxLength":3,"type":"string"}},"required":["b"],"type":"object"}"#
    );
}

#[test]
fn normalize_is_independent_of_key_order_and_whitespace() {
    let one = json(r#"{"type":"object","properties":{"x":{"type":"integer"}}}"#);
    let two = json("{ \"properties\" : {\"x\": {\"type\":\"integer\"}},\n \"type\": \"object\" }");
    assert_eq!(normalize(&one), normalize(&two));
    assert_ne!(one.canonical(), two.canonical());
}

#[test]
fn normalize_is_idempotent() {
    let once = normalize(&json(
        r#"{"z":1,"a":{"d":[{"c":1,"b":2}]},"type":"object"}"#,
    ));
    assert_eq!(normalize(&json(&once)), once);
}
