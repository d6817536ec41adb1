//! Contract governance: service identities and their credentials, owning teams, stream
//! producers and consumer grants, authorization against them, impact analysis, and the audit
//! log.
//!
//! `auth.rs` issues credentials and turns them into a [`Principal`]; `acl.rs` decides what it
//! may do; `teams.rs` changes teams and services, `subjects.rs` producers and consumer grants;
//! `verified.rs` keeps the credentials the store confirmed; `observed.rs` tallies who reads what and `readers.rs`
//! compares it with who was declared; `audit.rs` reads the log; `conflict.rs` says why the store refused a change; `impact.rs`
//! names who a breaking change would affect.

pub mod acl;
mod audit;
mod auth;
mod conflict;
pub mod impact;
pub mod observed;
mod proposals;
mod readers;
mod subjects;
mod teams;
mod verified;
mod webhooks;

use std::collections::HashSet;
use std::sync::Arc;

use serde_json::Value;

pub use acl::{Action, Ownership, Principal, ReadAccess};
pub use audit::AuditPage;
pub use auth::IssuedCredential;
pub use impact::{Affected, Undeclared};
pub use proposals::{AffectedAnswer, Ending, LatestSchema, Proposal};
pub use readers::{
    AnonymousReads, Drift, ReaderView, ReadersView, SilentConsumer, UndeclaredReader,
};
pub use subjects::{ConsumerView, OwnerView, SubjectView};
pub use teams::ServiceView;
pub use verified::Readable;
pub use webhooks::{DeliveryView, WebhookSecret, WebhookSpec, WebhookView};

use crate::storage::{AuditAction, AuditEntry, Store};
use crate::types::{now, SchemaId, SubjectName};
use crate::{Error, Result};

/// The governance model over a store, with the server's authentication settings.
pub struct Governance {
    store: Arc<dyn Store>,
    admin_token: Option<String>,
    read_access: ReadAccess,
    verified: Arc<verified::Verified>,
    observations: Arc<observed::Observations>,
}

impl Governance {
    /// Creates the governance model. Without an admin token, authentication is off. When
    /// other instances share the store, a task follows their changes (so this must run inside
    /// a Tokio runtime).
    pub fn new(
        store: Arc<dyn Store>,
        admin_token: Option<String>,
        read_access: ReadAccess,
    ) -> Self {
        let verified = Arc::new(verified::Verified::new(true));
        if let Some(feed) = store.changes() {
            verified::follow(verified.clone(), feed);
        }
        let observations = Arc::new(observed::Observations::default());
        observed::flush_periodically(observations.clone(), store.clone());
        Governance {
            store,
            admin_token: admin_token.filter(|token| !token.is_empty()),
            read_access,
            verified,
            observations,
        }
    }

    /// Tallies a read by `principal` (see [`observed`]).
    pub fn observe(&self, principal: &Principal, read: observed::Read<'_>) {
        let reader = match principal {
            Principal::Service(service) => service.as_str(),
            Principal::Admin => "admin",
            Principal::Open | Principal::Nobody => "",
        };
        self.observations.observe(reader, read);
    }

    /// Writes the reads tallied so far to the store: at shutdown, and whenever a reader of the
    /// observations needs them current.
    pub async fn flush_observations(&self) -> Result<()> {
        self.observations.flush(self.store.as_ref()).await
    }

    /// Returns true when requests need credentials.
    pub fn is_authentication_on(&self) -> bool {
        self.admin_token.is_some()
    }

    /// Returns true when reading a subject needs the admin, its producer or a grant.
    pub fn reads_need_grants(&self) -> bool {
        self.is_authentication_on() && self.read_access == ReadAccess::Enforce
    }

    /// Returns true when `principal`, established by authentication, may read every subject
    /// and schema: with authentication off, for the admin, and for anyone under open reads.
    pub fn reads_everything(&self, principal: &Principal) -> bool {
        matches!(principal, Principal::Open | Principal::Admin) || !self.reads_need_grants()
    }

