//! What a registry holds, read through its Confluent REST API: every subject (soft-deleted
//! ones too) with every version, its settings, and the global ones. Both sides of an import
//! are read this way, so that the source may be any Confluent-compatible registry.
//!
//! Subject names are opaque: a qualified name such as `:.ctx:orders-value` passes through as
//! it is. Nothing here writes.

use std::collections::BTreeMap;

use anyhow::{bail, Result};
use reqwest::{Method, StatusCode};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::ci::client::{segment, RegistryClient};

/// A registry's contents, as far as an import copies them.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// The subjects in scope, by name.
    pub subjects: BTreeMap<String, Subject>,
    /// `GET /config`.
    pub global_config: Value,
    /// `GET /mode`'s mode.
    pub global_mode: String,
}

/// One subject: its versions in ascending order and its own settings.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Subject {
    pub versions: Vec<Version>,
    pub settings: Settings,
    /// `GET /associations/subjects/{subject}`: the topics that use it (Confluent 8.x); none
    /// where the registry has no such endpoint.
    pub associations: Vec<Association>,
}

/// A topic's association with a subject, as `GET /associations/subjects/{subject}` lists it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Association {
    pub subject: String,
    pub resource_name: String,
    pub resource_namespace: String,
    pub resource_id: String,
    #[serde(default = "topic")]
    pub resource_type: String,
    pub association_type: String,
    #[serde(default)]
    pub lifecycle: Option<String>,
    #[serde(default)]
    pub frozen: bool,
}

fn topic() -> String {
    "topic".to_string()
}

/// A subject's own settings; `None` where it has none and the global one applies.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Settings {
    /// `GET /config/{subject}`, as the registry answers it.
    pub config: Option<Value>,
    /// `GET /mode/{subject}`'s mode.
    pub mode: Option<String>,
}

/// One version of a subject, with everything that makes its schema's content.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Version {
    pub version: i64,
    pub id: i64,
    pub schema: String,
    #[serde(default = "avro")]
    pub schema_type: String,
    #[serde(default)]
    pub references: Vec<Reference>,
    #[serde(default)]
    pub metadata: Option<Value>,
    #[serde(default)]
    pub rule_set: Option<Value>,
    /// Soft-deleted: listed only with `?deleted=true`.
    #[serde(skip)]
    pub is_deleted: bool,
}

/// A reference from one schema to another subject's version.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Reference {
    pub name: String,
    pub subject: String,
    pub version: i64,
}

/// The content an id stands for, as `GET /schemas/ids/{id}` answers it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Content {
    pub schema: String,
    #[serde(default = "avro")]
    pub schema_type: String,
    #[serde(default)]
    pub references: Vec<Reference>,
    #[serde(default)]
    pub metadata: Option<Value>,
    #[serde(default)]
    pub rule_set: Option<Value>,
}

fn avro() -> String {
    "AVRO".to_string()
}

impl Version {
    /// The content this version's id stands for.
    pub fn content(&self) -> Content {
        Content {
            schema: self.schema.clone(),
            schema_type: self.schema_type.clone(),
            references: self.references.clone(),
            metadata: self.metadata.clone(),
            rule_set: self.rule_set.clone(),
        }
    }
}

impl Content {
    /// Whether `other` is the same content: empty metadata and rule sets count as none.
    pub fn same_as(&self, other: &Content) -> bool {
        self.same_but_rules(other) && present(&self.rule_set) == present(&other.rule_set)
    }

    /// Whether `other` is the same content but perhaps for the rule set, which a registry
    /// that keeps none (Accord, Confluent's community edition) drops.
    pub fn same_but_rules(&self, other: &Content) -> bool {
        self.schema == other.schema
            && self.schema_type.eq_ignore_ascii_case(&other.schema_type)
            && self.references == other.references
            && present(&self.metadata) == present(&other.metadata)
    }
}

/// `value`, with `null` and `{}` read as absent.
fn present(value: &Option<Value>) -> Option<&Value> {
    value
        .as_ref()
        .filter(|v| !v.is_null() && v.as_object().is_none_or(|o| !o.is_empty()))
}

