//! Compilation: serves the schema, its dependencies and the well-known types to protox, and
//! turns protox's diagnostics into messages with a line and a column.
//!
//! Imports resolve to the dependencies, then to Confluent's known files ([`super::known`]), then
//! to protobuf's well-known types. Like Confluent's parser, which links types against every
//! referenced file whatever its import path, an import that resolves to none of them is a
//! stand-in: a file that publicly imports the references the schema imports under no name, so a
//! schema whose import is unused, or whose reference is named differently, still compiles.
//!
//! A schema is either `.proto` source or a base64 `FileDescriptorProto` (what confluent-kafka's
//! ProtobufSerializer registers); dependencies may be either too. Nothing here panics on input:
//! nesting is bounded before protox recurses, and a compiler panic becomes an error.

use std::collections::HashMap;
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, Mutex};

use base64::Engine;
use miette::Diagnostic;
use prost::Message;
use prost_reflect::DescriptorPool;
use prost_types::{FileDescriptorProto, FileDescriptorSet};
use protox::file::{File, FileResolver, GoogleFileResolver};
use protox::Compiler;

use super::MAIN_FILE;
use crate::format::Dependency;

/// How deeply braces, brackets and angle brackets may nest before the text is refused.
const MAX_NESTING: usize = 100;

/// A compiled schema: the pool holding [`MAIN_FILE`] and its imports, and the imports that
/// resolved to no file and were stood in for.
pub(super) struct Compiled {
    pub pool: DescriptorPool,
    pub unresolved: Vec<String>,
    /// Confluent's `meta.proto` was imported for a schema that uses its options without
    /// importing it; the rendered text leaves that import out.
    pub implicit_meta: bool,
}

/// The file that declares Confluent's `field_meta`, `message_meta` and `enum_meta` options.
pub(super) const META: &str = "confluent/meta.proto";

/// Returns `text` importing [`META`] when it uses Confluent's meta options without importing
/// them, as Confluent's parser accepts (and as its tagging writes them); the import goes on
/// the `syntax` line, so that line numbers in messages stay the schema's.
fn with_implicit_meta(text: &str, imported: &[String]) -> Option<String> {
    if is_descriptor(text) || imported.iter().any(|i| i == META) || !text.contains("(confluent.") {
        return None;
    }
    let import = format!("import \"{META}\";");
    if !text.contains("syntax") {
        return Some(format!("{import} {text}"));
    }
    // Only where the `syntax` statement opens the text: it must stay the first statement.
    let end = text
        .trim_start()
        .starts_with("syntax")
        .then(|| text.find(';'))??;
    Some(format!("{} {import}{}", &text[..=end], &text[end + 1..]))
}

/// Compiles `text` with `deps`.
pub(super) fn compile(text: &str, deps: &[Dependency]) -> Result<Compiled, String> {
    // Re-decoded without source positions, which would otherwise end up in `serialized()`;
    // the encoding keeps custom options.
    let imported = imports(text);
    let implicit = with_implicit_meta(text, &imported);
    let (pool, unresolved) = run(
        implicit.as_deref().unwrap_or(text),
        deps,
        false,
        |compiler| {
            DescriptorPool::decode(compiler.encode_file_descriptor_set().as_slice())
                .map_err(|err| err.to_string())
        },
    )?;
    Ok(Compiled {
        pool,
        unresolved,
        implicit_meta: implicit.is_some(),
    })
}

/// Compiles `text` with `deps` and returns the descriptor set of [`MAIN_FILE`] and its imports,
/// dependencies first, with source positions and comments.
pub(super) fn descriptor_set(text: &str, deps: &[Dependency]) -> Result<FileDescriptorSet, String> {
    let implicit = with_implicit_meta(text, &imports(text));
    let text = implicit.as_deref().unwrap_or(text);
    run(text, deps, true, |compiler| {
        Ok(compiler.file_descriptor_set())
    })
    .map(|(set, _)| set)
}

