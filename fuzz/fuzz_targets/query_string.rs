//! Query strings: arbitrary text decoded into every endpoint's query parameters, the way the
//! `Params` extractor decodes them, then paged as the list endpoints page.
#![no_main]

use accord::http::confluent::{
    CheckParams, DefaultToGlobalParam, DeletedFilter, DeletedParam, ForceParam, FormatParam,
    ListSchemasParams, ListSubjectsParams, LookupParams, NormalizeParam, PermanentParam,
    SchemaByIdParams,
};
use accord::http::extract::{decode_query, Page};
use accord::http::governance::{AuditParams, ImpactParams};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(query) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(page) = decode_query::<Page>(query) {
        let _ = page.apply((0..10).collect::<Vec<u32>>());
    }
    if let Ok(filter) = decode_query::<DeletedFilter>(query) {
        let _ = filter.include();
    }
    if let Ok(format) = decode_query::<FormatParam>(query) {
        let _ = format.is_default();
    }
    let _ = decode_query::<ListSubjectsParams>(query);
    let _ = decode_query::<NormalizeParam>(query);
    let _ = decode_query::<LookupParams>(query);
    let _ = decode_query::<DeletedParam>(query);
    let _ = decode_query::<PermanentParam>(query);
    let _ = decode_query::<SchemaByIdParams>(query);
    let _ = decode_query::<ListSchemasParams>(query);
    let _ = decode_query::<CheckParams>(query);
    let _ = decode_query::<DefaultToGlobalParam>(query);
    let _ = decode_query::<ForceParam>(query);
    let _ = decode_query::<AuditParams>(query);
    let _ = decode_query::<ImpactParams>(query);
});
