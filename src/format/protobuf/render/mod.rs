//! Renders a compiled file back to `.proto` text in the layout of Confluent's
//! `ProtobufSchemaUtils.toString` (sections in a fixed order, messages before enums, blank lines
//! between sections), with or without its normalization (`FormatContext(normalize=true)`).
//!
//! Comments are not kept. Type names are written relative to the package when that resolves to
//! the same type, and fully qualified otherwise; normalized text qualifies them all. This file
//! lays out the file, its imports, enums and services; `message.rs` writes message blocks,
//! `field.rs` fields, groups and extensions, `names.rs` type names, and `../options.rs` options.

mod field;
mod message;
mod names;

use std::collections::HashSet;

use prost_reflect::{EnumDescriptor, ExtensionDescriptor, FileDescriptor, ServiceDescriptor};

use super::declared::declared_messages;
use super::options::{bracketed, escape, Opt};

/// Renders `file`; `normalize` applies Confluent's normalization. `declares_syntax` says the
/// source has a `syntax` statement, which a compiled proto2 file does not record.
pub(super) fn render(file: &FileDescriptor, normalize: bool, declares_syntax: bool) -> String {
    render_with(file, normalize, declares_syntax, false, &Written::default())
}

/// What the schema's text wrote that its compiled descriptor does not keep, and Confluent's
/// text does: each field's type name as written, by the field's full name, and the names of the
/// standard file options in the order written.
#[derive(Debug, Clone, Default)]
pub(in crate::format::protobuf) struct Written {
    pub type_names: std::collections::HashMap<String, String>,
    pub file_options: Vec<String>,
}

/// Renders `file` as [`render`] does; `ignore_extensions` leaves out extension ranges and
/// `extend` blocks, as Confluent's `format=ignore_extensions` does.
pub(super) fn render_with(
    file: &FileDescriptor,
    normalize: bool,
    declares_syntax: bool,
    ignore_extensions: bool,
    written: &Written,
) -> String {
    let mut renderer = Renderer::new(file, normalize);
    renderer.ignore_extensions = ignore_extensions;
    renderer.written = written.clone();
    if declares_syntax && renderer.syntax.is_empty() {
        renderer.syntax = "proto2".to_string();
    }
    renderer.file()
}

pub(super) struct Renderer<'a> {
    file: &'a FileDescriptor,
    pub(super) normalize: bool,
    /// Leaves out extension ranges and `extend` blocks.
    pub(super) ignore_extensions: bool,
    /// What the text wrote, kept where Confluent keeps it (not when normalizing).
    pub(super) written: Written,
    syntax: String,
    /// Every message, enum, service and package (and package prefix) name, for name lookup.
    symbols: HashSet<String>,
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
            ignore_extensions: false,
            written: Written::default(),
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
        let mut options = self.options(&self.file.options());
        if !self.normalize && !self.written.file_options.is_empty() {
            // Standard options in the order written (Confluent keeps it); the rest after.
            let position = |name: &str| self.written.file_options.iter().position(|n| n == name);
            options.sort_by_key(|option| position(&option.name).unwrap_or(usize::MAX));
        }
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
        if !extensions.is_empty() && !self.ignore_extensions {
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
}

/// Confluent's `appendIndented`: two spaces before every line, blank lines included.
pub(super) fn indent(block: &str) -> String {
    let mut lines: Vec<&str> = block.split('\n').collect();
    while lines.len() > 1 && lines.last() == Some(&"") {
        lines.pop();
    }
    lines.iter().map(|line| format!("  {line}\n")).collect()
}
