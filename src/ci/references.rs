//! Finding a schema file's references to other mapped files, the way each format spells them:
//! Protobuf `import` paths, JSON Schema `$ref` URLs, and Avro named types used but not defined.
//!
//! This reads the files' text only; the format parsers in [`crate::format`] decide later whether
//! the schema is valid.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::project::{lexical, Contract, LocalReference};
use super::FileError;
use crate::types::SchemaType;

/// Where each mapped file can be found: by path, by the Avro names it defines, by its `$id`.
pub struct Index<'a> {
    root: PathBuf,
    contracts: &'a [Contract],
}

impl<'a> Index<'a> {
    /// Indexes `contracts`; relative paths in references are tried from `root` (the project
    /// file's directory) and from the referring file's directory.
    pub fn new(root: &Path, contracts: &'a [Contract]) -> Index<'a> {
        Index {
            root: root.to_path_buf(),
            contracts,
        }
    }

    /// Returns the references of the schema in `file`, each naming the mapped subject it
    /// resolves to; an unresolvable one is an error that names the file.
    pub fn references(
        &self,
        file: &Path,
        schema_type: SchemaType,
        text: &str,
    ) -> Result<Vec<LocalReference>, FileError> {
        let names = match schema_type {
            SchemaType::Avro => avro_names_used(text),
            SchemaType::Protobuf => protobuf_imports(text),
            SchemaType::Json => json_refs(text),
        };
        let mut references = Vec::new();
        for name in names {
            let subject = match schema_type {
                SchemaType::Avro => self.avro_definer(&name),
                SchemaType::Protobuf => self.by_path(file, &name, SchemaType::Protobuf),
                SchemaType::Json => self
                    .by_path(file, &name, SchemaType::Json)
                    .or_else(|| self.by_json_id(&name, text)),
            };
            let Some(subject) = subject else {
                return Err(FileError::new(file, unresolved(schema_type, &name)));
            };
            references.push(LocalReference { name, subject });
        }
        Ok(references)
    }

    fn avro_definer(&self, full_name: &str) -> Option<String> {
        self.contracts
            .iter()
            .filter(|c| c.schema_type == SchemaType::Avro)
            .find(|c| avro_names_defined(&c.text).contains(full_name))
            .map(|c| c.subject.clone())
    }

    fn by_path(&self, from: &Path, name: &str, schema_type: SchemaType) -> Option<String> {
        let beside = from.parent().unwrap_or(Path::new(""));
        let candidates = [lexical(&self.root.join(name)), lexical(&beside.join(name))];
        self.contracts
            .iter()
            .filter(|c| c.schema_type == schema_type)
            .find(|c| candidates.contains(&lexical(&c.file)))
            .map(|c| c.subject.clone())
    }

    /// Matches a `$ref` against the `$id` of each mapped JSON schema, also resolving a relative
    /// `$ref` against the referring schema's own `$id`.
    fn by_json_id(&self, url: &str, referrer: &str) -> Option<String> {
        let base = json_id(referrer)
            .and_then(|id| id.rsplit_once('/').map(|(base, _)| format!("{base}/{url}")));
        self.contracts
            .iter()
            .filter(|c| c.schema_type == SchemaType::Json)
            .find(|c| {
                json_id(&c.text).is_some_and(|id| id == url || base.as_deref() == Some(id.as_str()))
            })
            .map(|c| c.subject.clone())
    }
}

fn unresolved(schema_type: SchemaType, name: &str) -> String {
    match schema_type {
        SchemaType::Avro => format!(
            "type '{name}' is defined neither in this file nor in any Avro file accord.toml maps"
        ),
        SchemaType::Protobuf => {
            format!("import \"{name}\" matches no .proto file accord.toml maps")
        }
        SchemaType::Json => format!("$ref '{name}' matches no JSON file accord.toml maps"),
    }
}

/// Returns the import paths of a `.proto` file, except the well-known `google/protobuf/` ones.
fn protobuf_imports(text: &str) -> Vec<String> {
    let mut imports = Vec::new();
    for statement in strip_comments(text).split(';') {
        let Some(rest) = statement.trim().strip_prefix("import") else {
            continue;
        };
        let rest = rest.trim_start();
        let rest = rest
            .strip_prefix("public")
            .or_else(|| rest.strip_prefix("weak"))
            .unwrap_or(rest)
            .trim();
        let path = rest.trim_matches(|c| c == '"' || c == '\'');
        if !path.is_empty()
            && !path.starts_with("google/protobuf/")
            && !imports.contains(&path.to_string())
        {
            imports.push(path.to_string());
        }
    }
    imports
}

fn strip_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("//") {
            rest = after.find('\n').map_or("", |end| &after[end..]);
        } else if let Some(after) = rest.strip_prefix("/*") {
            rest = after.find("*/").map_or("", |end| &after[end + 2..]);
        } else {
            let next = rest.chars().next().unwrap_or_default();
            out.push(next);
            rest = &rest[next.len_utf8()..];
        }
    }
    out
}

