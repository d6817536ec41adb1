//! Tests for the JSON Schema module: parse refusals, canonical text, normalization,
//! compatibility.

mod canonical;
mod compat;
mod parsing;

use crate::format::{Dependency, ReaderIs};
use crate::types::SchemaType;

use super::{can_read, normalize, parse, JsonSchema};

fn json(text: &str) -> JsonSchema {
    parse(text, &[]).unwrap_or_else(|err| panic!("{text} should parse: {err}"))
}

fn refusal(text: &str) -> String {
    parse(text, &[]).expect_err("schema should be refused")
}

fn dependency(name: &str, schema: &str) -> Dependency {
    Dependency {
        name: name.to_string(),
        schema_type: SchemaType::Json,
        schema: schema.to_string(),
    }
}

/// Checks `new` as a BACKWARD candidate against `old`: the new schema accepts old documents.
fn backward(old: &str, new: &str) -> Vec<String> {
    can_read(&json(new), &json(old), ReaderIs::New)
}

/// Checks `new` as a FORWARD candidate against `old`: the old schema accepts new documents.
fn forward(old: &str, new: &str) -> Vec<String> {
    can_read(&json(old), &json(new), ReaderIs::Old)
}

/// An object schema with the given `properties` members and extra keywords.
fn object(properties: &str, extra: &str) -> String {
    let extra = if extra.is_empty() {
        String::new()
    } else {
        format!(",{extra}")
    };
    format!(r#"{{"type":"object","properties":{{{properties}}}{extra}}}"#)
}

/// The message Confluent prints for `error_type` with `description`.
fn message(error_type: &str, description: &str) -> String {
    format!("{{errorType:\"{error_type}\", description:\"{description}'}}")
}
