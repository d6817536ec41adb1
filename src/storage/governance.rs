//! The governance half of the store: teams, services, credentials, stream ownership, consumer
//! grants and the audit log.
//!
//! Rows double as the API's bodies where their shapes agree, so they derive `Serialize`.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use crate::types::Version;
use crate::Result;

/// A way to reach a team: `{"kind": "email", "value": "payments@example.com"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Contact {
    /// `email`, `chat`, `url` or `pager`.
    pub kind: String,
    pub value: String,
}

/// A team that owns services.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Team {
    pub name: String,
    pub contacts: Vec<Contact>,
    pub created_at: String,
}

/// A service identity, owned by a team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Service {
    pub name: String,
    pub team: String,
    pub description: String,
    pub created_at: String,
}

/// A credential to insert: only the hash of its secret is kept.
#[derive(Debug, Clone)]
pub struct NewCredential {
    pub id: String,
    pub service: String,
    pub secret_hash: String,
    pub created_at: String,
}

/// What is known of a credential, never its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct CredentialInfo {
    pub id: String,
    pub service: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
}

/// The producing service that owns a subject's contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Producer {
    pub subject: String,
    pub service: String,
    pub assigned_by: String,
    pub assigned_at: String,
}

/// A consumer service's read grant on a subject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsumerGrant {
    pub subject: String,
    pub service: String,
    pub granted_by: String,
    pub granted_at: String,
}

/// What a recorded change did. [`AuditAction::as_str`] is the name the log stores and shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    SchemaRegistered,
    SubjectDeleted,
    VersionDeleted,
    ConfigChanged,
    ConfigDeleted,
    ModeChanged,
    ModeDeleted,
    /// A service became a subject's producer by registering its first version.
    ProducerClaimed,
    ProducerAssigned,
    ConsumerGranted,
    ConsumerRevoked,
    TeamCreated,
    TeamUpdated,
    TeamDeleted,
    ServiceCreated,
    ServiceUpdated,
    ServiceDeleted,
    CredentialIssued,
    CredentialRevoked,
}

impl AuditAction {
    /// Returns the action's name in the log, e.g. `schema.registered`, `consumer.granted`.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::SchemaRegistered => "schema.registered",
            AuditAction::SubjectDeleted => "subject.deleted",
            AuditAction::VersionDeleted => "version.deleted",
            AuditAction::ConfigChanged => "config.changed",
            AuditAction::ConfigDeleted => "config.deleted",
            AuditAction::ModeChanged => "mode.changed",
            AuditAction::ModeDeleted => "mode.deleted",
            AuditAction::ProducerClaimed => "producer.claimed",
            AuditAction::ProducerAssigned => "producer.assigned",
            AuditAction::ConsumerGranted => "consumer.granted",
            AuditAction::ConsumerRevoked => "consumer.revoked",
            AuditAction::TeamCreated => "team.created",
            AuditAction::TeamUpdated => "team.updated",
            AuditAction::TeamDeleted => "team.deleted",
            AuditAction::ServiceCreated => "service.created",
            AuditAction::ServiceUpdated => "service.updated",
            AuditAction::ServiceDeleted => "service.deleted",
            AuditAction::CredentialIssued => "credential.issued",
            AuditAction::CredentialRevoked => "credential.revoked",
        }
    }
}

/// A state change to record, written in the transaction that makes the change.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    pub at: String,
    /// Who made the change: `admin`, a service name, or `anonymous` when authentication is off.
    pub principal: String,
    /// What was done.
    pub action: AuditAction,
    pub subject: Option<String>,
    pub version: Option<Version>,
    /// The service the change concerns, if any.
    pub service: Option<String>,
    pub details: Value,
}

/// A recorded state change, as the audit endpoint returns it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct AuditRecord {
    #[serde(skip)]
    pub seq: i64,
    pub at: String,
    pub principal: String,
    pub action: String,
    pub subject: Option<String>,
    pub version: Option<i32>,
    pub service: Option<String>,
    #[schema(value_type = Object)]
    pub details: Value,
}

