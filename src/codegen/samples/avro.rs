//! Avro samples: one `apache_avro::types::Value` and its JSON encoding built side by side, then
//! encoded by apache-avro's writer (which also validates the value against the schema).

use std::collections::HashMap;

use apache_avro::schema::{InnerDecimalSchema, UuidSchema};
use apache_avro::types::Value;
use apache_avro::writer::datum::GenericDatumWriter;
use apache_avro::{Days, Decimal, Duration, Millis, Months, Schema, Uuid};
use serde_json::{json, Map, Value as Json};

use super::{header, Sample, MAX_DEPTH};
use crate::codegen::avro::{full_name, Loaded};
use crate::codegen::Refusal;

/// Returns how many samples it takes to use every union branch and enum symbol once.
pub(in crate::codegen) fn widest(loaded: &Loaded) -> usize {
    let mut widest = 1;
    let mut seen = Vec::new();
    visit(loaded, &loaded.root, &mut seen, &mut widest);
    widest
}

fn visit<'a>(loaded: &'a Loaded, schema: &'a Schema, seen: &mut Vec<String>, widest: &mut usize) {
    match loaded.resolve(schema) {
        Schema::Record(r) => {
            let name = full_name(&r.name);
            if seen.contains(&name) {
                return;
            }
            seen.push(name);
            for field in &r.fields {
                visit(loaded, &field.schema, seen, widest);
            }
        }
        Schema::Enum(e) => *widest = (*widest).max(e.symbols.len()),
        Schema::Array(a) => visit(loaded, &a.items, seen, widest),
        Schema::Map(m) => visit(loaded, &m.types, seen, widest),
        Schema::Union(u) => {
            *widest = (*widest).max(u.variants().len());
            for variant in u.variants() {
                visit(loaded, variant, seen, widest);
            }
        }
        _ => {}
    }
}

/// Returns `count` samples of the loaded schema, carrying schema `id` on the wire.
pub(in crate::codegen) fn samples(
    loaded: &Loaded,
    id: i64,
    count: usize,
) -> Result<Vec<Sample>, Refusal> {
    let mut schemata: Vec<&Schema> = loaded.deps.iter().collect();
    schemata.push(&loaded.root);
    let writer = GenericDatumWriter::builder(&loaded.root)
        .schemata(schemata)
        .and_then(|builder| builder.build())
        .map_err(|err| Refusal::Invalid(format!("the Avro schema cannot be written: {err}")))?;
    (0..count)
        .map(|k| {
            let builder = Builder { loaded, k };
            let (value, json) = builder.value(&loaded.root, "value", 0);
            let body = writer
                .write_value_to_vec(value)
                .map_err(|err| Refusal::Invalid(format!("sample {k} does not encode: {err}")))?;
            let mut wire = header(id);
            wire.extend(body);
            Ok(Sample { json, wire })
        })
        .collect()
}

/// Builds sample number `k`.
struct Builder<'a> {
    loaded: &'a Loaded,
    k: usize,
}

