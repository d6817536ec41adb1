//! Code generation for registered contracts: typed classes per target language, a Protobuf
//! bundle, deterministic sample messages in the Confluent wire format, and a starter test that
//! decodes a sample with the generated type.
//!
//! Pure like `format`: a schema's text and its resolved references in, files out; no IO, no
//! async. The registry runs it on its bounded pool and caches the answer per (schema id, target).

mod avro;
mod json;
mod names;
mod protobuf;
mod protobuf_ts;
mod rust;
pub mod samples;

use std::fmt;
use std::str::FromStr;

use serde::Serialize;
use utoipa::ToSchema;

use crate::format::Dependency;
use crate::types::SchemaType;

/// One generated file: its path inside the archive and its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct File {
    pub path: String,
    pub content: String,
}

impl File {
    fn new(path: impl Into<String>, content: impl Into<String>) -> Self {
        File {
            path: path.into(),
            content: content.into(),
        }
    }
}

/// A language (or bundle) that code can be generated for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    Java,
    TypeScript,
    Python,
    Rust,
    Proto,
}

impl Target {
    /// Every target, in the order error messages list them.
    pub const ALL: [Target; 5] = [
        Target::Java,
        Target::TypeScript,
        Target::Python,
        Target::Rust,
        Target::Proto,
    ];

    /// Returns the name the `lang` parameter uses for this target.
    pub fn as_str(self) -> &'static str {
        match self {
            Target::Java => "java",
            Target::TypeScript => "typescript",
            Target::Python => "python",
            Target::Rust => "rust",
            Target::Proto => "proto",
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Target {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Target::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| format!("unknown language '{s}'"))
    }
}

/// Returns the targets this build generates for schemas of `schema_type`.
pub fn supported(schema_type: SchemaType) -> &'static [Target] {
    match schema_type {
        SchemaType::Avro => &[
            Target::Java,
            Target::TypeScript,
            Target::Python,
            Target::Rust,
        ],
        SchemaType::Protobuf => &[Target::Proto, Target::TypeScript, Target::Rust],
        SchemaType::Json => &[
            Target::Java,
            Target::TypeScript,
            Target::Python,
            Target::Rust,
        ],
    }
}

/// A registered schema with everything generation needs.
#[derive(Debug, Clone, Copy)]
pub struct Contract<'a> {
    pub schema_type: SchemaType,
    pub schema: &'a str,
    /// The schema's references, resolved to their text, dependencies first.
    pub deps: &'a [Dependency],
    /// The global id the sample wire messages carry.
    pub id: i64,
}

/// Why code could not be generated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The target does not exist or does not apply to the schema's format.
    Unsupported(String),
    /// The schema cannot be read by the generator; the reason names the construct.
    Invalid(String),
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Unsupported(reason) | Refusal::Invalid(reason) => f.write_str(reason),
        }
    }
}

/// Returns the message that names what `lang` could have been for `schema_type`.
pub fn unsupported(lang: &str, schema_type: SchemaType) -> String {
    let names: Vec<&str> = supported(schema_type).iter().map(|t| t.as_str()).collect();
    format!(
        "language '{lang}' is not supported for {schema_type} schemas; supported: {}",
        if names.is_empty() {
            "none yet".to_string()
        } else {
            names.join(", ")
        }
    )
}

/// Generates the files of `target` for `contract`: the types, a sample wire message and a
/// starter test that decodes it.
pub fn generate(contract: Contract<'_>, target: Target) -> Result<Vec<File>, Refusal> {
    if !supported(contract.schema_type).contains(&target) {
        return Err(Refusal::Unsupported(unsupported(
            target.as_str(),
            contract.schema_type,
        )));
    }
    match contract.schema_type {
        SchemaType::Avro => avro::generate(contract, target),
        SchemaType::Protobuf if target == Target::TypeScript => protobuf_ts::generate(contract),
        SchemaType::Protobuf if target == Target::Rust => rust::protobuf::generate(contract),
        SchemaType::Protobuf => protobuf::bundle(contract),
        SchemaType::Json => json::generate(contract, target),
    }
}

#[cfg(test)]
mod tests;
