//! The `FileDescriptorProto` Confluent serves for `format=serialized`.
//!
//! Confluent does not serve the compiler's descriptor: it builds one from the file as written
//! (wire's elements, through its `DynamicSchema` builder), and that one differs from protoc's in
//! ways a client can see in the bytes. Type names stay as written (`Inner`, `.M`, `dep.D`), with
//! the type set to message or enum; a label only where the source writes one (oneof fields are
//! `optional`); no `json_name` unless the source sets it; a oneof's fields come first, then the
//! other fields; a map field's entry is named after the field (`mEntry`, or `MyMapEntry` for
//! `my_map`), comes after the nested types and has unlabelled `key` and `value` fields; oneofs
//! and extension ranges carry empty options; methods state both streaming flags; `syntax` is
//! present only when the source declares one.
//!
//! So the descriptor is built here from the unlinked parse of the stored text, with each type's
//! kind and every option (interpreted) taken from the compiled file.

use std::collections::HashMap;

use prost_types::field_descriptor_proto::{Label, Type};
use prost_types::{
    DescriptorProto, EnumDescriptorProto, FieldDescriptorProto, FileDescriptorProto,
    MethodDescriptorProto, OneofOptions, ServiceDescriptorProto,
};

use super::MAIN_FILE;

/// Returns Confluent's descriptor of `text` (`.proto` source), whose compiled file is `linked`.
pub(super) fn descriptor(
    text: &str,
    linked: &FileDescriptorProto,
) -> Result<FileDescriptorProto, String> {
    let written = protox_parse::parse(MAIN_FILE, text).map_err(|err| err.to_string())?;
    let declares_syntax = has_syntax_statement(&written);
    let proto3 = written.syntax() == "proto3";
    Ok(FileDescriptorProto {
        name: written.name,
        package: written.package,
        dependency: written.dependency,
        public_dependency: written.public_dependency,
        weak_dependency: written.weak_dependency,
        message_type: pairs(written.message_type, &linked.message_type, |m| m.name())
            .map(|(message, linked)| self::message(message, linked, proto3))
            .collect(),
        enum_type: pairs(written.enum_type, &linked.enum_type, |e| e.name())
            .map(|(e, linked)| enumeration(e, linked))
            .collect(),
        service: pairs(written.service, &linked.service, |s| s.name())
            .map(|(s, linked)| service(s, linked))
            .collect(),
        extension: fields(written.extension, &linked.extension),
        options: linked.options.clone(),
        source_code_info: None,
        syntax: match declares_syntax {
            true => Some(written.syntax.unwrap_or_else(|| "proto2".to_string())),
            false => None,
        },
    })
}

/// `FileDescriptorProto.syntax`'s field number, the path of a `syntax` statement's location.
const SYNTAX_TAG: i32 = 12;

/// True when `text` (`.proto` source) has a `syntax` statement. The parser leaves `syntax`
/// unset for `syntax = "proto2";` as for no statement, but Confluent keeps the statement.
pub(super) fn declares_syntax(text: &str) -> bool {
    protox_parse::parse(MAIN_FILE, text).is_ok_and(|file| has_syntax_statement(&file))
}

fn has_syntax_statement(file: &FileDescriptorProto) -> bool {
    file.source_code_info
        .as_ref()
        .is_some_and(|info| info.location.iter().any(|l| l.path == [SYNTAX_TAG]))
}

/// Pairs each written element with its compiled counterpart of the same name.
fn pairs<W, L>(
    written: Vec<W>,
    linked: &[L],
    name: impl Fn(&L) -> &str + Copy,
) -> impl Iterator<Item = (W, Option<&L>)>
where
    W: Named,
{
    written.into_iter().map(move |w| {
        let counterpart = linked.iter().find(|l| name(l) == w.name());
        (w, counterpart)
    })
}

trait Named {
    fn name(&self) -> &str;
}

macro_rules! named {
    ($($t:ty),*) => {$(impl Named for $t { fn name(&self) -> &str { self.name() } })*};
}
named!(
    DescriptorProto,
    EnumDescriptorProto,
    ServiceDescriptorProto,
    FieldDescriptorProto
);

