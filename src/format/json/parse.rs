//! Parsing: JSON syntax, draft detection from `$schema`, meta-schema validation, reference
//! resolution through the dependencies, and the texts the registry stores.
//!
//! A validator is built with the `jsonschema` crate so that everything it checks at build time
//! (references, regular expressions) is checked here too; its only retriever serves the
//! dependencies, so nothing is ever fetched from the network or the file system.

use std::fmt;

use jsonschema::{Retrieve, Uri};
use serde_json::Value;

use super::model::{self, Document};
use super::{canonical, Dependency, JsonSchema};

/// The JSON Schema drafts the registry accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Draft {
    Draft4,
    Draft6,
    Draft7,
    Draft201909,
    Draft202012,
}

impl Draft {
    /// Reads the draft from a document's `$schema`; draft 7 when there is none or it names no
    /// draft, as Confluent's `JsonSchema.rawSchema()` assumes (the latter is warned of).
    fn of(schema: &Value, warnings: &mut Vec<String>) -> Result<Draft, String> {
        let declared = match schema.get("$schema") {
            None => return Ok(Draft::Draft7),
            Some(Value::String(uri)) => uri,
            Some(other) => return Err(format!("$schema must be a string, not {other}")),
        };
        let trimmed = declared.trim_end_matches('#');
        let path = trimmed
            .strip_prefix("https://")
            .or_else(|| trimmed.strip_prefix("http://"))
            .unwrap_or(trimmed);
        Ok(match path {
            "json-schema.org/draft-04/schema" => Draft::Draft4,
            "json-schema.org/draft-06/schema" => Draft::Draft6,
            "json-schema.org/draft-07/schema" => Draft::Draft7,
            "json-schema.org/draft/2019-09/schema" => Draft::Draft201909,
            "json-schema.org/draft/2020-12/schema" => Draft::Draft202012,
            _ => {
                warnings.push(format!(
                    "$schema '{declared}' names no JSON Schema draft: it is read as draft-07"
                ));
                Draft::Draft7
            }
        })
    }

    fn meta_validate(self, schema: &Value) -> Result<(), String> {
        let result = match self {
            Draft::Draft4 => jsonschema::draft4::meta::validate(schema),
            Draft::Draft6 => jsonschema::draft6::meta::validate(schema),
            Draft::Draft7 => jsonschema::draft7::meta::validate(schema),
            Draft::Draft201909 => jsonschema::draft201909::meta::validate(schema),
            Draft::Draft202012 => jsonschema::draft202012::meta::validate(schema),
        };
        result.map_err(|error| {
            format!(
                "not a valid {self} schema: {error} at '#{}'",
                error.instance_path()
            )
        })
    }

    fn engine(self) -> jsonschema::Draft {
        match self {
            Draft::Draft4 => jsonschema::Draft::Draft4,
            Draft::Draft6 => jsonschema::Draft::Draft6,
            Draft::Draft7 => jsonschema::Draft::Draft7,
            Draft::Draft201909 => jsonschema::Draft::Draft201909,
            Draft::Draft202012 => jsonschema::Draft::Draft202012,
        }
    }
}

impl fmt::Display for Draft {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Draft::Draft4 => "draft-04",
            Draft::Draft6 => "draft-06",
            Draft::Draft7 => "draft-07",
            Draft::Draft201909 => "draft 2019-09",
            Draft::Draft202012 => "draft 2020-12",
        })
    }
}

