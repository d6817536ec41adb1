//! The project file, `accord.toml`: which schema file is the contract of which subject, and
//! where the registry is.
//!
//! Loading a project reads every mapped file, finds the references between them (see
//! [`references`](super::references)) and orders the contracts so that a schema comes after the
//! schemas it references. It never talks to the registry, and it never reads credentials: the
//! file has no place for them.

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::Deserialize;

use super::references::Index;
use super::FileError;
use crate::format::{Dependency, ParsedSchema};
use crate::types::SchemaType;

/// `accord.toml` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProjectFile {
    registry: Option<String>,
    #[serde(default)]
    subjects: Vec<SubjectEntry>,
}

/// One `[[subjects]]` table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SubjectEntry {
    name: String,
    file: PathBuf,
    #[serde(rename = "type")]
    schema_type: Option<String>,
    references: Option<Vec<LocalReference>>,
}

/// A reference from a contract to another mapped subject; the registry resolves it to that
/// subject's latest version.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LocalReference {
    /// Avro: the referenced type's full name; Protobuf: the import path; JSON: the `$ref` URL.
    pub name: String,
    pub subject: String,
}

/// A subject's contract: its schema file, read and with its references found.
#[derive(Debug, Clone)]
pub struct Contract {
    pub subject: String,
    /// The file's path, relative to the working directory when the project file's is.
    pub file: PathBuf,
    pub schema_type: SchemaType,
    pub text: String,
    pub references: Vec<LocalReference>,
}

/// A loaded project: the registry URL from the file, and the contracts, references first.
#[derive(Debug)]
pub struct Project {
    pub registry: Option<String>,
    pub contracts: Vec<Contract>,
    /// The project file's directory, which relative paths in references start from.
    root: PathBuf,
}

impl Project {
    /// Loads the project file at `path`, reads every mapped file and resolves the references.
    pub fn load(path: &Path) -> Result<Project> {
        let source = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the project file {}", path.display()))?;
        let parsed: ProjectFile = toml::from_str(&source).map_err(|err| {
            let line = err
                .span()
                .map(|span| source[..span.start].lines().count().max(1))
                .unwrap_or(1);
            FileError::new(path, format!("line {line}: {}", err.message().trim()))
        })?;
        if parsed.subjects.is_empty() {
            bail!(FileError::new(
                path,
                "maps no subjects: add a [[subjects]] table"
            ));
        }
        let root = path.parent().unwrap_or(Path::new(""));
        let mut contracts = Vec::with_capacity(parsed.subjects.len());
        let mut names = HashSet::new();
        for entry in parsed.subjects {
            if !names.insert(entry.name.clone()) {
                bail!(FileError::new(
                    path,
                    format!("maps subject '{}' twice", entry.name)
                ));
            }
            contracts.push(read_contract(root, entry)?);
        }
        let index = Index::new(root, &contracts);
        let mut found = Vec::with_capacity(contracts.len());
        for contract in &contracts {
            found.push(match contract.references.is_empty() {
                true => index.references(&contract.file, contract.schema_type, &contract.text)?,
                false => contract.references.clone(),
            });
        }
        for (contract, references) in contracts.iter_mut().zip(found) {
            for reference in &references {
                if !names.contains(&reference.subject) {
                    bail!(FileError::new(
                        &contract.file,
                        format!(
                            "references subject '{}', which the project file does not map",
                            reference.subject
                        )
                    ));
                }
            }
            contract.references = references;
        }
        Ok(Project {
            registry: parsed.registry,
            contracts: in_dependency_order(contracts)?,
            root: root.to_path_buf(),
        })
    }

    /// Returns the index that finds references of files outside the project (`accord diff`).
    pub fn index(&self) -> Index<'_> {
        Index::new(&self.root, &self.contracts)
    }

    /// Returns the contract of `subject`.
    pub fn contract(&self, subject: &str) -> Option<&Contract> {
        self.contracts.iter().find(|c| c.subject == subject)
    }

    /// Parses `contract` with the format parsers the registry uses; the error names the file.
    pub fn parse(&self, contract: &Contract) -> Result<ParsedSchema, FileError> {
        let dependencies = self.dependencies(&contract.references);
        ParsedSchema::parse(contract.schema_type, &contract.text, &dependencies).map_err(|reason| {
            FileError::new(
                &contract.file,
                format!("invalid {} schema: {reason}", contract.schema_type),
            )
        })
    }

    /// Returns the schemas `references` need, transitively and dependencies first, as the
    /// format parsers take them.
    pub fn dependencies(&self, references: &[LocalReference]) -> Vec<Dependency> {
        let mut resolved = Vec::new();
        let mut seen = HashSet::new();
        for reference in references {
            self.collect(reference, &mut seen, &mut resolved);
        }
        resolved
    }

    fn collect(
        &self,
        reference: &LocalReference,
        seen: &mut HashSet<String>,
        out: &mut Vec<Dependency>,
    ) {
        let Some(contract) = self.contract(&reference.subject) else {
            return;
        };
        if !seen.insert(contract.subject.clone()) {
            return;
        }
        for inner in &contract.references {
            self.collect(inner, seen, out);
        }
        out.push(Dependency {
            name: reference.name.clone(),
            schema_type: contract.schema_type,
            schema: contract.text.clone(),
        });
    }
}

