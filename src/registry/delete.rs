//! Soft and permanent deletion of subjects and versions, with the Confluent preconditions.

use super::decide::read_only;
use super::{audit, AuditAction, Registry};
use crate::storage::{Include, StoredVersion};
use crate::types::{Actor, SchemaId, SubjectName, Version, VersionSelector};
use crate::{Error, Result};

impl Registry {
    /// Deletes every version of `subject`: soft first, then permanently with `permanent`.
    /// Returns the versions deleted.
    pub async fn delete_subject(
        &self,
        subject: &SubjectName,
        permanent: bool,
        actor: &Actor,
    ) -> Result<Vec<Version>> {
        self.refuse_if_read_only(subject).await?;
        let versions = self.store.versions(subject).await?;
        if versions.is_empty() {
            return Err(Error::SubjectNotFound(subject.to_string()));
        }
        let has_live = versions.iter().any(|v| !v.is_deleted);
        if permanent && has_live {
            // Confluent names a reference before the live versions a permanent delete skipped.
            for version in &versions {
                self.refuse_if_referenced(subject, version.version).await?;
            }
        }
        let targets: Vec<&StoredVersion> = match (permanent, has_live) {
            (false, false) => return Err(Error::SubjectSoftDeleted(subject.to_string())),
            (false, true) => versions.iter().filter(|v| !v.is_deleted).collect(),
            (true, true) => return Err(Error::SubjectNotSoftDeleted(subject.to_string())),
            (true, false) => versions.iter().collect(),
        };
        for target in &targets {
            self.refuse_if_referenced(subject, target.version).await?;
        }
        let numbers = self
            .delete_versions(subject, &targets, permanent, actor)
            .await?;
        tracing::info!(subject = %subject, permanent, versions = numbers.len(), "subject deleted");
        Ok(numbers)
    }

    /// Deletes one version of `subject`: soft first, then permanently with `permanent`.
    pub async fn delete_version(
        &self,
        subject: &SubjectName,
        selector: VersionSelector,
        permanent: bool,
        actor: &Actor,
    ) -> Result<Version> {
        self.refuse_if_read_only(subject).await?;
        let versions = self.store.versions(subject).await?;
        if versions.is_empty() {
            return Err(Error::SubjectNotFound(subject.to_string()));
        }
        let target = match selector {
            VersionSelector::Latest => versions
                .iter()
                .rev()
                .find(|v| permanent || !v.is_deleted)
                // Confluent names `latest` -1 when only soft-deleted versions are left.
                .ok_or(Error::VersionNotFound(Version(-1)))?,
            VersionSelector::Number(n) => versions
                .iter()
                .find(|v| v.version == n)
                .ok_or(Error::VersionNotFound(n))?,
        };
        match (permanent, target.is_deleted) {
            (false, true) => {
                return Err(Error::VersionSoftDeleted(
                    subject.to_string(),
                    target.version,
                ));
            }
            (true, false) => {
                return Err(Error::VersionNotSoftDeleted(
                    subject.to_string(),
                    target.version,
                ));
            }
            _ => {}
        }
        self.refuse_if_referenced(subject, target.version).await?;
        let details = serde_json::json!({ "permanent": permanent });
        let entry = audit(
            actor,
            AuditAction::VersionDeleted,
            Some(subject),
            Some(target.version),
            details,
        );
        self.store
            .delete_versions(subject, &[target.version], permanent, &entry)
            .await?;
        self.cache.invalidate(subject.as_str(), &[target.schema.id]);
        tracing::info!(subject = %subject, version = target.version.0, permanent, "version deleted");
        Ok(target.version)
    }

    /// Permanently deletes the soft-deleted versions of `scope` (one subject, or every one), as
    /// the Confluent registry does on entering IMPORT mode: their ids are gone with them.
    pub(super) async fn clear_deleted(
        &self,
        scope: Option<&SubjectName>,
        actor: &Actor,
    ) -> Result<()> {
        let subjects = match scope {
            Some(subject) => vec![subject.clone()],
            None => self
                .store
                .subjects(Include::LiveAndDeleted)
                .await?
                .iter()
                .map(|name| SubjectName::parse(name))
                .collect::<Result<_>>()?,
        };
        for subject in &subjects {
            let versions = self.store.versions(subject).await?;
            let deleted: Vec<&StoredVersion> = versions.iter().filter(|v| v.is_deleted).collect();
            if deleted.is_empty() {
                continue;
            }
            self.delete_versions(subject, &deleted, true, actor).await?;
        }
        Ok(())
    }

    /// Deletes `targets` of `subject` in one audited write and forgets what the cache held of
    /// them; returns their numbers.
    async fn delete_versions(
        &self,
        subject: &SubjectName,
        targets: &[&StoredVersion],
        permanent: bool,
        actor: &Actor,
    ) -> Result<Vec<Version>> {
        let numbers: Vec<Version> = targets.iter().map(|v| v.version).collect();
        let details = serde_json::json!({ "versions": numbers, "permanent": permanent });
        let entry = audit(
            actor,
            AuditAction::SubjectDeleted,
            Some(subject),
            None,
            details,
        );
        self.store
            .delete_versions(subject, &numbers, permanent, &entry)
            .await?;
        let ids: Vec<SchemaId> = targets.iter().map(|v| v.schema.id).collect();
        self.cache.invalidate(subject.as_str(), &ids);
        Ok(numbers)
    }

    async fn refuse_if_read_only(&self, subject: &SubjectName) -> Result<()> {
        if self.effective_mode(subject).await?.is_read_only() {
            return Err(read_only(subject));
        }
        Ok(())
    }

    /// Refuses to delete a version that a live schema references. A soft-deleted referrer
    /// blocks nothing, not even a permanent deletion: Confluent's registry forgets a version's
    /// references when it is soft-deleted.
    async fn refuse_if_referenced(&self, subject: &SubjectName, version: Version) -> Result<()> {
        let referrers = self.store.referrers(subject, version).await?;
        if referrers.iter().any(|(_, usage)| !usage.is_deleted) {
            return Err(Error::ReferenceExists(subject.to_string(), version));
        }
        Ok(())
    }
}
