//! Impact: which consumer services a breaking change to a subject would break, with the teams
//! that own them and how to reach those teams.

use serde::Serialize;
use utoipa::ToSchema;

use super::Governance;
use crate::storage::Contact;
use crate::types::SubjectName;
use crate::Result;

/// A consumer service a breaking change would affect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Affected {
    pub service: String,
    pub team: String,
    pub contacts: Vec<Contact>,
}

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

/// Names the affected consumers and their owners in one sentence; empty when there are none.
pub fn sentence(affected: &[Affected]) -> String {
    if affected.is_empty() {
        return String::new();
    }
    let consumers: Vec<String> = affected
        .iter()
        .map(|a| {
            let contacts: Vec<String> = a
                .contacts
                .iter()
                .map(|c| format!("{} {}", c.kind, c.value))
                .collect();
            if contacts.is_empty() {
                format!("{} (team {})", a.service, a.team)
            } else {
                format!("{} (team {}: {})", a.service, a.team, contacts.join(", "))
            }
        })
        .collect();
    let noun = if affected.len() == 1 {
        "consumer"
    } else {
        "consumers"
    };
    format!(
        "This change would break {} {noun}: {}.",
        affected.len(),
        consumers.join("; ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sentence_names_each_consumer_its_team_and_contacts() {
        let affected = vec![
            Affected {
                service: "billing".to_string(),
                team: "payments".to_string(),
                contacts: vec![Contact {
                    kind: "email".to_string(),
                    value: "payments@example.com".to_string(),
                }],
            },
            Affected {
                service: "search".to_string(),
                team: "discovery".to_string(),
                contacts: vec![],
            },
        ];
        assert_eq!(
            sentence(&affected),
            "This change would break 2 consumers: billing (team payments: email \
             payments@example.com); search (team discovery)."
        );
        assert_eq!(sentence(&[]), "");
    }
}
