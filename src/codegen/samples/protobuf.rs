//! Protobuf samples: a `prost_reflect::DynamicMessage` of the schema's first message with every
//! field set (one member of each oneof, in turn), encoded by prost and written as JSON with
//! Protobuf's canonical JSON mapping.

use prost::Message;
use prost_reflect::{DynamicMessage, FieldDescriptor, Kind, MapKey, MessageDescriptor, Value};

use super::{header, Sample, MAX_DEPTH, MAX_SAMPLES};
use crate::codegen::{Contract, Refusal};

/// Returns `count` samples of the contract's first message (default: enough to set every oneof
/// member and enum value once).
pub(super) fn samples(
    contract: Contract<'_>,
    count: Option<usize>,
) -> Result<Vec<Sample>, Refusal> {
    let schema = crate::codegen::protobuf::compile(contract)?;
    let message = schema.file().messages().next().ok_or_else(|| {
        Refusal::Invalid("the Protobuf schema defines no message to sample".to_string())
    })?;
    let count = count
        .unwrap_or_else(|| widest(&message, &mut Vec::new()))
        .clamp(1, MAX_SAMPLES);
    (0..count)
        .map(|k| {
            let value = build(&message, k, 0);
            let json = serde_json::to_value(&value)
                .map_err(|err| Refusal::Invalid(format!("sample {k} has no JSON form: {err}")))?;
            let mut wire = header(contract.id);
            wire.extend(prefix(&[0]));
            wire.extend(value.encode_to_vec());
            Ok(Sample { json, wire })
        })
        .collect()
}

/// Returns the length of the message-index list Confluent writes for `indexes`.
pub fn prefix_len(indexes: &[i32]) -> usize {
    prefix(indexes).len()
}

/// Confluent's message-index list: zig-zag varints of the count then each index; the common
/// `[0]` is the single byte 0.
fn prefix(indexes: &[i32]) -> Vec<u8> {
    if indexes == [0] {
        return vec![0];
    }
    let mut out = Vec::new();
    for n in std::iter::once(indexes.len() as i32).chain(indexes.iter().copied()) {
        prost::encoding::encode_varint(((n << 1) ^ (n >> 31)) as u32 as u64, &mut out);
    }
    out
}

fn widest(message: &MessageDescriptor, seen: &mut Vec<String>) -> usize {
    if seen.iter().any(|s| s == message.full_name()) {
        return 1;
    }
    seen.push(message.full_name().to_string());
    let mut widest = 1;
    for oneof in message.oneofs().filter(|o| !o.is_synthetic()) {
        widest = widest.max(oneof.fields().count());
    }
    for field in message.fields() {
        widest = widest.max(match field.kind() {
            Kind::Enum(e) => e.values().count(),
            Kind::Message(m) => widest_of(&m, seen),
            _ => 1,
        });
    }
    widest
}

fn widest_of(message: &MessageDescriptor, seen: &mut Vec<String>) -> usize {
    widest(message, seen)
}

fn build(message: &MessageDescriptor, k: usize, depth: usize) -> DynamicMessage {
    let mut value = DynamicMessage::new(message.clone());
    if depth >= MAX_DEPTH {
        return value;
    }
    for field in message.fields() {
        if let Some(oneof) = field.containing_oneof().filter(|o| !o.is_synthetic()) {
            let members: Vec<FieldDescriptor> = oneof.fields().collect();
            let chosen = &members[k % members.len()];
            if chosen.number() != field.number() {
                continue;
            }
        }
        if matches!(field.kind(), Kind::Message(_)) && depth + 1 >= MAX_DEPTH {
            continue;
        }
        value.set_field(&field, field_value(&field, k, depth));
    }
    value
}

fn field_value(field: &FieldDescriptor, k: usize, depth: usize) -> Value {
    if field.is_map() {
        let Kind::Message(entry) = field.kind() else {
            return Value::Bool(false);
        };
        let key = single(&entry.map_entry_key_field(), k, depth);
        let item = single(&entry.map_entry_value_field(), k, depth);
        let key = map_key(key);
        return Value::Map([(key, item)].into_iter().collect());
    }
    let one = single(field, k, depth);
    if field.is_list() {
        Value::List(vec![one])
    } else {
        one
    }
}

fn single(field: &FieldDescriptor, k: usize, depth: usize) -> Value {
    let n = k as i64 + 1;
    match field.kind() {
        Kind::Double => Value::F64(n as f64 + 0.25),
        Kind::Float => Value::F32(n as f32 + 0.5),
        Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => Value::I32(n as i32),
        Kind::Int64 | Kind::Sint64 | Kind::Sfixed64 => Value::I64(n * 1000),
        Kind::Uint32 | Kind::Fixed32 => Value::U32(n as u32),
        Kind::Uint64 | Kind::Fixed64 => Value::U64(n as u64 * 1000),
        Kind::Bool => Value::Bool(k % 2 == 0),
        Kind::String => Value::String(format!("{}-{k}", field.name())),
        Kind::Bytes => Value::Bytes(format!("{}-{k}", field.name()).into_bytes().into()),
        Kind::Enum(e) => {
            let values: Vec<i32> = e.values().map(|v| v.number()).collect();
            Value::EnumNumber(values.get(k % values.len().max(1)).copied().unwrap_or(0))
        }
        Kind::Message(m) => Value::Message(build(&m, k, depth + 1)),
    }
}

fn map_key(value: Value) -> MapKey {
    match value {
        Value::Bool(b) => MapKey::Bool(b),
        Value::I32(n) => MapKey::I32(n),
        Value::I64(n) => MapKey::I64(n),
        Value::U32(n) => MapKey::U32(n),
        Value::U64(n) => MapKey::U64(n),
        Value::String(s) => MapKey::String(s),
        _ => MapKey::String(String::new()),
    }
}
