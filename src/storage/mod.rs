//! Storage: one [`Store`] trait, one implementation per database, and the rows they exchange.
//!
//! Each method is one unit of work and runs in its own transaction when it writes more than one
//! row. The store knows nothing of compatibility, formats or HTTP: it keeps rows consistent and
//! leaves the Confluent rules to `registry` and the governance rules to `governance`, to which
//! it reports what blocks a governance write as a [`GovernanceConflict`].
//!
//! `sqlite/` is the embedded default for one process; `postgres/` lets many instances share one
//! database, and reports their changes to each other through [`SchemaStore::changes`]. The
//! governance half is one implementation over both (`governance/sql.rs`).

mod governance;
mod postgres;
mod reads;
mod rows;
mod sqlite;
mod state;
mod url;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use serde_json::Value;
use tokio::sync::broadcast;

use governance::mark_applied;
pub use governance::{
    Applying, Closing, Delivery, ProposalQuery, ProposalStore, Retry, StoredProposal,
    StoredResponse, Webhook, WebhookStore,
};
pub use governance::{AssociationClash, AssociationQuery, AssociationStore, StoredAssociation};
pub use governance::{
    AuditAction, AuditEntry, AuditQuery, AuditRecord, Checked, ConsumerGrant, Contact,
    CredentialInfo, GovernanceConflict, GovernanceStore, NewCredential, ObservationStore,
    ObservedRead, Producer, Service, Team,
};
pub use postgres::PostgresStore;
pub use reads::SchemaReads;
pub use sqlite::SqliteStore;
pub use url::{masked_url, DatabaseUrl};

use crate::types::{Compatibility, Mode, Reference, SchemaId, SchemaType, SubjectName, Version};
use crate::Result;

/// Schema content as stored under its global id.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredSchema {
    pub id: SchemaId,
    /// Identifies equal content: see [`NewSchema::fingerprint`].
    pub fingerprint: String,
    pub schema_type: SchemaType,
    pub schema: String,
    pub references: Vec<Reference>,
    pub metadata: Option<Value>,
    pub rule_set: Option<Value>,
}

/// One version of one subject, with its schema.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredVersion {
    pub subject: String,
    pub version: Version,
    pub is_deleted: bool,
    pub schema: Arc<StoredSchema>,
}

/// Schema content to insert; `fingerprint` identifies equal content across subjects.
#[derive(Debug, Clone)]
pub struct NewSchema {
    pub fingerprint: String,
    pub schema_type: SchemaType,
    pub schema: String,
    pub references: Vec<Reference>,
    pub metadata: Option<Value>,
    pub rule_set: Option<Value>,
}

/// What a registration in a subject decides on, as one read returns it.
#[derive(Debug, Clone, Default)]
pub struct SubjectState {
    /// Every version of the subject, deleted or not, oldest first.
    pub versions: Vec<StoredVersion>,
    /// The id of the candidate's content, when some version (deleted or not) holds it; the
    /// highest one when an import gave the content several.
    pub known_id: Option<SchemaId>,
    /// The fingerprint of the content the id the client asked for (IMPORT mode) holds, when
    /// some version (deleted or not) uses that id.
    pub requested_id_content: Option<String>,
}

impl SubjectState {
    /// Returns the highest version the subject has now, deleted or not: the mark a write
    /// checks to know that the subject has not moved since this state was read.
    pub fn max_version(&self) -> Option<Version> {
        self.versions.last().map(|v| v.version)
    }
}

/// How a new version gets its schema id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdChoice {
    /// The content is already stored under this id.
    Known(SchemaId),
    /// New content under the id the client asked for (IMPORT mode).
    Requested(SchemaId),
    /// New content under the next free id, which the store assigns.
    Next,
}

/// A version to write, as the registry decided it.
#[derive(Debug, Clone)]
pub struct VersionWrite {
    pub subject: SubjectName,
    pub version: Version,
    pub id: IdChoice,
    /// The id of the version an import overwrites, when `version` exists (IMPORT mode only).
    pub replaces: Option<SchemaId>,
    pub content: NewSchema,
    /// The subject's highest version when the decision was made: when it has changed (or
    /// anything the id choice assumed has), nothing is written and the store answers
    /// [`Written::Moved`].
    pub expected_max: Option<Version>,
    /// The service that becomes the subject's producer if it has none yet.
    pub claim: Option<Claim>,
    /// The proposal this version applies, decided in the same transaction.
    pub applies: Option<Applying>,
}

