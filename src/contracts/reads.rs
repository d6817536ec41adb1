//! Reading contracts: subjects, versions and schemas, each only for a caller who may read it.

use std::collections::HashSet;
use std::sync::Arc;

use serde::Serialize;
use utoipa::ToSchema;

use super::Contracts;
use crate::governance::{Action, Principal, ReadersView, SubjectView};
use crate::storage::{Include, StoredSchema, StoredVersion, SubjectVersion};
use crate::types::{Compatibility, SchemaId, SubjectName, Version, VersionSelector};
use crate::{Error, Result};

/// A subject's contract: its producer and consumers, latest version and compatibility level.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = SubjectGovernance)]
pub struct SubjectContract {
    #[serde(flatten)]
    pub view: SubjectView,
    pub latest_version: Option<i32>,
    /// Confluent's concept, in Confluent's spelling (see docs/api.md, "Naming").
    #[serde(rename = "compatibilityLevel")]
    pub compatibility_level: Compatibility,
}

impl Contracts {
    /// Returns the subjects starting with `prefix` that `caller` may read.
    pub async fn subjects(
        &self,
        caller: &Principal,
        prefix: &str,
        include: Include,
    ) -> Result<Vec<String>> {
        self.governance
            .authorize(caller, Action::ReadGlobal)
            .await?;
        let subjects = self.registry.subjects(prefix, include).await?;
        self.governance.readable(caller, subjects).await
    }

    /// Returns the version numbers of `subject` admitted by `include`.
    pub async fn version_numbers(
        &self,
        caller: &Principal,
        subject: &SubjectName,
        include: Include,
    ) -> Result<Vec<Version>> {
        self.authorize_read(caller, subject).await?;
        let found = self.registry.version_numbers(subject, include).await;
        // A context's own name (`:.ctx:`) without versions lists none once the context exists.
        let names_a_context = subject.context_scope().as_ref() == Some(subject);
        if names_a_context && matches!(found, Err(Error::SubjectNotFound(_))) {
            let contexts = self.registry.contexts().await?;
            if contexts.iter().any(|c| c == subject.context()) {
                return Ok(Vec::new());
            }
        }
        found
    }

    /// Returns one version of `subject`; soft-deleted ones only when `include_deleted`.
    pub async fn version(
        &self,
        caller: &Principal,
        subject: &SubjectName,
        selector: VersionSelector,
        include_deleted: bool,
    ) -> Result<Arc<StoredVersion>> {
        self.or_in_other_contexts(subject, |subject| {
            Box::pin(async move {
                self.authorize_read(caller, &subject).await?;
                self.registry
                    .version(&subject, selector, include_deleted)
                    .await
            })
        })
        .await
    }

    /// Returns the newest version of `subject` whose metadata has the properties `wanted`.
    pub async fn latest_with_metadata(
        &self,
        caller: &Principal,
        subject: &SubjectName,
        wanted: &[(String, String)],
        include_deleted: bool,
    ) -> Result<Arc<StoredVersion>> {
        self.authorize_read(caller, subject).await?;
        self.registry
            .latest_with_metadata(subject, wanted, include_deleted)
            .await
    }

    /// Returns the text of `schema` in the wire `format` a client asked for.
    pub async fn formatted(&self, schema: &StoredSchema, format: Option<&str>) -> Result<String> {
        self.registry.schema_text(schema, format).await
    }

    /// Returns the generated files of `target` for `schema`, which the caller has read.
    pub async fn code(
        &self,
        schema: &StoredSchema,
        target: crate::codegen::Target,
    ) -> Result<Arc<Vec<crate::codegen::File>>> {
        self.registry.code(schema, target).await
    }

    /// Returns `count` sample messages of `schema`, which the caller has read.
    pub async fn examples(
        &self,
        schema: &StoredSchema,
        count: Option<usize>,
    ) -> Result<Vec<crate::codegen::samples::Sample>> {
        self.registry.examples(schema, count).await
    }

    /// Returns the ids of schemas that reference `subject` at `selector`.
    pub async fn referenced_by(
        &self,
        caller: &Principal,
        subject: &SubjectName,
        selector: VersionSelector,
        include_deleted: bool,
    ) -> Result<Vec<SchemaId>> {
        self.or_in_other_contexts(subject, |subject| {
            Box::pin(async move {
                self.authorize_read(caller, &subject).await?;
                self.registry
                    .referenced_by(&subject, selector, include_deleted)
                    .await
            })
        })
        .await
    }

