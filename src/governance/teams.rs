//! Teams and the services they own: creating, reading, changing and deleting them, each
//! authorized, validated, and recorded in the audit log with the change.

use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use super::{entry, Action, Governance, Principal};
use crate::storage::{AuditAction, Contact, Service, Team};
use crate::types::now;
use crate::{Error, Result};

/// The contact kinds a team may list.
const CONTACT_KINDS: [&str; 4] = ["email", "chat", "url", "pager"];

/// A service with the subjects it produces and consumes.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ServiceView {
    #[serde(flatten)]
    pub service: Service,
    pub produces: Vec<String>,
    pub consumes: Vec<String>,
    /// What the service was seen reading, by subject, whether granted or not: all of it for
    /// the admin and the service itself, the subjects it produces for another service.
    pub observed: Vec<ObservedReading>,
}

/// What a service was seen reading of one subject.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ObservedReading {
    pub subject: String,
    /// Whether the service consumes (is granted) or produces the subject.
    pub declared: bool,
    pub first_seen: String,
    pub last_seen: String,
    pub reads: i64,
    pub versions: Vec<i32>,
    pub ids: Vec<i32>,
    pub clients: Vec<String>,
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
        let produces = self.store.produced_by(name).await?;
        let consumes = self.store.consumed_by(name).await?;
        let visible: Option<Vec<String>> = match by {
            Principal::Open | Principal::Admin => None,
            Principal::Service(caller) if caller == name => None,
            Principal::Service(caller) => Some(self.store.produced_by(caller).await?),
            Principal::Nobody => Some(Vec::new()),
        };
        self.flush_observations().await?;
        let observed = self
            .store
            .reads_by(name)
            .await?
            .into_iter()
            .filter(|read| visible.as_ref().is_none_or(|v| v.contains(&read.subject)))
            .map(|read| ObservedReading {
                declared: produces.contains(&read.subject) || consumes.contains(&read.subject),
                subject: read.subject,
                first_seen: read.first_seen,
                last_seen: read.last_seen,
                reads: read.reads,
                versions: read.versions,
                ids: read.ids,
                clients: read.clients,
            })
            .collect();
        Ok(ServiceView {
            produces,
            consumes,
            observed,
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
        let mut service = self
            .store
            .service(name)
            .await?
            .ok_or_else(|| Error::ServiceNotFound(name.to_string()))?;
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
        let deleted = self.store.delete_service(name, &audit).await;
        self.verified.forget_all();
        Ok(deleted??)
    }
}
