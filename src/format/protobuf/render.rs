//! Renders a compiled file back to `.proto` text in the layout of Confluent's
//! `ProtobufSchemaUtils.toString` (sections in a fixed order, messages before enums, blank lines
//! between sections), with or without its normalization (`FormatContext(normalize=true)`).
//!
//! Comments are not kept. Type names are written relative to the package when that resolves to
//! the same type, and fully qualified otherwise; normalized text qualifies them all.

use std::collections::HashSet;

use prost_reflect::{
    Cardinality, DynamicMessage, EnumDescriptor, ExtensionDescriptor, FieldDescriptor,
    FileDescriptor, Kind, MessageDescriptor, OneofDescriptor, ServiceDescriptor,
};

use super::options::{bracketed, escape, Opt};
use prost_types::FieldDescriptorProto;

/// wire's `MAX_TAG_VALUE`: the largest field number, written `max` in ranges.
const MAX_TAG_VALUE: u32 = 536_870_911;

/// Renders `file`; `normalize` applies Confluent's normalization.
pub(super) fn render(file: &FileDescriptor, normalize: bool) -> String {
    Renderer::new(file, normalize).file()
}

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
fn declared_fields(message: &MessageDescriptor) -> Vec<FieldDescriptor> {
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

pub(super) struct Renderer<'a> {
    file: &'a FileDescriptor,
    pub(super) normalize: bool,
    syntax: String,
    /// Every message, enum, service and package (and package prefix) name, for name lookup.
    symbols: HashSet<String>,
}

/// A field or an extension, as the renderer needs it.
struct FieldView {
    name: String,
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
            number: extension.number(),
            kind: extension.kind(),
            label: wire_label(extension.cardinality(), false, false, &proto, syntax),
            map: None,
            proto,
            options: extension.options(),
        }
    }
}

impl<'a> Renderer<'a> {
    fn new(file: &'a FileDescriptor, normalize: bool) -> Self {
        let pool = file.parent_pool();
        let mut symbols: HashSet<String> = HashSet::new();
        symbols.extend(pool.all_messages().map(|m| m.full_name().to_string()));
        symbols.extend(pool.all_enums().map(|e| e.full_name().to_string()));
        symbols.extend(pool.services().map(|s| s.full_name().to_string()));
        for f in pool.files() {
            let mut prefix = String::new();
            for part in f.package_name().split('.').filter(|p| !p.is_empty()) {
                if !prefix.is_empty() {
                    prefix.push('.');
                }
                prefix.push_str(part);
                symbols.insert(prefix.clone());
            }
        }
        Renderer {
            file,
            normalize,
            syntax: file.file_descriptor_proto().syntax().to_string(),
            symbols,
        }
    }

    fn file(&self) -> String {
        let mut out = String::new();
        let is_declared = !self.syntax.is_empty() && self.syntax != "editions";
        if is_declared && (!self.normalize || self.syntax == "proto3") {
            out.push_str(&format!("syntax = \"{}\";\n", self.syntax));
        }
        let package = self.file.package_name();
        if !package.is_empty() {
            out.push_str(&format!("package {package};\n"));
        }
        out.push_str(&self.imports());
        let options = self.options(&self.file.options());
        if !options.is_empty() {
            out.push('\n');
            for option in &options {
                out.push_str(&format!("option {};\n", option.text()));
            }
        }
        let messages = declared_messages(self.file.messages(), &[]);
        let enums: Vec<EnumDescriptor> = self.file.enums().collect();
        if !messages.is_empty() || !enums.is_empty() {
            out.push('\n');
            for message in &messages {
                out.push_str(&self.message(message));
            }
            for e in &enums {
                out.push_str(&self.enumeration(e));
            }
        }
        let extensions: Vec<ExtensionDescriptor> = self.file.extensions().collect();
        if !extensions.is_empty() {
            out.push('\n');
            out.push_str(&self.extends(&extensions, package));
        }
        let services: Vec<ServiceDescriptor> = self.file.services().collect();
        if !services.is_empty() {
            out.push('\n');
            for service in &services {
                out.push_str(&self.service(service));
            }
        }
        out
    }