/// Compiles `text` with `deps` and hands the compiler to `finish`; returns its answer and the
/// imports stood in for.
fn run<T>(
    text: &str,
    deps: &[Dependency],
    include_source_info: bool,
    finish: impl FnOnce(&Compiler) -> Result<T, String>,
) -> Result<(T, Vec<String>), String> {
    let mut sources = Sources::default();
    sources.add(MAIN_FILE, text)?;
    for dep in deps {
        if dep.name != MAIN_FILE {
            sources.add(&dep.name, &dep.schema)?;
        }
    }
    let imported = imports(text);
    sources.unclaimed = deps
        .iter()
        .map(|dep| dep.name.clone())
        .filter(|name| name != MAIN_FILE && !imported.contains(name))
        .collect();
    let stood_in = sources.stood_in.clone();
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
        let texts = sources.texts();
        let mut compiler = Compiler::with_file_resolver(sources);
        compiler.include_imports(true);
        compiler.include_source_info(include_source_info);
        if let Err(err) = compiler.open_file(MAIN_FILE) {
            return Err(describe(&err, &texts));
        }
        finish(&compiler)
    }));
    let finished = outcome
        .unwrap_or_else(|_| Err("the Protobuf compiler failed on this schema".to_string()))?;
    let unresolved = stood_in
        .lock()
        .map(|names| names.clone())
        .unwrap_or_default();
    Ok((finished, unresolved))
}

/// Returns what `text`, when it parses as `.proto` source, wrote that its compiled descriptor
/// does not keep: type names as written and the order of the file options.
pub(super) fn written(text: &str) -> super::render::Written {
    let mut written = super::render::Written::default();
    if is_descriptor(text) {
        return written;
    }
    let Ok(file) = File::from_source(MAIN_FILE, text) else {
        return written;
    };
    let proto = file.file_descriptor_proto();
    fn messages(
        prefix: &str,
        list: &[prost_types::DescriptorProto],
        out: &mut HashMap<String, String>,
    ) {
        for message in list {
            let name = join(prefix, message.name());
            for field in &message.field {
                if !field.type_name().is_empty() {
                    out.insert(join(&name, field.name()), field.type_name().to_string());
                }
            }
            messages(&name, &message.nested_type, out);
        }
    }
    fn join(prefix: &str, name: &str) -> String {
        match prefix {
            "" => name.to_string(),
            _ => format!("{prefix}.{name}"),
        }
    }
    messages(
        proto.package(),
        &proto.message_type,
        &mut written.type_names,
    );
    // Unlinked, every option is still uninterpreted, in the order written.
    if let Some(options) = &proto.options {
        written.file_options = options
            .uninterpreted_option
            .iter()
            .filter(|o| o.name.len() == 1 && !o.name[0].is_extension)
            .map(|o| o.name[0].name_part.clone())
            .collect();
    }
    written
}

/// Returns the import paths `text` names, when it parses as `.proto` source.
fn imports(text: &str) -> Vec<String> {
    File::from_source(MAIN_FILE, text)
        .map(|file| file.file_descriptor_proto().dependency.clone())
        .unwrap_or_default()
}

/// The files protox may open, by import path.
#[derive(Default)]
struct Sources {
    files: HashMap<String, Source>,
    /// The references the schema imports under none of their names.
    unclaimed: Vec<String>,
    /// The imports that resolved to nothing, stood in for so far.
    stood_in: Arc<Mutex<Vec<String>>>,
}

enum Source {
    Text(String),
    /// An encoded `FileDescriptorProto`, kept as bytes so custom options survive.
    Descriptor(Vec<u8>),
}

impl Sources {
    fn add(&mut self, name: &str, text: &str) -> Result<(), String> {
        let source = match decode_descriptor(text) {
            Some(mut bytes) => {
                let file = FileDescriptorProto::decode(bytes.as_slice())
                    .map_err(|err| format!("invalid descriptor for '{name}': {err}"))?;
                super::descriptor::check(&file)
                    .map_err(|err| format!("invalid descriptor for '{name}': {err}"))?;
                // Protobuf keeps the last value of a repeated scalar field: this renames the file
                // to its import path without decoding (and losing) its unknown options.
                append_name(&mut bytes, name);
                Source::Descriptor(bytes)
            }
            None => {
                check_nesting(text).map_err(|err| locate(name, text, err.0, &err.1))?;
                Source::Text(text.to_string())
            }
        };
        self.files.insert(name.to_string(), source);
        Ok(())
    }

    /// The source texts, to turn error offsets into lines and columns.
    fn texts(&self) -> HashMap<String, String> {
        self.files
            .iter()
            .filter_map(|(name, source)| match source {
                Source::Text(text) => Some((name.clone(), text.clone())),
                Source::Descriptor(_) => None,
            })
            .collect()
    }
}

