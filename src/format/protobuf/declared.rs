//! What the source declared, read back from a compiled descriptor: fields in declaration order,
//! oneofs written in the source, the messages written as blocks, the label wire's parser gives
//! a field, and scalar type names. Rendering and the compatibility check both see a file this
//! way.

use std::collections::HashSet;

use prost_reflect::{Cardinality, FieldDescriptor, Kind, MessageDescriptor, OneofDescriptor};
use prost_types::FieldDescriptorProto;

/// The label wire's parser would give a field of the rendered text: `None` for implicit presence
/// (proto3), oneof members and maps.
pub(super) fn wire_label(
    cardinality: Cardinality,
    is_map: bool,
    in_real_oneof: bool,
    proto: &FieldDescriptorProto,
    syntax: &str,
) -> Option<&'static str> {
    if is_map || in_real_oneof {
        return None;
    }
    match cardinality {
        Cardinality::Repeated => Some("repeated"),
        Cardinality::Required => Some("required"),
        Cardinality::Optional if proto.proto3_optional() || syntax_is_proto2(syntax) => {
            Some("optional")
        }
        Cardinality::Optional => None,
    }
}

/// The fields of `message` in declaration order, which the canonical text keeps (prost-reflect's
/// `fields()` yields them by number).
pub(super) fn declared_fields(message: &MessageDescriptor) -> Vec<FieldDescriptor> {
    message
        .descriptor_proto()
        .field
        .iter()
        .filter_map(|field| message.get_field(field.number() as u32))
        .collect()
}

fn syntax_is_proto2(syntax: &str) -> bool {
    syntax.is_empty() || syntax == "proto2"
}

/// Whether `field` belongs to a oneof written in the source (not proto3's synthetic ones).
pub(super) fn real_oneof(field: &FieldDescriptor) -> Option<OneofDescriptor> {
    field
        .containing_oneof()
        .filter(|oneof| !oneof.is_synthetic())
}

/// The messages written as `message` blocks under `parent`: not map entries, not group bodies.
pub(super) fn declared_messages(
    children: impl Iterator<Item = MessageDescriptor>,
    parent_fields: &[FieldDescriptor],
) -> Vec<MessageDescriptor> {
    let group_bodies: HashSet<String> = parent_fields
        .iter()
        .filter(|f| f.is_group())
        .filter_map(|f| match f.kind() {
            Kind::Message(m) => Some(m.full_name().to_string()),
            _ => None,
        })
        .collect();
    children
        .filter(|m| !m.is_map_entry() && !group_bodies.contains(m.full_name()))
        .collect()
}

/// The name of a scalar kind, or `None` for messages and enums.
pub(super) fn scalar_name(kind: &Kind) -> Option<&'static str> {
    Some(match kind {
        Kind::Double => "double",
        Kind::Float => "float",
        Kind::Int32 => "int32",
        Kind::Int64 => "int64",
        Kind::Uint32 => "uint32",
        Kind::Uint64 => "uint64",
        Kind::Sint32 => "sint32",
        Kind::Sint64 => "sint64",
        Kind::Fixed32 => "fixed32",
        Kind::Fixed64 => "fixed64",
        Kind::Sfixed32 => "sfixed32",
        Kind::Sfixed64 => "sfixed64",
        Kind::Bool => "bool",
        Kind::String => "string",
        Kind::Bytes => "bytes",
        Kind::Message(_) | Kind::Enum(_) => return None,
    })
}
