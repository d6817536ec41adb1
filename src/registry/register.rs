//! Registering, looking up and checking a candidate schema against a subject.

use std::sync::Arc;

use serde_json::Value;

use super::compatibility::{self, Previous};
use super::decide::{self, Ask, Decision};
use super::{audit, fingerprint, metadata, AuditAction, Registry};
use crate::format::ParsedSchema;
use crate::storage::{
    Applying, AuditEntry, Claim, ConfigRecord, NewSchema, StoredSchema, StoredVersion,
    VersionWrite, Written,
};
use crate::types::{
    Actor, Compatibility, Mode, Reference, SchemaId, SchemaType, SubjectName, Version,
    VersionSelector,
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
    /// Which number the metadata's `confluent:version` property records, as Confluent stamps
    /// it when a version (even -1) was sent.
    pub stamp: Stamp,
}

/// The `confluent:version` a registration stamps into its metadata.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stamp {
    /// None (no version sent, or 0): the metadata merged from the request, the latest version
    /// and the config decides, and the schema is first looked up as sent.
    None,
    /// The number of the version being registered: the one sent, else the next one (a tag
    /// change).
    Next,
    /// The latest version's number (-1, "latest", sent): content the latest version holds is
    /// found again.
    Latest,
}

/// The outcome of a registration.
#[derive(Debug, Clone)]
pub struct Registered {
    pub id: SchemaId,
    pub version: Version,
    /// False when the subject already had this schema and nothing was written.
    pub is_new: bool,
    /// The content registered, when it is not what was sent (the schema taken from the
    /// latest version, metadata merged from it or from the config): Confluent answers a
    /// registration with it then.
    pub completed: Option<NewSchema>,
}

/// A parsed candidate and the content the store would keep for it.
struct Candidate {
    parsed: Arc<ParsedSchema>,
    content: NewSchema,
}

impl Registry {
    /// Registers `request` under `subject`, or returns the version that already holds it.
    ///
    /// Reads the subject's state, decides ([`decide::decide`]) and has the store write the
    /// decision; when another registration moved the subject first, decides again.
    pub async fn register(
        &self,
        subject: &SubjectName,
        request: SchemaRequest,
        normalize: bool,
        actor: &Actor,
    ) -> Result<Registered> {
        self.register_with(subject, request, normalize, actor, None)
            .await
    }

    /// Registers `request` under `subject` as the change proposal `applying` agreed: whatever
    /// the subject's level, and together with the proposal's decision. Refused when the
    /// proposal was decided, or blocked, before the write.
    pub async fn register_agreed(
        &self,
        subject: &SubjectName,
        request: SchemaRequest,
        normalize: bool,
        actor: &Actor,
        applying: Applying,
    ) -> Result<Registered> {
        self.register_with(subject, request, normalize, actor, Some(applying))
            .await
    }

    /// Returns the fingerprint of `request`'s normalized content: equal for two schemas that
    /// are the same after normalization.
    pub async fn normalized_fingerprint(&self, request: &SchemaRequest) -> Result<String> {
        Ok(self.candidate(request, true).await?.content.fingerprint)
    }

