//! Request bodies: arbitrary bytes decoded as every JSON request body the API takes, the way the
//! `ConfluentJson` extractor decodes them, then validated as the handlers validate them.
#![no_main]

use accord::http::confluent::wire::{
    ConfigUpdateRequest, ModeUpdateRequest, RegisterSchemaRequest,
};
use accord::http::extract::decode_body;
use accord::http::governance::{
    CreateServiceRequest, CreateTeamRequest, ProducerRequest, UpdateServiceRequest,
    UpdateTeamRequest,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(request) = decode_body::<RegisterSchemaRequest>(data) {
        let _ = request.into_request();
    }
    if let Ok(mut request) = decode_body::<ConfigUpdateRequest>(data) {
        let _ = request.into_record();
    }
    if let Ok(request) = decode_body::<ModeUpdateRequest>(data) {
        let _ = request.parse();
    }
    let _ = decode_body::<CreateTeamRequest>(data);
    let _ = decode_body::<UpdateTeamRequest>(data);
    let _ = decode_body::<CreateServiceRequest>(data);
    let _ = decode_body::<UpdateServiceRequest>(data);
    let _ = decode_body::<ProducerRequest>(data);
    let _ = decode_body::<serde_json::Value>(data);
});