    fn imports(&self) -> String {
        let proto = self.file.file_descriptor_proto();
        let public: HashSet<usize> = proto
            .public_dependency
            .iter()
            .map(|&i| i as usize)
            .collect();
        let weak: HashSet<usize> = proto.weak_dependency.iter().map(|&i| i as usize).collect();
        let pick = |wanted: &dyn Fn(usize) -> bool| -> Vec<String> {
            let mut names: Vec<String> = proto
                .dependency
                .iter()
                .enumerate()
                .filter(|(i, _)| wanted(*i))
                .map(|(_, name)| name.clone())
                .collect();
            if self.normalize {
                names.sort();
                names.dedup();
            }
            names
        };
        let plain = pick(&|i| !public.contains(&i) && !weak.contains(&i));
        let public = pick(&|i| public.contains(&i));
        let weak = pick(&|i| weak.contains(&i));
        if plain.is_empty() && public.is_empty() && weak.is_empty() {
            return String::new();
        }
        let mut out = String::from("\n");
        for (names, word) in [(plain, ""), (public, "public "), (weak, "weak ")] {
            for name in names {
                out.push_str(&format!("import {word}\"{}\";\n", escape(&name)));
            }
        }
        out
    }

    fn message(&self, message: &MessageDescriptor) -> String {
        let scope = message.full_name();
        let proto = message.descriptor_proto();
        let mut out = format!("message {} {{", message.name());
        let ranges: Vec<(u32, u32)> = message
            .reserved_ranges()
            .map(|r| (r.start, r.end.saturating_sub(1)))
            .collect();
        let names: Vec<&str> = message.reserved_names().collect();
        self.section(
            &mut out,
            self.ranges("reserved", &ranges, &names, MAX_TAG_VALUE),
        );
        let options = self.options(&message.options());
        self.section(
            &mut out,
            options
                .iter()
                .map(|o| format!("option {};\n", o.text()))
                .collect(),
        );
        let fields = declared_fields(message);
        let mut plain: Vec<&FieldDescriptor> = fields
            .iter()
            .filter(|f| real_oneof(f).is_none() && !f.is_group())
            .collect();
        if self.normalize {
            plain.sort_by_key(|f| f.number());
        }
        self.section(
            &mut out,
            plain.iter().map(|f| self.field(f, scope)).collect(),
        );
        self.section(&mut out, self.oneofs(message, scope));
        let mut groups: Vec<&FieldDescriptor> = fields
            .iter()
            .filter(|f| real_oneof(f).is_none() && f.is_group())
            .collect();
        if self.normalize {
            groups.sort_by_key(|f| f.number());
        }
        self.section(
            &mut out,
            groups.iter().map(|f| self.group(f, scope)).collect(),
        );
        let extension_ranges: Vec<(u32, u32)> = proto
            .extension_range
            .iter()
            .map(|r| (r.start() as u32, (r.end() as u32).saturating_sub(1)))
            .collect();
        self.section(
            &mut out,
            self.ranges("extensions", &extension_ranges, &[], MAX_TAG_VALUE),
        );
        let extensions: Vec<ExtensionDescriptor> = message.child_extensions().collect();
        if !extensions.is_empty() {
            self.section(&mut out, vec![self.extends(&extensions, scope)]);
        }
        let mut nested: Vec<String> = declared_messages(message.child_messages(), &fields)
            .iter()
            .map(|m| self.message(m))
            .collect();
        nested.extend(message.child_enums().map(|e| self.enumeration(&e)));
        self.section(&mut out, nested);
        out.push_str("}\n");
        out
    }

    /// Appends a section: a newline, then each block indented. Empty sections add nothing.
    fn section(&self, out: &mut String, blocks: Vec<String>) {
        if blocks.is_empty() {
            return;
        }
        out.push('\n');
        for block in blocks {
            out.push_str(&indent(&block));
        }
    }

