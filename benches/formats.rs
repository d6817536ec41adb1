//! Micro-benchmarks of the format modules and the compatibility engine: parsing, normalizing
//! and checking each format, and transitive checks over growing histories, so that the cost's
//! growth with the number of versions is visible. Run with `cargo bench`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use serde_json::json;

use accord::format::ParsedSchema;
use accord::registry::compatibility::{check, Previous};
use accord::types::{Compatibility, SchemaType, Version};

const FIELDS: usize = 50;

/// A schema of `fields` optional fields in `schema_type`; `extra` more fields make a compatible
/// later version.
fn schema(schema_type: SchemaType, fields: usize) -> String {
    match schema_type {
        SchemaType::Avro => {
            let fields: Vec<_> = (0..fields)
                .map(|f| json!({ "name": format!("f{f}"), "type": ["null", "long"], "default": null }))
                .collect();
            json!({ "type": "record", "name": "Event", "namespace": "bench", "fields": fields })
                .to_string()
        }
        SchemaType::Json => {
            let properties: serde_json::Map<_, _> = (0..fields)
                .map(|p| (format!("p{p}"), json!({ "type": "integer", "minimum": 0 })))
                .collect();
            json!({ "type": "object", "properties": properties, "additionalProperties": false })
                .to_string()
        }
        SchemaType::Protobuf => {
            let body: String = (0..fields)
                .map(|f| format!("  int64 f{f} = {};\n", f + 1))
                .collect();
            format!("syntax = \"proto3\";\npackage bench;\nmessage Event {{\n{body}}}\n")
        }
    }
}

fn parse(schema_type: SchemaType, text: &str) -> ParsedSchema {
    ParsedSchema::parse(schema_type, text, &[]).expect("benchmark schemas parse")
}

fn per_format(c: &mut Criterion) {
    for schema_type in [SchemaType::Avro, SchemaType::Json, SchemaType::Protobuf] {
        let name = schema_type.as_str().to_lowercase();
        let old_text = schema(schema_type, FIELDS);
        let new_text = schema(schema_type, FIELDS + 1);
        let old = parse(schema_type, &old_text);
        let new = parse(schema_type, &new_text);
        c.bench_function(&format!("{name}/parse_{FIELDS}_fields"), |b| {
            b.iter(|| parse(schema_type, &old_text))
        });
        c.bench_function(&format!("{name}/normalize_{FIELDS}_fields"), |b| {
            b.iter(|| old.normalized())
        });
        c.bench_function(&format!("{name}/check_full_{FIELDS}_fields"), |b| {
            let previous = [Previous {
                version: Version(1),
                schema: &old,
                text: &old_text,
            }];
            b.iter(|| check(Compatibility::Full, &new, &previous))
        });
    }
}

fn transitive(c: &mut Criterion) {
    let mut group = c.benchmark_group("avro/backward_transitive_50_fields");
    let text = schema(SchemaType::Avro, FIELDS);
    let candidate = parse(SchemaType::Avro, &schema(SchemaType::Avro, FIELDS + 1));
    for versions in [10, 100, 1000] {
        let history: Vec<ParsedSchema> = (0..versions)
            .map(|_| parse(SchemaType::Avro, &text))
            .collect();
        let previous: Vec<Previous<'_>> = history
            .iter()
            .enumerate()
            .map(|(i, schema)| Previous {
                version: Version(i as i32 + 1),
                schema,
                text: &text,
            })
            .collect();
        group.bench_with_input(
            BenchmarkId::from_parameter(versions),
            &previous,
            |b, previous| b.iter(|| check(Compatibility::BackwardTransitive, &candidate, previous)),
        );
    }
    group.finish();
}

criterion_group!(benches, per_format, transitive);
criterion_main!(benches);
