//! Data-contract metadata (`properties`, `tags`, `sensitive`) as Confluent 7.9 reads, merges
//! and keeps it: read once from a request into one normal JSON form (so `{}` and
//! `{"properties": {}}` are the same content, and `null` is none), merged with a subject's
//! `defaultMetadata` and `overrideMetadata`, and stamped with `confluent:version`.
//!
//! Pure: no IO. The registry decides when to merge; this module only says how.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::{Error, Result};

/// The property Confluent keeps a version's own number in.
pub const CONFLUENT_VERSION: &str = "confluent:version";

/// Reads a request's `metadata` into its normal form; `null` is none. A field of the wrong
/// JSON type is refused with Jackson's words, as Confluent refuses it.
pub fn parse(value: Option<Value>) -> Result<Option<Value>> {
    let object = match value {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Object(object)) => object,
        Some(other) => return Err(not_constructible("Metadata", &other)),
    };
    let mut properties = BTreeMap::new();
    if let Some(given) = object.get("properties").filter(|v| !v.is_null()) {
        let Value::Object(given) = given else {
            return Err(not_constructible("LinkedHashMap", given));
        };
        for (key, value) in given {
            properties.insert(key.clone(), string(value)?);
        }
    }
    let mut tags = BTreeMap::new();
    if let Some(given) = object.get("tags").filter(|v| !v.is_null()) {
        let Value::Object(given) = given else {
            return Err(not_constructible("LinkedHashMap", given));
        };
        for (key, value) in given {
            tags.insert(key.clone(), set(value)?);
        }
    }
    let sensitive = match object.get("sensitive").filter(|v| !v.is_null()) {
        Some(given) => set(given)?,
        None => BTreeSet::new(),
    };
    Ok(Some(render(&Parts {
        properties,
        tags,
        sensitive,
    })))
}

/// Merges metadata as Confluent's `mergeMetadata` does: `newer`'s properties and tags replace
/// `older`'s of the same name, and the sensitive names are the union.
pub fn merge(older: Option<&Value>, newer: Option<&Value>) -> Option<Value> {
    match (older, newer) {
        (None, None) => None,
        (Some(one), None) | (None, Some(one)) => Some(one.clone()),
        (Some(older), Some(newer)) => {
            let mut merged = Parts::of(older);
            let newer = Parts::of(newer);
            merged.properties.extend(newer.properties);
            merged.tags.extend(newer.tags);
            merged.sensitive.extend(newer.sensitive);
            Some(render(&merged))
        }
    }
}

/// Returns whether `metadata` carries a `confluent:version` property.
pub fn has_confluent_version(metadata: Option<&Value>) -> bool {
    metadata.is_some_and(|m| Parts::of(m).properties.contains_key(CONFLUENT_VERSION))
}

/// Returns `metadata` with `confluent:version` set to `version`.
pub fn with_confluent_version(metadata: Option<&Value>, version: i32) -> Value {
    let mut parts = metadata.map(Parts::of).unwrap_or_default();
    parts
        .properties
        .insert(CONFLUENT_VERSION.to_string(), version.to_string());
    render(&parts)
}

/// Returns `metadata` without `confluent:version`; none when nothing else is left, as
/// Confluent's lookup compares a stored version sent back without its number.
pub fn without_confluent_version(metadata: Option<&Value>) -> Option<Value> {
    let mut parts = Parts::of(metadata?);
    parts.properties.remove(CONFLUENT_VERSION)?;
    let is_empty =
        parts.properties.is_empty() && parts.tags.is_empty() && parts.sensitive.is_empty();
    (!is_empty).then(|| render(&parts))
}

/// Returns the value of the property `name`, if `metadata` has it.
pub fn property(metadata: Option<&Value>, name: &str) -> Option<String> {
    metadata?
        .get("properties")?
        .get(name)?
        .as_str()
        .map(str::to_string)
}

/// Returns whether `metadata` has every `(key, value)` of `wanted` among its properties.
pub fn has_properties(metadata: Option<&Value>, wanted: &[(String, String)]) -> bool {
    wanted
        .iter()
        .all(|(key, value)| property(metadata, key).as_deref() == Some(value.as_str()))
}

/// Checks a request's `ruleSet` as Jackson reads it: an object whose rules have a known
/// `kind` and `mode`. Confluent 7.9's open-source registry keeps no rule set, so neither does
/// this one; only the refusal of a malformed one is the same.
pub fn check_rule_set(value: Option<&Value>) -> Result<()> {
    let object = match value {
        None | Some(Value::Null) => return Ok(()),
        Some(Value::Object(object)) => object,
        Some(other) => return Err(not_constructible("RuleSet", other)),
    };
    for list in ["migrationRules", "domainRules", "encodingRules"] {
        let rules = match object.get(list) {
            None | Some(Value::Null) => continue,
            Some(Value::Array(rules)) => rules,
            Some(other) => return Err(not_constructible("ArrayList", other)),
        };
        for rule in rules {
            let Value::Object(rule) = rule else {
                return Err(not_constructible("Rule", rule));
            };
            one_of(rule.get("kind"), "RuleKind", &["CONDITION", "TRANSFORM"])?;
            let modes = [
                "UPGRADE",
                "DOWNGRADE",
                "UPDOWN",
                "WRITE",
                "READ",
                "WRITEREAD",
            ];
            one_of(rule.get("mode"), "RuleMode", &modes)?;
        }
    }
    Ok(())
}