fn message(
    written: DescriptorProto,
    linked: Option<&DescriptorProto>,
    proto3: bool,
) -> DescriptorProto {
    let empty = DescriptorProto::default();
    let linked = linked.unwrap_or(&empty);
    let (entries, nested): (Vec<_>, Vec<_>) = written
        .nested_type
        .into_iter()
        .partition(|m| m.options.as_ref().and_then(|o| o.map_entry) == Some(true));
    let entries: HashMap<String, DescriptorProto> = entries
        .into_iter()
        .map(|entry| (entry.name().to_string(), entry))
        .collect();
    let mut nested_type: Vec<DescriptorProto> = pairs(nested, &linked.nested_type, |m| m.name())
        .map(|(m, l)| message(m, l, proto3))
        .collect();

    // A oneof's fields first (Confluent adds the oneofs before the other fields), each oneof
    // in order; then the rest, where a proto3 `optional` field gets its synthetic oneof.
    let real_oneofs: Vec<i32> = (0..written.oneof_decl.len() as i32)
        .filter(|index| {
            !written
                .field
                .iter()
                .any(|f| f.oneof_index == Some(*index) && f.proto3_optional())
        })
        .collect();
    let mut oneof_decl: Vec<_> = real_oneofs
        .iter()
        .map(|index| written.oneof_decl[*index as usize].clone())
        .collect();
    let mut ordered = Vec::with_capacity(written.field.len());
    let mut map_fields = Vec::new();
    for (position, index) in real_oneofs.iter().enumerate() {
        for field in written
            .field
            .iter()
            .filter(|f| f.oneof_index == Some(*index))
        {
            let mut field = field.clone();
            field.oneof_index = Some(position as i32);
            field.label = Some(Label::Optional as i32);
            ordered.push(field);
        }
    }
    for field in &written.field {
        let in_real_oneof = field
            .oneof_index
            .is_some_and(|index| real_oneofs.contains(&index));
        if in_real_oneof {
            continue;
        }
        let mut field = field.clone();
        if field.proto3_optional() {
            if let Some(index) = field.oneof_index {
                oneof_decl.push(written.oneof_decl[index as usize].clone());
                field.oneof_index = Some(oneof_decl.len() as i32 - 1);
            }
        } else if proto3 && field.label() == Label::Optional {
            field.label = None;
        }
        if let Some(entry) = entries.get(field.type_name()) {
            let name = map_entry_name(field.name());
            nested_type.push(map_entry(entry, &name, linked));
            field.type_name = Some(name);
            field.label = Some(Label::Repeated as i32);
            map_fields.push(field.name().to_string());
        }
        ordered.push(field);
    }
    for oneof in &mut oneof_decl {
        oneof.options = Some(OneofOptions::default());
    }
    let mut extension_range = written.extension_range;
    for range in &mut extension_range {
        range.options = Some(Default::default());
    }
    let mut field = fields(ordered, &linked.field);
    for map_field in field
        .iter_mut()
        .filter(|f| map_fields.iter().any(|m| m == f.name()))
    {
        // Confluent names the entry type, without saying it is a message.
        map_field.r#type = None;
    }
    DescriptorProto {
        name: written.name,
        field,
        extension: fields(written.extension, &linked.extension),
        nested_type,
        enum_type: pairs(written.enum_type, &linked.enum_type, |e| e.name())
            .map(|(e, l)| enumeration(e, l))
            .collect(),
        extension_range,
        oneof_decl,
        options: linked.options.clone(),
        reserved_range: written.reserved_range,
        reserved_name: written.reserved_name,
    }
}

/// Confluent's `toMapEntry`: a field name with an underscore in upper camel case, else as it
/// is, then `Entry`.
fn map_entry_name(field: &str) -> String {
    let base = match field.contains('_') {
        true => field
            .split('_')
            .map(|part| {
                let mut chars = part.chars();
                match chars.next() {
                    Some(first) => {
                        first.to_ascii_uppercase().to_string()
                            + &chars.as_str().to_ascii_lowercase()
                    }
                    None => String::new(),
                }
            })
            .collect(),
        false => field.to_string(),
    };
    format!("{base}Entry")
}

/// A map entry as Confluent writes one: `key` and `value` without labels or JSON names, the
/// value's type by its simple name.
fn map_entry(entry: &DescriptorProto, name: &str, parent: &DescriptorProto) -> DescriptorProto {
    let linked_entry = parent.nested_type.iter().find(|m| {
        m.options.as_ref().and_then(|o| o.map_entry) == Some(true) && m.name() == entry.name()
    });
    let field = entry
        .field
        .iter()
        .map(|f| {
            let linked = linked_entry.and_then(|l| l.field.iter().find(|lf| lf.name() == f.name()));
            FieldDescriptorProto {
                name: f.name.clone(),
                number: f.number,
                r#type: f.r#type.or(linked.and_then(|l| l.r#type)),
                type_name: f
                    .type_name
                    .as_deref()
                    .map(|t| t.rsplit('.').next().unwrap_or(t).to_string()),
                ..Default::default()
            }
        })
        .collect();
    DescriptorProto {
        name: Some(name.to_string()),
        field,
        options: entry.options.clone(),
        ..Default::default()
    }
}

/// The written fields, each with the type kind and options of its compiled counterpart. (The
/// parser sets `json_name` only where the source does.)
fn fields(
    written: Vec<FieldDescriptorProto>,
    linked: &[FieldDescriptorProto],
) -> Vec<FieldDescriptorProto> {
    pairs(written, linked, |f| f.name())
        .map(|(mut field, linked)| {
            if let Some(linked) = linked {
                let is_named = matches!(linked.r#type(), Type::Message | Type::Enum | Type::Group);
                if field.r#type.is_none() && is_named && field.type_name.is_some() {
                    field.r#type = linked.r#type;
                }
                field.options = linked.options.clone();
            }
            field
        })
        .collect()
}

fn enumeration(
    written: EnumDescriptorProto,
    linked: Option<&EnumDescriptorProto>,
) -> EnumDescriptorProto {
    let Some(linked) = linked else {
        return written;
    };
    EnumDescriptorProto {
        value: written
            .value
            .into_iter()
            .map(|mut value| {
                value.options = linked
                    .value
                    .iter()
                    .find(|l| l.name() == value.name())
                    .and_then(|l| l.options.clone());
                value
            })
            .collect(),
        options: linked.options.clone(),
        ..written
    }
}

fn service(
    written: ServiceDescriptorProto,
    linked: Option<&ServiceDescriptorProto>,
) -> ServiceDescriptorProto {
    let methods =
        |l: Option<&ServiceDescriptorProto>| l.map(|l| l.method.clone()).unwrap_or_default();
    let linked_methods = methods(linked);
    ServiceDescriptorProto {
        method: written
            .method
            .into_iter()
            .map(|method| {
                let options = linked_methods
                    .iter()
                    .find(|l| l.name() == method.name())
                    .and_then(|l| l.options.clone());
                MethodDescriptorProto {
                    client_streaming: Some(method.client_streaming()),
                    server_streaming: Some(method.server_streaming()),
                    options,
                    ..method
                }
            })
            .collect(),
        options: linked.and_then(|l| l.options.clone()),
        ..written
    }
}
