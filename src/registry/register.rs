//! Registering, looking up and checking a candidate schema against a subject.

use std::sync::Arc;

use serde_json::Value;

use super::compatibility::{self, Previous};
use super::{audit, fingerprint, AuditAction, Registry};
use crate::format::ParsedSchema;
use crate::storage::{NewSchema, NewVersion, Registration, Seen, StoredVersion};
use crate::types::{
    Actor, Mode, Reference, SchemaId, SchemaType, SubjectName, Version, VersionSelector,
};
use crate::{Error, Result};

/// How often a registration re-checks after another one changed the subject first.
const MAX_ATTEMPTS: usize = 16;

/// The largest schema text accepted, in bytes (the Confluent registry's limit is the size of a
/// Kafka record, about 1 MiB).
pub const MAX_SCHEMA_BYTES: usize = 1024 * 1024;

/// The most references one schema may make.
pub const MAX_REFERENCES: usize = 100;

/// A schema as a client submits it for registration, lookup or a compatibility check.
#[derive(Debug, Clone)]
pub struct SchemaRequest {
    pub schema_type: SchemaType,
    pub schema: String,
    pub references: Vec<Reference>,
    pub metadata: Option<Value>,
    pub rule_set: Option<Value>,
    /// An explicit id (IMPORT mode).
    pub id: Option<SchemaId>,
    /// An explicit version.
    pub version: Option<Version>,
}

/// The outcome of a registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Registered {
    pub id: SchemaId,
    pub version: Version,
    /// False when the subject already had this schema and nothing was written.
    pub is_new: bool,
}

/// A parsed candidate and the content the store would keep for it.
struct Candidate {
    parsed: ParsedSchema,
    content: NewSchema,
}

impl Registry {
    /// Registers `request` under `subject`, or returns the version that already holds it.
    pub async fn register(
        &self,
        subject: &SubjectName,
        mut request: SchemaRequest,
        normalize: bool,
        actor: &Actor,
    ) -> Result<Registered> {
        let mode = self.effective_mode(subject).await?;
        if mode.is_read_only() {
            return Err(read_only(subject));
        }
        if request.id.is_some() && mode != Mode::Import {
            return Err(Error::OperationNotPermitted(format!(
                "Subject '{subject}' is not in import mode; only IMPORT mode accepts an id"
            )));
        }
        if request.schema.trim().is_empty() {
            let previous = self
                .latest(subject)
                .await?
                .ok_or_else(|| Error::InvalidSchema("Empty schema".to_string()))?;
            request.schema_type = previous.schema.schema_type;
            request.schema = previous.schema.schema.clone();
            request.references = previous.schema.references.clone();
        }
        let normalize = normalize
            || self
                .effective_config(subject)
                .await?
                .normalize
                .unwrap_or(false);
        let candidate = self.candidate(&request, normalize).await?;

        for _ in 0..MAX_ATTEMPTS {
            let seen = if mode == Mode::Import {
                Seen::Anything
            } else {
                let versions = self.store.versions(subject.as_str()).await?;
                if let Some(existing) = find_live(&versions, &candidate.content.fingerprint) {
                    return Ok(Registered {
                        id: existing.schema.id,
                        version: existing.version,
                        is_new: false,
                    });
                }
                let max_version = versions.last().map(|v| v.version);
                if let Some(requested) = request.version {
                    if requested.0 != max_version.map_or(1, |v| v.0 + 1) {
                        return Err(Error::InvalidSchema(
                            "Version is not one more than previous version".to_string(),
                        ));
                    }
                }
                let messages = self
                    .incompatibilities(subject, &candidate.parsed, &versions, None)
                    .await?;
                if !messages.is_empty() {
                    metrics::counter!("accord_compatibility_refusals_total").increment(1);
                    return Err(Error::Incompatible {
                        subject: subject.to_string(),
                        messages,
                        affected: Vec::new(),
                    });
                }
                Seen::MaxVersion(max_version)
            };
            let new = NewVersion {
                subject: subject.clone(),
                content: candidate.content.clone(),
                id: request.id,
                version: request.version,
                seen,
                claim_for: actor.service.clone(),
            };
            let entry = audit(
                actor,
                AuditAction::SchemaRegistered,
                Some(subject),
                None,
                serde_json::json!({ "schemaType": request.schema_type }),
            );
            match self.store.register(new, &entry).await? {
                Registration::Created { id, version } => {
                    self.cache.invalidate(subject.as_str(), &[]);
                    metrics::counter!("accord_registrations_total").increment(1);
                    tracing::info!(subject = %subject, version = version.0, schema_id = id.0, "schema registered");
                    return Ok(Registered {
                        id,
                        version,
                        is_new: true,
                    });
                }
                Registration::Existing { id, version } => {
                    return Ok(Registered {
                        id,
                        version,
                        is_new: false,
                    });
                }
                Registration::Conflict => continue,
            }
        }
        Err(Error::Internal(format!(
            "subject '{subject}' changed {MAX_ATTEMPTS} times during one registration"
        )))
    }

