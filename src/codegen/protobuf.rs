//! The Protobuf bundle: the schema's `.proto` file and every file it imports, laid out by import
//! path, ready for `protoc` or `buf generate` in any language, with a script that decodes a
//! sample wire message with `protoc --decode`.

use std::collections::BTreeSet;

use prost_reflect::FileDescriptor;

use super::samples;
use super::{Contract, File, Refusal};
use crate::format::protobuf::{self, ProtobufSchema};

/// Parses `contract` as Protobuf; the error says why the stored schema no longer compiles.
pub(super) fn compile(contract: Contract<'_>) -> Result<ProtobufSchema, Refusal> {
    protobuf::parse(contract.schema, contract.deps)
        .map_err(|err| Refusal::Invalid(format!("the Protobuf schema does not compile: {err}")))
}

/// Returns the import path the bundle gives the schema's own file: its package as folders and
/// its first message's name in snake case (`com/acme/order_created.proto`).
pub(super) fn main_path(file: &FileDescriptor) -> String {
    let stem = file
        .messages()
        .next()
        .map(|m| super::names::snake(m.name()))
        .unwrap_or_else(|| "schema".to_string());
    let package = file.package_name();
    if package.is_empty() {
        format!("{stem}.proto")
    } else {
        format!("{}/{stem}.proto", package.replace('.', "/"))
    }
}

/// Generates the bundle for a Protobuf contract.
pub(super) fn bundle(contract: Contract<'_>) -> Result<Vec<File>, Refusal> {
    let schema = compile(contract)?;
    let file = schema.file();
    let main = main_path(file);
    let mut files = vec![File::new(&main, contract.schema)];
    let mut seen = BTreeSet::new();
    let mut pending: Vec<FileDescriptor> = file.dependencies().collect();
    let mut provided_by_protoc = BTreeSet::new();
    while let Some(dep) = pending.pop() {
        let name = dep.name().to_string();
        if !seen.insert(name.clone()) {
            continue;
        }
        pending.extend(dep.dependencies());
        if let Some(text) = contract
            .deps
            .iter()
            .find(|d| d.name == name)
            .map(|d| d.schema.as_str())
            .or_else(|| protobuf::known_source(&name))
        {
            files.push(File::new(&name, text));
        } else {
            provided_by_protoc.insert(name);
        }
    }
    files[1..].sort_by(|a, b| a.path.cmp(&b.path));
    let sample = samples::examples(contract, Some(1))?
        .into_iter()
        .next()
        .ok_or_else(|| Refusal::Invalid("no sample message could be built".to_string()))?;
    let message = file
        .messages()
        .next()
        .map(|m| m.full_name().to_string())
        .unwrap_or_default();
    let prefix = samples::protobuf_prefix_len(&[0]) + 5;
    files.push(File::new(
        "decode_sample.sh",
        decode_script(&main, &message, &sample.wire_base64(), prefix),
    ));
    files.push(File::new(
        "README.md",
        readme(&main, &message, &provided_by_protoc),
    ));
    Ok(files)
}

fn decode_script(main: &str, message: &str, wire: &str, prefix: usize) -> String {
    format!(
        r#"#!/bin/sh
# Starter test: decodes the sample wire message Accord generated for this schema with protoc.
# The first {prefix} bytes are the Confluent header: magic byte 0, the 4-byte schema id and the
# message-index list; the rest is the Protobuf body of {message}.
set -eu
cd "$(dirname "$0")"
sample='{wire}'
decoded=$(printf '%s' "$sample" | base64 -d | tail -c +{start} | protoc -I . --decode={message} {main})
printf '%s\n' "$decoded"
test -n "$decoded" || {{ echo "the sample decoded to an empty message" >&2; exit 1; }}
echo "decoded {message} from the sample wire message"
"#,
        start = prefix + 1,
    )
}

fn readme(main: &str, message: &str, provided: &BTreeSet<String>) -> String {
    let mut text = format!(
        "# Protobuf bundle\n\n`{main}` defines `{message}`, the message the registry's wire \
         format names with index 0. Every file it imports is laid out by its import path, so \
         the folder is the include path:\n\n```\nprotoc -I . --java_out=out {main}\n\
         buf generate\n```\n\n`decode_sample.sh` decodes a sample wire message with \
         `protoc --decode`.\n"
    );
    if !provided.is_empty() {
        text.push_str("\nThese imports ship with protoc and are not repeated here:\n\n");
        for name in provided {
            text.push_str(&format!("- `{name}`\n"));
        }
    }
    text
}