impl FileResolver for Sources {
    fn open_file(&self, name: &str) -> Result<File, protox::Error> {
        match self.files.get(name) {
            Some(Source::Text(text)) => File::from_source(name, text),
            Some(Source::Descriptor(bytes)) => File::decode_file_descriptor_proto(bytes.as_slice())
                .map_err(|err| {
                    protox::Error::new(format!("invalid descriptor for '{name}': {err}"))
                }),
            None => match super::known::source(name) {
                Some(text) => File::from_source(name, text),
                None => GoogleFileResolver::new()
                    .open_file(name)
                    .or_else(|_| self.stand_in(name)),
            },
        }
    }
}

impl Sources {
    /// Returns the stand-in for an import that names no file: one that publicly imports the
    /// unclaimed references, so their types resolve as Confluent's parser resolves them.
    fn stand_in(&self, name: &str) -> Result<File, protox::Error> {
        if let Ok(mut names) = self.stood_in.lock() {
            names.push(name.to_string());
        }
        let mut text = String::from("syntax = \"proto3\";\n");
        for reference in &self.unclaimed {
            text.push_str(&format!("import public \"{reference}\";\n"));
        }
        File::from_source(name, &text)
    }
}

/// Returns true when `text` is a base64 `FileDescriptorProto` rather than `.proto` source.
pub(super) fn is_descriptor(text: &str) -> bool {
    decode_descriptor(text).is_some()
}

/// Returns the bytes of `text` when it is a base64 `FileDescriptorProto` rather than `.proto`
/// source. Source that declares anything needs `;` or `{`, which base64 never contains, so only
/// the empty text is ambiguous, and it is read as (empty) source.
fn decode_descriptor(text: &str) -> Option<Vec<u8>> {
    let text = text.trim();
    let is_base64_alphabet = text
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='));
    if text.is_empty() || !is_base64_alphabet {
        return None;
    }
    let engine = base64::engine::general_purpose::STANDARD;
    let lenient = base64::engine::general_purpose::STANDARD_NO_PAD;
    let bytes = engine
        .decode(text)
        .or_else(|_| lenient.decode(text.trim_end_matches('=')))
        .ok()?;
    FileDescriptorProto::decode(bytes.as_slice()).ok()?;
    Some(bytes)
}

/// Appends field 1 (`name`) to an encoded `FileDescriptorProto`.
fn append_name(bytes: &mut Vec<u8>, name: &str) {
    prost::encoding::string::encode(1, &name.to_string(), bytes);
}

/// Refuses text whose brackets nest deeper than [`MAX_NESTING`], before protox recurses into it.
/// The error is the byte offset of the offending bracket and the reason.
fn check_nesting(text: &str) -> Result<(), (usize, String)> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i < bytes.len() && !(bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/')) {
                    i += 1;
                }
                i += 1;
            }
            quote @ (b'"' | b'\'') => {
                i += 1;
                while i < bytes.len() && bytes[i] != quote && bytes[i] != b'\n' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'{' | b'[' | b'<' | b'(' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err((i, format!("nesting is deeper than {MAX_NESTING} levels")));
                }
            }
            b'}' | b']' | b'>' | b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

/// Renders a protox error as `line L, column C: message`, naming the import it occurred in when
/// that is not the schema itself.
fn describe(err: &protox::Error, texts: &HashMap<String, String>) -> String {
    let message = err.to_string();
    let file = err.file().unwrap_or(MAIN_FILE);
    let offset = first_offset(err);
    match (texts.get(file), offset) {
        (Some(text), Some(offset)) => locate(file, text, offset, &message),
        (Some(text), None) if message.contains("end of file") => {
            locate(file, text, text.len(), &message)
        }
        _ if file == MAIN_FILE => message,
        _ => format!("in import '{file}': {message}"),
    }
}

/// The offset of the first labelled span of `err` or of its related diagnostics.
fn first_offset(err: &dyn Diagnostic) -> Option<usize> {
    if let Some(label) = err.labels().and_then(|mut labels| labels.next()) {
        return Some(label.offset());
    }
    err.related()
        .and_then(|mut related| related.find_map(first_offset))
}

/// Formats `message` at byte `offset` of `text` (1-based line and column, columns in characters).
fn locate(file: &str, text: &str, offset: usize, message: &str) -> String {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    if file == MAIN_FILE {
        format!("line {line}, column {column}: {message}")
    } else {
        format!("in import '{file}', line {line}, column {column}: {message}")
    }
}