    /// Returns true when `principal` may read `what`, decided from memory: it reads
    /// everything, or it is a service the store allowed to read `what` since the last change to
    /// grants, producers, services or credentials. False sends the read to [`Self::authorize`].
    pub fn may_read_at_once(&self, principal: &Principal, what: Readable<'_>) -> bool {
        match principal {
            Principal::Service(service) if self.reads_need_grants() => {
                self.verified.may_read(service, what)
            }
            _ => self.reads_everything(principal),
        }
    }

    /// Forgets every read permission kept in memory: after a change that may take a read away
    /// (a deleted version or subject).
    pub fn forget_read_permissions(&self) {
        self.verified.forget_reads();
    }

    /// Refuses `action` unless `principal` may perform it.
    pub async fn authorize(&self, principal: &Principal, action: Action<'_>) -> Result<()> {
        if matches!(principal, Principal::Open | Principal::Admin) {
            return Ok(());
        }
        let generation = self.verified.generation();
        let ownership = match action {
            Action::Register(subject)
            | Action::Change(subject)
            | Action::Read(subject)
            | Action::GrantConsumers(subject)
            | Action::ReadAudit(Some(subject)) => self.ownership(subject).await?,
            Action::ReadGlobal | Action::ReadAudit(None) | Action::Administer(_) => {
                Ownership::default()
            }
        };
        acl::is_allowed(principal, action, &ownership, self.read_access)?;
        if let (Action::Read(subject), Principal::Service(service)) = (action, principal) {
            if self.reads_need_grants() {
                let what = Readable::Subject(subject.as_str());
                self.verified.remember_read(generation, service, what);
            }
        }
        Ok(())
    }

    /// Refuses reading schema `id`, held by `subjects`, unless `principal` may read one of
    /// them. The refusal names neither the subjects nor whether `id` exists: a caller without
    /// a grant is refused alike for every id it may not read.
    pub async fn authorize_schema(
        &self,
        principal: &Principal,
        id: SchemaId,
        subjects: &[String],
    ) -> Result<()> {
        self.authorize(principal, Action::ReadGlobal).await?;
        if matches!(principal, Principal::Open | Principal::Admin)
            || self.read_access == ReadAccess::Open
        {
            return Ok(());
        }
        let generation = self.verified.generation();
        for subject in subjects {
            let Ok(subject) = SubjectName::parse(subject) else {
                continue;
            };
            if self
                .authorize(principal, Action::Read(&subject))
                .await
                .is_ok()
            {
                if let Principal::Service(service) = principal {
                    let what = Readable::Schema(id.0);
                    self.verified.remember_read(generation, service, what);
                }
                return Ok(());
            }
        }
        let service = principal.actor().principal;
        Err(Error::Forbidden(format!(
            "Service '{service}' may not read schema {id}: it needs a consumer grant on a \
             subject that uses it"
        )))
    }

    /// Keeps the subjects `principal` may read, in two queries however many subjects there are:
    /// the subjects a service produces and those it consumes.
    pub async fn readable(
        &self,
        principal: &Principal,
        subjects: Vec<String>,
    ) -> Result<Vec<String>> {
        if self.read_access == ReadAccess::Open
            || matches!(principal, Principal::Open | Principal::Admin)
        {
            return Ok(subjects);
        }
        let (service, produced, consumed) = match principal {
            Principal::Service(service) => (
                Some(service),
                self.store.produced_by(service).await?,
                self.store.consumed_by(service).await?,
            ),
            _ => (None, Vec::new(), Vec::new()),
        };
        let produced: HashSet<String> = produced.into_iter().collect();
        let consumed: HashSet<String> = consumed.into_iter().collect();
        let may_read = |subject: &String| {
            let Ok(name) = SubjectName::parse(subject) else {
                return false;
            };
            // A read is decided by whether the caller produces or consumes the subject, so its
            // own part in the subject's ownership is all the decision needs.
            let ownership = Ownership {
                producer: service.filter(|_| produced.contains(subject)).cloned(),
                consumers: service
                    .filter(|_| consumed.contains(subject))
                    .cloned()
                    .into_iter()
                    .collect(),
            };
            acl::is_allowed(principal, Action::Read(&name), &ownership, self.read_access).is_ok()
        };
        Ok(subjects.into_iter().filter(may_read).collect())
    }

