//! Field default validation as Java's `Schema.isValidDefault` does it (Avro 1.11): a union
//! default must match the union's first branch.

use std::collections::HashSet;

use serde_json::Value;

use super::{Kind, Node, NodeId, Primitive};

/// Checks that `value` is a valid default for the schema `id`; the error says why not.
pub(super) fn check(
    nodes: &[Node],
    pending: &HashSet<NodeId>,
    id: NodeId,
    value: &Value,
) -> Result<(), String> {
    let kind = &nodes[id].kind;
    let valid = match kind {
        Kind::Primitive(p) => is_valid_primitive(*p, value),
        // Java asks only for text: a symbol the enum lacks is valid (the parser warns of it).
        Kind::Enum(_) => value.is_string(),
        Kind::Fixed(_) => value.is_string(),
        Kind::Array(items) => {
            let Value::Array(elements) = value else {
                return Err(mismatch(kind, value));
            };
            return elements
                .iter()
                .try_for_each(|element| check(nodes, pending, *items, element));
        }
        Kind::Map(values) => {
            let Value::Object(entries) = value else {
                return Err(mismatch(kind, value));
            };
            return entries
                .values()
                .try_for_each(|entry| check(nodes, pending, *values, entry));
        }
        Kind::Union(branches) => {
            let Some(first) = branches.first() else {
                return Err("an empty union has no valid default".to_string());
            };
            return check(nodes, pending, *first, value)
                .map_err(|err| format!("{err} (a union default must match its first branch)"));
        }
        Kind::Record(record) => {
            if pending.contains(&id) {
                return Err(format!(
                    "record '{}' is used in a default before its fields are defined",
                    record.name.full()
                ));
            }
            let Value::Object(entries) = value else {
                return Err(mismatch(kind, value));
            };
            for field in &record.fields {
                let Some(field_value) = entries.get(&field.name).or(field.default.as_ref()) else {
                    return Err(format!(
                        "the default of record '{}' lacks field '{}', which has no default of its own",
                        record.name.full(),
                        field.name
                    ));
                };
                check(nodes, pending, field.schema, field_value)?;
            }
            return Ok(());
        }
    };
    if valid {
        Ok(())
    } else {
        Err(mismatch(kind, value))
    }
}

fn is_valid_primitive(primitive: Primitive, value: &Value) -> bool {
    match primitive {
        Primitive::Null => value.is_null(),
        Primitive::Boolean => value.is_boolean(),
        Primitive::Int => value.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
        Primitive::Long => value.is_i64(),
        Primitive::Float | Primitive::Double => value.is_number(),
        Primitive::Bytes | Primitive::String => value.is_string(),
    }
}

fn mismatch(kind: &Kind, value: &Value) -> String {
    let type_name = match kind {
        Kind::Primitive(p) => p.name().to_string(),
        Kind::Record(r) => format!("record '{}'", r.name.full()),
        Kind::Enum(e) => format!("enum '{}' (one of {:?})", e.name.full(), e.symbols),
        Kind::Fixed(f) => format!("fixed '{}'", f.name.full()),
        Kind::Array(_) => "array".to_string(),
        Kind::Map(_) => "map".to_string(),
        Kind::Union(_) => "union".to_string(),
    };
    format!("{value} is not a valid {type_name} value")
}