    async fn register_with(
        &self,
        subject: &SubjectName,
        mut request: SchemaRequest,
        normalize: bool,
        actor: &Actor,
        applying: Option<Applying>,
    ) -> Result<Registered> {
        // The mode is checked by `decide`, once it is known that the candidate is new.
        let mode = self.effective_mode(subject).await?;
        let config = self.effective_config(subject).await?;
        let normalize = normalize || config.normalize.unwrap_or(false);
        let versions = self.store.versions(subject).await?;
        let latest = versions.iter().rev().find(|v| !v.is_deleted);
        let mut is_completed = false;
        let mut as_sent = None;
        if request.schema.trim().is_empty() {
            let previous = latest.ok_or_else(|| Error::EmptySchema(String::new()))?;
            request.schema_type = previous.schema.schema_type;
            request.schema = previous.schema.schema.clone();
            request.references = previous.schema.references.clone();
            is_completed = true;
        } else if mode != Mode::Import && request.id.is_none() && request.stamp != Stamp::Next {
            // Confluent looks the schema up as sent first (with -1, stamped with the latest
            // version's number): found, it answers with the id alone.
            let sent = match (request.stamp, latest) {
                (Stamp::Latest, Some(latest)) => {
                    let previous = latest.schema.metadata.as_ref();
                    let mut stamped = request.clone();
                    stamped.metadata =
                        completed_metadata(&config, &request, previous, latest.version.0);
                    self.candidate(&stamped, normalize).await?
                }
                _ => self.candidate(&request, normalize).await?,
            };
            if let Some(found) = sent_back(&versions, &sent.content.fingerprint) {
                return Ok(Registered {
                    id: found.schema.id,
                    version: found.version,
                    is_new: false,
                    completed: None,
                });
            }
            as_sent = Some(sent);
        }
        if mode != Mode::Import {
            let next = versions.iter().map(|v| v.version.0).max().unwrap_or(0) + 1;
            let stamp = match request.stamp {
                Stamp::Latest => latest.map_or(next, |v| v.version.0),
                Stamp::Next => request.version.map_or(next, |v| v.0),
                Stamp::None => next,
            };
            let previous = latest.and_then(|v| v.schema.metadata.as_ref());
            let completed = completed_metadata(&config, &request, previous, stamp);
            if completed != request.metadata {
                as_sent = None;
            }
            request.metadata = completed;
            is_completed |= request.metadata.is_some();
        }
        // The candidate as sent is parsed once when nothing completed it.
        let candidate = match as_sent {
            Some(sent) => sent,
            None => self.candidate(&request, normalize).await?,
        };
        let completed = is_completed.then(|| candidate.content.clone());
        let level = self.effective_compatibility(subject).await?;

        for _ in 0..MAX_ATTEMPTS {
            let state = self
                .store
                .subject_state(subject, &candidate.content.fingerprint, request.id)
                .await?;
            // IMPORT mode checks nothing (see decide), so it parses no earlier version.
            let previous = match mode {
                Mode::Import => Earlier(Vec::new()),
                _ => {
                    let group = same_group(&config, request.metadata.as_ref(), &state.versions);
                    self.previous(level, &group, None).await?
                }
            };
            let ask = Ask {
                subject: subject.clone(),
                mode,
                fingerprint: candidate.content.fingerprint.clone(),
                id: request.id,
                version: request.version,
            };
            let parsed = candidate.parsed.clone();
            let agreed = applying.is_some();
            let decided = self
                .workers
                .run(move || {
                    // An agreed break is checked by nobody: its consumers said they are ready.
                    let check = || match agreed {
                        true => Vec::new(),
                        false => previous.check(level, &parsed),
                    };
                    decide::decide(&ask, &state, check).map(|decision| (decision, state))
                })
                .await?;
            let (decision, state) = decided.inspect_err(|err| {
                if matches!(err, Error::Incompatible { .. }) {
                    metrics::counter!("accord_compatibility_refusals_total").increment(1);
                }
            })?;
            let (version, id, replaces) = match decision {
                Decision::Existing { id, version } => {
                    return Ok(Registered {
                        id,
                        version,
                        is_new: false,
                        completed,
                    })
                }
                Decision::Create {
                    version,
                    id,
                    replaces,
                } => (version, id, replaces),
            };
            let write = VersionWrite {
                subject: subject.clone(),
                version,
                id,
                replaces,
                content: candidate.content.clone(),
                expected_max: state.max_version(),
                claim: claim(actor, subject),
                applies: applying.clone(),
            };
            let entry = audit(
                actor,
                AuditAction::SchemaRegistered,
                Some(subject),
                None,
                serde_json::json!({ "schemaType": request.schema_type }),
            );
            match self.store.write_version(&write, &entry).await? {
                Written::Created(id) => {
                    // An import may give an id whose old content was permanently deleted, or
                    // overwrite a version: what was cached under those ids is gone.
                    let ids: Vec<SchemaId> = replaces.into_iter().chain(Some(id)).collect();
                    self.cache.invalidate(subject.as_str(), &ids);
                    metrics::counter!("accord_registrations_total").increment(1);
                    tracing::info!(subject = %subject, version = version.0, schema_id = id.0, "schema registered");
                    return Ok(Registered {
                        id,
                        version,
                        is_new: true,
                        completed,
                    });
                }
                Written::Moved => continue,
                Written::Lapsed => {
                    let id = applying.as_ref().map_or(0, |a| a.proposal);
                    return Err(Error::ProposalNotApproved(format!(
                        "Proposal {id} was decided, or blocked by a consumer, while it was being \
                         applied; nothing was registered"
                    )));
                }
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
        let versions = self.store.versions(subject).await?;
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
            .find(|v| holds_as_sent(&v.schema, &candidate.content.fingerprint))
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
        let versions = self.store.versions(subject).await?;
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
        let config = self.effective_config(subject).await?;
        let normalize = normalize || config.normalize.unwrap_or(false);
        let candidate = self.candidate(&request, normalize).await?;
        let level = self.effective_compatibility(subject).await?;
        let group = same_group(&config, request.metadata.as_ref(), &versions);
        let previous = self.previous(level, &group, only).await?;
        self.workers
            .run(move || previous.check(level, &candidate.parsed))
            .await
    }

    /// Returns the live versions (newest first) that `level` checks a candidate against,
    /// parsed; with `only`, that one version alone.
    async fn previous(
        &self,
        level: Compatibility,
        versions: &[StoredVersion],
        only: Option<Version>,
    ) -> Result<Earlier> {
        let live: Vec<&StoredVersion> = versions
            .iter()
            .rev()
            .filter(|v| !v.is_deleted && only.is_none_or(|n| v.version == n))
            .collect();
        let mut earlier = Vec::new();
        for version in compatibility::versions_to_check(level, &live) {
            let parsed = self.parsed(&version.schema).await?;
            earlier.push((version.version, parsed, version.schema.clone()));
        }
        Ok(Earlier(earlier))
    }

    /// Returns what the stricter checks find in `request`'s schema, which the registry accepts
    /// as Confluent does (see [`ParsedSchema::warnings`]).
    pub async fn warnings(&self, request: &SchemaRequest) -> Result<Vec<String>> {
        Ok(self.candidate(request, false).await?.parsed.warnings())
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
        let request = request.clone();
        self.workers
            .run(move || {
                let parsed = ParsedSchema::parse(request.schema_type, &request.schema, &deps)
                    .map_err(Error::InvalidSchema)?;
                let schema = if normalize {
                    references.sort_by(|a, b| {
                        (&a.name, &a.subject, a.version).cmp(&(&b.name, &b.subject, b.version))
                    });
                    references.dedup();
                    parsed.normalized().map_err(Error::InvalidSchema)?
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
                    parsed: Arc::new(parsed),
                    content: NewSchema {
                        fingerprint,
                        schema_type: request.schema_type,
                        schema,
                        references,
                        metadata: request.metadata,
                        rule_set: request.rule_set,
                    },
                })
            })
            .await?
    }
}

/// Returns the live version, newest first, that holds the content with `fingerprint` as
/// sent: the same content, or the same but for the stored `confluent:version` (a version read
/// and sent back without its number).
fn sent_back<'a>(versions: &'a [StoredVersion], fingerprint: &str) -> Option<&'a StoredVersion> {
    let live = || versions.iter().rev().filter(|v| !v.is_deleted);
    live()
        .find(|v| v.schema.fingerprint == fingerprint)
        .or_else(|| live().find(|v| holds_as_sent(&v.schema, fingerprint)))
}

