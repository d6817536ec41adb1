//! Confluent's normalized form (`normalize=true`), after `AvroSchemaUtils.toNormalizedString`:
//! full names, sorted properties and aliases, defaults converted through their schema, and
//! the registry then stores Java's `toString` of that text re-parsed, so this does the same.

use std::collections::HashSet;

use serde_json::Value;

use super::json::{java_double_to_string, write_str, write_value};
use super::{parse, AvroSchema, Field, Kind, NodeId, Primitive};

/// Returns the normalized text of `schema`: stable, idempotent, blind to key order and layout.
pub(super) fn normalize(schema: &AvroSchema) -> String {
    let mut builder = Builder {
        schema,
        written: schema.dependency_names.iter().cloned().collect(),
        out: String::new(),
    };
    builder.node(schema.root);
    match parse::parse_with_dependencies(&builder.out, &schema.dependencies) {
        Ok(reparsed) => reparsed.canonical,
        Err(_) => builder.out,
    }
}

struct Builder<'a> {
    schema: &'a AvroSchema,
    written: HashSet<String>,
    out: String,
}

impl Builder<'_> {
    fn node(&mut self, id: NodeId) {
        let node = self.schema.node(id);
        match &node.kind {
            Kind::Union(branches) => {
                self.out.push('[');
                for (i, branch) in branches.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    self.node(*branch);
                }
                self.out.push(']');
            }
            Kind::Array(inner) | Kind::Map(inner) => {
                let (type_name, key) = match node.kind {
                    Kind::Array(_) => ("array", "items"),
                    _ => ("map", "values"),
                };
                self.out
                    .push_str(&format!("{{\"type\":\"{type_name}\",\"{key}\":"));
                self.node(*inner);
                self.sorted_props(&node.props);
                self.out.push('}');
            }
            Kind::Primitive(p) => self.primitive(*p, id),
            named => {
                let Some(name) = named.named() else { return };
                let full = name.full();
                if !self.written.insert(full.clone()) {
                    write_str(&mut self.out, &full);
                    return;
                }
                self.out.push_str("{\"name\":");
                write_str(&mut self.out, &full);
                self.out
                    .push_str(&format!(",\"type\":\"{}\"", named.full_name_of_kind()));
                let (doc, aliases, default) = match named {
                    Kind::Record(record) => {
                        self.out.push_str(",\"fields\":[");
                        for (i, field) in record.fields.iter().enumerate() {
                            if i > 0 {
                                self.out.push(',');
                            }
                            self.field(field);
                        }
                        self.out.push(']');
                        (&record.doc, &record.aliases, None)
                    }
                    Kind::Enum(enumeration) => {
                        self.out.push_str(",\"symbols\":");
                        write_value(&mut self.out, &enumeration.symbols.clone().into());
                        (
                            &enumeration.doc,
                            &enumeration.aliases,
                            enumeration.default.as_ref(),
                        )
                    }
                    Kind::Fixed(fixed) => {
                        self.out.push_str(&format!(",\"size\":{}", fixed.size));
                        if let Some(logical) = logical_type(&node.kind, &node.props) {
                            self.out.push_str(&logical);
                        }
                        (&fixed.doc, &fixed.aliases, None)
                    }
                    _ => return,
                };
                if let Some(doc) = doc.as_deref().filter(|doc| !doc.is_empty()) {
                    self.out.push_str(",\"doc\":");
                    write_str(&mut self.out, doc);
                }
                if !aliases.is_empty() {
                    let mut sorted: Vec<String> =
                        aliases.iter().map(|a| a.as_alias_of(name)).collect();
                    sorted.sort();
                    self.out.push_str(",\"aliases\":");
                    write_value(&mut self.out, &sorted.into());
                }
                if let Some(default) = default {
                    self.out.push_str(",\"default\":");
                    write_str(&mut self.out, default);
                }
                self.sorted_props(&node.props);
                self.out.push('}');
            }
        }
    }

    fn primitive(&mut self, primitive: Primitive, id: NodeId) {
        let node = self.schema.node(id);
        match logical_type(&node.kind, &node.props) {
            Some(logical) => {
                self.out
                    .push_str(&format!("{{\"type\":\"{}\"{logical}", primitive.name()));
                self.sorted_props(&node.props);
                self.out.push('}');
            }
            None if node.props.is_empty() => write_str(&mut self.out, primitive.name()),
            None => {
                self.out
                    .push_str(&format!("{{\"type\":\"{}\"", primitive.name()));
                self.sorted_props(&node.props);
                self.out.push('}');
            }
        }
    }

    /// Confluent writes the order always, as Java's enum constant name (`ASCENDING`).
    fn field(&mut self, field: &Field) {
        self.out.push_str("{\"name\":");
        write_str(&mut self.out, &field.name);
        self.out.push_str(",\"type\":");
        self.node(field.schema);
        self.out.push_str(&format!(
            ",\"order\":\"{}\"",
            field.order.name().to_ascii_uppercase()
        ));
        if let Some(doc) = &field.doc {
            self.out.push_str(",\"doc\":");
            write_str(&mut self.out, doc);
        }
        if !field.aliases.is_empty() {
            let mut sorted = field.aliases.clone();
            sorted.sort();
            self.out.push_str(",\"aliases\":");
            write_value(&mut self.out, &sorted.into());
        }
        if let Some(default) = &field.default {
            self.out.push_str(",\"default\":");
            self.out
                .push_str(&default_text(self.schema, Some(field.schema), default));
        }
        self.sorted_props(&field.props);
        self.out.push('}');
    }

    fn sorted_props(&mut self, props: &[(String, Value)]) {
        let mut sorted: Vec<&(String, Value)> = props.iter().collect();
        sorted.sort_by(|a, b| a.0.cmp(&b.0));
        for (key, value) in sorted {
            self.out.push(',');
            write_str(&mut self.out, key);
            self.out.push(':');
            write_value(&mut self.out, &sorted_keys(value));
        }
    }
}

