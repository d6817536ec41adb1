//! Impact: which consumer services a breaking change to a subject would break, with the teams
//! that own them and how to reach those teams — the declared consumers, and the services seen
//! reading the subject without being declared on it.

use super::Governance;
use crate::types::SubjectName;
pub use crate::types::{Affected, Undeclared};
use crate::Result;

impl Governance {
    /// Records that `caller`'s registration in `subject` was refused as incompatible, so that
    /// the consumers it would have broken hear that someone tried.
    pub async fn record_refusal(
        &self,
        caller: &super::Principal,
        subject: &SubjectName,
        messages: &[String],
        affected: &[Affected],
    ) -> Result<()> {
        let services: Vec<&str> = affected.iter().map(|a| a.service.as_str()).collect();
        let details = serde_json::json!({ "messages": messages, "affected": services });
        let audit = super::entry(
            caller,
            crate::storage::AuditAction::SchemaRefused,
            Some(subject.as_str()),
            None,
            details,
        );
        self.store.record(&audit).await
    }

    /// Returns the consumers of `subject`, with their owning teams and contacts.
    pub async fn affected(&self, subject: &SubjectName) -> Result<Vec<Affected>> {
        let mut affected = Vec::new();
        for grant in self.store.consumers(subject).await? {
            let Some(service) = self.store.service(&grant.service).await? else {
                continue;
            };
            let contacts = match self.store.team(&service.team).await? {
                Some(team) => team.contacts,
                None => Vec::new(),
            };
            affected.push(Affected {
                service: service.name,
                team: service.team,
                contacts,
            });
        }
        Ok(affected)
    }

    /// Returns the services seen reading `subject` that are neither its producer nor granted
    /// on it, with their teams, contacts and last read. Reads without a credential and the
    /// admin's are never named.
    pub async fn undeclared(&self, subject: &SubjectName) -> Result<Vec<Undeclared>> {
        self.flush_observations().await?;
        let producer = self.store.producer(subject).await?.map(|p| p.service);
        let granted = self.store.consumers(subject).await?;
        let mut undeclared = Vec::new();
        for read in self.store.observed_reads(Some(subject.as_str())).await? {
            let is_declared = producer.as_deref() == Some(read.reader.as_str())
                || granted.iter().any(|grant| grant.service == read.reader);
            if is_declared || read.reader.is_empty() || read.reader == "admin" {
                continue;
            }
            let Some(service) = self.store.service(&read.reader).await? else {
                continue;
            };
            let contacts = match self.store.team(&service.team).await? {
                Some(team) => team.contacts,
                None => Vec::new(),
            };
            undeclared.push(Undeclared {
                service: service.name,
                team: service.team,
                contacts,
                last_seen: read.last_seen,
            });
        }
        Ok(undeclared)
    }
}