impl Builder<'_> {
    fn value(&self, schema: &Schema, label: &str, depth: usize) -> (Value, Json) {
        let k = self.k;
        let n = k as i64 + 1;
        match self.loaded.resolve(schema) {
            Schema::Null => (Value::Null, Json::Null),
            Schema::Boolean => (Value::Boolean(k % 2 == 0), json!(k % 2 == 0)),
            Schema::Int => (Value::Int(n as i32), json!(n)),
            Schema::Long => (Value::Long(n * 1000), json!(n * 1000)),
            Schema::Float => (Value::Float(n as f32 + 0.5), json!(n as f64 + 0.5)),
            Schema::Double => (Value::Double(n as f64 + 0.25), json!(n as f64 + 0.25)),
            Schema::Bytes => {
                let bytes = format!("{label}-{k}").into_bytes();
                (Value::Bytes(bytes.clone()), latin1(&bytes))
            }
            Schema::String => {
                let text = format!("{label}-{k}");
                (Value::String(text.clone()), json!(text))
            }
            Schema::Fixed(f) => {
                let bytes = fill(f.size, k);
                (Value::Fixed(f.size, bytes.clone()), latin1(&bytes))
            }
            Schema::Enum(e) => {
                let index = k % e.symbols.len().max(1);
                let symbol = e.symbols.get(index).cloned().unwrap_or_default();
                (Value::Enum(index as u32, symbol.clone()), json!(symbol))
            }
            Schema::Array(a) => {
                if depth >= MAX_DEPTH {
                    return (Value::Array(Vec::new()), json!([]));
                }
                let (item, item_json) = self.value(&a.items, label, depth + 1);
                (Value::Array(vec![item]), json!([item_json]))
            }
            Schema::Map(m) => {
                if depth >= MAX_DEPTH {
                    return (Value::Map(HashMap::new()), json!({}));
                }
                let key = format!("{label}-key-{k}");
                let (item, item_json) = self.value(&m.types, label, depth + 1);
                let mut map = Map::new();
                map.insert(key.clone(), item_json);
                (Value::Map(HashMap::from([(key, item)])), Json::Object(map))
            }
            Schema::Union(u) => self.union(u.variants(), label, depth),
            Schema::Record(r) => {
                let mut fields = Vec::new();
                let mut object = Map::new();
                for field in &r.fields {
                    let (value, json) = self.value(&field.schema, &field.name, depth + 1);
                    fields.push((field.name.clone(), value));
                    object.insert(field.name.clone(), json);
                }
                (Value::Record(fields), Json::Object(object))
            }
            Schema::Decimal(d) => {
                let unscaled = n * 12345;
                let bytes = match &d.inner {
                    InnerDecimalSchema::Bytes => minimal(twos_complement(unscaled, 8)),
                    InnerDecimalSchema::Fixed(f) => twos_complement(unscaled, f.size),
                };
                (Value::Decimal(Decimal::from(bytes.clone())), latin1(&bytes))
            }
            Schema::Uuid(inner) => {
                let uuid = Uuid::from_u128(0x6f1e_2d3c_4b5a_4978_8695_a4b3_c2d1_e000 + k as u128);
                match inner {
                    UuidSchema::String => (Value::Uuid(uuid), json!(uuid.to_string())),
                    UuidSchema::Bytes | UuidSchema::Fixed(_) => {
                        (Value::Uuid(uuid), latin1(uuid.as_bytes()))
                    }
                }
            }
            Schema::Date => (Value::Date(20_000 + n as i32), json!(20_000 + n)),
            Schema::TimeMillis => (Value::TimeMillis(n as i32 * 1000), json!(n * 1000)),
            Schema::TimeMicros => (Value::TimeMicros(n * 1_000_000), json!(n * 1_000_000)),
            Schema::TimestampMillis => timestamp(Value::TimestampMillis, 1_700_000_000_000 + n),
            Schema::TimestampMicros => timestamp(Value::TimestampMicros, 1_700_000_000_000_000 + n),
            Schema::TimestampNanos => {
                timestamp(Value::TimestampNanos, 1_700_000_000_000_000_000 + n)
            }
            Schema::LocalTimestampMillis => {
                timestamp(Value::LocalTimestampMillis, 1_700_000_000_000 + n)
            }
            Schema::LocalTimestampMicros => {
                timestamp(Value::LocalTimestampMicros, 1_700_000_000_000_000 + n)
            }
            Schema::LocalTimestampNanos => {
                timestamp(Value::LocalTimestampNanos, 1_700_000_000_000_000_000 + n)
            }
            Schema::Duration(_) => {
                let (months, days, millis) = (n as u32, n as u32 + 1, n as u32 * 1000);
                let mut bytes = Vec::new();
                for part in [months, days, millis] {
                    bytes.extend_from_slice(&part.to_le_bytes());
                }
                let duration =
                    Duration::new(Months::new(months), Days::new(days), Millis::new(millis));
                (Value::Duration(duration), latin1(&bytes))
            }
            Schema::BigDecimal => (Value::Null, Json::Null),
            Schema::Ref { .. } => (Value::Null, Json::Null),
        }
    }

    fn union(&self, variants: &[Schema], label: &str, depth: usize) -> (Value, Json) {
        let null = variants.iter().position(|v| matches!(v, Schema::Null));
        let index = match null {
            Some(null) if depth >= MAX_DEPTH => null,
            _ => self.k % variants.len().max(1),
        };
        let Some(variant) = variants.get(index) else {
            return (Value::Null, Json::Null);
        };
        let (value, json) = self.value(variant, label, depth + 1);
        let json = match variant {
            Schema::Null => Json::Null,
            _ => json!({ crate::codegen::avro::branch_name(self.loaded.resolve(variant)): json }),
        };
        (Value::Union(index as u32, Box::new(value)), json)
    }
}

fn timestamp(make: fn(i64) -> Value, at: i64) -> (Value, Json) {
    (make(at), json!(at))
}

/// Avro's JSON encoding of bytes: each byte one code point.
fn latin1(bytes: &[u8]) -> Json {
    Json::String(bytes.iter().map(|&b| b as char).collect())
}

fn fill(size: usize, k: usize) -> Vec<u8> {
    (0..size).map(|i| b'a' + ((i + k) % 26) as u8).collect()
}

fn twos_complement(value: i64, size: usize) -> Vec<u8> {
    let full = value.to_be_bytes();
    let fill = if value < 0 { 0xff } else { 0 };
    let mut bytes = vec![fill; size.saturating_sub(8)];
    bytes.extend_from_slice(&full[8usize.saturating_sub(size)..]);
    bytes
}

/// The shortest two's-complement form, as Java's `BigInteger.toByteArray` writes it.
fn minimal(mut bytes: Vec<u8>) -> Vec<u8> {
    while bytes.len() > 1
        && ((bytes[0] == 0 && bytes[1] & 0x80 == 0) || (bytes[0] == 0xff && bytes[1] & 0x80 != 0))
    {
        bytes.remove(0);
    }
    bytes
}