    /// Returns schema `id`, as seen in the context the `subject` hint names, to a caller who
    /// may read a subject holding it.
    pub async fn schema(
        &self,
        caller: &Principal,
        id: SchemaId,
        hint: Option<&SubjectName>,
    ) -> Result<Arc<StoredSchema>> {
        self.authorize_schema(caller, id).await?;
        let hint = hint.map(SubjectName::as_str);
        self.registry.schema_in_context(id, hint).await
    }

    /// Returns the highest schema id assigned so far.
    pub async fn max_schema_id(&self) -> Result<Option<SchemaId>> {
        self.registry.max_schema_id().await
    }

    /// Returns the subject versions using schema `id` in the context the `subject` hint
    /// names, to a caller who may read one of them.
    pub async fn schema_usages(
        &self,
        caller: &Principal,
        id: SchemaId,
        include: Include,
        hint: Option<&SubjectName>,
    ) -> Result<Vec<SubjectVersion>> {
        self.authorize_schema(caller, id).await?;
        let hint = hint.map(SubjectName::as_str);
        self.registry.schema_usages(id, include, hint).await
    }

    /// Returns the versions (or each subject's latest) of the subjects starting with `prefix`
    /// that `caller` may read.
    pub async fn schemas(
        &self,
        caller: &Principal,
        prefix: &str,
        include: Include,
        latest_only: bool,
    ) -> Result<Vec<Arc<StoredVersion>>> {
        self.governance
            .authorize(caller, Action::ReadGlobal)
            .await?;
        let versions = self.registry.schemas(prefix, include, latest_only).await?;
        let mut subjects: Vec<String> = versions.iter().map(|v| v.subject.clone()).collect();
        subjects.dedup();
        let readable: HashSet<String> = self
            .governance
            .readable(caller, subjects)
            .await?
            .into_iter()
            .collect();
        Ok(versions
            .into_iter()
            .filter(|v| readable.contains(&v.subject))
            .collect())
    }

    /// Returns a subject's producer, consumers, latest version and level; 40401 when the
    /// registry and governance know nothing of it.
    pub async fn subject(
        &self,
        caller: &Principal,
        subject: &SubjectName,
    ) -> Result<SubjectContract> {
        let view = self.governance.subject(caller, subject).await?;
        let latest_version = match self
            .registry
            .version(subject, VersionSelector::Latest, false)
            .await
        {
            Ok(latest) => Some(latest.version.0),
            Err(Error::SubjectNotFound(_)) => None,
            Err(err) => return Err(err),
        };
        if latest_version.is_none() && view.producer.is_none() && view.consumers.is_empty() {
            return Err(Error::SubjectNotFound(subject.to_string()));
        }
        Ok(SubjectContract {
            view,
            latest_version,
            compatibility_level: self.registry.effective_compatibility(subject).await?,
        })
    }

    /// Returns the declared and observed readers of `subject`; 40401 when nothing is known of
    /// it (no version, no reader).
    pub async fn readers(&self, caller: &Principal, subject: &SubjectName) -> Result<ReadersView> {
        let view = self.governance.readers(caller, subject).await?;
        let is_unknown = view.readers.is_empty() && view.anonymous.reads == 0;
        if is_unknown {
            self.registry
                .version_numbers(subject, Include::LiveAndDeleted)
                .await?;
        }
        Ok(view)
    }

    pub(super) async fn authorize_read(
        &self,
        caller: &Principal,
        subject: &SubjectName,
    ) -> Result<()> {
        self.governance
            .authorize(caller, Action::Read(subject))
            .await
    }

    /// Refuses reading schema `id` unless `caller` may read a subject that holds it. Under
    /// enforced reads a caller without such a grant is refused alike whether `id` exists or
    /// not, so that refusals do not tell which ids exist.
    async fn authorize_schema(&self, caller: &Principal, id: SchemaId) -> Result<()> {
        if !self.governance.reads_need_grants() {
            return Ok(());
        }
        let subjects = self.governance.subjects_holding(id).await?;
        self.governance
            .authorize_schema(caller, id, &subjects)
            .await
    }
}
