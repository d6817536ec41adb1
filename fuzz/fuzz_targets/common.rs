//! What every format target checks of an input that parses: its canonical text and its
//! normalized text parse again to themselves, and it is compatible with itself both ways.
//! Inputs that do not parse must only be refused, never crash or hang.

use accord::format::{Dependency, ParsedSchema, ReaderIs};
use accord::types::SchemaType;

/// Parses `text` as `schema_type` and, when it parses, checks the round-trip invariants.
pub fn parse_and_check(schema_type: SchemaType, text: &str) -> Option<ParsedSchema> {
    let parsed = ParsedSchema::parse(schema_type, text, &[]).ok()?;
    let canonical = parsed.canonical();
    let reparsed = ParsedSchema::parse(schema_type, &canonical, &[])
        .unwrap_or_else(|err| panic!("canonical text does not parse: {err}\n{canonical}"));
    assert_eq!(
        reparsed.canonical(),
        canonical,
        "canonical text is not stable"
    );
    // Normalizing refuses what registering lets through (an invalid Avro default).
    if let Ok(normalized) = parsed.normalized() {
        let renormalized = ParsedSchema::parse(schema_type, &normalized, &[])
            .unwrap_or_else(|err| panic!("normalized text does not parse: {err}\n{normalized}"))
            .normalized()
            .unwrap_or_else(|err| panic!("normalized text does not normalize: {err}"));
        assert_eq!(renormalized, normalized, "normalization is not idempotent");
    }
    let _ = parsed.formatted("serialized");
    let reasons = ParsedSchema::can_read(&parsed, &parsed, ReaderIs::New);
    assert!(
        reasons.is_empty(),
        "not compatible with itself: {reasons:?}"
    );
    Some(parsed)
}

/// Splits a fuzz input into a reader and a writer schema at the first NUL; the writer is also
/// offered as a dependency named `dep`, so that references get exercised too.
pub fn check_pair(schema_type: SchemaType, data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (first, second) = text.split_once('\0').unwrap_or((text, ""));
    let reader = parse_and_check(schema_type, first);
    if second.is_empty() {
        return;
    }
    let writer = parse_and_check(schema_type, second);
    if let (Some(reader), Some(writer)) = (&reader, &writer) {
        let _ = ParsedSchema::can_read(reader, writer, ReaderIs::New);
        let _ = ParsedSchema::can_read(writer, reader, ReaderIs::Old);
    }
    let deps = [Dependency {
        name: "dep".to_string(),
        schema_type,
        schema: second.to_string(),
    }];
    let _ = ParsedSchema::parse(schema_type, first, &deps);
}