/// A registering service's claim on a subject without a producer, and its audit entry,
/// written only when the subject has no producer yet.
#[derive(Debug, Clone)]
pub struct Claim {
    pub service: String,
    pub audit: AuditEntry,
}

/// What became of a [`VersionWrite`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// The version was written, its schema under this id.
    Created(SchemaId),
    /// The state the decision was based on moved; nothing was written, decide again.
    Moved,
    /// The proposal the write applies was decided, or blocked, meanwhile; nothing was written.
    Lapsed,
}

/// Which versions or subjects a listing includes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Include {
    Live,
    LiveAndDeleted,
    DeletedOnly,
}

impl Include {
    /// Returns true when a version with this deletion state belongs in the listing.
    pub fn admits(self, is_deleted: bool) -> bool {
        match self {
            Include::Live => !is_deleted,
            Include::LiveAndDeleted => true,
            Include::DeletedOnly => is_deleted,
        }
    }
}

/// A compatibility setting, global or for one subject.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ConfigRecord {
    pub compatibility: Option<Compatibility>,
    pub normalize: Option<bool>,
    /// The data-contract settings beside them.
    pub contract: ContractConfig,
}

/// The data-contract settings of a scope, in Confluent's field names (one JSON column).
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContractConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validate_fields: Option<bool>,
    /// The metadata property whose value splits a subject's history for compatibility checks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compatibility_group: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_metadata: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub override_metadata: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_rule_set: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub override_rule_set: Option<Value>,
}

impl ContractConfig {
    /// Returns these settings with every one that `newer` sets replaced by its value.
    pub fn overlaid(&self, newer: &ContractConfig) -> ContractConfig {
        fn pick<T: Clone>(newer: &Option<T>, older: &Option<T>) -> Option<T> {
            newer.clone().or_else(|| older.clone())
        }
        ContractConfig {
            alias: pick(&newer.alias, &self.alias),
            validate_fields: pick(&newer.validate_fields, &self.validate_fields),
            compatibility_group: pick(&newer.compatibility_group, &self.compatibility_group),
            default_metadata: pick(&newer.default_metadata, &self.default_metadata),
            override_metadata: pick(&newer.override_metadata, &self.override_metadata),
            default_rule_set: pick(&newer.default_rule_set, &self.default_rule_set),
            override_rule_set: pick(&newer.override_rule_set, &self.override_rule_set),
        }
    }

    /// Returns the column's text: none when nothing is set.
    pub fn to_column(&self) -> Option<String> {
        (self != &ContractConfig::default())
            .then(|| serde_json::to_string(self).unwrap_or_default())
    }
}

/// What is stored for one scope (a subject, or global): its own compatibility setting and mode.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ScopeSettings {
    pub config: Option<ConfigRecord>,
    pub mode: Option<Mode>,
}

/// A place in a subject: which version of which subject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectVersion {
    pub subject: String,
    pub version: Version,
    pub is_deleted: bool,
}

/// A change that some instance sharing the database committed, as a [`ChangeFeed`] reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// The versions, config or mode of `subject` changed (`None`: a global setting); `ids` are
    /// the schemas whose usages changed (deletions).
    Subject {
        subject: Option<String>,
        ids: Vec<SchemaId>,
    },
    /// Teams, services, credentials or grants changed.
    Governance,
    /// Anything may have changed: forget everything.
    All,
    /// The feed stopped: changes go unreported until [`Change::Resumed`].
    Lost,
    /// The feed is back; what changed while it was down was not reported.
    Resumed,
}

/// The changes committed by every instance sharing a store, from the moment of subscribing.
#[derive(Debug)]
pub struct ChangeFeed {
    /// Whether the feed was reporting changes when it was subscribed to.
    pub is_live: bool,
    pub receiver: broadcast::Receiver<Change>,
}

/// How a store that is shared over the network holds its connections. SQLite ignores it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolSettings {
    /// The most connections the pool opens.
    pub max_connections: u32,
    /// The connections the pool keeps open even when idle.
    pub min_connections: u32,
    /// How long a request waits for a connection before it fails with 50001.
    pub acquire_timeout: Duration,
}

impl Default for PoolSettings {
    fn default() -> Self {
        PoolSettings {
            max_connections: 10,
            min_connections: 0,
            acquire_timeout: Duration::from_secs(3),
        }
    }
}

/// Everything Accord persists: schemas and their settings, and the governance model.
pub trait Store:
    SchemaStore + GovernanceStore + ObservationStore + ProposalStore + WebhookStore + AssociationStore
{
}

impl<T> Store for T where
    T: SchemaStore
        + GovernanceStore
        + ObservationStore
        + ProposalStore
        + WebhookStore
        + AssociationStore
{
}

