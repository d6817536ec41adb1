//! Sample messages: deterministic payloads valid against a schema, as JSON and as the Confluent
//! wire format. Sample `k` takes branch `k mod n` of every union and symbol `k mod n` of every
//! enum, so the default set (as many samples as the widest union or enum) exercises them all.

pub(super) mod avro;
pub(super) mod json;
mod protobuf;

pub use protobuf::prefix_len as protobuf_prefix_len;

use base64::Engine;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::{Contract, Refusal};
use crate::types::SchemaType;

/// The most samples one request may ask for.
pub const MAX_SAMPLES: usize = 100;

/// How deep a sample follows a recursive type before it picks an empty branch.
const MAX_DEPTH: usize = 8;

/// One sample message.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// The payload as JSON: Avro's JSON encoding, Protobuf's canonical JSON mapping, the JSON
    /// Schema instance itself.
    pub json: Value,
    /// The Confluent wire message: magic byte 0, the schema id (4 bytes, big-endian), for
    /// Protobuf the message-index list, then the encoded body.
    pub wire: Vec<u8>,
}

impl Sample {
    /// Returns the wire message in standard, padded base64.
    pub fn wire_base64(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(&self.wire)
    }
}

/// A sample as the HTTP API returns it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Example {
    pub json: Value,
    pub wire_base64: String,
}

impl From<&Sample> for Example {
    fn from(sample: &Sample) -> Self {
        Example {
            json: sample.json.clone(),
            wire_base64: sample.wire_base64(),
        }
    }
}

/// Returns `count` samples of `contract` (or, when `count` is `None`, as many as it takes to
/// use every union branch and enum symbol once), at most [`MAX_SAMPLES`].
pub fn examples(contract: Contract<'_>, count: Option<usize>) -> Result<Vec<Sample>, Refusal> {
    match contract.schema_type {
        SchemaType::Avro => {
            let loaded = super::avro::Loaded::parse(contract)?;
            let count = count.unwrap_or_else(|| avro::widest(&loaded));
            avro::samples(&loaded, contract.id, count.clamp(1, MAX_SAMPLES))
        }
        SchemaType::Protobuf => protobuf::samples(contract, count),
        SchemaType::Json => {
            let model = super::json::Model::load(contract)?;
            let count = count.unwrap_or_else(|| json::widest(&model));
            json::samples(&model, contract, count.clamp(1, MAX_SAMPLES))
        }
    }
}

/// Returns the Confluent wire header for schema `id`.
fn header(id: i64) -> Vec<u8> {
    let mut wire = vec![0u8];
    wire.extend_from_slice(&(id as u32).to_be_bytes());
    wire
}
