//! Contract governance: service identities and their credentials, owning teams, stream
//! producers and consumer grants, authorization against them, impact analysis, and the audit
//! log.
//!
//! `auth.rs` issues credentials and turns them into a [`Principal`]; `acl.rs` decides what it
//! may do; `teams.rs` changes teams and services, `subjects.rs` producers and consumer grants;
//! `audit.rs` reads the log; `conflict.rs` says why the store refused a change; `impact.rs`
//! names who a breaking change would affect.

pub mod acl;
mod audit;
mod auth;
mod conflict;
pub mod impact;
mod subjects;
mod teams;

use std::sync::Arc;

use serde_json::Value;

pub use acl::{Action, Ownership, Principal, ReadAccess};
pub use audit::AuditPage;
pub use auth::IssuedCredential;
pub use impact::Affected;
pub use subjects::{ConsumerView, OwnerView, SubjectView};
pub use teams::ServiceView;

use crate::storage::{AuditAction, AuditEntry, Store};
use crate::types::{now, SchemaId, SubjectName};
use crate::Result;

/// The governance model over a store, with the server's authentication settings.
pub struct Governance {
    store: Arc<dyn Store>,
    admin_token: Option<String>,
    read_access: ReadAccess,
}

impl Governance {
    /// Creates the governance model. Without an admin token, authentication is off.
    pub fn new(
        store: Arc<dyn Store>,
        admin_token: Option<String>,
        read_access: ReadAccess,
    ) -> Self {
        Governance {
            store,
            admin_token: admin_token.filter(|token| !token.is_empty()),
            read_access,
        }
    }

    /// Returns true when requests need credentials.
    pub fn is_authentication_on(&self) -> bool {
        self.admin_token.is_some()
    }

    /// Returns true when reading a subject needs the admin, its producer or a grant.
    pub fn reads_need_grants(&self) -> bool {
        self.is_authentication_on() && self.read_access == ReadAccess::Enforce
    }

    /// Returns true when anyone may read any subject without presenting a credential, so that
    /// a read carrying none (`has_credential` false) needs no check at all. With authentication
    /// off even a presented credential goes unchecked.
    pub fn reads_need_no_check(&self, has_credential: bool) -> bool {
        !self.is_authentication_on() || (!has_credential && self.read_access == ReadAccess::Open)
    }

    /// Refuses `action` unless `principal` may perform it.
    pub async fn authorize(&self, principal: &Principal, action: Action<'_>) -> Result<()> {
        if matches!(principal, Principal::Open | Principal::Admin) {
            return Ok(());
        }
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
        acl::is_allowed(principal, action, &ownership, self.read_access)
    }

    /// Refuses reading schema `id` unless `principal` may read a subject that holds it.
    pub async fn authorize_schema(&self, principal: &Principal, subjects: &[String]) -> Result<()> {
        let mut refusal = None;
        for subject in subjects {
            let Ok(subject) = SubjectName::parse(subject) else {
                continue;
            };
            match self.authorize(principal, Action::Read(&subject)).await {
                Ok(()) => return Ok(()),
                Err(err) => refusal = Some(err),
            }
        }
        match refusal {
            Some(err) => Err(err),
            None => self.authorize(principal, Action::ReadGlobal).await,
        }
    }

    /// Keeps the subjects `principal` may read.
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
        let mut readable = Vec::with_capacity(subjects.len());
        for subject in subjects {
            let Ok(name) = SubjectName::parse(&subject) else {
                continue;
            };
            if self.authorize(principal, Action::Read(&name)).await.is_ok() {
                readable.push(subject);
            }
        }
        Ok(readable)
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