    fn oneofs(&self, message: &MessageDescriptor, scope: &str) -> Vec<String> {
        let mut oneofs: Vec<(OneofDescriptor, Vec<FieldDescriptor>)> = message
            .oneofs()
            .filter(|o| !o.is_synthetic())
            .map(|o| {
                let fields = o.fields().collect();
                (o, fields)
            })
            .collect();
        if self.normalize {
            oneofs.retain(|(_, fields)| !fields.is_empty());
            for (_, fields) in &mut oneofs {
                fields.sort_by_key(|f| f.number());
            }
            oneofs.sort_by_key(|(_, fields)| fields.first().map(|f| f.number()));
        }
        oneofs
            .iter()
            .map(|(oneof, fields)| {
                let mut out = format!("oneof {} {{", oneof.name());
                let options = self.options(&oneof.options());
                self.section(
                    &mut out,
                    options
                        .iter()
                        .map(|o| format!("option {};\n", o.text()))
                        .collect(),
                );
                let (groups, plain): (Vec<&FieldDescriptor>, Vec<&FieldDescriptor>) =
                    fields.iter().partition(|f| f.is_group());
                self.section(
                    &mut out,
                    plain.iter().map(|f| self.field(f, scope)).collect(),
                );
                self.section(
                    &mut out,
                    groups.iter().map(|f| self.group(f, scope)).collect(),
                );
                out.push_str("}\n");
                out
            })
            .collect()
    }

