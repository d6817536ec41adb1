//! `FieldSchemaDiff`: a field's name, its kind (scalar, map or message), its scalar group and
//! label, and a message type by its local name, compared in a context of its own when imported.

use prost_reflect::{FieldDescriptor, Kind, MessageDescriptor};

use super::message::compare_message;
use super::{Context, DiffType};
use crate::format::protobuf::declared::{real_oneof, scalar_name, wire_label};
use crate::format::protobuf::MAIN_FILE;

/// A field's type as `FieldSchemaDiff` classifies it.
#[derive(Clone)]
enum TypeRef {
    Scalar(&'static str),
    Enum,
    Message(MessageDescriptor),
    Map(Box<TypeRef>, Box<TypeRef>),
}

#[derive(Debug, PartialEq, Eq)]
enum FieldKind {
    Scalar,
    Map,
    Message,
}

/// Confluent's scalar groups: a change inside one group is compatible.
#[derive(Debug, PartialEq, Eq)]
enum ScalarKind {
    GeneralNumber,
    SignedNumber,
    StringOrBytes,
    Fixed32,
    Fixed64,
    Float,
    Double,
}

impl TypeRef {
    fn of_field(field: &FieldDescriptor) -> Self {
        match field.kind() {
            Kind::Message(entry) if field.is_map() => TypeRef::Map(
                Box::new(TypeRef::of_kind(entry.map_entry_key_field().kind())),
                Box::new(TypeRef::of_kind(entry.map_entry_value_field().kind())),
            ),
            kind => TypeRef::of_kind(kind),
        }
    }

    fn of_kind(kind: Kind) -> Self {
        match kind {
            Kind::Message(m) => TypeRef::Message(m),
            Kind::Enum(_) => TypeRef::Enum,
            scalar => TypeRef::Scalar(scalar_name(&scalar).unwrap_or_default()),
        }
    }

    fn kind(&self) -> FieldKind {
        match self {
            TypeRef::Scalar(_) | TypeRef::Enum => FieldKind::Scalar,
            TypeRef::Map(..) => FieldKind::Map,
            TypeRef::Message(_) => FieldKind::Message,
        }
    }

    fn scalar_kind(&self) -> Option<ScalarKind> {
        Some(match self {
            TypeRef::Enum => ScalarKind::GeneralNumber,
            TypeRef::Scalar("int32" | "int64" | "uint32" | "uint64" | "bool") => {
                ScalarKind::GeneralNumber
            }
            TypeRef::Scalar("sint32" | "sint64") => ScalarKind::SignedNumber,
            TypeRef::Scalar("string" | "bytes") => ScalarKind::StringOrBytes,
            TypeRef::Scalar("fixed32" | "sfixed32") => ScalarKind::Fixed32,
            TypeRef::Scalar("fixed64" | "sfixed64") => ScalarKind::Fixed64,
            TypeRef::Scalar("float") => ScalarKind::Float,
            TypeRef::Scalar("double") => ScalarKind::Double,
            _ => return None,
        })
    }
}

/// The label wire's parser gives `field` in the canonical text.
fn label(field: &FieldDescriptor) -> Option<&'static str> {
    let syntax = field
        .parent_file()
        .file_descriptor_proto()
        .syntax()
        .to_string();
    wire_label(
        field.cardinality(),
        field.is_map(),
        real_oneof(field).is_some(),
        field.field_descriptor_proto(),
        &syntax,
    )
}

/// `FieldSchemaDiff.compare`.
pub(super) fn compare_field(
    ctx: &mut Context,
    original: &FieldDescriptor,
    update: &FieldDescriptor,
) {
    if original.name() != update.name() {
        ctx.add(DiffType::FieldNameChanged);
    }
    compare_labels_and_types(
        ctx,
        label(original),
        label(update),
        &TypeRef::of_field(original),
        &TypeRef::of_field(update),
    );
}

fn compare_labels_and_types(
    ctx: &mut Context,
    original_label: Option<&str>,
    update_label: Option<&str>,
    original: &TypeRef,
    update: &TypeRef,
) {
    if original.kind() != update.kind() {
        ctx.add(DiffType::FieldKindChanged);
        return;
    }
    match (original, update) {
        (TypeRef::Message(o), TypeRef::Message(u)) => compare_message_types(ctx, o, u),
        (TypeRef::Map(ok, ov), TypeRef::Map(uk, uv)) => {
            compare_labels_and_types(ctx, None, None, ok, uk);
            compare_labels_and_types(ctx, None, None, ov, uv);
        }
        _ => {
            let kind = original.scalar_kind();
            if kind != update.scalar_kind() {
                ctx.add(DiffType::FieldScalarKindChanged);
            } else if let (Some(o), Some(u)) = (original_label, update_label) {
                if o != u {
                    ctx.add(match kind {
                        Some(ScalarKind::StringOrBytes) => DiffType::FieldStringOrBytesLabelChanged,
                        _ => DiffType::FieldNumericLabelChanged,
                    });
                }
            }
        }
    }
}

/// The name of `message` without its file's package, what Confluent calls the local name.
fn local_name(message: &MessageDescriptor) -> String {
    let package = message.package_name();
    match message.full_name().strip_prefix(package) {
        Some(rest) if !package.is_empty() => rest.trim_start_matches('.').to_string(),
        _ => message.full_name().to_string(),
    }
}

/// `FieldSchemaDiff.compareMessageTypes`: the local names must match; a type that comes from an
/// import (where the two sides may differ) is compared in a context of its own.
fn compare_message_types(
    ctx: &mut Context,
    original: &MessageDescriptor,
    update: &MessageDescriptor,
) {
    let name = local_name(original);
    if name != local_name(update) {
        ctx.add(DiffType::FieldNamedTypeChanged);
        return;
    }
    let is_local = |m: &MessageDescriptor| m.parent_file().name() == MAIN_FILE;
    if is_local(original) && is_local(update) {
        // Both are compared where they are declared.
        return;
    }
    let mut sub = Context {
        path: name.split('.').map(str::to_string).collect(),
        diffs: Vec::new(),
        in_progress: ctx.in_progress.clone(),
    };
    compare_message(&mut sub, original, update);
    let is_compatible = sub.diffs.iter().all(|d| d.kind.is_compatible());
    ctx.diffs.append(&mut sub.diffs);
    if !is_compatible {
        ctx.add(DiffType::FieldNamedTypeChanged);
    }
}
