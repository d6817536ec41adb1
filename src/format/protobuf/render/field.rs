//! Field lines (label, type, name, number and the bracketed options, `default` and `json_name`
//! among them), groups with their bodies, and `extend` blocks of extensions.

use prost_reflect::{DynamicMessage, ExtensionDescriptor, FieldDescriptor, Kind};
use prost_types::FieldDescriptorProto;

use super::Renderer;
use crate::format::protobuf::declared::{declared_fields, real_oneof, wire_label};
use crate::format::protobuf::options::{bracketed, escape, Opt};

/// A field or an extension, as the renderer needs it.
struct FieldView {
    name: String,
    full_name: String,
    number: u32,
    kind: Kind,
    label: Option<&'static str>,
    map: Option<(Kind, Kind)>,
    proto: FieldDescriptorProto,
    options: DynamicMessage,
}

impl FieldView {
    fn of_field(field: &FieldDescriptor, syntax: &str) -> Self {
        let map = match field.kind() {
            Kind::Message(entry) if field.is_map() => Some((
                entry.map_entry_key_field().kind(),
                entry.map_entry_value_field().kind(),
            )),
            _ => None,
        };
        let proto = field.field_descriptor_proto().clone();
        FieldView {
            name: field.name().to_string(),
            full_name: field.full_name().to_string(),
            number: field.number(),
            kind: field.kind(),
            label: wire_label(
                field.cardinality(),
                map.is_some(),
                real_oneof(field).is_some(),
                &proto,
                syntax,
            ),
            map,
            proto,
            options: field.options(),
        }
    }

    fn of_extension(extension: &ExtensionDescriptor, syntax: &str) -> Self {
        let proto = extension.field_descriptor_proto().clone();
        FieldView {
            name: extension.name().to_string(),
            full_name: extension.full_name().to_string(),
            number: extension.number(),
            kind: extension.kind(),
            label: wire_label(extension.cardinality(), false, false, &proto, syntax),
            map: None,
            proto,
            options: extension.options(),
        }
    }
}

impl Renderer<'_> {
    pub(super) fn field(&self, field: &FieldDescriptor, scope: &str) -> String {
        self.field_line(&FieldView::of_field(field, &self.syntax), scope)
    }

    fn field_line(&self, field: &FieldView, scope: &str) -> String {
        let mut out = String::new();
        if let Some(label) = field.label {
            out.push_str(label);
            out.push(' ');
        }
        let type_name = match &field.map {
            Some((key, value)) => {
                format!(
                    "map<{}, {}>",
                    self.kind_name(key, scope),
                    self.kind_name(value, scope)
                )
            }
            None => match self.written.type_names.get(&field.full_name) {
                // Confluent keeps a type name as the schema wrote it (`.M` stays `.M`).
                Some(written) if !self.normalize => written.clone(),
                _ => self.kind_name(&field.kind, scope),
            },
        };
        out.push_str(&format!("{type_name} {} = {}", field.name, field.number));
        let mut options = self.options(&field.options);
        if let Some(default) = &field.proto.default_value {
            let value = match &field.kind {
                Kind::String => format!("\"{}\"", escape(default)),
                // The descriptor keeps a bytes default C-escaped already.
                Kind::Bytes => format!("\"{default}\""),
                Kind::Enum(_) | Kind::Bool => default.clone(),
                _ => self.number(default),
            };
            options.push(Opt {
                name: "default".into(),
                sort_key: "default".into(),
                value,
            });
        }
        if let Some(json_name) = &field.proto.json_name {
            if *json_name != default_json_name(&field.name) {
                options.push(Opt {
                    name: "json_name".into(),
                    sort_key: "json_name".into(),
                    value: format!("\"{}\"", escape(json_name)),
                });
            }
        }
        if self.normalize {
            options.sort_by(|a, b| a.sort_key.cmp(&b.sort_key));
        }
        if !options.is_empty() {
            out.push(' ');
            out.push_str(&bracketed(&options));
        }
        out.push_str(";\n");
        out
    }

    pub(super) fn group(&self, field: &FieldDescriptor, scope: &str) -> String {
        let view = FieldView::of_field(field, &self.syntax);
        let mut out = String::new();
        if let Some(label) = view.label {
            out.push_str(label);
            out.push(' ');
        }
        let Kind::Message(body) = field.kind() else {
            return self.field_line(&view, scope);
        };
        out.push_str(&format!("group {} = {} {{", body.name(), field.number()));
        let mut fields = declared_fields(&body);
        if self.normalize {
            fields.sort_by_key(|f| f.number());
        }
        self.section(
            &mut out,
            fields
                .iter()
                .map(|f| self.field(f, body.full_name()))
                .collect(),
        );
        out.push_str("}\n");
        out
    }

    /// `extend` blocks for `extensions` declared in `scope`, consecutive ones with the same
    /// extendee together (normalized: one block per extendee, fields by number).
    pub(super) fn extends(&self, extensions: &[ExtensionDescriptor], scope: &str) -> String {
        let mut blocks: Vec<(String, Vec<&ExtensionDescriptor>)> = Vec::new();
        for extension in extensions {
            let extendee = extension.containing_message().full_name().to_string();
            let existing = if self.normalize {
                blocks.iter_mut().find(|(name, _)| *name == extendee)
            } else {
                blocks.last_mut().filter(|(name, _)| *name == extendee)
            };
            match existing {
                Some((_, members)) => members.push(extension),
                None => blocks.push((extendee, vec![extension])),
            }
        }
        let mut out = String::new();
        for (extendee, mut members) in blocks {
            if self.normalize {
                members.sort_by_key(|e| e.number());
            }
            out.push_str(&format!("extend {} {{", self.type_name(&extendee, scope)));
            let lines = members
                .iter()
                .map(|e| self.field_line(&FieldView::of_extension(e, &self.syntax), scope))
                .collect();
            self.section(&mut out, lines);
            out.push_str("}\n");
        }
        out
    }
}

/// protoc's default JSON name: underscores dropped, the letter after each one upper-cased.
fn default_json_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}
