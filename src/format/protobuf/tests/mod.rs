//! Tests for the Protobuf module: parse refusals, imports, descriptor input, canonical and
//! normalized text, and Confluent's compatibility rules.

mod canonical;
mod compat;
mod parsing;
mod serialized;

use crate::format::{Dependency, ReaderIs};
use crate::types::SchemaType;

use super::{can_read, normalize, parse, ProtobufSchema};

fn proto(text: &str) -> ProtobufSchema {
    parse(text, &[]).unwrap_or_else(|err| panic!("{text} should parse: {err}"))
}

fn refusal(text: &str) -> String {
    parse(text, &[]).expect_err("schema should be refused")
}

fn dependency(name: &str, schema: &str) -> Dependency {
    Dependency {
        name: name.to_string(),
        schema_type: SchemaType::Protobuf,
        schema: schema.to_string(),
    }
}

/// Checks `new` as a BACKWARD candidate against `old`: the new schema reads old data.
fn backward(old: &str, new: &str) -> Vec<String> {
    can_read(&proto(new), &proto(old), ReaderIs::New)
}

/// Checks `new` as a FORWARD candidate against `old`: the old schema reads new data.
fn forward(old: &str, new: &str) -> Vec<String> {
    can_read(&proto(old), &proto(new), ReaderIs::Old)
}

/// A proto3 file in package `acme` with `body` after its header.
fn proto3(body: &str) -> String {
    format!("syntax = \"proto3\";\npackage acme;\n\n{body}")
}
