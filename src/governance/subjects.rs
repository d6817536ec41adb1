//! Who produces and who consumes a subject: assigning its producer, granting and revoking
//! consumers, and the views that name their teams and contacts.

use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use super::{entry, Action, Governance, Principal};
use crate::storage::{AuditAction, AuditEntry, ConsumerGrant, Contact, Producer};
use crate::types::{now, SubjectName};
use crate::{Error, Result};

/// A service in a subject's ownership, with its team's contacts.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OwnerView {
    pub service: String,
    pub team: String,
    pub contacts: Vec<Contact>,
}

/// A consumer of a subject: who it is, who owns it, and who granted it when.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ConsumerView {
    pub service: String,
    pub team: String,
    pub contacts: Vec<Contact>,
    pub granted_by: String,
    pub granted_at: String,
}

/// A subject's contract governance: its producer and its consumers.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SubjectView {
    pub subject: String,
    pub producer: Option<OwnerView>,
    pub consumers: Vec<ConsumerView>,
}

impl Governance {
    /// Makes `service` the producer of `subject`; the admin or the current producer may.
    pub async fn set_producer(
        &self,
        by: &Principal,
        subject: &SubjectName,
        service: &str,
    ) -> Result<()> {
        if self.store.producer(subject).await?.is_some() {
            self.authorize(by, Action::Change(subject)).await?;
        } else {
            self.authorize(by, Action::Administer("assign producers"))
                .await?;
        }
        let producer = Producer {
            subject: subject.to_string(),
            service: service.to_string(),
            assigned_by: by.actor().principal,
            assigned_at: now(),
        };
        let audit = part_entry(by, AuditAction::ProducerAssigned, subject, service);
        // The producer it replaces may read the subject no more.
        let set = self.store.set_producer(&producer, &audit).await;
        self.verified.forget_all();
        Ok(set??)
    }

    /// Returns a subject's producer and consumers, with their teams and contacts.
    pub async fn subject(&self, by: &Principal, subject: &SubjectName) -> Result<SubjectView> {
        self.authorize(by, Action::Read(subject)).await?;
        let producer = match self.store.producer(subject).await? {
            Some(producer) => Some(self.owner(&producer.service).await?),
            None => None,
        };
        Ok(SubjectView {
            subject: subject.to_string(),
            producer,
            consumers: self.consumer_views(subject).await?,
        })
    }

    /// Returns a subject's consumers, with their teams, contacts and grants.
    pub async fn consumers(
        &self,
        by: &Principal,
        subject: &SubjectName,
    ) -> Result<Vec<ConsumerView>> {
        self.authorize(by, Action::Read(subject)).await?;
        self.consumer_views(subject).await
    }

    async fn consumer_views(&self, subject: &SubjectName) -> Result<Vec<ConsumerView>> {
        let mut views = Vec::new();
        for grant in self.store.consumers(subject).await? {
            let owner = self.owner(&grant.service).await?;
            views.push(ConsumerView {
                service: owner.service,
                team: owner.team,
                contacts: owner.contacts,
                granted_by: grant.granted_by,
                granted_at: grant.granted_at,
            });
        }
        Ok(views)
    }

    async fn owner(&self, service: &str) -> Result<OwnerView> {
        let service = self
            .store
            .service(service)
            .await?
            .ok_or_else(|| Error::ServiceNotFound(service.to_string()))?;
        let contacts = self
            .store
            .team(&service.team)
            .await?
            .map(|t| t.contacts)
            .unwrap_or_default();
        Ok(OwnerView {
            service: service.name,
            team: service.team,
            contacts,
        })
    }

    /// Grants `service` read access to `subject`.
    pub async fn grant_consumer(
        &self,
        by: &Principal,
        subject: &SubjectName,
        service: &str,
    ) -> Result<()> {
        self.authorize(by, Action::GrantConsumers(subject)).await?;
        let grant = ConsumerGrant {
            subject: subject.to_string(),
            service: service.to_string(),
            granted_by: by.actor().principal,
            granted_at: now(),
        };
        let audit = part_entry(by, AuditAction::ConsumerGranted, subject, service);
        Ok(self.store.grant_consumer(&grant, &audit).await??)
    }

    /// Revokes `service`'s read access to `subject`.
    pub async fn revoke_consumer(
        &self,
        by: &Principal,
        subject: &SubjectName,
        service: &str,
    ) -> Result<()> {
        self.authorize(by, Action::GrantConsumers(subject)).await?;
        let audit = part_entry(by, AuditAction::ConsumerRevoked, subject, service);
        let revoked = self.store.revoke_consumer(subject, service, &audit).await;
        self.verified.forget_all();
        Ok(revoked??)
    }
}

/// Returns the audit entry for `action` on `service`'s part in `subject`.
fn part_entry(
    by: &Principal,
    action: AuditAction,
    subject: &SubjectName,
    service: &str,
) -> AuditEntry {
    let details = json!({ "service": service });
    entry(by, action, Some(subject.as_str()), Some(service), details)
}
