//! JSON Schema → Rust: serde types written by typify, read and written by serde_json. typify
//! reads one document, so the schema and its references are bundled first: each referenced
//! document becomes a definition of the root, its own definitions hoisted beside it, and every
//! `$ref` rewritten to point inside the bundle.

use std::collections::{BTreeSet, HashMap};

use heck::ToUpperCamelCase;
use serde_json::{Map, Value};
use typify::{TypeSpace, TypeSpaceSettings};

use super::{Crate, Package, SERDE, SERDE_JSON};
use crate::codegen::json::{Check, Model};
use crate::codegen::samples::Sample;
use crate::codegen::{Contract, File, Refusal};

const CHRONO: Crate = Crate {
    name: "chrono",
    spec: r#"{ version = "0.4", default-features = false, features = ["serde", "std"] }"#,
};
const UUID: Crate = Crate {
    name: "uuid",
    spec: r#"{ version = "1", features = ["serde"] }"#,
};
const REGRESS: Crate = Crate {
    name: "regress",
    spec: r#""0.10""#,
};

/// The formats typify gives a type of their own; every other one stays a `String`.
const TYPED_FORMATS: &[&str] = &["uuid", "date-time", "date", "ipv4", "ipv6"];

/// Generates the Cargo package for a JSON Schema contract.
pub(in crate::codegen) fn generate(
    contract: Contract<'_>,
    model: &Model,
    sample: &Sample,
    check: Option<&Check>,
) -> Result<Vec<File>, Refusal> {
    let mut bundle = bundle(contract)?;
    if bundle.get("title").is_none() {
        let name = model
            .root()
            .map(|root| root.name.clone())
            .unwrap_or_else(|| "Contract".to_string());
        bundle.insert("title".to_string(), Value::from(name));
    }
    let bundle = Value::Object(bundle);
    let notes = unmapped(&bundle);
    let root: schemars::schema::RootSchema = serde_json::from_value(bundle)
        .map_err(|err| Refusal::Invalid(format!("typify cannot read the schema: {err}")))?;
    let mut settings = TypeSpaceSettings::default();
    settings.with_struct_builder(false);
    let mut space = TypeSpace::new(&settings);
    let root_id = space
        .add_root_schema(root)
        .map_err(|err| Refusal::Invalid(format!("typify cannot generate types: {err}")))?
        .ok_or_else(|| Refusal::Invalid("typify found no root type".to_string()))?;
    let root_type = space
        .get_type(&root_id)
        .map_err(|err| Refusal::Invalid(format!("typify lost the root type: {err}")))?
        .name();
    let file: syn::File = syn::parse2(space.to_stream())
        .map_err(|err| Refusal::Invalid(format!("typify wrote invalid Rust: {err}")))?;
    let mut dependencies = vec![SERDE, SERDE_JSON];
    if space.uses_chrono() {
        dependencies.push(CHRONO);
    }
    if space.uses_uuid() {
        dependencies.push(UUID);
    }
    if space.uses_regress() {
        dependencies.push(REGRESS);
    }
    Ok(Package {
        root: root_type.clone(),
        origin: format!("the JSON Schema contract {root_type}, written by typify"),
        dev_dependencies: vec![SERDE_JSON],
        dependencies,
        lib: format!("{notes}{}", prettyplease::unparse(&file)),
        test: starter_test(&root_type, contract.id, sample, check),
    }
    .files())
}

/// A document of the bundle: where its definitions went, by their name in the document.
struct Doc {
    name: String,
    id: Option<String>,
    /// The root definition the document itself became; `None` for the schema.
    key: Option<String>,
    definitions: HashMap<String, String>,
}