/// Which audit records to return: all filters are optional; newest first, before `before_seq`.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub subject: Option<String>,
    pub service: Option<String>,
    pub principal: Option<String>,
    /// Only records at or after this RFC 3339 time.
    pub since: Option<String>,
    pub before_seq: Option<i64>,
    pub limit: i64,
}

/// The persistence the governance model needs.
///
/// Writes check their preconditions (a team exists, a name is free, nothing depends on what is
/// deleted) in the same transaction as the change and its audit entry.
#[async_trait]
pub trait GovernanceStore: Send + Sync + 'static {
    /// Creates a team; a taken name is a conflict.
    async fn create_team(&self, team: &Team, audit: &AuditEntry) -> Result<()>;
    /// Returns every team, by name.
    async fn teams(&self) -> Result<Vec<Team>>;
    /// Returns one team.
    async fn team(&self, name: &str) -> Result<Option<Team>>;
    /// Replaces a team's contacts.
    async fn update_team(&self, team: &Team, audit: &AuditEntry) -> Result<()>;
    /// Deletes a team that owns no service.
    async fn delete_team(&self, name: &str, audit: &AuditEntry) -> Result<()>;

    /// Creates a service owned by an existing team; a taken name is a conflict.
    async fn create_service(&self, service: &Service, audit: &AuditEntry) -> Result<()>;
    /// Returns every service, by name.
    async fn services(&self) -> Result<Vec<Service>>;
    /// Returns one service.
    async fn service(&self, name: &str) -> Result<Option<Service>>;
    /// Replaces a service's team and description.
    async fn update_service(&self, service: &Service, audit: &AuditEntry) -> Result<()>;
    /// Deletes a service that produces no subject, with its credentials and grants.
    async fn delete_service(&self, name: &str, audit: &AuditEntry) -> Result<()>;

    /// Stores a new credential of an existing service.
    async fn create_credential(&self, credential: &NewCredential, audit: &AuditEntry)
        -> Result<()>;
    /// Returns the credentials of a service, revoked ones included.
    async fn credentials(&self, service: &str) -> Result<Vec<CredentialInfo>>;
    /// Returns the unrevoked credential whose secret hashes to `secret_hash`.
    async fn credential_by_hash(&self, secret_hash: &str) -> Result<Option<CredentialInfo>>;
    /// Records that a credential was used at `at`.
    async fn touch_credential(&self, id: &str, at: &str) -> Result<()>;
    /// Revokes a credential of a service.
    async fn revoke_credential(&self, service: &str, id: &str, audit: &AuditEntry) -> Result<()>;

    /// Returns the producer of a subject.
    async fn producer(&self, subject: &str) -> Result<Option<Producer>>;
    /// Makes an existing service the producer of a subject.
    async fn set_producer(&self, producer: &Producer, audit: &AuditEntry) -> Result<()>;
    /// Returns the consumer grants of a subject, by service.
    async fn consumers(&self, subject: &str) -> Result<Vec<ConsumerGrant>>;
    /// Grants an existing service read access to a subject (again: updates who and when).
    async fn grant_consumer(&self, grant: &ConsumerGrant, audit: &AuditEntry) -> Result<()>;
    /// Revokes a consumer grant.
    async fn revoke_consumer(&self, subject: &str, service: &str, audit: &AuditEntry)
        -> Result<()>;
    /// Returns the subjects a service produces.
    async fn produced_by(&self, service: &str) -> Result<Vec<String>>;
    /// Returns the subjects a service is granted to consume.
    async fn consumed_by(&self, service: &str) -> Result<Vec<String>>;

    /// Returns audit records matching `query`, newest first.
    async fn audit_records(&self, query: &AuditQuery) -> Result<Vec<AuditRecord>>;
}
