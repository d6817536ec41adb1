//! Who a contract change concerns: the consumers it would affect, the teams that own them and
//! how to reach those teams. Shared by governance (which finds them) and the error that names
//! them when a registration is refused.

use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
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

/// A service seen reading a subject without being declared on it, which a breaking change
/// would reach as well.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Undeclared {
    pub service: String,
    pub team: String,
    pub contacts: Vec<Contact>,
    /// When it last read the subject (RFC 3339).
    pub last_seen: String,
}

/// Names the affected consumers and undeclared readers, and their owners, in one sentence;
/// empty when there are none. `now` is the time to say how long ago a reader last read.
pub fn sentence(affected: &[Affected], undeclared: &[Undeclared], now: OffsetDateTime) -> String {
    let readers: Vec<String> = undeclared
        .iter()
        .map(|u| {
            let ago = ago(&u.last_seen, now);
            format!("{} (team {}, last read {ago})", u.service, u.team)
        })
        .collect();
    let readers = match readers.len() {
        0 => None,
        1 => Some(format!("1 undeclared reader: {}", readers[0])),
        n => Some(format!("{n} undeclared readers: {}", readers.join("; "))),
    };
    let consumers = consumers(affected);
    match (consumers, readers) {
        (None, None) => String::new(),
        (Some(consumers), None) => format!("This change would break {consumers}."),
        (None, Some(readers)) => format!("This change would break {readers}."),
        (Some(consumers), Some(readers)) => {
            format!("This change would break {consumers}, and {readers}.")
        }
    }
}

/// Says how long before `now` the RFC 3339 time `at` was, in the largest whole unit.
fn ago(at: &str, now: OffsetDateTime) -> String {
    let Ok(at) = OffsetDateTime::parse(at, &Rfc3339) else {
        return format!("at {at}");
    };
    let seconds = (now - at).whole_seconds().max(0);
    let (n, unit) = match seconds {
        0..60 => return "just now".to_string(),
        60..3600 => (seconds / 60, "minute"),
        3600..86400 => (seconds / 3600, "hour"),
        _ => (seconds / 86400, "day"),
    };
    let plural = if n == 1 { "" } else { "s" };
    format!("{n} {unit}{plural} ago")
}

/// "2 consumers: a (team t: email x); b (team u)", or `None` for none.
fn consumers(affected: &[Affected]) -> Option<String> {
    if affected.is_empty() {
        return None;
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
    Some(format!(
        "{} {noun}: {}",
        affected.len(),
        consumers.join("; ")
    ))
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
        let now = OffsetDateTime::parse("2026-12-02T12:00:00Z", &Rfc3339).unwrap();
        assert_eq!(
            sentence(&affected, &[], now),
            "This change would break 2 consumers: billing (team payments: email \
             payments@example.com); search (team discovery)."
        );
        assert_eq!(sentence(&[], &[], now), "");
    }

    #[test]
    fn undeclared_readers_are_named_with_their_last_read() {
        let now = OffsetDateTime::parse("2026-12-02T12:00:00Z", &Rfc3339).unwrap();
        let reader = |service: &str, last_seen: &str| Undeclared {
            service: service.to_string(),
            team: "data".to_string(),
            contacts: vec![],
            last_seen: last_seen.to_string(),
        };
        let billing = Affected {
            service: "billing".to_string(),
            team: "payments".to_string(),
            contacts: vec![],
        };
        assert_eq!(
            sentence(
                &[billing],
                &[reader("analytics", "2026-12-02T10:00:00Z")],
                now
            ),
            "This change would break 1 consumer: billing (team payments), and 1 undeclared \
             reader: analytics (team data, last read 2 hours ago)."
        );
        let two = [
            reader("a", "2026-12-02T11:59:30Z"),
            reader("b", "2026-11-29T12:00:00Z"),
        ];
        assert_eq!(
            sentence(&[], &two, now),
            "This change would break 2 undeclared readers: a (team data, last read just now); \
             b (team data, last read 3 days ago)."
        );
    }
}
