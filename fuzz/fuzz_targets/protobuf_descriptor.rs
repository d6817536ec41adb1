//! Protobuf: arbitrary bytes as a serialized `FileDescriptorProto`, sent base64-encoded as
//! `confluent-kafka`'s serializer sends it.
#![no_main]

#[path = "common.rs"]
#[allow(dead_code)]
mod common;

use accord::types::SchemaType;
use base64::Engine;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let encoded = base64::engine::general_purpose::STANDARD.encode(data);
    common::parse_and_check(SchemaType::Protobuf, &encoded);
});
