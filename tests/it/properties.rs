//! Properties of the format engines over generated schemas (proptest), for Avro, JSON Schema and
//! Protobuf: a schema is compatible with itself at every level; parse → canonical → parse is
//! stable; normalization is idempotent and keeps every verdict; FULL is BACKWARD and FORWARD
//! together. Two kinds of generated schemas: varied ones (nesting, every kind of type) for the
//! single-schema properties, and pairs drawn from one small vocabulary of fields, so that many
//! pairs are compatible and many are not, for the verdict properties.

use proptest::prelude::*;
use serde_json::{json, Map, Value};

use accord::format::ParsedSchema;
use accord::registry::compatibility::{check, Previous};
use accord::types::{Compatibility, SchemaType, Version};

const LEVELS: [Compatibility; 7] = [
    Compatibility::None,
    Compatibility::Backward,
    Compatibility::BackwardTransitive,
    Compatibility::Forward,
    Compatibility::ForwardTransitive,
    Compatibility::Full,
    Compatibility::FullTransitive,
];

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 64,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn parse(schema_type: SchemaType, text: &str) -> ParsedSchema {
    ParsedSchema::parse(schema_type, text, &[])
        .unwrap_or_else(|err| panic!("generated schema does not parse: {err}\n{text}"))
}

/// True when `candidate` may follow `old` under `level`.
fn verdict(level: Compatibility, candidate: &ParsedSchema, old: &ParsedSchema) -> bool {
    let previous = [Previous {
        version: Version(1),
        schema: old,
        text: "",
    }];
    check(level, candidate, &previous).is_empty()
}

/// A schema is compatible with itself at every level, also against a history of itself.
fn compatible_with_itself(schema_type: SchemaType, text: &str) {
    let schema = parse(schema_type, text);
    for level in LEVELS {
        let history = [
            Previous {
                version: Version(2),
                schema: &schema,
                text,
            },
            Previous {
                version: Version(1),
                schema: &schema,
                text,
            },
        ];
        let reasons = check(level, &schema, &history);
        assert!(reasons.is_empty(), "{level:?}: {reasons:?}\n{text}");
    }
}

/// Canonical text parses back to itself; normalized text normalizes to itself.
fn round_trips(schema_type: SchemaType, text: &str) {
    let schema = parse(schema_type, text);
    let canonical = schema.canonical();
    assert_eq!(
        parse(schema_type, &canonical).canonical(),
        canonical,
        "{text}"
    );
    let normalized = schema.normalized();
    assert_eq!(
        parse(schema_type, &normalized).normalized(),
        normalized,
        "{text}"
    );
    assert_eq!(
        parse(schema_type, &canonical).normalized(),
        normalized,
        "{text}"
    );
}

/// Normalizing both schemas changes no verdict, and FULL is BACKWARD and FORWARD together.
fn verdicts_hold(schema_type: SchemaType, old: &str, new: &str) {
    let (old, new) = (parse(schema_type, old), parse(schema_type, new));
    let (old_n, new_n) = (
        parse(schema_type, &old.normalized()),
        parse(schema_type, &new.normalized()),
    );
    for level in LEVELS {
        assert_eq!(
            verdict(level, &new, &old),
            verdict(level, &new_n, &old_n),
            "{level:?} changed by normalization:\nold {}\nnew {}",
            old.canonical(),
            new.canonical()
        );
    }
    let backward = verdict(Compatibility::Backward, &new, &old);
    let forward = verdict(Compatibility::Forward, &new, &old);
    assert_eq!(
        verdict(Compatibility::Full, &new, &old),
        backward && forward,
        "FULL is not BACKWARD and FORWARD:\nold {}\nnew {}",
        old.canonical(),
        new.canonical()
    );
    assert_eq!(
        verdict(Compatibility::FullTransitive, &new, &old),
        verdict(Compatibility::BackwardTransitive, &new, &old)
            && verdict(Compatibility::ForwardTransitive, &new, &old)
    );
}

// ---- Avro ----

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

// ---- JSON Schema ----

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

// ---- Protobuf ----

const PROTO_SCALARS: [&str; 10] = [
    "int32", "int64", "uint32", "sint64", "fixed32", "bool", "string", "bytes", "double", "float",
];

/// A message `M` with fields of varied types and labels, a nested message and an enum.
fn proto_schema() -> impl Strategy<Value = String> {
    let field = (0usize..PROTO_SCALARS.len() + 2, 0usize..3);
    (prop::collection::vec(field, 1..8), any::<bool>()).prop_map(|(fields, proto3)| {
        let mut body = String::new();
        for (i, (kind, label)) in fields.iter().enumerate() {
            let t = match *kind {
                k if k < PROTO_SCALARS.len() => PROTO_SCALARS[k],
                k if k == PROTO_SCALARS.len() => "Inner",
                _ => "Kind",
            };
            let label = match (label, proto3) {
                (0, _) => "repeated ",
                (1, true) => "",
                (1, false) => "optional ",
                (_, true) => "optional ",
                (_, false) => "required ",
            };
            body.push_str(&format!("  {label}{t} f{i} = {};\n", i + 1));
        }
        let (syntax, inner_label) = if proto3 {
            ("proto3", "")
        } else {
            ("proto2", "optional ")
        };
        format!(
            "syntax = \"{syntax}\";\npackage gen;\n\nmessage M {{\n{body}  message Inner {{\n    \
             {inner_label}string name = 1;\n  }}\n}}\nenum Kind {{\n  K0 = 0;\n  K1 = 1;\n}}\n"
        )
    })
}

/// A proto3 message `M` over a small vocabulary of fields: same numbers, varied types.
fn proto_message_in_vocabulary() -> impl Strategy<Value = String> {
    let field = (0usize..5, 0usize..6, any::<bool>());
    prop::collection::vec(field, 0..5).prop_map(|fields| {
        let mut seen = std::collections::BTreeSet::new();
        let mut body = String::new();
        for (number, kind, repeated) in fields {
            if !seen.insert(number) {
                continue;
            }
            let t = ["int32", "int64", "string", "bytes", "double", "Kind"][kind];
            let label = if repeated { "repeated " } else { "" };
            body.push_str(&format!("  {label}{t} f{number} = {};\n", number + 1));
        }
        format!(
            "syntax = \"proto3\";\npackage gen;\n\nmessage M {{\n{body}}}\nenum Kind {{\n  K0 = 0;\n}}\n"
        )
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

    #[test]
    fn protobuf_schemas_are_compatible_with_themselves_at_every_level(text in proto_schema()) {
        compatible_with_itself(SchemaType::Protobuf, &text);
    }

    #[test]
    fn protobuf_canonical_and_normalized_texts_are_stable(text in proto_schema()) {
        round_trips(SchemaType::Protobuf, &text);
    }

    #[test]
    fn protobuf_verdicts_survive_normalization_and_full_is_both_directions(
        old in proto_message_in_vocabulary(),
        new in proto_message_in_vocabulary(),
    ) {
        verdicts_hold(SchemaType::Protobuf, &old, &new);
    }
}