    async fn ownership(&self, subject: &SubjectName) -> Result<Ownership> {
        Ok(Ownership {
            producer: self.store.producer(subject).await?.map(|p| p.service),
            consumers: self
                .store
                .consumers(subject)
                .await?
                .into_iter()
                .map(|grant| grant.service)
                .collect(),
        })
    }

    /// Returns the schema ids' subjects; kept here so HTTP need not reach into storage.
    pub async fn subjects_holding(&self, id: SchemaId) -> Result<Vec<String>> {
        let mut subjects: Vec<String> = self
            .store
            .schema_usages(id)
            .await?
            .into_iter()
            .map(|usage| usage.subject)
            .collect();
        subjects.dedup();
        Ok(subjects)
    }
}

/// Returns the audit entry for `action` by `principal`.
fn entry(
    principal: &Principal,
    action: AuditAction,
    subject: Option<&str>,
    service: Option<&str>,
    details: Value,
) -> AuditEntry {
    AuditEntry {
        at: now(),
        principal: principal.actor().principal,
        action,
        subject: subject.map(str::to_string),
        version: None,
        service: service.map(str::to_string),
        details,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::SqliteStore;

    /// `orders` produces `orders-value`, consumed by `billing`, which produces `payments-value`;
    /// `stranger` has no part in any subject, and nobody owns `unowned-value`.
    async fn governed() -> Governance {
        let store = SqliteStore::connect("sqlite::memory:").await.unwrap();
        let governance = Governance::new(Arc::new(store), Some("t".into()), ReadAccess::Enforce);
        let admin = Principal::Admin;
        governance
            .create_team(&admin, "shop", vec![])
            .await
            .unwrap();
        for service in ["orders", "billing", "stranger"] {
            governance
                .create_service(&admin, service, "shop", "")
                .await
                .unwrap();
        }
        let subject = |name| SubjectName::parse(name).unwrap();
        governance
            .set_producer(&admin, &subject("orders-value"), "orders")
            .await
            .unwrap();
        governance
            .set_producer(&admin, &subject("payments-value"), "billing")
            .await
            .unwrap();
        governance
            .grant_consumer(&admin, &subject("orders-value"), "billing")
            .await
            .unwrap();
        governance
    }

    #[tokio::test]
    async fn readable_subjects_are_the_ones_each_subjects_own_check_allows() {
        let governance = governed().await;
        let subjects: Vec<String> = ["orders-value", "payments-value", "unowned-value"]
            .map(String::from)
            .to_vec();
        let service = |name: &str| Principal::Service(name.to_string());
        for (principal, expected) in [
            (
                Principal::Admin,
                subjects.iter().map(String::as_str).collect(),
            ),
            (service("orders"), vec!["orders-value"]),
            (service("billing"), vec!["orders-value", "payments-value"]),
            (service("stranger"), vec![]),
            (Principal::Nobody, vec![]),
        ] {
            let readable = governance
                .readable(&principal, subjects.clone())
                .await
                .unwrap();
            assert_eq!(readable, expected, "{principal:?}");
            let mut one_by_one = Vec::new();
            for subject in &subjects {
                let name = SubjectName::parse(subject).unwrap();
                if governance
                    .authorize(&principal, Action::Read(&name))
                    .await
                    .is_ok()
                {
                    one_by_one.push(subject.clone());
                }
            }
            assert_eq!(readable, one_by_one, "{principal:?}");
        }
    }
}
