//! JSON Schema: varied nested types and objects over one vocabulary of properties.

use proptest::prelude::*;
use serde_json::{json, Map, Value};

use accord::types::SchemaType;

use super::{compatible_with_itself, config, round_trips, verdicts_hold};

fn json_type() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        prop::sample::select(vec!["string", "integer", "number", "boolean", "null"])
            .prop_map(|t| json!({ "type": t })),
        (0u32..10).prop_map(|n| json!({"type": "string", "maxLength": n})),
        (-5i64..5).prop_map(|n| json!({"type": "integer", "minimum": n})),
        prop::collection::vec(0i64..4, 1..4).prop_map(|values| json!({ "enum": values })),
    ];
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            (
                prop::collection::vec(inner.clone(), 0..4),
                any::<bool>(),
                any::<bool>()
            )
                .prop_map(|(properties, closed, required)| {
                    let mut object = json_object(properties, closed);
                    if required
                        && object["properties"]
                            .as_object()
                            .is_some_and(|p| !p.is_empty())
                    {
                        object["required"] = json!(["p0"]);
                    }
                    object
                }),
            inner
                .clone()
                .prop_map(|items| json!({"type": "array", "items": items})),
            prop::collection::vec(inner, 1..3).prop_map(|branches| json!({ "oneOf": branches })),
        ]
    })
}

fn json_object(properties: Vec<Value>, closed: bool) -> Value {
    let properties: Map<String, Value> = properties
        .into_iter()
        .enumerate()
        .map(|(i, p)| (format!("p{i}"), p))
        .collect();
    let mut object = json!({"type": "object", "properties": properties});
    if closed {
        object["additionalProperties"] = json!(false);
    }
    object
}

fn json_schema() -> impl Strategy<Value = String> {
    (prop::collection::vec(json_type(), 0..4), any::<bool>())
        .prop_map(|(properties, closed)| json_object(properties, closed).to_string())
}

/// An object over a small vocabulary of properties, open or closed, some required.
fn json_object_in_vocabulary() -> impl Strategy<Value = String> {
    let property = (0usize..4, 0usize..4, any::<bool>());
    (prop::collection::vec(property, 0..4), any::<bool>()).prop_map(|(properties, closed)| {
        let mut map = Map::new();
        let mut required = Vec::new();
        for (name, kind, is_required) in properties {
            let t = ["string", "integer", "number", "boolean"][kind];
            if map
                .insert(format!("p{name}"), json!({ "type": t }))
                .is_none()
                && is_required
            {
                required.push(format!("p{name}"));
            }
        }
        let mut object = json!({"type": "object", "properties": map});
        if !required.is_empty() {
            object["required"] = json!(required);
        }
        if closed {
            object["additionalProperties"] = json!(false);
        }
        object.to_string()
    })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn json_schemas_are_compatible_with_themselves_at_every_level(text in json_schema()) {
        compatible_with_itself(SchemaType::Json, &text);
    }

    #[test]
    fn json_schema_canonical_and_normalized_texts_are_stable(text in json_schema()) {
        round_trips(SchemaType::Json, &text);
    }

    #[test]
    fn json_schema_verdicts_survive_normalization_and_full_is_both_directions(
        old in json_object_in_vocabulary(),
        new in json_object_in_vocabulary(),
    ) {
        verdicts_hold(SchemaType::Json, &old, &new);
    }
}