    fn field(&self, field: &FieldDescriptor, scope: &str) -> String {
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
            None => self.kind_name(&field.kind, scope),
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

    fn group(&self, field: &FieldDescriptor, scope: &str) -> String {
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
    fn extends(&self, extensions: &[ExtensionDescriptor], scope: &str) -> String {
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

    fn enumeration(&self, e: &EnumDescriptor) -> String {
        let mut out = format!("enum {} {{", e.name());
        let ranges: Vec<(i64, i64)> = e
            .reserved_ranges()
            .map(|r| (i64::from(*r.start()), i64::from(*r.end())))
            .collect();
        let names: Vec<&str> = e.reserved_names().collect();
        let reserved = self.ranges("reserved", &ranges, &names, i64::from(i32::MAX));
        let options = self.options(&e.options());
        // Declaration order, which `values()` does not keep.
        let mut values: Vec<(String, i32, Vec<Opt>)> = e
            .enum_descriptor_proto()
            .value
            .iter()
            .filter_map(|v| e.get_value_by_name(v.name()))
            .map(|v| (v.name().to_string(), v.number(), self.options(&v.options())))
            .collect();
        if reserved.is_empty() && (!options.is_empty() || !values.is_empty()) {
            out.push('\n');
        }
        self.section(&mut out, reserved);
        for option in &options {
            out.push_str(&indent(&format!("option {};\n", option.text())));
        }
        if self.normalize {
            values.sort_by(|a, b| (a.1, &a.0).cmp(&(b.1, &b.0)));
        }
        for (name, number, mut options) in values {
            let mut line = format!("{name} = {number}");
            if self.normalize {
                options.sort_by(|a, b| a.sort_key.cmp(&b.sort_key));
            }
            if !options.is_empty() {
                line.push(' ');
                line.push_str(&bracketed(&options));
            }
            line.push_str(";\n");
            out.push_str(&indent(&line));
        }
        out.push_str("}\n");
        out
    }

    fn service(&self, service: &ServiceDescriptor) -> String {
        let scope = self.file.package_name();
        let mut out = format!("service {} {{", service.name());
        let options = self.options(&service.options());
        self.section(
            &mut out,
            options
                .iter()
                .map(|o| format!("option {};\n", o.text()))
                .collect(),
        );
        let methods = service
            .methods()
            .map(|m| {
                let stream = |yes: bool| if yes { "stream " } else { "" };
                let mut line = format!(
                    "rpc {} ({}{}) returns ({}{})",
                    m.name(),
                    stream(m.is_client_streaming()),
                    self.type_name(m.input().full_name(), scope),
                    stream(m.is_server_streaming()),
                    self.type_name(m.output().full_name(), scope),
                );
                let options = self.options(&m.options());
                if !options.is_empty() {
                    line.push_str(" {\n");
                    for option in &options {
                        line.push_str(&indent(&format!("option {};\n", option.text())));
                    }
                    line.push('}');
                }
                line.push_str(";\n");
                line
            })
            .collect();
        self.section(&mut out, methods);
        out.push_str("}\n");
        out
    }

    /// `reserved`/`extensions` statements: one per kind as written, or (normalized) one per
    /// value sorted by start, names last.
    fn ranges<T>(&self, keyword: &str, ranges: &[(T, T)], names: &[&str], max: T) -> Vec<String>
    where
        T: Copy + Ord + std::fmt::Display,
    {
        let range_text = |&(start, end): &(T, T)| {
            if end >= max {
                format!("{start} to max")
            } else if start == end {
                start.to_string()
            } else {
                format!("{start} to {end}")
            }
        };
        let name_text = |name: &&str| format!("\"{name}\"");
        if self.normalize {
            let mut sorted: Vec<&(T, T)> = ranges.iter().collect();
            sorted.sort_by_key(|r| r.0);
            let mut names: Vec<&&str> = names.iter().collect();
            names.sort();
            return sorted
                .into_iter()
                .map(range_text)
                .chain(names.into_iter().map(name_text))
                .map(|value| format!("{keyword} {value};\n"))
                .collect();
        }
        let mut statements = Vec::new();
        if !ranges.is_empty() {
            let values: Vec<String> = ranges.iter().map(range_text).collect();
            statements.push(format!("{keyword} {};\n", values.join(", ")));
        }
        if !names.is_empty() {
            let values: Vec<String> = names.iter().map(name_text).collect();
            statements.push(format!("{keyword} {};\n", values.join(", ")));
        }
        statements
    }

    /// The text of a kind: a scalar name, or a message/enum name as seen from `scope`.
    fn kind_name(&self, kind: &Kind, scope: &str) -> String {
        match kind {
            Kind::Message(m) => self.type_name(m.full_name(), scope),
            Kind::Enum(e) => self.type_name(e.full_name(), scope),
            scalar => scalar_name(scalar).unwrap_or_default().to_string(),
        }
    }

    /// The name to write for type `full` inside `scope` (a message's or package's full name):
    /// the shortest suffix that protobuf's lookup from `scope` resolves back to `full`.
    fn type_name(&self, full: &str, scope: &str) -> String {
        if self.normalize {
            return format!(".{full}");
        }
        let mut prefix = scope;
        loop {
            let candidate = if prefix.is_empty() {
                Some(full)
            } else {
                full.strip_prefix(prefix).and_then(|r| r.strip_prefix('.'))
            };
            if let Some(candidate) = candidate {
                if self.resolve(candidate, scope).as_deref() == Some(full) {
                    return candidate.to_string();
                }
            }
            if prefix.is_empty() {
                return format!(".{full}");
            }
            prefix = prefix.rfind('.').map_or("", |dot| &prefix[..dot]);
        }
    }

    /// Protobuf's lookup of a relative name: the innermost scope where its first component is
    /// a known symbol decides.
    fn resolve(&self, name: &str, scope: &str) -> Option<String> {
        let first = name.split('.').next().unwrap_or(name);
        let mut scope = scope.to_string();
        loop {
            let candidate = if scope.is_empty() {
                first.to_string()
            } else {
                format!("{scope}.{first}")
            };
            if self.symbols.contains(&candidate) {
                let rest = &name[first.len()..];
                return Some(format!("{candidate}{rest}"));
            }
            if scope.is_empty() {
                return None;
            }
            scope = match scope.rfind('.') {
                Some(dot) => scope[..dot].to_string(),
                None => String::new(),
            };
        }
    }
}

/// Confluent's `appendIndented`: two spaces before every line, blank lines included.
pub(super) fn indent(block: &str) -> String {
    let mut lines: Vec<&str> = block.split('\n').collect();
    while lines.len() > 1 && lines.last() == Some(&"") {
        lines.pop();
    }
    lines.iter().map(|line| format!("  {line}\n")).collect()
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
