//! JSON Schema: parsing with references, the canonical text the registry stores, Confluent's
//! normalized form, and the compatibility check of Confluent's `json-schema-provider` diff.
//!
//! A schema is checked twice on the way in: against its draft's meta-schema and by building a
//! validator whose only source of external documents is the dependencies (never the network).
//! It is then loaded into an arena that mirrors the object model of the everit library Confluent
//! uses (`StringSchema`, `NumberSchema`, `ObjectSchema`, `CombinedSchema`, ...): a `$ref` is one
//! node pointing at the node of its target, so recursive schemas are finite graphs. The
//! compatibility check walks two such graphs as Confluent's `SchemaDiff` does. Pure: no IO.

mod canonical;
mod compat;
mod difference;
mod java_order;
mod keywords;
mod model;
mod parse;

#[cfg(test)]
mod tests;

use super::{Dependency, ReaderIs};

pub use parse::Draft;

/// A parsed JSON Schema, with the `$ref`s to its dependencies resolved.
#[derive(Debug, Clone)]
pub struct JsonSchema {
    draft: Draft,
    canonical: String,
    normalized: String,
    model: model::Model,
    /// What Confluent accepts but JSON Schema validators may not.
    warnings: Vec<String>,
}

impl JsonSchema {
    /// Returns the text the registry stores and serves: the document re-serialized compactly
    /// with its original key order, as Confluent's `JsonSchema.canonicalString()` writes it.
    pub fn canonical(&self) -> String {
        self.canonical.clone()
    }

    /// Returns the draft the schema was validated against (`$schema`, else draft 7).
    pub fn draft(&self) -> Draft {
        self.draft
    }

    /// Returns what the stricter checks find in a schema Confluent accepts, one line each.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }
}

/// Parses `text` as a JSON Schema whose `$ref`s to other documents resolve through `deps`.
///
/// The error is a human-readable reason: invalid JSON, a meta-schema
/// violation with its JSON path, or the `$ref` that cannot be resolved.
pub fn parse(text: &str, deps: &[Dependency]) -> Result<JsonSchema, String> {
    parse::parse(text, deps)
}

/// Returns why `instance` is not valid against the schema `text` with references `deps`
/// (formats included); `Ok` when it is.
pub fn validate(
    text: &str,
    deps: &[Dependency],
    instance: &serde_json::Value,
) -> Result<(), String> {
    parse::validate(text, deps, instance)
}

/// Returns Confluent's normalized text for `schema` (`normalize=true`): the canonical text
/// with the keys of every object sorted.
pub fn normalize(schema: &JsonSchema) -> String {
    schema.normalized.clone()
}

/// Returns why `reader` cannot accept every document `writer` accepts, as Confluent's
/// messages; empty when it can.
pub fn can_read(reader: &JsonSchema, writer: &JsonSchema, reader_is: ReaderIs) -> Vec<String> {
    compat::can_read(reader, writer, reader_is)
}