impl Kind {
    fn full_name_of_kind(&self) -> &'static str {
        match self {
            Kind::Record(_) => "record",
            Kind::Enum(_) => "enum",
            _ => "fixed",
        }
    }
}

/// Returns `,"logicalType":…[,"precision":…[,"scale":…]]` when the logical type is one Java's
/// `LogicalTypes` accepts for this type (Avro 1.11); invalid ones are plain properties.
fn logical_type(kind: &Kind, props: &[(String, Value)]) -> Option<String> {
    let prop = |key: &str| props.iter().find(|(k, _)| k == key).map(|(_, v)| v);
    let name = prop("logicalType")?.as_str()?;
    let valid = match (name, kind) {
        ("decimal", Kind::Primitive(Primitive::Bytes) | Kind::Fixed(_)) => {
            let int = |key: &str| match prop(key) {
                None => Some(0),
                Some(v) => v.as_i64().filter(|n| i32::try_from(*n).is_ok()),
            };
            let (precision, scale) = (int("precision")?, int("scale")?);
            let fits = match kind {
                Kind::Fixed(fixed) => {
                    precision as f64 <= ((8 * fixed.size - 1) as f64 * 2f64.log10()).floor()
                }
                _ => true,
            };
            if precision <= 0 || scale < 0 || scale > precision || !fits {
                return None;
            }
            let scale = if scale == 0 {
                String::new()
            } else {
                format!(",\"scale\":{scale}")
            };
            return Some(format!(
                ",\"logicalType\":\"decimal\",\"precision\":{precision}{scale}"
            ));
        }
        ("uuid", Kind::Primitive(Primitive::String)) => true,
        ("date" | "time-millis", Kind::Primitive(Primitive::Int)) => true,
        (
            "time-micros"
            | "timestamp-millis"
            | "timestamp-micros"
            | "local-timestamp-millis"
            | "local-timestamp-micros",
            Kind::Primitive(Primitive::Long),
        ) => true,
        _ => false,
    };
    valid.then(|| format!(",\"logicalType\":\"{name}\""))
}

/// Jackson's sorting node factory: every object's keys in order.
fn sorted_keys(value: &Value) -> Value {
    match value {
        Value::Object(object) => {
            let mut entries: Vec<(&String, &Value)> = object.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k.clone(), sorted_keys(v)))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.iter().map(sorted_keys).collect()),
        other => other.clone(),
    }
}

/// Java's `JacksonUtils.toObject(default, schema)` then `toJsonNode`: numbers take the field's
/// type (an int default of a double field becomes `1.0`), bytes go through ISO-8859-1.
fn default_text(schema: &AvroSchema, id: Option<NodeId>, value: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, &sorted_keys(&default_object(schema, id, value)));
    out
}

fn default_object(schema: &AvroSchema, id: Option<NodeId>, value: &Value) -> Value {
    let kind = id.map(|id| &schema.node(id).kind);
    if let Some(Kind::Union(branches)) = kind {
        return default_object(schema, branches.first().copied(), value);
    }
    match value {
        Value::Number(number) => match (kind, number.as_f64()) {
            (Some(Kind::Primitive(Primitive::Float)), Some(float)) => {
                let text = java_float_to_string(float as f32);
                serde_json::from_str(&text).unwrap_or(Value::Null)
            }
            (Some(Kind::Primitive(Primitive::Double)), Some(float)) if !number.is_f64() => {
                serde_json::from_str(&java_double_to_string(float)).unwrap_or(Value::Null)
            }
            _ => value.clone(),
        },
        Value::String(text) => match kind {
            Some(Kind::Primitive(Primitive::Bytes) | Kind::Fixed(_)) => Value::String(
                text.chars()
                    .map(|c| if (c as u32) > 0xFF { '?' } else { c })
                    .collect(),
            ),
            _ => value.clone(),
        },
        Value::Array(items) => {
            let items_id = match kind {
                Some(Kind::Array(items_id)) => Some(*items_id),
                _ => None,
            };
            Value::Array(
                items
                    .iter()
                    .map(|item| default_object(schema, items_id, item))
                    .collect(),
            )
        }
        Value::Object(entries) => Value::Object(
            entries
                .iter()
                .map(|(key, item)| {
                    let item_id = match kind {
                        Some(Kind::Map(values)) => Some(*values),
                        Some(Kind::Record(record)) => record
                            .fields
                            .iter()
                            .find(|f| &f.name == key)
                            .map(|f| f.schema),
                        _ => None,
                    };
                    (key.clone(), default_object(schema, item_id, item))
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Java's `Float.toString`, shortest digits of the `f32`, laid out as `Double.toString` does.
fn java_float_to_string(value: f32) -> String {
    let shortest: f64 = format!("{value}").parse().unwrap_or(f64::from(value));
    java_double_to_string(shortest)
}