/// Returns the schema with its references as definitions, every `$ref` pointing inside it.
fn bundle(contract: Contract<'_>) -> Result<Map<String, Value>, Refusal> {
    let mut texts = vec![("".to_string(), contract.schema)];
    texts.extend(
        contract
            .deps
            .iter()
            .map(|d| (d.name.clone(), d.schema.as_str())),
    );
    let mut taken = BTreeSet::new();
    let mut docs = Vec::new();
    let mut bodies = Vec::new();
    for (index, (name, text)) in texts.iter().enumerate() {
        let Value::Object(mut body) = serde_json::from_str(text)
            .map_err(|err| Refusal::Invalid(format!("the JSON Schema does not parse: {err}")))?
        else {
            return Err(Refusal::Invalid(
                "typify reads JSON Schemas that are objects".to_string(),
            ));
        };
        let mut definitions = take_definitions(&mut body);
        let key = (index > 0).then(|| unique(&mut taken, &document_key(name, &body), ""));
        let renamed = definitions
            .iter_mut()
            .map(|(local, _)| {
                let prefix = key.as_deref().unwrap_or("");
                (local.clone(), unique(&mut taken, local, prefix))
            })
            .collect();
        docs.push(Doc {
            name: name.clone(),
            id: body.get("$id").and_then(Value::as_str).map(str::to_string),
            key,
            definitions: renamed,
        });
        bodies.push((body, definitions));
    }
    let mut root = Map::new();
    let mut definitions = Map::new();
    for (index, (mut body, defs)) in bodies.into_iter().enumerate() {
        let doc = &docs[index];
        for (local, mut def) in defs {
            rewrite(&mut def, doc, &docs);
            definitions.insert(doc.definitions[&local].clone(), def);
        }
        rewrite_map(&mut body, doc, &docs);
        match &doc.key {
            None => root = body,
            Some(key) => {
                body.remove("$schema");
                body.remove("$id");
                definitions.insert(key.clone(), Value::Object(body));
            }
        }
    }
    if !definitions.is_empty() {
        root.insert("definitions".to_string(), Value::Object(definitions));
    }
    Ok(root)
}

fn take_definitions(body: &mut Map<String, Value>) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for keyword in ["definitions", "$defs"] {
        if let Some(Value::Object(defs)) = body.remove(keyword) {
            out.extend(defs);
        }
    }
    out
}

/// Returns the definition name of a referenced document: its title, or its file name.
fn document_key(name: &str, body: &Map<String, Value>) -> String {
    let stem = name.rsplit('/').next().unwrap_or(name);
    let stem = stem.split('.').next().unwrap_or(stem);
    body.get("title")
        .and_then(Value::as_str)
        .unwrap_or(stem)
        .to_upper_camel_case()
}

fn unique(taken: &mut BTreeSet<String>, name: &str, prefix: &str) -> String {
    let mut candidate = name.to_string();
    if taken.contains(&candidate) {
        candidate = format!("{prefix}{name}");
    }
    let mut n = 2;
    while taken.contains(&candidate) {
        candidate = format!("{prefix}{name}{n}");
        n += 1;
    }
    taken.insert(candidate.clone());
    candidate
}

fn rewrite(value: &mut Value, doc: &Doc, docs: &[Doc]) {
    match value {
        Value::Object(map) => rewrite_map(map, doc, docs),
        Value::Array(items) => items.iter_mut().for_each(|v| rewrite(v, doc, docs)),
        _ => {}
    }
}

fn rewrite_map(map: &mut Map<String, Value>, doc: &Doc, docs: &[Doc]) {
    if let Some(Value::String(reference)) = map.get_mut("$ref") {
        *reference = resolve(reference, doc, docs);
    }
    for (key, value) in map.iter_mut() {
        // `enum`, `const` and `default` hold instances, not schemas.
        if !matches!(key.as_str(), "enum" | "const" | "default" | "examples") {
            rewrite(value, doc, docs);
        }
    }
}

