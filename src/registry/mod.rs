//! The Confluent registry's semantics: subjects, versions, global ids, references, modes and
//! compatibility settings, over any [`Store`].
//!
//! Reads are served from [`cache::Cache`] where the serializers' hot path needs them; every write
//! goes through here and invalidates what it changed. The operations are split by kind:
//! `register.rs` (register, look up, check), `delete.rs` and `settings.rs` (config and mode).

pub mod associations;
mod cache;
mod codegen;
pub mod compatibility;
mod contexts;
pub mod decide;
mod delete;
pub mod metadata;
mod register;
mod settings;
mod tags;
mod work;

use std::collections::HashSet;
use std::sync::Arc;

use md5::{Digest, Md5};
use serde_json::Value;

pub use register::{Registered, SchemaRequest, Stamp};
pub use tags::TagChange;

use crate::format::{Dependency, ParsedSchema};
use crate::storage::{
    AuditAction, AuditEntry, Include, Store, StoredSchema, StoredVersion, SubjectVersion,
};
use crate::types::{
    now, Actor, Reference, SchemaId, SchemaType, SubjectName, Version, VersionSelector,
};
use crate::{Error, Result};
use cache::Cache;

/// How deep references may nest before a registration is refused.
const MAX_REFERENCE_DEPTH: usize = 32;

/// The schema registry: Confluent semantics over a store, with a read cache.
pub struct Registry {
    store: Arc<dyn Store>,
    cache: Arc<Cache>,
    workers: work::Workers,
    generated: codegen::Generated,
}

impl Registry {
    /// Creates a registry over `store`. When other instances share the store, a task follows
    /// their changes and invalidates the cache (so this must run inside a Tokio runtime).
    pub fn new(store: Arc<dyn Store>) -> Self {
        let cache = Arc::new(Cache::default());
        if let Some(feed) = store.changes() {
            cache::follow(cache.clone(), feed);
        }
        Registry {
            store,
            cache,
            workers: work::Workers::default(),
            generated: codegen::Generated::default(),
        }
    }

    /// Checks that the store answers.
    pub async fn ping(&self) -> Result<()> {
        self.store.ping().await
    }

    /// Returns the subjects that start with `prefix` and have versions admitted by `include`.
    pub async fn subjects(&self, prefix: &str, include: Include) -> Result<Vec<String>> {
        let mut subjects = self.store.subjects(include).await?;
        subjects.retain(|subject| subject.starts_with(prefix));
        Ok(subjects)
    }

    /// Returns the version numbers of `subject` admitted by `include`; 40401 when there are none.
    pub async fn version_numbers(
        &self,
        subject: &SubjectName,
        include: Include,
    ) -> Result<Vec<Version>> {
        let all = self.store.versions(subject).await?;
        let exists = !all.is_empty();
        let versions: Vec<Version> = all
            .into_iter()
            .filter(|v| include.admits(v.is_deleted))
            .map(|v| v.version)
            .collect();
        // As in Confluent, `deletedOnly` lists none of a subject with no deleted version.
        if versions.is_empty() && !(exists && include == Include::DeletedOnly) {
            return Err(Error::SubjectNotFound(subject.to_string()));
        }
        Ok(versions)
    }

    /// Returns the newest version of `subject` whose metadata has every property of `wanted`
    /// (the newest of all when `wanted` is empty); soft-deleted ones only when
    /// `include_deleted`.
    pub async fn latest_with_metadata(
        &self,
        subject: &SubjectName,
        wanted: &[(String, String)],
        include_deleted: bool,
    ) -> Result<Arc<StoredVersion>> {
        let versions = self.store.versions(subject).await?;
        if !versions.iter().any(|v| include_deleted || !v.is_deleted) {
            return Err(Error::SubjectNotFound(subject.to_string()));
        }
        versions
            .into_iter()
            .rev()
            .filter(|v| include_deleted || !v.is_deleted)
            .find(|v| metadata::has_properties(v.schema.metadata.as_ref(), wanted))
            .map(Arc::new)
            .ok_or(Error::SchemaNotFound)
    }

    /// Returns one version of `subject`; soft-deleted ones only when `include_deleted`.
    pub async fn version(
        &self,
        subject: &SubjectName,
        selector: VersionSelector,
        include_deleted: bool,
    ) -> Result<Arc<StoredVersion>> {
        // Confluent's `latest` is the latest live version, with `deleted=true` too.
        let found = match selector {
            VersionSelector::Latest => self.latest(subject).await?,
            VersionSelector::Number(n) => self
                .store
                .version(subject, n)
                .await?
                .filter(|v| include_deleted || !v.is_deleted)
                .map(Arc::new),
        };
        match (found, selector) {
            (Some(version), _) => Ok(version),
            (None, VersionSelector::Number(n)) if self.subject_exists(subject).await? => {
                Err(Error::VersionNotFound(n))
            }
            (None, VersionSelector::Latest)
                if include_deleted
                    && self
                        .store
                        .latest_version(subject, Include::LiveAndDeleted)
                        .await?
                        .is_some() =>
            {
                Err(Error::VersionNotFound(Version(-1)))
            }
            (None, _) => Err(Error::SubjectNotFound(subject.to_string())),
        }
    }

