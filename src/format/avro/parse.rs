//! Builds the schema arena from JSON, refusing what Java's `Schema.Parser` (Avro 1.11, name
//! validation on) refuses, then cross-checks the result with the apache-avro crate. Confluent
//! parses with default validation off, so an invalid field default is kept and reported in
//! [`AvroSchema::invalid_defaults`]; only normalization, which validates, refuses it.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use super::cross_check::cross_check;
use super::names::{
    check_name, namespace_warning, parse_aliases, parse_name, split_name, string_aliases,
};
use super::{
    canonical, defaults, json, AvroSchema, Dependency, Enum, Field, Fixed, Kind, Name, Node,
    NodeId, Order, Primitive, Record,
};

/// Attributes that are not kept as properties, per kind (Java's `SCHEMA_RESERVED` and friends).
const SCHEMA_RESERVED: &[&str] = &[
    "doc",
    "fields",
    "items",
    "name",
    "namespace",
    "size",
    "symbols",
    "values",
    "type",
    "aliases",
];
const ENUM_RESERVED: &[&str] = &[
    "doc",
    "fields",
    "items",
    "name",
    "namespace",
    "size",
    "symbols",
    "values",
    "type",
    "aliases",
    "default",
];
const FIELD_RESERVED: &[&str] = &["default", "doc", "name", "order", "type", "aliases"];

/// Parses the dependencies in order, then `text`, all into one arena sharing one set of names.
pub(super) fn parse_with_dependencies(
    text: &str,
    deps: &[Dependency],
) -> Result<AvroSchema, String> {
    let mut parser = Parser::default();
    let mut dependency_names = Vec::with_capacity(deps.len());
    for dep in deps {
        let root = json::read(&dep.schema)
            .and_then(|value| parser.parse(&value, None))
            .map_err(|err| format!("reference '{}': {err}", dep.name))?;
        dependency_names.push(parser.nodes[root].kind.full_name());
    }
    let root = parser.parse(&json::read(text)?, None)?;
    let mut schema = AvroSchema {
        nodes: parser.nodes,
        root,
        dependency_names,
        dependencies: deps.to_vec(),
        canonical: String::new(),
        invalid_defaults: parser.invalid_defaults,
        warnings: parser.warnings,
    };
    schema.canonical = canonical::write(&schema, schema.root);
    cross_check(&schema)?;
    Ok(schema)
}

#[derive(Default)]
struct Parser {
    nodes: Vec<Node>,
    names: HashMap<String, NodeId>,
    /// Records whose fields are still being parsed (Java: "Schema fields not set yet").
    pending: HashSet<NodeId>,
    /// Why each invalid field default is invalid, naming its record and field.
    invalid_defaults: Vec<String>,
    /// What Java accepts but other readers or code generators may not.
    warnings: Vec<String>,
}

impl Parser {
    fn parse(&mut self, value: &Value, space: Option<&str>) -> Result<NodeId, String> {
        match value {
            Value::String(name) => self.lookup(name, space),
            Value::Array(branches) => self.parse_union(branches, space),
            Value::Object(object) => {
                let Some(type_name) = object.get("type").and_then(Value::as_str) else {
                    return Err(format!("no \"type\" string in {value}"));
                };
                match type_name {
                    "record" | "error" => self.parse_record(object, space),
                    "enum" => self.parse_enum(object, space),
                    "fixed" => self.parse_fixed(object, space),
                    "array" => {
                        let items = object.get("items").ok_or("array has no \"items\" type")?;
                        let items = self.parse(items, space)?;
                        Ok(self.push(Kind::Array(items), object, SCHEMA_RESERVED))
                    }
                    "map" => {
                        let values = object.get("values").ok_or("map has no \"values\" type")?;
                        let values = self.parse(values, space)?;
                        Ok(self.push(Kind::Map(values), object, SCHEMA_RESERVED))
                    }
                    other => match Primitive::from_name(other) {
                        Some(p) => Ok(self.push(Kind::Primitive(p), object, SCHEMA_RESERVED)),
                        None => self.lookup(other, space),
                    },
                }
            }
            other => Err(format!(
                "a schema must be a type name, an object or a union, not {other}"
            )),
        }
    }

    /// Reads a named type's name; a namespace that breaks the naming rule is only warned of.
    fn name(
        &mut self,
        object: &Map<String, Value>,
        space: Option<&str>,
        kind: &str,
    ) -> Result<Name, String> {
        let name = parse_name(object, space, kind)?;
        self.warnings.extend(namespace_warning(kind, &name));
        Ok(name)
    }

    fn push(&mut self, kind: Kind, object: &Map<String, Value>, reserved: &[&str]) -> NodeId {
        self.nodes.push(Node {
            kind,
            props: props(object, reserved),
        });
        self.nodes.len() - 1
    }