/// Returns the distinct `$ref` URLs (the part before `#`) that point outside the document.
fn json_refs(text: &str) -> Vec<String> {
    let Ok(value) = serde_json::from_str::<Value>(text) else {
        return Vec::new();
    };
    let own_id = json_id(text);
    let mut refs = Vec::new();
    let mut stack = vec![&value];
    while let Some(value) = stack.pop() {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(target)) = map.get("$ref") {
                    let url = target.split('#').next().unwrap_or_default().to_string();
                    if !url.is_empty() && Some(&url) != own_id.as_ref() && !refs.contains(&url) {
                        refs.push(url);
                    }
                }
                stack.extend(map.values().rev());
            }
            Value::Array(items) => stack.extend(items.iter().rev()),
            _ => {}
        }
    }
    refs
}

fn json_id(text: &str) -> Option<String> {
    let value: Value = serde_json::from_str(text).ok()?;
    let id = value.get("$id").or_else(|| value.get("id"))?.as_str()?;
    Some(id.split('#').next().unwrap_or_default().to_string())
}

const AVRO_PRIMITIVES: [&str; 8] = [
    "null", "boolean", "int", "long", "float", "double", "bytes", "string",
];

/// The full names an Avro schema defines and the ones it uses, in order of first use.
#[derive(Default)]
struct AvroNames {
    defined: HashSet<String>,
    used: Vec<String>,
}

fn avro_names_defined(text: &str) -> HashSet<String> {
    avro_names(text).defined
}

/// Returns the full names of named types the schema uses but does not define.
fn avro_names_used(text: &str) -> Vec<String> {
    let names = avro_names(text);
    names
        .used
        .into_iter()
        .filter(|name| !names.defined.contains(name))
        .collect()
}

fn avro_names(text: &str) -> AvroNames {
    let mut names = AvroNames::default();
    if let Ok(value) = serde_json::from_str::<Value>(text) {
        walk_avro(&value, None, &mut names);
    }
    names
}

// Avro spec, "Names": a name without a dot is in the namespace of the nearest enclosing named
// type; a `namespace` attribute or a dotted name sets the namespace for the nested types.
fn walk_avro(value: &Value, space: Option<&str>, names: &mut AvroNames) {
    match value {
        Value::String(name) if !AVRO_PRIMITIVES.contains(&name.as_str()) => {
            let full = full_name(name, space);
            if !names.used.contains(&full) {
                names.used.push(full);
            }
        }
        Value::Array(branches) => branches.iter().for_each(|b| walk_avro(b, space, names)),
        Value::Object(map) => match map.get("type") {
            Some(Value::String(kind))
                if ["record", "error", "enum", "fixed"].contains(&kind.as_str()) =>
            {
                let Some(name) = map.get("name").and_then(Value::as_str) else {
                    return;
                };
                let space = map.get("namespace").and_then(Value::as_str).or(space);
                let full = full_name(name, space);
                let inner = full.rsplit_once('.').map(|(ns, _)| ns.to_string());
                names.defined.insert(full);
                for field in map
                    .get("fields")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    if let Some(field_type) = field.get("type") {
                        walk_avro(field_type, inner.as_deref(), names);
                    }
                }
            }
            Some(Value::String(kind)) if kind == "array" => {
                map.get("items")
                    .inspect(|items| walk_avro(items, space, names));
            }
            Some(Value::String(kind)) if kind == "map" => {
                map.get("values")
                    .inspect(|values| walk_avro(values, space, names));
            }
            Some(other) => walk_avro(other, space, names),
            None => {}
        },
        _ => {}
    }
}

fn full_name(name: &str, space: Option<&str>) -> String {
    match space {
        Some(space) if !name.contains('.') && !space.is_empty() => format!("{space}.{name}"),
        _ => name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn avro_uses_are_qualified_by_the_enclosing_namespace() {
        let text = r#"{"type":"record","name":"A","namespace":"x","fields":[
            {"name":"m","type":"com.example.Money"},
            {"name":"b","type":"B"},
            {"name":"c","type":{"type":"enum","name":"C","symbols":["Y"]}},
            {"name":"d","type":["null","C"]}]}"#;
        assert_eq!(avro_names_used(text), ["com.example.Money", "x.B"]);
    }

    #[test]
    fn protobuf_imports_skip_comments_and_well_known_types() {
        let text = "syntax = \"proto3\";\n// import \"no.proto\";\nimport \"google/protobuf/timestamp.proto\";\nimport public \"shared/money.proto\";";
        assert_eq!(protobuf_imports(text), ["shared/money.proto"]);
    }

    #[test]
    fn json_refs_keep_the_url_before_the_fragment_and_skip_local_ones() {
        let text = r##"{"properties":{"a":{"$ref":"money.json#/definitions/M"},"b":{"$ref":"#/definitions/x"}}}"##;
        assert_eq!(json_refs(text), ["money.json"]);
    }
}