    /// Returns the latest live version of `subject`, from the cache when it holds it.
    pub async fn latest(&self, subject: &SubjectName) -> Result<Option<Arc<StoredVersion>>> {
        if let Some(cached) = self.cache.latest(subject.as_str()) {
            return Ok(Some(cached));
        }
        let seen = self.cache.generation();
        let latest = self
            .store
            .latest_version(subject, Include::Live)
            .await?
            .map(Arc::new);
        if let Some(latest) = &latest {
            self.cache.put_latest(seen, latest.clone());
        }
        Ok(latest)
    }

    async fn subject_exists(&self, subject: &SubjectName) -> Result<bool> {
        Ok(self
            .store
            .latest_version(subject, Include::Live)
            .await?
            .is_some())
    }

    /// Returns schema `id` when the cache holds it, without going to the store.
    pub fn cached_schema(&self, id: SchemaId) -> Option<Arc<StoredSchema>> {
        self.cache.schema(id)
    }

    /// Returns the latest live version of `subject` when the cache holds it, without going to
    /// the store.
    pub fn cached_latest(&self, subject: &str) -> Option<Arc<StoredVersion>> {
        self.cache.latest(subject)
    }

    /// Returns the schema with `id`; 40403 when no subject version uses it.
    pub async fn schema(&self, id: SchemaId) -> Result<Arc<StoredSchema>> {
        if let Some(cached) = self.cache.schema(id) {
            return Ok(cached);
        }
        let seen = self.cache.generation();
        let schema = Arc::new(
            self.store
                .schema(id)
                .await?
                .ok_or(Error::SchemaIdNotFound(id))?,
        );
        self.cache.put_schema(seen, schema.clone());
        Ok(schema)
    }

    /// Returns the subject versions that use schema `id` and are admitted by `include`: none
    /// when every one is soft-deleted, and 40403 `Schema not found` when no version uses it.
    ///
    /// With contexts in use, only the usages in the context the `subject` hint names count
    /// (see `contexts.rs`).
    pub async fn schema_usages(
        &self,
        id: SchemaId,
        include: Include,
        hint: Option<&str>,
    ) -> Result<Vec<SubjectVersion>> {
        let usages = self.usages_in_context(id, hint).await?;
        if usages.is_empty() {
            return Err(Error::SchemaNotFound);
        }
        Ok(usages
            .into_iter()
            .filter(|usage| include.admits(usage.is_deleted))
            .collect())
    }

    /// Returns the highest schema id assigned so far.
    pub async fn max_schema_id(&self) -> Result<Option<SchemaId>> {
        self.store.max_schema_id().await
    }

    /// Returns the ids of schemas whose live versions (or any, with `include_deleted`) reference
    /// `subject` at `selector`.
    pub async fn referenced_by(
        &self,
        subject: &SubjectName,
        selector: VersionSelector,
        include_deleted: bool,
    ) -> Result<Vec<SchemaId>> {
        let target = self.version(subject, selector, true).await?;
        let mut ids: Vec<SchemaId> = self
            .store
            .referrers(subject, target.version)
            .await?
            .into_iter()
            .filter(|(_, usage)| include_deleted || !usage.is_deleted)
            .map(|(id, _)| id)
            .collect();
        ids.dedup();
        Ok(ids)
    }

    /// Returns the versions of subjects starting with `prefix`, all or only each one's latest.
    pub async fn schemas(
        &self,
        prefix: &str,
        include: Include,
        latest_only: bool,
    ) -> Result<Vec<Arc<StoredVersion>>> {
        let mut listed: Vec<Arc<StoredVersion>> = Vec::new();
        for version in self.store.versions_under(prefix).await? {
            if !include.admits(version.is_deleted) {
                continue;
            }
            let same_subject = listed.last().is_some_and(|v| v.subject == version.subject);
            if latest_only && same_subject {
                listed.pop();
            }
            listed.push(Arc::new(version));
        }
        Ok(listed)
    }