    /// Returns the version of `subject` that holds `request`'s schema.
    pub async fn lookup(
        &self,
        subject: &SubjectName,
        request: SchemaRequest,
        normalize: bool,
        include_deleted: bool,
    ) -> Result<Arc<StoredVersion>> {
        let versions = self.store.versions(subject.as_str()).await?;
        if !versions.iter().any(|v| include_deleted || !v.is_deleted) {
            return Err(Error::SubjectNotFound(subject.to_string()));
        }
        let normalize = normalize
            || self
                .effective_config(subject)
                .await?
                .normalize
                .unwrap_or(false);
        let candidate = self.candidate(&request, normalize).await?;
        versions
            .into_iter()
            .rev()
            .filter(|v| include_deleted || !v.is_deleted)
            .find(|v| v.schema.fingerprint == candidate.content.fingerprint)
            .map(Arc::new)
            .ok_or(Error::SchemaNotFound)
    }

    /// Checks `request` against `subject` as a registration would (`against` = `None`), or
    /// against one version, under the subject's compatibility level.
    ///
    /// Returns the Confluent verbose messages; empty means compatible.
    pub async fn check_compatibility(
        &self,
        subject: &SubjectName,
        against: Option<VersionSelector>,
        request: SchemaRequest,
        normalize: bool,
    ) -> Result<Vec<String>> {
        let versions = self.store.versions(subject.as_str()).await?;
        let only = match against {
            None => None,
            Some(VersionSelector::Latest) => match versions.iter().rev().find(|v| !v.is_deleted) {
                Some(latest) => Some(latest.version),
                None => return Ok(Vec::new()),
            },
            Some(VersionSelector::Number(n)) => {
                if !versions.iter().any(|v| !v.is_deleted) {
                    return Err(Error::SubjectNotFound(subject.to_string()));
                }
                if !versions.iter().any(|v| v.version == n && !v.is_deleted) {
                    return Err(Error::VersionNotFound(n));
                }
                Some(n)
            }
        };
        let normalize = normalize
            || self
                .effective_config(subject)
                .await?
                .normalize
                .unwrap_or(false);
        let candidate = self.candidate(&request, normalize).await?;
        self.incompatibilities(subject, &candidate.parsed, &versions, only)
            .await
    }

    /// Returns why `candidate` may not follow `versions` (oldest first) under the subject's
    /// level; with `only`, checks that one version alone.
    async fn incompatibilities(
        &self,
        subject: &SubjectName,
        candidate: &ParsedSchema,
        versions: &[StoredVersion],
        only: Option<Version>,
    ) -> Result<Vec<String>> {
        let level = self.effective_compatibility(subject).await?;
        let live: Vec<&StoredVersion> = versions
            .iter()
            .rev()
            .filter(|v| !v.is_deleted && only.is_none_or(|n| v.version == n))
            .collect();
        let to_check = compatibility::versions_to_check(level, &live);
        let mut parsed = Vec::with_capacity(to_check.len());
        for version in to_check {
            parsed.push(self.parsed(&version.schema).await?);
        }
        let previous: Vec<Previous<'_>> = to_check
            .iter()
            .zip(&parsed)
            .map(|(version, schema)| Previous {
                version: version.version,
                schema,
                text: &version.schema.schema,
            })
            .collect();
        Ok(compatibility::check(level, candidate, &previous))
    }

    /// Parses `request`, resolving its references, into what the store would keep.
    async fn candidate(&self, request: &SchemaRequest, normalize: bool) -> Result<Candidate> {
        if request.schema.len() > MAX_SCHEMA_BYTES {
            return Err(Error::SchemaTooLarge(
                request.schema.len(),
                MAX_SCHEMA_BYTES,
            ));
        }
        if request.references.len() > MAX_REFERENCES {
            return Err(Error::InvalidSchema(format!(
                "a schema may make at most {MAX_REFERENCES} references, this one makes {}",
                request.references.len()
            )));
        }
        let mut references = request.references.clone();
        for reference in &mut references {
            if reference.version == -1 {
                reference.version = self.referenced_version(reference).await?.version.0;
            }
        }
        let deps = self.resolve(&references).await?;
        let parsed = ParsedSchema::parse(request.schema_type, &request.schema, &deps)
            .map_err(Error::InvalidSchema)?;
        let schema = if normalize {
            references.sort_by(|a, b| {
                (&a.name, &a.subject, a.version).cmp(&(&b.name, &b.subject, b.version))
            });
            references.dedup();
            parsed.normalized()
        } else {
            parsed.canonical()
        };
        let fingerprint = fingerprint(
            request.schema_type,
            &schema,
            &references,
            request.metadata.as_ref(),
            request.rule_set.as_ref(),
        );
        Ok(Candidate {
            parsed,
            content: NewSchema {
                fingerprint,
                schema_type: request.schema_type,
                schema,
                references,
                metadata: request.metadata.clone(),
                rule_set: request.rule_set.clone(),
            },
        })
    }
}

fn find_live<'a>(versions: &'a [StoredVersion], fingerprint: &str) -> Option<&'a StoredVersion> {
    versions
        .iter()
        .rev()
        .find(|v| !v.is_deleted && v.schema.fingerprint == fingerprint)
}

pub(super) fn read_only(subject: &SubjectName) -> Error {
    Error::OperationNotPermitted(format!("Subject '{subject}' is in read-only mode"))
}
