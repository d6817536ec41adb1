//! JSON Schema samples: an instance built from the model (one branch of each union in turn,
//! every property set), checked against the schema by the `jsonschema` crate before it is
//! served. The wire body is the JSON text itself.

use serde_json::{json, Map, Value};

use super::{header, Sample, MAX_DEPTH};
use crate::codegen::json::{Model, NamedKind, Ty};
use crate::codegen::{Contract, Refusal};

/// Returns how many samples it takes to use every union branch and enum symbol once.
pub(in crate::codegen) fn widest(model: &Model) -> usize {
    let mut widest = 1;
    let mut visit = |ty: &Ty| {
        if let Ty::Union(branches) = ty {
            widest = widest.max(branches.len());
        }
    };
    for named in &model.types {
        match &named.kind {
            NamedKind::Enum(symbols) => visit(&Ty::Union(vec![Ty::Null; symbols.len()])),
            NamedKind::Object { props, .. } => props.iter().for_each(|p| walk(&p.ty, &mut visit)),
        }
    }
    if let Some(root) = &model.root_ty {
        walk(root, &mut visit);
    }
    widest
}

fn walk(ty: &Ty, visit: &mut impl FnMut(&Ty)) {
    visit(ty);
    match ty {
        Ty::Array(inner) | Ty::Map(inner) => walk(inner, visit),
        Ty::Union(branches) => branches.iter().for_each(|b| walk(b, visit)),
        _ => {}
    }
}

/// Returns `count` samples, each validated against the schema.
pub(in crate::codegen) fn samples(
    model: &Model,
    contract: Contract<'_>,
    count: usize,
) -> Result<Vec<Sample>, Refusal> {
    (0..count)
        .map(|k| {
            let json = match (&model.root_ty, model.types.first()) {
                (Some(ty), _) => value(model, ty, "value", k, 0),
                (None, Some(root)) => value(model, &Ty::Named(root.name.clone()), "value", k, 0),
                (None, None) => Value::Null,
            };
            crate::format::json::validate(contract.schema, contract.deps, &json).map_err(|reason| {
                Refusal::Invalid(format!(
                    "no valid sample could be built for this schema (the model does not carry every constraint): {reason}"
                ))
            })?;
            let mut wire = header(contract.id);
            wire.extend(json.to_string().into_bytes());
            Ok(Sample { json, wire })
        })
        .collect()
}

fn value(model: &Model, ty: &Ty, label: &str, k: usize, depth: usize) -> Value {
    let n = k as i64 + 1;
    match ty {
        Ty::Any => json!(format!("{label}-{k}")),
        Ty::Null => Value::Null,
        Ty::Bool => json!(k % 2 == 0),
        Ty::Integer { minimum } => json!(minimum.map_or(n, |m| m.max(0) + n)),
        Ty::Number { minimum } => {
            json!(minimum.map_or(n as f64 + 0.5, |m| m.max(0.0) + n as f64 + 0.5))
        }
        Ty::String { format, min_length } => {
            json!(string(format.as_deref(), label, k, *min_length))
        }
        Ty::Literal(v) => v.clone(),
        Ty::Array(item) if depth < MAX_DEPTH => json!([value(model, item, label, k, depth + 1)]),
        Ty::Array(_) => json!([]),
        Ty::Map(item) if depth < MAX_DEPTH => {
            json!({ format!("{label}-key-{k}"): value(model, item, label, k, depth + 1) })
        }
        Ty::Map(_) => json!({}),
        Ty::Union(branches) => {
            let null = branches.iter().position(|b| *b == Ty::Null);
            let index = match null {
                Some(null) if depth >= MAX_DEPTH => null,
                _ => k % branches.len().max(1),
            };
            branches
                .get(index)
                .map_or(Value::Null, |b| value(model, b, label, k, depth + 1))
        }
        Ty::Named(name) => match model.named(name).map(|n| &n.kind) {
            Some(NamedKind::Enum(symbols)) => {
                json!(symbols
                    .get(k % symbols.len().max(1))
                    .cloned()
                    .unwrap_or_default())
            }
            Some(NamedKind::Object { props, .. }) => {
                let mut object = Map::new();
                for prop in props {
                    if depth >= MAX_DEPTH && !prop.required {
                        continue;
                    }
                    object.insert(
                        prop.name.clone(),
                        value(model, &prop.ty, &prop.name, k, depth + 1),
                    );
                }
                Value::Object(object)
            }
            None => Value::Null,
        },
    }
}

fn string(format: Option<&str>, label: &str, k: usize, min_length: u64) -> String {
    let text = match format {
        Some("date-time") => format!("2024-01-{:02}T10:00:00Z", k % 28 + 1),
        Some("date") => format!("2024-01-{:02}", k % 28 + 1),
        Some("time") => format!("10:00:{:02}Z", k % 60),
        Some("email") => format!(
            "{}{k}@example.com",
            label.replace(|c: char| !c.is_ascii_alphanumeric(), "")
        ),
        Some("uuid") => format!("6f1e2d3c-4b5a-4978-8695-a4b3c2d1e{k:03x}"),
        Some("uri") => format!("https://example.com/{label}/{k}"),
        Some("hostname") => format!("host{k}.example.com"),
        Some("ipv4") => format!("192.0.2.{}", k % 250 + 1),
        _ => format!("{label}-{k}"),
    };
    let mut text = text;
    while (text.chars().count() as u64) < min_length {
        text.push('x');
    }
    text
}