    /// Returns the text of `stored` in the wire `format` a client asked for (`serialized` turns a
    /// Protobuf schema into a base64 descriptor); unknown or inapplicable formats are ignored, as
    /// the Confluent registry ignores them.
    pub async fn schema_text(&self, stored: &StoredSchema, format: Option<&str>) -> Result<String> {
        let Some(format) = format.filter(|f| !f.is_empty()) else {
            return Ok(stored.schema.clone());
        };
        let parsed = self.parsed(stored).await?;
        Ok(parsed
            .formatted(format)
            .unwrap_or_else(|| stored.schema.clone()))
    }

    /// Returns `stored` parsed, from the cache when it holds it.
    async fn parsed(&self, stored: &StoredSchema) -> Result<Arc<ParsedSchema>> {
        if let Some(parsed) = self.cache.parsed(stored.id) {
            return Ok(parsed);
        }
        let deps = self.resolve(&stored.references).await?;
        let (schema_type, text, id) = (stored.schema_type, stored.schema.clone(), stored.id);
        let parsed = self
            .workers
            .run(move || ParsedSchema::parse(schema_type, &text, &deps))
            .await?
            .map_err(|reason| {
                Error::Internal(format!("stored schema {id} no longer parses: {reason}"))
            })?;
        let parsed = Arc::new(parsed);
        self.cache.put_parsed(stored.id, parsed.clone());
        Ok(parsed)
    }

    /// Resolves `references` to the schemas they name, dependencies first.
    ///
    /// A reference to an unknown version, to `latest` of a subject with no live version, or a
    /// cycle, makes the schema invalid. A version named by its number resolves even when it is
    /// soft-deleted, as in Confluent: the schemas that reference it keep working.
    async fn resolve(&self, references: &[Reference]) -> Result<Vec<Dependency>> {
        let mut resolved = Vec::new();
        let mut done = HashSet::new();
        // Depth-first, iteratively: (reference, depth, whether its own references are done).
        let mut stack: Vec<(Reference, usize, bool)> = references
            .iter()
            .rev()
            .map(|r| (r.clone(), 1, false))
            .collect();
        let mut path: Vec<(String, i32)> = Vec::new();
        while let Some((reference, depth, expanded)) = stack.pop() {
            let key = (reference.subject.clone(), reference.version);
            if expanded {
                path.pop();
                if done.insert(key) {
                    let version = self.referenced_version(&reference).await?;
                    resolved.push(Dependency {
                        name: reference.name.clone(),
                        schema_type: version.schema.schema_type,
                        schema: version.schema.schema.clone(),
                    });
                }
                continue;
            }
            if done.contains(&key) {
                continue;
            }
            if path.contains(&key) {
                return Err(Error::InvalidSchema(format!(
                    "circular reference through subject '{}' version {}",
                    reference.subject, reference.version
                )));
            }
            if depth > MAX_REFERENCE_DEPTH {
                return Err(Error::InvalidSchema(format!(
                    "references nest deeper than {MAX_REFERENCE_DEPTH} levels"
                )));
            }
            let version = self.referenced_version(&reference).await?;
            path.push(key);
            stack.push((reference, depth, true));
            for inner in version.schema.references.iter().rev() {
                stack.push((inner.clone(), depth + 1, false));
            }
        }
        Ok(resolved)
    }

    async fn referenced_version(&self, reference: &Reference) -> Result<StoredVersion> {
        let missing = || {
            Error::InvalidSchema(format!(
                "reference '{}' names subject '{}' version {}, which does not exist",
                reference.name, reference.subject, reference.version
            ))
        };
        let subject = SubjectName::parse(&reference.subject).map_err(|_| missing())?;
        match reference.version {
            -1 => self.store.latest_version(&subject, Include::Live).await?,
            n if n >= 1 => self.store.version(&subject, Version(n)).await?,
            _ => return Err(missing()),
        }
        .ok_or_else(missing)
    }
}

/// Returns the audit entry for `action` by `actor` on `subject` (or a global setting).
fn audit(
    actor: &Actor,
    action: AuditAction,
    subject: Option<&SubjectName>,
    version: Option<Version>,
    details: Value,
) -> AuditEntry {
    AuditEntry {
        at: now(),
        principal: actor.principal.clone(),
        action,
        subject: subject.map(|s| s.to_string()),
        version,
        service: None,
        details,
    }
}

/// Returns the identity of schema content: equal content under any subject shares one id.
pub fn fingerprint(
    schema_type: SchemaType,
    schema: &str,
    references: &[Reference],
    metadata: Option<&Value>,
    rule_set: Option<&Value>,
) -> String {
    let identity = serde_json::json!([schema_type, schema, references, metadata, rule_set]);
    hex::encode(Md5::digest(identity.to_string().as_bytes()))
}
