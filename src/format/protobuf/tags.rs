//! Schema tags in a Protobuf schema, as Confluent's `POST .../tags` writes them: a message's
//! `(confluent.message_meta)` and a field's `(confluent.field_meta)` option, whose `tags` list
//! gains or loses the tags. The schema's descriptor is edited as a message (its other options
//! kept as they are) and rendered again; the import of `confluent/meta.proto` that the options
//! need is left out of the text unless the schema wrote it, as Confluent leaves it out.

use base64::Engine;
use prost::Message;
use prost_reflect::{DescriptorPool, DynamicMessage, ExtensionDescriptor, Value};

use super::parse::META;
use crate::format::Dependency;

/// Where a tag goes: a message (`M`, `M.Inner`) or a field (`M.a`), by path from the package.
pub enum Target<'a> {
    Message(&'a str),
    Field(&'a str),
}

/// Returns `text` with `changes` applied: each target's tags added (`true`) or removed.
/// A target the schema lacks is refused with Confluent's words (without the exception prefix).
pub fn apply(
    text: &str,
    deps: &[Dependency],
    changes: &[(Target<'_>, &[String], bool)],
) -> Result<String, String> {
    let schema = super::parse(text, deps)?;
    let pool = meta_pool()?;
    let descriptor = pool
        .get_message_by_name("google.protobuf.FileDescriptorProto")
        .ok_or("descriptor.proto is missing")?;
    let mut file = DynamicMessage::decode(descriptor, schema.file().encode_to_vec().as_slice())
        .map_err(|err| err.to_string())?;
    let extension = |name: &str| {
        pool.get_extension_by_name(name)
            .ok_or_else(|| format!("{META} does not declare {name}"))
    };
    let (field_meta, message_meta) = (
        extension("confluent.field_meta")?,
        extension("confluent.message_meta")?,
    );
    for (target, tags, add) in changes {
        match target {
            Target::Message(path) => {
                let parts: Vec<&str> = path.split('.').collect();
                let message = message_at(&mut file, &parts).ok_or_else(|| {
                    let name = parts.last().copied().unwrap_or_default();
                    format!("No matching Message with name '{name}' found in the schema")
                })?;
                retag(message, &message_meta, tags, *add);
            }
            Target::Field(path) => {
                let parts: Vec<&str> = path.split('.').collect();
                let (name, messages) = parts.split_last().ok_or("an empty path")?;
                let missing =
                    || format!("No matching Field with name '{name}' found in the schema");
                let message = message_at(&mut file, messages).ok_or_else(missing)?;
                let field = named_in(message, "field", name).ok_or_else(missing)?;
                retag(field, &field_meta, tags, *add);
            }
        }
    }
    // The compiled file imports meta.proto when the schema does, or when it uses its options
    // without importing it (then the text leaves it out); otherwise it needs the import now.
    let compiled_imports = schema
        .file()
        .file_descriptor_proto()
        .dependency
        .iter()
        .any(|d| d == META);
    if !compiled_imports {
        if let Some(Value::List(dependencies)) = file.get_field_by_name_mut("dependency") {
            dependencies.push(Value::String(META.to_string()));
        }
    }
    let written = compiled_imports && !schema.implicit_meta;
    let encoded = base64::engine::general_purpose::STANDARD.encode(file.encode_to_vec());
    let tagged = super::parse(&encoded, deps)?;
    Ok(super::hidden(tagged.canonical(), !written))
}

/// A pool holding `descriptor.proto` and Confluent's `meta.proto`.
fn meta_pool() -> Result<DescriptorPool, String> {
    let text = format!("syntax = \"proto3\";\nimport \"{META}\";\n");
    let compiled = super::parse::compile(&text, &[])?;
    Ok(compiled.pool)
}

/// The message at `path` (top-level name, then nested names) in `file`.
fn message_at<'a>(file: &'a mut DynamicMessage, path: &[&str]) -> Option<&'a mut DynamicMessage> {
    let (first, rest) = path.split_first()?;
    let mut message = named_in(file, "message_type", first)?;
    for name in rest {
        message = named_in(message, "nested_type", name)?;
    }
    Some(message)
}

/// The element of the repeated message field `list` of `parent` whose `name` is `name`.
fn named_in<'a>(
    parent: &'a mut DynamicMessage,
    list: &str,
    name: &str,
) -> Option<&'a mut DynamicMessage> {
    let Value::List(items) = parent.get_field_by_name_mut(list)? else {
        return None;
    };
    items.iter_mut().find_map(|item| match item {
        Value::Message(m)
            if m.get_field_by_name("name")
                .and_then(|n| n.as_str().map(|s| s == name))
                .unwrap_or(false) =>
        {
            Some(m)
        }
        _ => None,
    })
}

/// Adds or removes `tags` in the `tags` of `meta` in `element`'s options, dropping the option
/// (and the options) when nothing is left in them.
fn retag(element: &mut DynamicMessage, meta: &ExtensionDescriptor, tags: &[String], add: bool) {
    let Some(Value::Message(options)) = element.get_field_by_name_mut("options") else {
        return;
    };
    if let Value::Message(value) = options.get_extension_mut(meta) {
        if let Some(Value::List(current)) = value.get_field_by_name_mut("tags") {
            for tag in tags {
                let held = current
                    .iter()
                    .position(|t| t.as_str() == Some(tag.as_str()));
                match (add, held) {
                    (true, None) => current.push(Value::String(tag.clone())),
                    (false, Some(at)) => {
                        current.remove(at);
                    }
                    _ => {}
                }
            }
        }
        let empty = value.fields().next().is_none() && value.extensions().next().is_none();
        if empty {
            options.clear_extension(meta);
        }
    }
    let empty = options.fields().next().is_none() && options.extensions().next().is_none();
    if empty {
        element.clear_field_by_name("options");
    }
}
