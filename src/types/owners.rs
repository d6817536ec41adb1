//! Who a contract change concerns: the consumers it would affect, the teams that own them and
//! how to reach those teams. Shared by governance (which finds them) and the error that names
//! them when a registration is refused.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A way to reach a team: `{"kind": "email", "value": "payments@example.com"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Contact {
    /// `email`, `chat`, `url` or `pager`.
    pub kind: String,
    pub value: String,
}

/// A consumer service a breaking change would affect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Affected {
    pub service: String,
    pub team: String,
    pub contacts: Vec<Contact>,
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
