//! Tagging a version: its schema with tags added or removed, registered as a new version of
//! the same subject, as Confluent's `POST /subjects/{subject}/versions/{version}/tags` does.

use serde_json::Value;

use super::{metadata, Registered, Registry, SchemaRequest, Stamp};
use crate::format::tags::{self, EntityTags};
use crate::types::{Actor, SubjectName, Version, VersionSelector};
use crate::{Error, Result};

/// The tags to write into a version's schema, and what the new version records.
#[derive(Debug, Clone, Default)]
pub struct TagChange {
    /// The version the tagged schema must become; the next one when `None`.
    pub new_version: Option<Version>,
    pub add: Vec<EntityTags>,
    pub remove: Vec<EntityTags>,
    /// The new version's metadata; the tagged version's when `None`.
    pub metadata: Option<Value>,
}

impl Registry {
    /// Registers the schema of version `selector` of `subject` with `change`'s tags written
    /// into it, as a new version that records its number in `confluent:version`.
    pub async fn modify_tags(
        &self,
        subject: &SubjectName,
        selector: VersionSelector,
        change: TagChange,
        actor: &Actor,
    ) -> Result<Registered> {
        let tagged = self.version(subject, selector, false).await?;
        let stored = &tagged.schema;
        let deps = self.resolve(&stored.references).await?;
        let text = tags::apply(
            stored.schema_type,
            &stored.schema,
            &deps,
            &change.add,
            &change.remove,
        )
        .map_err(Error::SchemaRefused)?;
        // Confluent stamps the version it is told (0 when none) before registering, so the
        // registration never falls back to the latest version's metadata.
        let base = change.metadata.as_ref().or(stored.metadata.as_ref());
        let request = SchemaRequest {
            schema_type: stored.schema_type,
            schema: text,
            references: stored.references.clone(),
            metadata: Some(metadata::with_confluent_version(base, 0)),
            rule_set: None,
            id: None,
            version: change.new_version,
            stamp: Stamp::Next,
        };
        self.register(subject, request, false, actor).await
    }
}
