//! Schema tags written into a schema's text, as Confluent's `POST .../tags` writes them: an
//! Avro record's or field's `confluent:tags` property, a JSON Schema object's or property's
//! `confluent:tags` keyword, a Protobuf message's `(confluent.message_meta)` or field's
//! `(confluent.field_meta)` option.
//!
//! Pure: the text in, the tagged text out (the registry canonicalizes it as it registers it).

use serde_json::{Map, Value};

use super::{protobuf, Dependency};
use crate::types::SchemaType;

/// The property and keyword that carry tags in Avro and JSON Schema.
const TAGS: &str = "confluent:tags";

/// What a tag is put on: a record (message, object) or one of its fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entity {
    Record(String),
    Field(String),
}

/// Tags to add to, or remove from, one entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityTags {
    pub entity: Entity,
    pub tags: Vec<String>,
}

/// Returns `text`, a schema of `schema_type` whose references are `deps`, with the tags of
/// `add` added and those of `remove` removed. An entity the schema lacks is refused with
/// Confluent's words.
pub fn apply(
    schema_type: SchemaType,
    text: &str,
    deps: &[Dependency],
    add: &[EntityTags],
    remove: &[EntityTags],
) -> Result<String, String> {
    match schema_type {
        SchemaType::Avro => json_tags(text, add, remove, avro_node),
        SchemaType::Json => json_tags(text, add, remove, json_schema_node),
        SchemaType::Protobuf => {
            let changes: Vec<_> = add
                .iter()
                .map(|c| (c, true))
                .chain(remove.iter().map(|c| (c, false)))
                .map(|(change, is_add)| {
                    let target = match &change.entity {
                        Entity::Record(path) => protobuf::tags::Target::Message(path),
                        Entity::Field(path) => protobuf::tags::Target::Field(path),
                    };
                    (target, change.tags.as_slice(), is_add)
                })
                .collect();
            protobuf::tags::apply(text, deps, &changes).map_err(|err| illegal(&err))
        }
    }
}

/// How a JSON-shaped schema finds the node (object) an entity names.
type Locate =
    for<'a> fn(&'a mut Value, &Entity) -> Result<Option<&'a mut Map<String, Value>>, String>;

fn json_tags(
    text: &str,
    add: &[EntityTags],
    remove: &[EntityTags],
    locate: Locate,
) -> Result<String, String> {
    let mut schema: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    for (change, is_add) in add
        .iter()
        .map(|c| (c, true))
        .chain(remove.iter().map(|c| (c, false)))
    {
        let missing = || {
            let path = path(&change.entity);
            illegal(&format!("No matching path '{path}' found in the schema"))
        };
        let node = locate(&mut schema, &change.entity)?.ok_or_else(missing)?;
        retag(node, &change.tags, is_add);
    }
    serde_json::to_string(&schema).map_err(|e| e.to_string())
}

/// Adds or removes `tags` in `node`'s `confluent:tags`, dropping it when none is left.
fn retag(node: &mut Map<String, Value>, tags: &[String], is_add: bool) {
    let mut current: Vec<String> = node
        .get(TAGS)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|t| t.as_str().map(str::to_string))
        .collect();
    if is_add {
        for tag in tags {
            if !current.contains(tag) {
                current.push(tag.clone());
            }
        }
    } else {
        current.retain(|t| !tags.contains(t));
    }
    match current.is_empty() {
        true => node.shift_remove(TAGS),
        false => node.insert(TAGS.to_string(), serde_json::json!(current)),
    };
}

fn path(entity: &Entity) -> &str {
    match entity {
        Entity::Record(p) | Entity::Field(p) => p,
    }
}

fn illegal(message: &str) -> String {
    format!("java.lang.IllegalArgumentException: {message}")
}

/// Finds an Avro record (by full or simple name) or a field (`record.field`).
fn avro_node<'a>(
    schema: &'a mut Value,
    entity: &Entity,
) -> Result<Option<&'a mut Map<String, Value>>, String> {
    let path = path(entity).trim_start_matches('.');
    let (record, field) = match entity {
        Entity::Record(_) => (path, None),
        Entity::Field(_) => match path.rsplit_once('.') {
            Some((record, field)) => (record, Some(field)),
            None => return Err(illegal("0 > -1")),
        },
    };
    Ok(
        find_record(schema, "", record).and_then(|node| match field {
            None => Some(node),
            Some(field) => node
                .get_mut("fields")
                .and_then(Value::as_array_mut)
                .into_iter()
                .flatten()
                .filter_map(Value::as_object_mut)
                .find(|f| f.get("name").and_then(Value::as_str) == Some(field)),
        }),
    )
}

/// Finds the record named `wanted` anywhere in `schema`, `namespace` being the enclosing one.
fn find_record<'a>(
    schema: &'a mut Value,
    namespace: &str,
    wanted: &str,
) -> Option<&'a mut Map<String, Value>> {
    match schema {
        Value::Array(branches) => branches
            .iter_mut()
            .find_map(|b| find_record(b, namespace, wanted)),
        Value::Object(node) => {
            let name = node.get("name").and_then(Value::as_str).unwrap_or_default();
            let own = node.get("namespace").and_then(Value::as_str);
            let full = match (name.contains('.'), own.unwrap_or(namespace)) {
                (true, _) | (false, "") => name.to_string(),
                (false, space) => format!("{space}.{name}"),
            };
            let space = full.rsplit_once('.').map_or("", |(s, _)| s).to_string();
            let is_record = node.get("type").and_then(Value::as_str) == Some("record");
            if is_record && (full == wanted || name == wanted) {
                return Some(node);
            }
            if is_record {
                let fields = node.get_mut("fields")?.as_array_mut()?;
                return fields.iter_mut().find_map(|f| {
                    f.get_mut("type")
                        .and_then(|t| find_record(t, &space, wanted))
                });
            }
            let key = ["items", "values", "type"].into_iter().find(|key| {
                node.get(*key)
                    .is_some_and(|inner| holds_record(inner, &space, wanted))
            })?;
            find_record(node.get_mut(key)?, &space, wanted)
        }
        _ => None,
    }
}

/// Returns whether `schema` holds the record named `wanted`.
fn holds_record(schema: &Value, namespace: &str, wanted: &str) -> bool {
    find_record(&mut schema.clone(), namespace, wanted).is_some()
}

/// Finds a JSON Schema's root object (`object`) or one of its properties
/// (`object.a`, `object.a.b` through nested objects).
fn json_schema_node<'a>(
    schema: &'a mut Value,
    entity: &Entity,
) -> Result<Option<&'a mut Map<String, Value>>, String> {
    let path = path(entity);
    let mut parts = path.split('.');
    if parts.next() != Some("object") {
        return Ok(None);
    }
    let mut node = match schema.as_object_mut() {
        Some(node) => node,
        None => return Ok(None),
    };
    for part in parts {
        let next = node
            .get_mut("properties")
            .and_then(Value::as_object_mut)
            .and_then(|p| p.get_mut(part))
            .and_then(Value::as_object_mut);
        node = match next {
            Some(next) => next,
            None => return Ok(None),
        };
    }
    let is_field = path.contains('.');
    match (entity, is_field) {
        (Entity::Record(_), false) | (Entity::Field(_), true) => Ok(Some(node)),
        _ => Ok(None),
    }
}
