//! The governance half of the store: teams, services, credentials, stream ownership, consumer
//! grants and the audit log.
//!
//! Rows double as the API's bodies where their shapes agree, so they derive `Serialize`. A write
//! checks what it depends on in its own transaction and reports what stands in its way as a
//! [`GovernanceConflict`]: a fact, not a message, as the rules belong to `governance`.
//!
//! `audit.rs` holds the audit log's rows; `sql.rs` the one implementation both databases share;
//! `observed.rs` the reads observed per reader and subject; `proposals.rs` change proposals and
//! their answers; `webhooks.rs` webhook subscriptions and their queues; `associations.rs` the topics
//! linked to their key and value subjects.

mod associations;
mod audit;
mod backend;
mod observed;
mod proposals;
mod sql;
mod webhooks;

use async_trait::async_trait;
use serde::Serialize;
use utoipa::ToSchema;

pub use associations::{AssociationClash, AssociationQuery, AssociationStore, StoredAssociation};
pub(super) use audit::append as append_audit;
pub use audit::{AuditAction, AuditEntry, AuditQuery, AuditRecord};
pub(super) use backend::SqlStore;
pub use observed::{ObservationStore, ObservedRead};
pub(in crate::storage) use proposals::mark_applied;
pub use proposals::{
    Applying, Closing, ProposalQuery, ProposalStore, StoredProposal, StoredResponse,
};
pub use webhooks::{Delivery, Retry, Webhook, WebhookStore};

pub use crate::types::Contact;
use crate::types::{ProposalState, SubjectName};
use crate::Result;

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
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Producer {
    pub subject: String,
    pub service: String,
    pub assigned_by: String,
    pub assigned_at: String,
}

/// A consumer service's read grant on a subject.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ConsumerGrant {
    pub subject: String,
    pub service: String,
    pub granted_by: String,
    pub granted_at: String,
}

/// What kept a governance write from being made: found in its transaction, which then wrote
/// nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GovernanceConflict {
    /// A team of this name exists already.
    TeamExists(String),
    /// No team has this name.
    NoSuchTeam(String),
    /// The team still owns these services.
    TeamOwnsServices { team: String, services: Vec<String> },
    /// A service of this name exists already.
    ServiceExists(String),
    /// No service has this name.
    NoSuchService(String),
    /// The service still produces these subjects.
    ServiceProducesSubjects {
        service: String,
        subjects: Vec<String>,
    },
    /// The service to be granted as a consumer of the subject is its producer.
    ProducerOfSubject { service: String, subject: String },
    /// The service has no unrevoked credential with this id.
    NoSuchCredential { service: String, id: String },
    /// The service holds no consumer grant on the subject.
    NoSuchGrant { service: String, subject: String },
    /// No proposal has this id.
    NoSuchProposal(i64),
    /// The proposal is decided already.
    ProposalDecided { id: i64, state: ProposalState },
    /// No webhook subscription has this id.
    NoSuchWebhook(String),
}

/// What a governance write did: made the change (`Ok`), or nothing, for the conflict it found.
pub type Checked = std::result::Result<(), GovernanceConflict>;

/// The persistence the governance model needs.
///
/// Writes check their preconditions (a team exists, a name is free, nothing depends on what is
/// deleted) in the same transaction as the change and its audit entry, and return the
/// [`GovernanceConflict`] of the first that fails, having written nothing.
#[async_trait]
pub trait GovernanceStore: Send + Sync + 'static {
    /// Creates a team, unless the name is taken.
    async fn create_team(&self, team: &Team, audit: &AuditEntry) -> Result<Checked>;
    /// Returns every team, by name.
    async fn teams(&self) -> Result<Vec<Team>>;
    /// Returns one team.
    async fn team(&self, name: &str) -> Result<Option<Team>>;
    /// Replaces a team's contacts.
    async fn update_team(&self, team: &Team, audit: &AuditEntry) -> Result<Checked>;
    /// Deletes a team that owns no service.
    async fn delete_team(&self, name: &str, audit: &AuditEntry) -> Result<Checked>;

    /// Creates a service owned by an existing team, unless the name is taken.
    async fn create_service(&self, service: &Service, audit: &AuditEntry) -> Result<Checked>;
    /// Returns every service, by name.
    async fn services(&self) -> Result<Vec<Service>>;
    /// Returns one service.
    async fn service(&self, name: &str) -> Result<Option<Service>>;
    /// Replaces a service's team (an existing one) and description.
    async fn update_service(&self, service: &Service, audit: &AuditEntry) -> Result<Checked>;
    /// Deletes a service that produces no subject, with its credentials and grants.
    async fn delete_service(&self, name: &str, audit: &AuditEntry) -> Result<Checked>;

    /// Stores a new credential of an existing service.
    async fn create_credential(
        &self,
        credential: &NewCredential,
        audit: &AuditEntry,
    ) -> Result<Checked>;
    /// Returns the credentials of a service, revoked ones included.
    async fn credentials(&self, service: &str) -> Result<Vec<CredentialInfo>>;
    /// Returns the unrevoked credential whose secret hashes to `secret_hash`.
    async fn credential_by_hash(&self, secret_hash: &str) -> Result<Option<CredentialInfo>>;
    /// Records that a credential was used at `at`.
    async fn touch_credential(&self, id: &str, at: &str) -> Result<()>;
    /// Revokes an unrevoked credential of a service.
    async fn revoke_credential(
        &self,
        service: &str,
        id: &str,
        audit: &AuditEntry,
    ) -> Result<Checked>;

    /// Returns the producer of a subject.
    async fn producer(&self, subject: &SubjectName) -> Result<Option<Producer>>;
    /// Makes an existing service the producer of a subject.
    async fn set_producer(&self, producer: &Producer, audit: &AuditEntry) -> Result<Checked>;
    /// Returns the consumer grants of a subject, by service.
    async fn consumers(&self, subject: &SubjectName) -> Result<Vec<ConsumerGrant>>;
    /// Grants an existing service other than the producer read access to a subject (again:
    /// updates who and when).
    async fn grant_consumer(&self, grant: &ConsumerGrant, audit: &AuditEntry) -> Result<Checked>;
    /// Revokes a consumer grant.
    async fn revoke_consumer(
        &self,
        subject: &SubjectName,
        service: &str,
        audit: &AuditEntry,
    ) -> Result<Checked>;
    /// Returns the subjects a service produces, sorted.
    async fn produced_by(&self, service: &str) -> Result<Vec<String>>;
    /// Returns the subjects a service is granted to consume, sorted.
    async fn consumed_by(&self, service: &str) -> Result<Vec<String>>;

    /// Appends `audit`, a record of something that changed nothing (a refused registration).
    async fn record(&self, audit: &AuditEntry) -> Result<()>;
    /// Returns audit records matching `query`, newest first.
    async fn audit_records(&self, query: &AuditQuery) -> Result<Vec<AuditRecord>>;
}