/// Returns whether `rule_set` has a rule (of any kind) whose `type` is `rule_type`.
pub fn has_rule_type(rule_set: Option<&Value>, rule_type: &str) -> bool {
    let Some(rule_set) = rule_set else {
        return false;
    };
    ["migrationRules", "domainRules", "encodingRules"]
        .iter()
        .filter_map(|list| rule_set.get(list).and_then(Value::as_array))
        .flatten()
        .any(|rule| rule.get("type").and_then(Value::as_str) == Some(rule_type))
}

/// Refuses an enum value Jackson does not know.
fn one_of(value: Option<&Value>, class: &str, known: &[&str]) -> Result<()> {
    match value {
        None | Some(Value::Null) => Ok(()),
        Some(Value::String(s)) if known.contains(&s.as_str()) => Ok(()),
        Some(Value::String(s)) => Err(Error::BadRequest(format!(
            "Cannot deserialize value of type `{class}` from String \"{s}\": not one of the values accepted for Enum class: [{}]",
            known.join(", ")
        ))),
        Some(other) => Err(not_constructible(class, other)),
    }
}

/// Metadata taken apart, each part in a stable order.
#[derive(Debug, Default)]
struct Parts {
    properties: BTreeMap<String, String>,
    tags: BTreeMap<String, BTreeSet<String>>,
    sensitive: BTreeSet<String>,
}

impl Parts {
    /// Takes apart metadata already in its normal form.
    fn of(metadata: &Value) -> Parts {
        let strings = |v: &Value| -> BTreeSet<String> {
            v.as_array()
                .into_iter()
                .flatten()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        };
        let object = |name: &str| metadata.get(name).and_then(Value::as_object).cloned();
        Parts {
            properties: object("properties")
                .unwrap_or_default()
                .into_iter()
                .filter_map(|(k, v)| v.as_str().map(|s| (k, s.to_string())))
                .collect(),
            tags: object("tags")
                .unwrap_or_default()
                .into_iter()
                .map(|(k, v)| (k, strings(&v)))
                .collect(),
            sensitive: metadata.get("sensitive").map(strings).unwrap_or_default(),
        }
    }
}

/// The normal form: only the non-empty parts, keys and sets sorted.
fn render(parts: &Parts) -> Value {
    let mut object = Map::new();
    if !parts.properties.is_empty() {
        object.insert("properties".into(), serde_json::json!(parts.properties));
    }
    if !parts.sensitive.is_empty() {
        object.insert("sensitive".into(), serde_json::json!(parts.sensitive));
    }
    if !parts.tags.is_empty() {
        object.insert("tags".into(), serde_json::json!(parts.tags));
    }
    Value::Object(object)
}

/// A property value: Jackson reads a number or a boolean as its text.
fn string(value: &Value) -> Result<String> {
    match value {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Null => Ok(String::new()),
        Value::Object(_) => Err(Error::BadRequest(
            "Cannot deserialize value of type `String` from Object value (token `JsonToken.START_OBJECT`)"
                .to_string(),
        )),
        Value::Array(_) => Err(Error::BadRequest(
            "Cannot deserialize value of type `String` from Array value (token `JsonToken.START_ARRAY`)"
                .to_string(),
        )),
    }
}

/// A set of names (a tag's fields, the sensitive names).
fn set(value: &Value) -> Result<BTreeSet<String>> {
    let Value::Array(items) = value else {
        return Err(not_constructible("HashSet", value));
    };
    items.iter().map(string).collect()
}

/// Jackson's refusal to build `class` from a JSON value of another shape.
fn not_constructible(class: &str, value: &Value) -> Error {
    let message = match value {
        Value::String(s) => format!(
            "Cannot construct instance of `{class}` (although at least one Creator exists): no String-argument constructor/factory method to deserialize from String value ('{s}')"
        ),
        Value::Number(n) => format!(
            "Cannot construct instance of `{class}` (although at least one Creator exists): no int/Int-argument constructor/factory method to deserialize from Number value ({n})"
        ),
        Value::Bool(b) => format!(
            "Cannot construct instance of `{class}` (although at least one Creator exists): no boolean/Boolean-argument constructor/factory method to deserialize from Boolean value ({b})"
        ),
        Value::Array(_) => format!(
            "Cannot deserialize value of type `{class}` from Array value (token `JsonToken.START_ARRAY`)"
        ),
        Value::Object(_) | Value::Null => format!(
            "Cannot deserialize value of type `{class}` from Object value (token `JsonToken.START_OBJECT`)"
        ),
    };
    Error::BadRequest(message)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn empty_parts_are_the_same_content_and_null_is_none() {
        assert_eq!(parse(Some(json!({}))).unwrap(), Some(json!({})));
        assert_eq!(
            parse(Some(json!({"properties": {}, "x": 1}))).unwrap(),
            Some(json!({}))
        );
        assert_eq!(parse(Some(Value::Null)).unwrap(), None);
        assert_eq!(
            parse(Some(json!({"properties": {"k": 1}}))).unwrap(),
            Some(json!({"properties": {"k": "1"}}))
        );
        assert!(parse(Some(json!({"sensitive": "k"}))).is_err());
    }

    #[test]
    fn merging_lets_the_newer_property_win_and_version_stamps_replace() {
        let merged = merge(
            Some(&json!({"properties": {"d": "1", "o": "1"}})),
            Some(&json!({"properties": {"d": "2"}})),
        );
        assert_eq!(merged, Some(json!({"properties": {"d": "2", "o": "1"}})));
        let stamped = with_confluent_version(merged.as_ref(), 3);
        assert_eq!(
            property(Some(&stamped), CONFLUENT_VERSION),
            Some("3".into())
        );
        assert_eq!(
            without_confluent_version(Some(&with_confluent_version(None, 1))),
            None
        );
    }
}