/// Returns where `reference`, written in `doc`, points inside the bundle; unchanged when it
/// names no document of the bundle.
fn resolve(reference: &str, doc: &Doc, docs: &[Doc]) -> String {
    let (base, fragment) = reference.split_once('#').unwrap_or((reference, ""));
    let target = if base.is_empty() {
        Some(doc)
    } else {
        docs.iter().find(|d| {
            d.key.is_some()
                && (d.name == base
                    || base.ends_with(&format!("/{}", d.name))
                    || d.id.as_deref() == Some(base))
        })
    };
    let Some(target) = target else {
        return reference.to_string();
    };
    let local = fragment
        .strip_prefix("/definitions/")
        .or_else(|| fragment.strip_prefix("/$defs/"));
    if let Some(rest) = local {
        let (name, tail) = rest.split_once('/').unwrap_or((rest, ""));
        if let Some(renamed) = target.definitions.get(name) {
            let tail = if tail.is_empty() {
                String::new()
            } else {
                format!("/{tail}")
            };
            return format!("#/definitions/{renamed}{tail}");
        }
    }
    match &target.key {
        None => format!("#{fragment}"),
        Some(key) => format!("#/definitions/{key}{fragment}"),
    }
}

/// Returns the comment naming what the types do not check: string formats without a type of
/// their own, and bounds on `number`s (typify narrows integers, not floats).
fn unmapped(bundle: &Value) -> String {
    let mut unchecked = Unchecked::default();
    unchecked.collect(bundle);
    unchecked
        .formats
        .retain(|f| !TYPED_FORMATS.contains(&f.as_str()));
    let mut out = String::new();
    if !unchecked.formats.is_empty() {
        let list: Vec<String> = unchecked.formats.iter().map(|f| format!("`{f}`")).collect();
        out.push_str(&format!(
            "// Not checked here: the string format{} {}, a plain `String` (typify has no type\n\
             // for it and serde does not validate it).\n",
            if list.len() > 1 { "s" } else { "" },
            list.join(", ")
        ));
    }
    if !unchecked.bounds.is_empty() {
        let list: Vec<String> = unchecked.bounds.iter().map(|b| format!("`{b}`")).collect();
        out.push_str(&format!(
            "// Not checked here: {} on `number`s, which stay plain `f64`.\n",
            list.join(", ")
        ));
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out
}

#[derive(Default)]
struct Unchecked {
    formats: BTreeSet<String>,
    bounds: BTreeSet<&'static str>,
}

impl Unchecked {
    fn collect(&mut self, value: &Value) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(format)) = map.get("format") {
                    self.formats.insert(format.clone());
                }
                if map.get("type").and_then(Value::as_str) == Some("number") {
                    for bound in NUMBER_BOUNDS {
                        if map.contains_key(*bound) {
                            self.bounds.insert(bound);
                        }
                    }
                }
                map.iter()
                    .filter(|(k, _)| {
                        !matches!(k.as_str(), "enum" | "const" | "default" | "examples")
                    })
                    .for_each(|(_, v)| self.collect(v));
            }
            Value::Array(items) => items.iter().for_each(|v| self.collect(v)),
            _ => {}
        }
    }
}

const NUMBER_BOUNDS: &[&str] = &[
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
];

fn starter_test(root_type: &str, id: i64, sample: &Sample, check: Option<&Check>) -> String {
    let assertion = check
        .map(|c| super::field_check(&c.property, &c.value))
        .unwrap_or_default();
    format!(
        "/// The sample: magic byte 0, the schema id (4 bytes, big-endian), then the JSON body.\n\
         const WIRE: &[u8] = {};\n\n\
         #[test]\n\
         fn the_sample_wire_message_decodes_into_{}() {{\n\
         {}\n\
         \x20   let decoded: types::{root_type} = serde_json::from_slice(&WIRE[5..]).unwrap();\n\n\
         {assertion}\
         }}\n",
        super::bytes_literal(&sample.wire),
        super::field_ident(root_type),
        super::header_checks(id),
    )
}
