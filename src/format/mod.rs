//! Schema formats: parsing, canonical text, normalization and reader/writer compatibility.
//!
//! Each format (`avro`, `json`, `protobuf`) lives in its own module and exposes the same functions: `parse(text, deps)`,
//! `normalize(&parsed)` and `can_read(reader, writer, reader_is)`. This module dispatches on
//! [`SchemaType`]. Everything here is pure: no IO, no async, no storage, no HTTP.

pub mod avro;
pub mod json;
pub mod protobuf;
pub mod tags;

use crate::types::SchemaType;

/// A schema that the schema being parsed depends on, already resolved to its text.
///
/// `name` is the reference name from the registration request: for Avro the full name of a
/// named type the dependency defines, for Protobuf the import path, for JSON Schema the `$ref`
/// URL. Dependencies are passed in dependency order: a dependency only depends on the ones
/// before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dependency {
    pub name: String,
    pub schema_type: SchemaType,
    pub schema: String,
}

/// Which of the two schemas in a compatibility check is the reader.
///
/// Messages call the candidate schema "new" and the registered one "old": a BACKWARD check reads
/// old data with the new schema (`ReaderIs::New`), a FORWARD check the other way round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReaderIs {
    New,
    Old,
}

impl ReaderIs {
    /// Returns the words ("new", "old") that name the reader and the writer in messages.
    pub fn labels(self) -> (&'static str, &'static str) {
        match self {
            ReaderIs::New => ("new", "old"),
            ReaderIs::Old => ("old", "new"),
        }
    }
}

/// A parsed schema of any format.
#[derive(Debug, Clone)]
pub enum ParsedSchema {
    Avro(avro::AvroSchema),
    Json(json::JsonSchema),
    Protobuf(protobuf::ProtobufSchema),
}

impl ParsedSchema {
    /// Parses `text` as a schema of type `schema_type`, resolving its references from `deps`.
    ///
    /// The error is a human-readable reason, reported to clients as an invalid schema.
    pub fn parse(schema_type: SchemaType, text: &str, deps: &[Dependency]) -> Result<Self, String> {
        match schema_type {
            SchemaType::Avro => avro::parse(text, deps).map(ParsedSchema::Avro),
            SchemaType::Json => json::parse(text, deps).map(ParsedSchema::Json),
            SchemaType::Protobuf => protobuf::parse(text, deps).map(ParsedSchema::Protobuf),
        }
    }

    /// Returns the schema type of this schema.
    pub fn schema_type(&self) -> SchemaType {
        match self {
            ParsedSchema::Avro(_) => SchemaType::Avro,
            ParsedSchema::Json(_) => SchemaType::Json,
            ParsedSchema::Protobuf(_) => SchemaType::Protobuf,
        }
    }

    /// Returns the canonical text that the registry stores and serves for this schema.
    pub fn canonical(&self) -> String {
        match self {
            ParsedSchema::Avro(schema) => schema.canonical(),
            ParsedSchema::Json(schema) => schema.canonical(),
            ParsedSchema::Protobuf(schema) => schema.canonical(),
        }
    }

    /// Returns the normalized text, used instead of the canonical text when `normalize` is on.
    /// Normalizing checks what registering alone lets through (Avro's field defaults); the
    /// error says what it found.
    pub fn normalized(&self) -> Result<String, String> {
        match self {
            ParsedSchema::Avro(schema) => avro::normalize(schema),
            ParsedSchema::Json(schema) => Ok(json::normalize(schema)),
            ParsedSchema::Protobuf(schema) => Ok(protobuf::normalize(schema)),
        }
    }

    /// Returns what Accord's stricter checks find in a schema that Confluent accepts: each line
    /// a reason a reader, a writer or a code generator may trip over. Empty when there is none.
    /// These are warnings for people (`accord check`, the impact answer, the web UI), never
    /// part of the Confluent API's answers.
    pub fn warnings(&self) -> Vec<String> {
        match self {
            ParsedSchema::Avro(schema) => schema.warnings(),
            ParsedSchema::Json(schema) => schema.warnings().to_vec(),
            ParsedSchema::Protobuf(schema) => schema.warnings().to_vec(),
        }
    }

    /// Returns the schema in the requested wire `format`, when the format applies to it:
    /// `serialized` renders a Protobuf schema as a base64 `FileDescriptorProto`, and
    /// `ignore_extensions` its text without extensions.
    pub fn formatted(&self, format: &str) -> Option<String> {
        match (self, format) {
            (ParsedSchema::Protobuf(schema), "serialized") => Some(schema.serialized()),
            (ParsedSchema::Protobuf(schema), "ignore_extensions") => {
                Some(schema.without_extensions())
            }
            _ => None,
        }
    }

    /// Returns why `reader` cannot read data written with `writer`; empty when it can.
    pub fn can_read(reader: &Self, writer: &Self, reader_is: ReaderIs) -> Vec<String> {
        match (reader, writer) {
            (ParsedSchema::Avro(r), ParsedSchema::Avro(w)) => avro::can_read(r, w, reader_is),
            (ParsedSchema::Json(r), ParsedSchema::Json(w)) => json::can_read(r, w, reader_is),
            (ParsedSchema::Protobuf(r), ParsedSchema::Protobuf(w)) => {
                protobuf::can_read(r, w, reader_is)
            }
            _ => vec!["Incompatible because of different schema type".to_string()],
        }
    }
}

/// The schema types this build can parse, in the order `GET /schemas/types` lists them.
pub const SUPPORTED_TYPES: &[SchemaType] =
    &[SchemaType::Json, SchemaType::Protobuf, SchemaType::Avro];
