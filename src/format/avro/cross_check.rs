//! The second opinion: the canonical text, parsed again by the apache-avro crate, must be a
//! schema there too.

use serde_json::Value;

use super::AvroSchema;

/// Parses the canonical texts with the apache-avro crate as a second opinion. Logical types are
/// left out: Java ignores invalid ones where apache-avro may refuse them.
pub(super) fn cross_check(schema: &AvroSchema) -> Result<(), String> {
    let mut dependency_texts = Vec::with_capacity(schema.dependencies.len());
    for dep in &schema.dependencies {
        let Ok(value) = serde_json::from_str::<Value>(&dep.schema) else {
            continue;
        };
        if value.is_object() {
            dependency_texts.push(without_logical_types(value).to_string());
        }
    }
    let main: Value = serde_json::from_str(&schema.canonical).map_err(|err| err.to_string())?;
    let main = without_logical_types(main).to_string();
    apache_avro::Schema::parse_str_with_list(&main, &dependency_texts)
        .map(|_| ())
        .map_err(|err| format!("{err}"))
}

fn without_logical_types(value: Value) -> Value {
    match value {
        Value::Object(object) => Value::Object(
            object
                .into_iter()
                .filter(|(key, _)| key != "logicalType")
                .map(|(key, value)| match key.as_str() {
                    "default" => (key, value),
                    "type" if value.as_str() == Some("error") => (key, Value::from("record")),
                    _ => (key, without_logical_types(value)),
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(without_logical_types).collect()),
        other => other,
    }
}
