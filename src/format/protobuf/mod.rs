//! Protobuf: compiling `.proto` text (or a base64 `FileDescriptorProto`) with its imports, the
//! canonical text the registry stores, Confluent's normalized form, and Confluent's Protobuf
//! compatibility check.
//!
//! Compilation is protox's; the result is a `prost_reflect::DescriptorPool` holding the schema's
//! file (named [`MAIN_FILE`]), its dependencies and the well-known types it imports. Rendering
//! and the compatibility check walk that pool the way Confluent's `ProtobufSchemaUtils` and its
//! `diff` package walk wire's `ProtoFileElement`. Pure: no IO.

mod compat;
mod declared;
mod descriptor;
mod java_order;
mod known;
mod options;
mod parse;
mod render;
mod serialized;
pub mod tags;

#[cfg(test)]
mod tests;

use base64::Engine;
use prost::Message;
use prost_reflect::FileDescriptor;

use super::{Dependency, ReaderIs};

/// The name the schema's own file gets inside the descriptor pool.
pub const MAIN_FILE: &str = "default";

/// A compiled Protobuf schema: its file and everything that file imports.
#[derive(Debug, Clone)]
pub struct ProtobufSchema {
    /// The schema's own file; its pool also holds every file it imports.
    file: FileDescriptor,
    canonical: String,
    /// What Accord's stricter reading finds that Confluent accepts.
    warnings: Vec<String>,
    /// Confluent's `meta.proto` is imported only because the schema uses its options.
    implicit_meta: bool,
    /// What the text wrote that the descriptor does not keep.
    written: render::Written,
}

impl ProtobufSchema {
    /// Returns the `.proto` text the registry stores and serves, rendered from the descriptor.
    pub fn canonical(&self) -> String {
        self.canonical.clone()
    }

    /// Returns the text `format=ignore_extensions` serves: the canonical text without extension
    /// ranges and `extend` blocks.
    pub fn without_extensions(&self) -> String {
        let declares_syntax = self.canonical.starts_with("syntax");
        hidden(
            render::render_with(&self.file, false, declares_syntax, true, &self.written),
            self.implicit_meta,
        )
    }

    /// Returns what Accord's stricter reading finds that Confluent accepts: imports that name
    /// no reference.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// Returns the compiled file; its pool holds every file it imports.
    pub fn file(&self) -> &FileDescriptor {
        &self.file
    }

    /// Returns the base64 (standard, padded) of the file's serialized `FileDescriptorProto`,
    /// what `format=serialized` serves.
    pub fn serialized(&self) -> String {
        let linked = self.file.file_descriptor_proto();
        let descriptor =
            serialized::descriptor(&self.canonical, linked).unwrap_or_else(|_| linked.clone());
        base64::engine::general_purpose::STANDARD.encode(descriptor.encode_to_vec())
    }
}

/// Parses `text`, `.proto` source or a base64 `FileDescriptorProto`, whose imports come from
/// `deps` (import path → file text, in dependency order) or from the well-known types.
///
/// The error is the compiler's message with its line and column.
pub fn parse(text: &str, deps: &[Dependency]) -> Result<ProtobufSchema, String> {
    let parse::Compiled {
        pool,
        unresolved,
        implicit_meta,
    } = parse::compile(text, deps)?;
    let file = pool
        .get_file_by_name(MAIN_FILE)
        .ok_or_else(|| "the schema file is missing after compilation".to_string())?;
    let declares_syntax = !parse::is_descriptor(text) && serialized::declares_syntax(text);
    let written = parse::written(text);
    let canonical = hidden(
        render::render_with(&file, false, declares_syntax, false, &written),
        implicit_meta,
    );
    if parse::is_descriptor(text) {
        // No compiler checked a descriptor's names (an empty or spaced name decodes fine), and
        // its rendering is what is stored: it must compile, or the schema could never be read
        // back.
        parse::compile(&canonical, deps).map_err(|err| {
            format!("the descriptor does not describe a valid .proto file: {err}")
        })?;
    }
    let warnings = unresolved
        .iter()
        .map(|import| {
            format!(
                "import '{import}' names none of the schema's references: it is accepted as \
                 Confluent accepts it, but protoc and other compilers will not find it"
            )
        })
        .collect();
    Ok(ProtobufSchema {
        file,
        canonical,
        warnings,
        implicit_meta,
        written,
    })
}

/// Returns `text` without the import of Confluent's `meta.proto` when the schema did not write
/// it (`implicit`): Confluent prints the options it declares without importing it.
fn hidden(text: String, implicit: bool) -> String {
    if !implicit {
        return text;
    }
    let line = format!("import \"{}\";\n", parse::META);
    let text = text.replacen(&line, "", 1);
    text.replacen("\n\n\n", "\n\n", 1)
}

/// Compiles `text` with `deps` as [`parse`] does and returns the descriptor set of the schema's
/// file (named [`MAIN_FILE`]) and every file it imports, dependencies first, with the source
/// comments kept: what code generators read.
pub fn descriptor_set(
    text: &str,
    deps: &[Dependency],
) -> Result<prost_types::FileDescriptorSet, String> {
    parse::descriptor_set(text, deps)
}

/// Returns the text of a file Confluent's registry resolves without a reference (Confluent's
/// `meta.proto`, `decimal.proto` and the `google/type` files), by import path.
pub fn known_source(import: &str) -> Option<&'static str> {
    known::source(import)
}

/// Returns Confluent's normalized text for `schema` (`normalize=true`): fields, oneofs, enum
/// constants, reserved ranges, imports and options sorted, type names fully qualified.
pub fn normalize(schema: &ProtobufSchema) -> String {
    hidden(
        render::render(&schema.file, true, false),
        schema.implicit_meta,
    )
}

/// Returns why `reader` cannot read data written with `writer`, in Confluent's form; empty when
/// it can.
pub fn can_read(
    reader: &ProtobufSchema,
    writer: &ProtobufSchema,
    reader_is: ReaderIs,
) -> Vec<String> {
    compat::can_read(&reader.file, &writer.file, reader_is)
}
