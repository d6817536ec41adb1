//! Properties of the format engines over generated schemas (proptest), for Avro, JSON Schema and
//! Protobuf: a schema is compatible with itself at every level; parse → canonical → parse is
//! stable; normalization is idempotent and keeps every verdict; FULL is BACKWARD and FORWARD
//! together. Two kinds of generated schemas: varied ones (nesting, every kind of type) for the
//! single-schema properties, and pairs drawn from one small vocabulary of fields, so that many
//! pairs are compatible and many are not, for the verdict properties.
//!
//! This file holds the properties; each format's file holds its generators and runs them.

mod avro;
mod json;
mod protobuf;

use proptest::prelude::*;

use accord::format::ParsedSchema;
use accord::registry::compatibility::{check, Previous};
use accord::types::{Compatibility, SchemaType, Version};

const LEVELS: [Compatibility; 7] = [
    Compatibility::None,
    Compatibility::Backward,
    Compatibility::BackwardTransitive,
    Compatibility::Forward,
    Compatibility::ForwardTransitive,
    Compatibility::Full,
    Compatibility::FullTransitive,
];

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 64,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn parse(schema_type: SchemaType, text: &str) -> ParsedSchema {
    ParsedSchema::parse(schema_type, text, &[])
        .unwrap_or_else(|err| panic!("generated schema does not parse: {err}\n{text}"))
}

/// True when `candidate` may follow `old` under `level`.
fn verdict(level: Compatibility, candidate: &ParsedSchema, old: &ParsedSchema) -> bool {
    let previous = [Previous {
        version: Version(1),
        schema: old,
        text: "",
    }];
    check(level, candidate, &previous).is_empty()
}

/// A schema is compatible with itself at every level, also against a history of itself.
fn compatible_with_itself(schema_type: SchemaType, text: &str) {
    let schema = parse(schema_type, text);
    for level in LEVELS {
        let history = [
            Previous {
                version: Version(2),
                schema: &schema,
                text,
            },
            Previous {
                version: Version(1),
                schema: &schema,
                text,
            },
        ];
        let reasons = check(level, &schema, &history);
        assert!(reasons.is_empty(), "{level:?}: {reasons:?}\n{text}");
    }
}

/// Canonical text parses back to itself; normalized text normalizes to itself.
fn round_trips(schema_type: SchemaType, text: &str) {
    let schema = parse(schema_type, text);
    let canonical = schema.canonical();
    assert_eq!(
        parse(schema_type, &canonical).canonical(),
        canonical,
        "{text}"
    );
    let once = normalized(&schema);
    assert_eq!(normalized(&parse(schema_type, &once)), once, "{text}");
    assert_eq!(normalized(&parse(schema_type, &canonical)), once, "{text}");
}

/// The normalized text of a generated schema, whose defaults are valid.
fn normalized(schema: &ParsedSchema) -> String {
    schema.normalized().expect("a generated schema normalizes")
}

/// Normalizing both schemas changes no verdict, and FULL is BACKWARD and FORWARD together.
fn verdicts_hold(schema_type: SchemaType, old: &str, new: &str) {
    let (old, new) = (parse(schema_type, old), parse(schema_type, new));
    let (old_n, new_n) = (
        parse(schema_type, &normalized(&old)),
        parse(schema_type, &normalized(&new)),
    );
    for level in LEVELS {
        assert_eq!(
            verdict(level, &new, &old),
            verdict(level, &new_n, &old_n),
            "{level:?} changed by normalization:\nold {}\nnew {}",
            old.canonical(),
            new.canonical()
        );
    }
    let backward = verdict(Compatibility::Backward, &new, &old);
    let forward = verdict(Compatibility::Forward, &new, &old);
    assert_eq!(
        verdict(Compatibility::Full, &new, &old),
        backward && forward,
        "FULL is not BACKWARD and FORWARD:\nold {}\nnew {}",
        old.canonical(),
        new.canonical()
    );
    assert_eq!(
        verdict(Compatibility::FullTransitive, &new, &old),
        verdict(Compatibility::BackwardTransitive, &new, &old)
            && verdict(Compatibility::ForwardTransitive, &new, &old)
    );
}
