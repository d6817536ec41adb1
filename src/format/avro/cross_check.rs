//! The second opinion: the canonical text, parsed again by the apache-avro crate, must be a
//! schema there too.

use serde_json::Value;

use super::AvroSchema;

/// Parses the canonical texts with the apache-avro crate as a second opinion. Logical types are
/// left out: Java ignores invalid ones where apache-avro may refuse them. So are what Java
/// accepts and the parser warned of, which apache-avro refuses: field defaults when one is
/// invalid, and namespaces that break the naming rule.
pub(super) fn cross_check(schema: &AvroSchema) -> Result<(), String> {
    let lenient = !schema.warnings().is_empty();
    let strip = |value| without_logical_types(value, lenient);
    let mut dependency_texts = Vec::with_capacity(schema.dependencies.len());
    for dep in &schema.dependencies {
        let Ok(value) = serde_json::from_str::<Value>(&dep.schema) else {
            continue;
        };
        if value.is_object() {
            dependency_texts.push(strip(value).to_string());
        }
    }
    let main: Value = serde_json::from_str(&schema.canonical).map_err(|err| err.to_string())?;
    let main = strip(main).to_string();
    apache_avro::Schema::parse_str_with_list(&main, &dependency_texts)
        .map(|_| ())
        .map_err(|err| format!("{err}"))
}

fn without_logical_types(value: Value, lenient: bool) -> Value {
    match value {
        Value::Object(object) => Value::Object(
            object
                .into_iter()
                .filter(|(key, _)| key != "logicalType" && !(lenient && key == "default"))
                .map(|(key, value)| match key.as_str() {
                    "default" => (key, value),
                    "type" if value.as_str() == Some("error") => (key, Value::from("record")),
                    "namespace" if lenient => (key, valid_namespace(value)),
                    _ => (key, without_logical_types(value, lenient)),
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|item| without_logical_types(item, lenient))
                .collect(),
        ),
        other => other,
    }
}

/// Makes each namespace component a name: `_` for every character a name may not hold, and
/// before a first character a name may not start with.
fn valid_namespace(value: Value) -> Value {
    let Some(space) = value.as_str() else {
        return value;
    };
    let components: Vec<String> = space
        .split('.')
        .map(|component| {
            let mut name: String = component
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .collect();
            if !name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
                name.insert(0, '_');
            }
            name
        })
        .collect();
    Value::from(components.join("."))
}
