//! Changes to the governance model — teams, services, credentials, producers, consumer grants —
//! each authorized, validated, and recorded in the audit log with the change.

use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use super::auth::{hash_secret, issue, IssuedCredential};
use super::{entry, Action, Governance, Principal};
use crate::storage::{
    AuditAction, AuditQuery, AuditRecord, ConsumerGrant, Contact, CredentialInfo, NewCredential,
    Producer, Service, Team,
};
use crate::types::{now, SubjectName};
use crate::{Error, Result};

/// The contact kinds a team may list.
const CONTACT_KINDS: [&str; 4] = ["email", "chat", "url", "pager"];

/// The most audit records one page returns.
const MAX_AUDIT_PAGE: i64 = 1000;

/// A service with the subjects it produces and consumes.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ServiceView {
    #[serde(flatten)]
    pub service: Service,
    pub produces: Vec<String>,
    pub consumes: Vec<String>,
}

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

/// A page of the audit log, newest first; `next` is the cursor of the following page.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuditPage {
    pub entries: Vec<AuditRecord>,
    pub next: Option<String>,
}

/// Validates a team or service name: letters, digits, `.`, `_` and `-`, at most 100 characters.
fn valid_name(kind: &str, name: &str) -> Result<()> {
    let is_valid = !name.is_empty()
        && name.len() <= 100
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
        && name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric());
    if is_valid {
        Ok(())
    } else {
        Err(Error::InvalidGovernance(format!(
            "Invalid {kind} name '{name}': use 1 to 100 letters, digits, '.', '_' or '-', \
             starting with a letter or digit"
        )))
    }
}

fn valid_contacts(contacts: &[Contact]) -> Result<()> {
    for contact in contacts {
        if !CONTACT_KINDS.contains(&contact.kind.as_str()) {
            return Err(Error::InvalidGovernance(format!(
                "Invalid contact kind '{}': use one of {}",
                contact.kind,
                CONTACT_KINDS.join(", ")
            )));
        }
        let value = contact.value.trim();
        let is_valid = match contact.kind.as_str() {
            "email" => value
                .split_once('@')
                .is_some_and(|(user, host)| !user.is_empty() && host.contains('.')),
            "url" => value.starts_with("https://") || value.starts_with("http://"),
            _ => !value.is_empty(),
        };
        if !is_valid {
            return Err(Error::InvalidGovernance(format!(
                "Invalid {} contact '{}'",
                contact.kind, contact.value
            )));
        }
    }
    Ok(())
}

impl Governance {
    /// Creates a team.
    pub async fn create_team(
        &self,
        by: &Principal,
        name: &str,
        contacts: Vec<Contact>,
    ) -> Result<Team> {
        self.authorize(by, Action::Administer("create teams"))
            .await?;
        valid_name("team", name)?;
        valid_contacts(&contacts)?;
        let team = Team {
            name: name.to_string(),
            contacts,
            created_at: now(),
        };
        let audit = entry(
            by,
            AuditAction::TeamCreated,
            None,
            None,
            json!({ "team": name, "contacts": team.contacts }),
        );
        self.store.create_team(&team, &audit).await??;
        Ok(team)
    }

    /// Returns every team.
    pub async fn teams(&self, by: &Principal) -> Result<Vec<Team>> {
        self.authorize(by, Action::ReadGlobal).await?;
        self.store.teams().await
    }

    /// Returns one team.
    pub async fn team(&self, by: &Principal, name: &str) -> Result<Team> {
        self.authorize(by, Action::ReadGlobal).await?;
        self.store
            .team(name)
            .await?
            .ok_or_else(|| Error::TeamNotFound(name.to_string()))
    }

    /// Replaces a team's contacts.
    pub async fn update_team(
        &self,
        by: &Principal,
        name: &str,
        contacts: Vec<Contact>,
    ) -> Result<Team> {
        self.authorize(by, Action::Administer("change teams"))
            .await?;
        valid_contacts(&contacts)?;
        let mut team = self.team(by, name).await?;
        team.contacts = contacts;
        let audit = entry(
            by,
            AuditAction::TeamUpdated,
            None,
            None,
            json!({ "team": name, "contacts": team.contacts }),
        );
        self.store.update_team(&team, &audit).await??;
        Ok(team)
    }

    /// Deletes a team that owns no service.
    pub async fn delete_team(&self, by: &Principal, name: &str) -> Result<()> {
        self.authorize(by, Action::Administer("delete teams"))
            .await?;
        let audit = entry(
            by,
            AuditAction::TeamDeleted,
            None,
            None,
            json!({ "team": name }),
        );
        Ok(self.store.delete_team(name, &audit).await??)
    }

    /// Creates a service owned by `team`.
    pub async fn create_service(
        &self,
        by: &Principal,
        name: &str,
        team: &str,
        description: &str,
    ) -> Result<Service> {
        self.authorize(by, Action::Administer("create services"))
            .await?;
        valid_name("service", name)?;
        if name == "admin" {
            return Err(Error::InvalidGovernance(
                "The service name 'admin' is reserved for the admin credential".to_string(),
            ));
        }
        let service = Service {
            name: name.to_string(),
            team: team.to_string(),
            description: description.to_string(),
            created_at: now(),
        };
        let details = json!({ "team": team, "description": description });
        let audit = entry(by, AuditAction::ServiceCreated, None, Some(name), details);
        self.store.create_service(&service, &audit).await??;
        Ok(service)
    }