pub(super) fn parse(text: &str, deps: &[Dependency]) -> Result<JsonSchema, String> {
    let mut warnings = Vec::new();
    let (value, draft) = read(text, &mut warnings)?;
    let main_base = base_of(&value, draft);
    let mut documents = vec![Document {
        names: main_base.iter().cloned().collect(),
        base: main_base.clone(),
        value: value.clone(),
        draft,
    }];
    let mut served = Vec::with_capacity(deps.len());
    for dep in deps {
        let mut dep_warnings = Vec::new();
        let (dep_value, dep_draft) = read(&dep.schema, &mut dep_warnings)
            .map_err(|e| format!("dependency '{}': {e}", dep.name))?;
        let own_id = base_of(&dep_value, dep_draft);
        let resolved_name = model::join(main_base.as_deref(), &dep.name);
        let mut names = vec![dep.name.clone(), resolved_name.clone()];
        names.extend(own_id.clone());
        documents.push(Document {
            names,
            base: own_id.or(Some(resolved_name)),
            value: dep_value.clone(),
            draft: dep_draft,
        });
        served.push((dep.name.clone(), dep_value));
    }
    let model = model::load(documents)?;
    check_with_engine(&value, draft, served)?;
    let canonical = canonical::canonical(text)?;
    let normalized = canonical::normalized(&canonical)?;
    Ok(JsonSchema {
        draft,
        canonical,
        normalized,
        model,
        warnings,
    })
}

/// Reads one document: JSON (serde_json refuses nesting deeper than 128), a known draft, valid
/// against that draft's meta-schema. A document that is neither an object nor a boolean is
/// registered by Confluent and read as accepting anything: so it is here, with a warning.
fn read(text: &str, warnings: &mut Vec<String>) -> Result<(Value, Draft), String> {
    let value: Value = serde_json::from_str(text).map_err(|e| format!("invalid JSON: {e}"))?;
    if !value.is_object() && !value.is_boolean() {
        warnings.push(format!(
            "a JSON Schema is an object or a boolean, not {value}: validators read this one as accepting anything, or refuse it"
        ));
        return Ok((Value::Bool(true), Draft::Draft7));
    }
    let draft = Draft::of(&value, warnings)?;
    draft.meta_validate(&value)?;
    Ok((value, draft))
}

fn base_of(value: &Value, draft: Draft) -> Option<String> {
    let keyword = if draft == Draft::Draft4 { "id" } else { "$id" };
    value
        .get(keyword)
        .and_then(Value::as_str)
        .map(|id| id.trim_end_matches('#').to_string())
        .filter(|id| !id.is_empty())
}

/// Builds a validator, which resolves every reference and compiles every pattern.
fn check_with_engine(
    value: &Value,
    draft: Draft,
    deps: Vec<(String, Value)>,
) -> Result<(), String> {
    jsonschema::options()
        .with_draft(draft.engine())
        .with_retriever(DependencyRetriever { deps })
        .should_validate_formats(false)
        .build(value)
        .map(|_| ())
        .map_err(|error| format!("invalid JSON Schema: {error}"))
}

/// Serves the dependencies by the URL a `$ref` names them with; refuses everything else.
struct DependencyRetriever {
    deps: Vec<(String, Value)>,
}

impl Retrieve for DependencyRetriever {
    fn retrieve(
        &self,
        uri: &Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let wanted = uri.as_str().split('#').next().unwrap_or_default();
        self.deps
            .iter()
            .find(|(name, _)| wanted == name || wanted.ends_with(&format!("/{name}")))
            .map(|(_, value)| value.clone())
            .ok_or_else(|| format!("$ref '{wanted}' names no dependency").into())
    }
}

/// Returns why `instance` is not valid against the schema `text` whose references are `deps`;
/// formats are checked too.
pub(super) fn validate(text: &str, deps: &[Dependency], instance: &Value) -> Result<(), String> {
    let (value, draft) = read(text, &mut Vec::new())?;
    let served = deps
        .iter()
        .map(|dep| {
            serde_json::from_str(&dep.schema)
                .map(|v| (dep.name.clone(), v))
                .map_err(|e| format!("dependency '{}': invalid JSON: {e}", dep.name))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let validator = jsonschema::options()
        .with_draft(draft.engine())
        .with_retriever(DependencyRetriever { deps: served })
        .should_validate_formats(true)
        .build(&value)
        .map_err(|error| format!("invalid JSON Schema: {error}"))?;
    let first = validator
        .iter_errors(instance)
        .next()
        .map(|error| format!("{error} at '{}'", error.instance_path()));
    match first {
        None => Ok(()),
        Some(reason) => Err(reason),
    }
}
