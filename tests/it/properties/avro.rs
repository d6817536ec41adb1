//! Avro: varied types (records, enums, fixed, arrays, maps, unions) and records over one
//! vocabulary of fields.

use proptest::prelude::*;
use serde_json::{json, Map, Value};

use accord::types::SchemaType;

use super::{compatible_with_itself, config, round_trips, verdicts_hold};

/// A varied Avro type; named types get unique names when rendered.
#[derive(Debug, Clone)]
enum Avro {
    Primitive(&'static str),
    Record(Vec<Avro>),
    Enum(usize),
    Fixed(u8),
    Array(Box<Avro>),
    Map(Box<Avro>),
    Optional(Box<Avro>),
}

fn avro_type() -> impl Strategy<Value = Avro> {
    let leaf = prop_oneof![
        prop::sample::select(vec![
            "null", "boolean", "int", "long", "float", "double", "bytes", "string"
        ])
        .prop_map(Avro::Primitive),
        (1usize..5).prop_map(Avro::Enum),
        (1u8..32).prop_map(Avro::Fixed),
    ];
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Avro::Record),
            inner.clone().prop_map(|t| Avro::Array(Box::new(t))),
            inner.clone().prop_map(|t| Avro::Map(Box::new(t))),
            inner.prop_map(|t| Avro::Optional(Box::new(t))),
        ]
    })
}

fn render_avro(t: &Avro, names: &mut usize) -> Value {
    let mut name = || {
        *names += 1;
        format!("T{names}")
    };
    match t {
        Avro::Primitive(p) => json!(p),
        Avro::Record(fields) => {
            let name = name();
            let fields: Vec<Value> = fields
                .iter()
                .enumerate()
                .map(|(i, f)| json!({"name": format!("f{i}"), "type": render_avro(f, names)}))
                .collect();
            json!({"type": "record", "name": name, "namespace": "gen", "fields": fields})
        }
        Avro::Enum(n) => {
            let symbols: Vec<String> = (0..*n).map(|i| format!("S{i}")).collect();
            json!({"type": "enum", "name": name(), "symbols": symbols})
        }
        Avro::Fixed(size) => json!({"type": "fixed", "name": name(), "size": size}),
        Avro::Array(items) => json!({"type": "array", "items": render_avro(items, names)}),
        Avro::Map(values) => json!({"type": "map", "values": render_avro(values, names)}),
        Avro::Optional(inner) => match render_avro(inner, names) {
            // A union may not hold a union or a second null.
            Value::String(s) if s == "null" => json!("null"),
            Value::Array(branches) => Value::Array(branches),
            other => json!(["null", other]),
        },
    }
}

fn avro_schema() -> impl Strategy<Value = String> {
    prop::collection::vec(avro_type(), 1..5)
        .prop_map(|fields| render_avro(&Avro::Record(fields), &mut 0).to_string())
}

/// A record `R` over a small vocabulary of fields, so that pairs share names and differ in types
/// and defaults.
fn avro_record_in_vocabulary() -> impl Strategy<Value = String> {
    let field = (0usize..5, 0usize..6, any::<bool>()).prop_map(|(name, kind, with_default)| {
        let (t, default) = match kind {
            0 => (json!("int"), json!(0)),
            1 => (json!("long"), json!(0)),
            2 => (json!("string"), json!("")),
            3 => (json!(["null", "string"]), json!(null)),
            4 => (json!("double"), json!(0.0)),
            _ => (
                json!({"type": "enum", "name": format!("E{name}"), "symbols": ["A", "B"]}),
                json!("A"),
            ),
        };
        let mut field = Map::new();
        field.insert("name".into(), json!(format!("f{name}")));
        field.insert("type".into(), t);
        if with_default {
            field.insert("default".into(), default);
        }
        (name, Value::Object(field))
    });
    prop::collection::vec(field, 0..5).prop_map(|fields| {
        let mut seen = std::collections::BTreeSet::new();
        let fields: Vec<Value> = fields
            .into_iter()
            .filter(|(name, _)| seen.insert(*name))
            .map(|(_, f)| f)
            .collect();
        json!({"type": "record", "name": "R", "namespace": "gen", "fields": fields}).to_string()
    })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn avro_schemas_are_compatible_with_themselves_at_every_level(text in avro_schema()) {
        compatible_with_itself(SchemaType::Avro, &text);
    }

    #[test]
    fn avro_canonical_and_normalized_texts_are_stable(text in avro_schema()) {
        round_trips(SchemaType::Avro, &text);
    }

    #[test]
    fn avro_verdicts_survive_normalization_and_full_is_both_directions(
        old in avro_record_in_vocabulary(),
        new in avro_record_in_vocabulary(),
    ) {
        verdicts_hold(SchemaType::Avro, &old, &new);
    }
}