/// Reads the subjects of `registry` that `in_scope` admits, with their versions and settings.
pub async fn read(registry: &RegistryClient, in_scope: impl Fn(&str) -> bool) -> Result<Snapshot> {
    let names = registry
        .json(Method::GET, "/subjects?deleted=true", None)
        .await?;
    let Some(names) = names.as_array() else {
        bail!("GET /subjects?deleted=true did not answer a list: {names}");
    };
    let mut subjects = BTreeMap::new();
    for name in names.iter().filter_map(Value::as_str) {
        if in_scope(name) {
            subjects.insert(name.to_string(), read_subject(registry, name).await?);
        }
    }
    let global_config = registry.json(Method::GET, "/config", None).await?;
    let global_mode = registry.json(Method::GET, "/mode", None).await?;
    Ok(Snapshot {
        subjects,
        global_config,
        global_mode: global_mode["mode"]
            .as_str()
            .unwrap_or("READWRITE")
            .to_string(),
    })
}

/// Reads one subject: every version (soft-deleted ones marked) and its own settings.
pub async fn read_subject(registry: &RegistryClient, name: &str) -> Result<Subject> {
    let base = format!("/subjects/{}/versions", segment(name));
    let all = numbers(registry, &format!("{base}?deleted=true")).await?;
    let live = numbers(registry, &base).await?;
    let mut versions = Vec::with_capacity(all.len());
    for number in all {
        let path = format!("{base}/{number}?deleted=true");
        let mut version: Version =
            serde_json::from_value(registry.json(Method::GET, &path, None).await?)
                .map_err(|err| anyhow::anyhow!("{path} answered an unreadable version: {err}"))?;
        version.is_deleted = !live.contains(&number);
        versions.push(version);
    }
    versions.sort_by_key(|v| v.version);
    Ok(Subject {
        versions,
        settings: read_settings(registry, name).await?,
        associations: read_associations(registry, name).await?,
    })
}

/// Reads the associations of a subject; a registry without the endpoint (404, 405) has none.
async fn read_associations(registry: &RegistryClient, name: &str) -> Result<Vec<Association>> {
    let path = format!("/associations/subjects/{}", segment(name));
    let reply = registry.call(Method::GET, &path, None).await?;
    if matches!(
        reply.status,
        StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED
    ) {
        return Ok(Vec::new());
    }
    let list = registry.success(reply, &path)?;
    let mut associations: Vec<Association> = serde_json::from_value(list)
        .map_err(|err| anyhow::anyhow!("{path} answered unreadable associations: {err}"))?;
    associations.sort();
    Ok(associations)
}

/// Reads a subject's own compatibility setting and mode.
pub async fn read_settings(registry: &RegistryClient, name: &str) -> Result<Settings> {
    let config = optional(registry, &format!("/config/{}", segment(name))).await?;
    let mode = optional(registry, &format!("/mode/{}", segment(name))).await?;
    Ok(Settings {
        config,
        mode: mode.and_then(|m| m["mode"].as_str().map(str::to_string)),
    })
}

/// Returns what `GET /schemas/ids/{id}` answers, or `None` when no schema has the id.
pub async fn content_of(registry: &RegistryClient, id: i64) -> Result<Option<Content>> {
    let found = optional(registry, &format!("/schemas/ids/{id}")).await?;
    found
        .map(|body| {
            serde_json::from_value(body).map_err(|err| {
                anyhow::anyhow!("/schemas/ids/{id} answered an unreadable schema: {err}")
            })
        })
        .transpose()
}

/// The version numbers `path` lists; none when the subject has none (404).
async fn numbers(registry: &RegistryClient, path: &str) -> Result<Vec<i64>> {
    match optional(registry, path).await? {
        None => Ok(Vec::new()),
        Some(list) => match list.as_array() {
            Some(list) => Ok(list.iter().filter_map(Value::as_i64).collect()),
            None => bail!("{path} did not answer a list of versions: {list}"),
        },
    }
}

/// The body of a `GET path`, or `None` when the registry answers 404.
async fn optional(registry: &RegistryClient, path: &str) -> Result<Option<Value>> {
    let reply = registry.call(Method::GET, path, None).await?;
    if reply.status == StatusCode::NOT_FOUND {
        return Ok(None);
    }
    registry.success(reply, path).map(Some)
}
