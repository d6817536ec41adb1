//! Tests for the Avro module: parse refusals, canonical text, normalization, compatibility.

mod canonical;
mod compat;
mod parsing;

use crate::format::{Dependency, ReaderIs};
use crate::types::SchemaType;

use super::{can_read, normalize, parse, AvroSchema};

fn avro(text: &str) -> AvroSchema {
    parse(text, &[]).unwrap_or_else(|err| panic!("{text} should parse: {err}"))
}

fn refusal(text: &str) -> String {
    parse(text, &[]).expect_err("schema should be refused")
}

fn dependency(name: &str, schema: &str) -> Dependency {
    Dependency {
        name: name.to_string(),
        schema_type: SchemaType::Avro,
        schema: schema.to_string(),
    }
}

/// Checks `new` as a BACKWARD candidate against `old`: the new schema reads old data.
fn backward(old: &str, new: &str) -> Vec<String> {
    can_read(&avro(new), &avro(old), ReaderIs::New)
}

/// Checks `new` as a FORWARD candidate against `old`: the old schema reads new data.
fn forward(old: &str, new: &str) -> Vec<String> {
    can_read(&avro(old), &avro(new), ReaderIs::Old)
}

fn record(fields: &str) -> String {
    format!(r#"{{"type":"record","name":"R","fields":[{fields}]}}"#)
}