    /// Returns every service.
    pub async fn services(&self, by: &Principal) -> Result<Vec<Service>> {
        self.authorize(by, Action::ReadGlobal).await?;
        self.store.services().await
    }

    /// Returns a service with the subjects it produces and consumes.
    pub async fn service(&self, by: &Principal, name: &str) -> Result<ServiceView> {
        self.authorize(by, Action::ReadGlobal).await?;
        let service = self
            .store
            .service(name)
            .await?
            .ok_or_else(|| Error::ServiceNotFound(name.to_string()))?;
        Ok(ServiceView {
            produces: self.store.produced_by(name).await?,
            consumes: self.store.consumed_by(name).await?,
            service,
        })
    }

    /// Replaces a service's team and description.
    pub async fn update_service(
        &self,
        by: &Principal,
        name: &str,
        team: &str,
        description: &str,
    ) -> Result<Service> {
        self.authorize(by, Action::Administer("change services"))
            .await?;
        let mut service = self.service(by, name).await?.service;
        service.team = team.to_string();
        service.description = description.to_string();
        let details = json!({ "team": team, "description": description });
        let audit = entry(by, AuditAction::ServiceUpdated, None, Some(name), details);
        self.store.update_service(&service, &audit).await??;
        Ok(service)
    }

    /// Deletes a service that produces no subject.
    pub async fn delete_service(&self, by: &Principal, name: &str) -> Result<()> {
        self.authorize(by, Action::Administer("delete services"))
            .await?;
        let audit = entry(by, AuditAction::ServiceDeleted, None, Some(name), json!({}));
        Ok(self.store.delete_service(name, &audit).await??)
    }

    /// Issues a credential for `service`; its secret is shown this once.
    pub async fn issue_credential(
        &self,
        by: &Principal,
        service: &str,
    ) -> Result<IssuedCredential> {
        self.authorize(by, Action::Administer("issue credentials"))
            .await?;
        let issued = issue()?;
        let credential = NewCredential {
            id: issued.id.clone(),
            service: service.to_string(),
            secret_hash: hash_secret(&issued.secret),
            created_at: now(),
        };
        let audit = entry(
            by,
            AuditAction::CredentialIssued,
            None,
            Some(service),
            json!({ "id": issued.id }),
        );
        self.store.create_credential(&credential, &audit).await??;
        Ok(issued)
    }

    /// Returns a service's credentials, without their secrets.
    pub async fn credentials(&self, by: &Principal, service: &str) -> Result<Vec<CredentialInfo>> {
        self.authorize(by, Action::Administer("list credentials"))
            .await?;
        self.service(by, service).await?;
        self.store.credentials(service).await
    }

    /// Revokes a credential of `service`.
    pub async fn revoke_credential(&self, by: &Principal, service: &str, id: &str) -> Result<()> {
        self.authorize(by, Action::Administer("revoke credentials"))
            .await?;
        let audit = entry(
            by,
            AuditAction::CredentialRevoked,
            None,
            Some(service),
            json!({ "id": id }),
        );
        Ok(self.store.revoke_credential(service, id, &audit).await??)
    }

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
        let details = json!({ "service": service });
        let audit = entry(
            by,
            AuditAction::ProducerAssigned,
            Some(subject.as_str()),
            Some(service),
            details,
        );
        Ok(self.store.set_producer(&producer, &audit).await??)
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
        let details = json!({ "service": service });
        let audit = entry(
            by,
            AuditAction::ConsumerGranted,
            Some(subject.as_str()),
            Some(service),
            details,
        );
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
        let details = json!({ "service": service });
        let audit = entry(
            by,
            AuditAction::ConsumerRevoked,
            Some(subject.as_str()),
            Some(service),
            details,
        );
        Ok(self
            .store
            .revoke_consumer(subject, service, &audit)
            .await??)
    }

    /// Returns a page of the audit log; `cursor` continues from an earlier page's `next`.
    pub async fn audit(
        &self,
        by: &Principal,
        mut query: AuditQuery,
        cursor: Option<&str>,
    ) -> Result<AuditPage> {
        let subject = query
            .subject
            .as_deref()
            .map(SubjectName::parse)
            .transpose()?;
        self.authorize(by, Action::ReadAudit(subject.as_ref()))
            .await?;
        if let Some(since) = &query.since {
            time::OffsetDateTime::parse(since, &time::format_description::well_known::Rfc3339)
                .map_err(|_| {
                    Error::BadRequest(format!("Invalid since '{since}': use an RFC 3339 time"))
                })?;
        }
        query.before_seq = cursor
            .map(|c| {
                c.parse::<i64>()
                    .map_err(|_| Error::BadRequest(format!("Invalid cursor '{c}'")))
            })
            .transpose()?;
        if !(1..=MAX_AUDIT_PAGE).contains(&query.limit) {
            return Err(Error::BadRequest(format!(
                "Invalid limit {}: use 1 to {MAX_AUDIT_PAGE}",
                query.limit
            )));
        }
        let entries = self.store.audit_records(&query).await?;
        let next = (entries.len() as i64 == query.limit)
            .then(|| entries.last().map(|e| e.seq.to_string()))
            .flatten();
        Ok(AuditPage { entries, next })
    }
}