/// Returns the `registry` of the project file at `path`, without reading its schema files.
/// Without `path`, `accord.toml` is read when there is one.
pub fn registry_in(path: Option<&Path>) -> Result<Option<String>> {
    let path = match path {
        Some(path) => path,
        None if Path::new("accord.toml").is_file() => Path::new("accord.toml"),
        None => return Ok(None),
    };
    let source = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the project file {}", path.display()))?;
    let table: toml::Table = toml::from_str(&source)
        .map_err(|err| FileError::new(path, err.message().trim().to_string()))?;
    match table.get("registry") {
        None => Ok(None),
        Some(toml::Value::String(url)) => Ok(Some(url.clone())),
        Some(_) => bail!(FileError::new(path, "`registry` must be a string")),
    }
}

fn read_contract(root: &Path, entry: SubjectEntry) -> Result<Contract> {
    let file = root.join(&entry.file);
    let schema_type = match &entry.schema_type {
        Some(name) => name.parse().map_err(|_| {
            FileError::new(
                &file,
                format!("unknown type '{name}': use avro, protobuf or json"),
            )
        })?,
        None => type_from_extension(
            &file,
            "with `type = \"avro\"` (or protobuf, json) in its entry",
        )?,
    };
    let text = std::fs::read_to_string(&file)
        .map_err(|err| FileError::new(&file, format!("cannot read the schema file: {err}")))?;
    Ok(Contract {
        subject: entry.name,
        file,
        schema_type,
        text,
        references: entry.references.unwrap_or_default(),
    })
}

/// How a command line states a file's schema type, for [`type_from_extension`]'s error.
pub const TYPE_FLAG: &str = "with --type avro|protobuf|json";

/// Returns the schema type a file's extension names: `.avsc`, `.proto` or `.json`; otherwise
/// the error says how to state it (`how`, such as "with --type avro|protobuf|json").
pub fn type_from_extension(file: &Path, how: &str) -> Result<SchemaType> {
    match file.extension().and_then(|e| e.to_str()) {
        Some("avsc") => Ok(SchemaType::Avro),
        Some("proto") => Ok(SchemaType::Protobuf),
        Some("json") => Ok(SchemaType::Json),
        _ => bail!(FileError::new(
            file,
            format!("cannot tell the schema type from the extension (.avsc, .proto, .json); state it {how}")
        )),
    }
}

/// Orders `contracts` so that each comes after the contracts it references; a cycle is an error.
fn in_dependency_order(contracts: Vec<Contract>) -> Result<Vec<Contract>> {
    let position: HashMap<&str, usize> = contracts
        .iter()
        .enumerate()
        .map(|(i, c)| (c.subject.as_str(), i))
        .collect();
    let mut order = Vec::with_capacity(contracts.len());
    let mut state = vec![Visit::New; contracts.len()];
    for start in 0..contracts.len() {
        let mut path = Vec::new();
        visit(
            start, &contracts, &position, &mut state, &mut path, &mut order,
        )?;
    }
    let mut slots: Vec<Option<Contract>> = contracts.into_iter().map(Some).collect();
    Ok(order.into_iter().filter_map(|i| slots[i].take()).collect())
}

#[derive(Clone, Copy, PartialEq)]
enum Visit {
    New,
    InProgress,
    Done,
}

fn visit(
    at: usize,
    contracts: &[Contract],
    position: &HashMap<&str, usize>,
    state: &mut [Visit],
    path: &mut Vec<usize>,
    order: &mut Vec<usize>,
) -> Result<()> {
    match state[at] {
        Visit::Done => return Ok(()),
        Visit::InProgress => {
            let start = path.iter().position(|&i| i == at).unwrap_or(0);
            let cycle: Vec<&str> = path[start..]
                .iter()
                .chain([&at])
                .map(|&i| contracts[i].subject.as_str())
                .collect();
            bail!(FileError::new(
                &contracts[at].file,
                format!("reference cycle: {}", cycle.join(" -> "))
            ));
        }
        Visit::New => {}
    }
    state[at] = Visit::InProgress;
    path.push(at);
    for reference in &contracts[at].references {
        if let Some(&next) = position.get(reference.subject.as_str()) {
            visit(next, contracts, position, state, path, order)?;
        }
    }
    path.pop();
    state[at] = Visit::Done;
    order.push(at);
    Ok(())
}

/// Returns `path` with `.` and `name/..` removed, without touching the file system.
pub fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}