/// Returns whether `stored` is the content with `fingerprint`, or is it but for its
/// `confluent:version` (Confluent's `canLookup`).
fn holds_as_sent(stored: &StoredSchema, fingerprint: &str) -> bool {
    stored.fingerprint == fingerprint
        || (metadata::has_confluent_version(stored.metadata.as_ref())
            && super::fingerprint(
                stored.schema_type,
                &stored.schema,
                &stored.references,
                metadata::without_confluent_version(stored.metadata.as_ref()).as_ref(),
                stored.rule_set.as_ref(),
            ) == fingerprint)
}

/// Returns the versions a candidate with `metadata` is checked against: with a
/// `compatibilityGroup`, only those whose value of that property is the candidate's (both
/// may lack it), as Confluent splits a subject's history.
fn same_group(
    config: &ConfigRecord,
    metadata: Option<&Value>,
    versions: &[StoredVersion],
) -> Vec<StoredVersion> {
    let Some(group) = config.contract.compatibility_group.as_deref() else {
        return versions.to_vec();
    };
    let value = metadata::property(metadata, group);
    versions
        .iter()
        .filter(|v| metadata::property(v.schema.metadata.as_ref(), group) == value)
        .cloned()
        .collect()
}

/// Returns the metadata a new version `next` registers with, as Confluent 7.9 completes it:
/// the request's own, else the latest version's, under the config's `defaultMetadata` and
/// over its `overrideMetadata`; stamped with `confluent:version` = `stamp` when a version was
/// sent or the merge carries one.
fn completed_metadata(
    config: &ConfigRecord,
    request: &SchemaRequest,
    previous: Option<&Value>,
    stamp: i32,
) -> Option<Value> {
    let specific = request.metadata.as_ref().or(previous);
    let merged = metadata::merge(config.contract.default_metadata.as_ref(), specific);
    let merged = metadata::merge(merged.as_ref(), config.contract.override_metadata.as_ref());
    let stamps = request.stamp != Stamp::None;
    match stamps || metadata::has_confluent_version(merged.as_ref()) {
        true => Some(metadata::with_confluent_version(merged.as_ref(), stamp)),
        false => merged,
    }
}

/// Returns the claim a registering service makes on a subject that has no producer yet.
fn claim(actor: &Actor, subject: &SubjectName) -> Option<Claim> {
    let service = actor.service.clone()?;
    let details = serde_json::json!({ "service": service });
    let entry = audit(
        actor,
        AuditAction::ProducerClaimed,
        Some(subject),
        None,
        details,
    );
    Some(Claim {
        audit: AuditEntry {
            service: Some(service.clone()),
            ..entry
        },
        service,
    })
}

/// The versions a candidate is checked against, parsed, newest first.
struct Earlier(Vec<(Version, Arc<ParsedSchema>, Arc<StoredSchema>)>);

impl Earlier {
    /// Checks `candidate` against these versions under `level`: Confluent's messages, empty
    /// when compatible.
    fn check(&self, level: Compatibility, candidate: &ParsedSchema) -> Vec<String> {
        let previous: Vec<Previous<'_>> = self
            .0
            .iter()
            .map(|(version, schema, stored)| Previous {
                version: *version,
                schema,
                text: &stored.schema,
            })
            .collect();
        compatibility::check(level, candidate, &previous)
    }
}