    /// Resolves a type name as Java's `Names.get` does: primitive, then in `space`, then global.
    fn lookup(&mut self, name: &str, space: Option<&str>) -> Result<NodeId, String> {
        if let Some(p) = Primitive::from_name(name) {
            self.nodes.push(Node {
                kind: Kind::Primitive(p),
                props: Vec::new(),
            });
            return Ok(self.nodes.len() - 1);
        }
        let in_space = split_name(name, space).full();
        let global = split_name(name, None).full();
        self.names
            .get(&in_space)
            .or_else(|| self.names.get(&global))
            .copied()
            .ok_or_else(|| {
                format!("unknown type '{name}': it is neither a primitive nor a defined named type")
            })
    }

    fn define(&mut self, name: &Name, id: NodeId) -> Result<(), String> {
        let full = name.full();
        if self.names.insert(full.clone(), id).is_some() {
            return Err(format!(
                "can't redefine '{full}': a type with this name is already defined"
            ));
        }
        Ok(())
    }

    fn parse_union(&mut self, branches: &[Value], space: Option<&str>) -> Result<NodeId, String> {
        let mut ids = Vec::with_capacity(branches.len());
        let mut seen = HashSet::new();
        for branch in branches {
            let id = self.parse(branch, space)?;
            let kind = &self.nodes[id].kind;
            if matches!(kind, Kind::Union(_)) {
                return Err("a union may not directly contain another union".to_string());
            }
            if !seen.insert(kind.full_name()) {
                return Err(format!("duplicate '{}' in union", kind.full_name()));
            }
            ids.push(id);
        }
        self.nodes.push(Node {
            kind: Kind::Union(ids),
            props: Vec::new(),
        });
        Ok(self.nodes.len() - 1)
    }

    fn parse_record(
        &mut self,
        object: &Map<String, Value>,
        space: Option<&str>,
    ) -> Result<NodeId, String> {
        let name = self.name(object, space, "record")?;
        let full = name.full();
        let record = Record {
            name: name.clone(),
            doc: text(object, "doc"),
            fields: Vec::new(),
            aliases: Vec::new(),
            is_error: object.get("type").and_then(Value::as_str) == Some("error"),
        };
        let id = self.push(Kind::Record(record), object, SCHEMA_RESERVED);
        self.define(&name, id)?;
        self.pending.insert(id);
        let Some(Value::Array(field_values)) = object.get("fields") else {
            return Err(format!("record '{full}' has no \"fields\" array"));
        };
        let mut fields: Vec<Field> = Vec::with_capacity(field_values.len());
        for value in field_values {
            let reported = self.invalid_defaults.len();
            let field = self
                .parse_field(value, name.space.as_deref())
                .map_err(|err| format!("record '{full}': {err}"))?;
            for reason in &mut self.invalid_defaults[reported..] {
                *reason = format!("record '{full}': {reason}");
            }
            if fields.iter().any(|f| f.name == field.name) {
                return Err(format!(
                    "record '{full}' has two fields named '{}'",
                    field.name
                ));
            }
            fields.push(field);
        }
        let aliases = parse_aliases(object, &name)?;
        self.pending.remove(&id);
        if let Kind::Record(record) = &mut self.nodes[id].kind {
            record.fields = fields;
            record.aliases = aliases;
        }
        Ok(id)
    }

    fn parse_field(&mut self, value: &Value, space: Option<&str>) -> Result<Field, String> {
        let Some(name) = value.get("name").and_then(Value::as_str) else {
            return Err(format!("a field has no \"name\" string: {value}"));
        };
        check_name(name).map_err(|err| format!("field '{name}': {err}"))?;
        let type_value = value
            .get("type")
            .ok_or_else(|| format!("field '{name}' has no \"type\""))?;
        let schema = self
            .parse(type_value, space)
            .map_err(|err| format!("field '{name}': {err}"))?;
        let order = match value.get("order") {
            None => Order::Ascending,
            Some(order) => parse_order(order).map_err(|err| format!("field '{name}': {err}"))?,
        };
        let default = value
            .get("default")
            .map(|given| self.check_default(name, schema, given));
        let object = value.as_object().cloned().unwrap_or_default();
        Ok(Field {
            name: name.to_string(),
            schema,
            doc: text(&object, "doc"),
            default,
            order,
            aliases: string_aliases(&object).map_err(|err| format!("field '{name}': {err}"))?,
            props: props(&object, FIELD_RESERVED),
        })
    }

    /// Java turns a string default of a float or double field into a number, then validates;
    /// a default that is not valid is kept as given and recorded in `invalid_defaults`.
    fn check_default(&mut self, field: &str, schema: NodeId, given: &Value) -> Value {
        let is_floating = matches!(
            self.nodes[schema].kind,
            Kind::Primitive(Primitive::Float | Primitive::Double)
        );
        let checked = match (is_floating, given.as_str()) {
            (true, Some(text)) => {
                parse_java_double(text).ok_or_else(|| format!("\"{text}\" is not a number"))
            }
            _ => defaults::check(&self.nodes, &self.pending, schema, given).map(|()| given.clone()),
        };
        if let (Kind::Enum(e), Some(symbol)) = (&self.nodes[schema].kind, given.as_str()) {
            if !e.symbols.iter().any(|s| s == symbol) {
                self.warnings.push(format!(
                    "the default of field '{field}', '{symbol}', is not a symbol of enum '{}': a reader that needs it fails",
                    e.name.full()
                ));
            }
        }
        checked.unwrap_or_else(|err| {
            self.invalid_defaults
                .push(format!("invalid default for field '{field}': {err}"));
            given.clone()
        })
    }

