//! Avro: parse, canonical text, normalization and compatibility of arbitrary text. An input is
//! one schema, or a reader and a writer separated by a NUL byte.
#![no_main]

#[path = "common.rs"]
mod common;

use accord::types::SchemaType;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| common::check_pair(SchemaType::Avro, data));
