//! Impact: which consumer services a breaking change to a subject would break, with the teams
//! that own them and how to reach those teams.

use super::Governance;
pub use crate::types::Affected;
use crate::types::SubjectName;
use crate::Result;

impl Governance {
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
}
