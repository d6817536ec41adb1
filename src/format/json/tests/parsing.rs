use super::{dependency, json, parse, refusal};
use crate::format::json::Draft;

#[test]
fn every_supported_draft_is_accepted_and_detected() {
    let cases = [
        ("http://json-schema.org/draft-04/schema#", Draft::Draft4),
        ("http://json-schema.org/draft-06/schema#", Draft::Draft6),
        ("http://json-schema.org/draft-07/schema#", Draft::Draft7),
        (
            "https://json-schema.org/draft/2019-09/schema",
            Draft::Draft201909,
        ),
        (
            "https://json-schema.org/draft/2020-12/schema",
            Draft::Draft202012,
        ),
    ];
    for (uri, draft) in cases {
        let schema = json(&format!(r#"{{"$schema":"{uri}","type":"string"}}"#));
        assert_eq!(schema.draft(), draft, "{uri}");
    }
}

#[test]
fn a_schema_without_dollar_schema_is_draft_7_as_in_confluent() {
    assert_eq!(json(r#"{"type":"string"}"#).draft(), Draft::Draft7);
    assert_eq!(json("true").draft(), Draft::Draft7);
}

#[test]
fn an_unknown_dollar_schema_is_read_as_draft_7_with_a_warning_as_in_confluent() {
    let schema = json(r#"{"$schema":"http://example.com/my-meta","type":"string"}"#);
    assert_eq!(schema.draft(), Draft::Draft7);
    assert_eq!(
        schema.warnings(),
        ["$schema 'http://example.com/my-meta' names no JSON Schema draft: it is read as draft-07"]
    );
}

#[test]
fn text_that_is_not_json_is_refused() {
    assert!(refusal("{").starts_with("invalid JSON"));
}

#[test]
fn json_that_is_not_a_schema_document_registers_with_a_warning_as_in_confluent() {
    for text in ["42", r#""string""#, "[]"] {
        let schema = json(text);
        assert_eq!(schema.canonical(), text);
        let warnings = schema.warnings();
        assert_eq!(warnings.len(), 1, "{text}: {warnings:?}");
        assert!(
            warnings[0].starts_with(&format!(
                "a JSON Schema is an object or a boolean, not {text}"
            )),
            "{warnings:?}"
        );
    }
    assert!(json(r#"{"type":"string"}"#).warnings().is_empty());
}

#[test]
fn meta_schema_violations_are_refused_per_draft_with_the_path() {
    let cases = [
        r#"{"$schema":"http://json-schema.org/draft-04/schema#","properties":{"a":{"type":"text"}}}"#,
        r#"{"$schema":"http://json-schema.org/draft-06/schema#","properties":{"a":{"type":"text"}}}"#,
        r#"{"properties":{"a":{"type":"text"}}}"#,
        r#"{"$schema":"https://json-schema.org/draft/2019-09/schema","properties":{"a":{"type":"text"}}}"#,
        r#"{"$schema":"https://json-schema.org/draft/2020-12/schema","properties":{"a":{"type":"text"}}}"#,
    ];
    for text in cases {
        let err = refusal(text);
        assert!(err.contains("not a valid"), "{err}");
        assert!(err.contains("'#/properties/a/type'"), "{err}");
    }
}

#[test]
fn draft_4_refuses_a_numeric_exclusive_maximum_that_draft_7_accepts() {
    let err = refusal(
        r#"{"$schema":"http://json-schema.org/draft-04/schema#","type":"number","exclusiveMaximum":5}"#,
    );
    assert!(err.contains("draft-04"), "{err}");
    json(r#"{"type":"number","exclusiveMaximum":5}"#);
}

#[test]
fn a_ref_to_a_dependency_resolves_by_its_name() {
    let address = r#"{"type":"object","properties":{"street":{"type":"string"}}}"#;
    let main = r#"{"type":"object","properties":{"home":{"$ref":"address.json"}}}"#;
    assert!(parse(main, &[dependency("address.json", address)]).is_ok());
}

#[test]
fn a_ref_to_a_dependency_resolves_by_an_absolute_url_and_fragment() {
    let defs = r#"{"$id":"https://example.com/defs.json","definitions":{"id":{"type":"integer"}}}"#;
    let main = r##"{"$id":"https://example.com/order.json","properties":{"id":{"$ref":"https://example.com/defs.json#/definitions/id"},"other":{"$ref":"defs.json#/definitions/id"}}}"##;
    let deps = [dependency("https://example.com/defs.json", defs)];
    assert!(parse(main, &deps).map_err(|e| panic!("{e}")).is_ok());
}

#[test]
fn an_unresolved_remote_ref_is_refused_and_named() {
    let err = refusal(r#"{"properties":{"a":{"$ref":"https://example.com/missing.json"}}}"#);
    assert!(err.contains("https://example.com/missing.json"), "{err}");
}

#[test]
fn a_local_ref_to_a_missing_definition_is_refused() {
    let err = refusal(r##"{"properties":{"a":{"$ref":"#/definitions/nope"}}}"##);
    assert!(err.contains("#/definitions/nope"), "{err}");
}

#[test]
fn local_refs_resolve_through_definitions_and_defs() {
    json(
        r##"{"definitions":{"n":{"type":"number"}},"properties":{"a":{"$ref":"#/definitions/n"}}}"##,
    );
    json(
        r##"{"$schema":"https://json-schema.org/draft/2020-12/schema","$defs":{"n":{"type":"number"}},"properties":{"a":{"$ref":"#/$defs/n"}}}"##,
    );
}

#[test]
fn a_ref_that_only_refers_to_itself_is_refused() {
    let err =
        refusal(r##"{"definitions":{"a":{"$ref":"#/definitions/a"}},"$ref":"#/definitions/a"}"##);
    assert!(
        err.contains("refers to itself") || err.contains("invalid"),
        "{err}"
    );
}

#[test]
fn an_invalid_pattern_is_refused() {
    assert!(parse(r#"{"type":"string","pattern":"(unclosed"}"#, &[]).is_err());
}

#[test]
fn nesting_deeper_than_the_json_limit_is_refused_without_overflowing() {
    let depth = 10_000;
    let text = format!("{}{}", r#"{"not":"#.repeat(depth), "}".repeat(depth));
    let err = refusal(&text);
    assert!(err.contains("recursion limit"), "{err}");
}

#[test]
fn moderately_deep_schemas_still_parse() {
    let depth = 60;
    let text = format!("{}{{}}{}", r#"{"not":"#.repeat(depth), "}".repeat(depth));
    json(&text);
}

#[test]
fn a_recursive_schema_parses() {
    json(
        r##"{"definitions":{"node":{"type":"object","properties":{"next":{"$ref":"#/definitions/node"}}}},"$ref":"#/definitions/node"}"##,
    );
}