    fn parse_enum(
        &mut self,
        object: &Map<String, Value>,
        space: Option<&str>,
    ) -> Result<NodeId, String> {
        let name = self.name(object, space, "enum")?;
        let full = name.full();
        let Some(Value::Array(symbol_values)) = object.get("symbols") else {
            return Err(format!("enum '{full}' has no \"symbols\" array"));
        };
        let mut symbols: Vec<String> = Vec::with_capacity(symbol_values.len());
        for value in symbol_values {
            let Some(symbol) = value.as_str() else {
                return Err(format!(
                    "enum '{full}' has a symbol that is not a string: {value}"
                ));
            };
            check_name(symbol).map_err(|err| format!("enum '{full}' symbol '{symbol}': {err}"))?;
            if symbols.iter().any(|s| s == symbol) {
                return Err(format!("enum '{full}' has the symbol '{symbol}' twice"));
            }
            symbols.push(symbol.to_string());
        }
        // Java reads the default with `textValue()`: a default that is not a string is dropped.
        let default = object
            .get("default")
            .and_then(Value::as_str)
            .map(str::to_string);
        if let Some(default) = &default {
            if !symbols.contains(default) {
                return Err(format!(
                    "enum '{full}' has the default '{default}', which is not one of its symbols"
                ));
            }
        }
        let aliases = parse_aliases(object, &name)?;
        let enumeration = Enum {
            name: name.clone(),
            doc: text(object, "doc"),
            symbols,
            default,
            aliases,
        };
        let id = self.push(Kind::Enum(enumeration), object, ENUM_RESERVED);
        self.define(&name, id)?;
        Ok(id)
    }

    fn parse_fixed(
        &mut self,
        object: &Map<String, Value>,
        space: Option<&str>,
    ) -> Result<NodeId, String> {
        let name = self.name(object, space, "fixed")?;
        let full = name.full();
        let size = object
            .get("size")
            .and_then(Value::as_i64)
            .filter(|size| (0..=i64::from(i32::MAX)).contains(size))
            .ok_or_else(|| {
                format!("fixed '{full}' needs a \"size\" that is a non-negative 32-bit integer")
            })?;
        let aliases = parse_aliases(object, &name)?;
        let fixed = Fixed {
            name: name.clone(),
            doc: text(object, "doc"),
            size,
            aliases,
        };
        let id = self.push(Kind::Fixed(fixed), object, SCHEMA_RESERVED);
        self.define(&name, id)?;
        Ok(id)
    }
}

/// Returns the properties of `object` that are not in `reserved`, in source order.
fn props(object: &Map<String, Value>, reserved: &[&str]) -> Vec<(String, Value)> {
    object
        .iter()
        .filter(|(key, _)| !reserved.contains(&key.as_str()))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect()
}

/// Java's `getOptionalText`: the value when it is a string, else nothing.
fn text(object: &Map<String, Value>, key: &str) -> Option<String> {
    object.get(key).and_then(Value::as_str).map(str::to_string)
}

fn parse_order(value: &Value) -> Result<Order, String> {
    match value.as_str().map(str::to_ascii_uppercase).as_deref() {
        Some("ASCENDING") => Ok(Order::Ascending),
        Some("DESCENDING") => Ok(Order::Descending),
        Some("IGNORE") => Ok(Order::Ignore),
        _ => Err(format!(
            "\"order\" must be \"ascending\", \"descending\" or \"ignore\", not {value}"
        )),
    }
}

/// Java's `Double.parseDouble` on a default given as a string; non-finite values are kept as
/// the strings Jackson writes for them.
fn parse_java_double(text: &str) -> Option<Value> {
    let trimmed = text.trim();
    let number = match trimmed {
        "NaN" | "+NaN" | "-NaN" => f64::NAN,
        "Infinity" | "+Infinity" => f64::INFINITY,
        "-Infinity" => f64::NEG_INFINITY,
        _ if trimmed.to_ascii_lowercase().contains("inf")
            || trimmed.to_ascii_lowercase().contains("nan") =>
        {
            return None
        }
        _ => trimmed
            .trim_end_matches(['d', 'D', 'f', 'F'])
            .parse::<f64>()
            .ok()?,
    };
    Some(match serde_json::Number::from_f64(number) {
        Some(finite) => Value::Number(finite),
        None if number.is_nan() => Value::String("NaN".to_string()),
        None if number > 0.0 => Value::String("Infinity".to_string()),
        None => Value::String("-Infinity".to_string()),
    })
}