/// The persistence the registry needs. `None` as a subject means the global setting.
///
/// Every write takes the [`AuditEntry`] that records it and appends it in the same transaction.
#[async_trait]
pub trait SchemaStore: SchemaReads {
    /// Subscribes to the changes that other processes sharing the database commit; `None` when
    /// no other process can share it (SQLite), so that a process's own writes are all there is.
    fn changes(&self) -> Option<ChangeFeed> {
        None
    }

    /// Writes a decided version atomically with its audit entry (which gains the version and
    /// the id), the schema when it is new, and the producer's claim; or nothing, when the
    /// subject moved since the decision.
    async fn write_version(&self, write: &VersionWrite, audit: &AuditEntry) -> Result<Written>;

    /// Marks the given versions of `subject` deleted, or removes them when `permanent`.
    /// Removing the last version of a subject also removes its config and mode.
    async fn delete_versions(
        &self,
        subject: &SubjectName,
        versions: &[Version],
        permanent: bool,
        audit: &AuditEntry,
    ) -> Result<()>;

    /// Replaces the compatibility setting of `subject`, or the global one.
    async fn set_config(
        &self,
        subject: Option<&SubjectName>,
        config: ConfigRecord,
        audit: &AuditEntry,
    ) -> Result<()>;

    /// Removes the compatibility setting and returns what it was.
    async fn delete_config(
        &self,
        subject: Option<&SubjectName>,
        audit: &AuditEntry,
    ) -> Result<Option<ConfigRecord>>;

    /// Replaces the mode of `subject`, or the global one.
    async fn set_mode(
        &self,
        subject: Option<&SubjectName>,
        mode: Mode,
        audit: &AuditEntry,
    ) -> Result<()>;

    /// Removes the mode and returns what it was.
    async fn delete_mode(
        &self,
        subject: Option<&SubjectName>,
        audit: &AuditEntry,
    ) -> Result<Option<Mode>>;
}

/// Returns `url` fit for a log line: a password in it is replaced by `***`.
pub fn redacted(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    match authority.rsplit_once('@') {
        Some((user_info, host)) => match user_info.split_once(':') {
            Some((user, _password)) => format!("{scheme}://{user}:***@{host}{path}"),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

/// Opens the store that `url` names with the default [`PoolSettings`] and applies its
/// migrations.
pub async fn connect(url: &str) -> Result<Arc<dyn Store>> {
    connect_with(url, &PoolSettings::default()).await
}

/// Opens the store that `url` names and applies its migrations.
///
/// `postgres://...` (or `postgresql://...`) opens a PostgreSQL database that several instances
/// may share; `sqlite://PATH` (or a bare path) opens or creates an SQLite file; `sqlite::memory:`
/// an in-memory database for tests. Any other scheme is refused (see [`DatabaseUrl`]).
pub async fn connect_with(url: &str, pool: &PoolSettings) -> Result<Arc<dyn Store>> {
    let url = url
        .parse::<DatabaseUrl>()
        .map_err(|message| crate::Error::Storage(sqlx::Error::Configuration(message.into())))?;
    open(&url, pool).await
}

/// Opens the store at `url` and applies its migrations.
pub async fn open(url: &DatabaseUrl, pool: &PoolSettings) -> Result<Arc<dyn Store>> {
    Ok(match url {
        DatabaseUrl::Postgres(url) => Arc::new(PostgresStore::connect(url, pool).await?),
        DatabaseUrl::Sqlite(url) => Arc::new(SqliteStore::connect(url).await?),
    })
}

/// Returns why a store failed, in the driver's words: what an operator needs when a store does
/// not open, where the error's own message is the generic one a client is answered.
pub fn cause(err: &crate::Error) -> String {
    use crate::Error;
    match err {
        Error::Storage(sqlx::Error::Database(db))
        | Error::StoreUnavailable(sqlx::Error::Database(db)) => db.message().to_string(),
        Error::Storage(err) | Error::StoreUnavailable(err) => err.to_string(),
        Error::Migration(err) => err.to_string(),
        err => err.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::redacted;

    #[test]
    fn a_password_in_a_database_url_is_not_logged() {
        assert_eq!(
            redacted("postgres://accord:s3cret@db:5432/accord?sslmode=require"),
            "postgres://accord:***@db:5432/accord?sslmode=require"
        );
        assert_eq!(
            redacted("postgres://accord@db/accord"),
            "postgres://accord@db/accord"
        );
        assert_eq!(redacted("sqlite://accord.db"), "sqlite://accord.db");
    }
}
