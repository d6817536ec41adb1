//! Change events: every audit-log row, as a CloudEvents 1.0 document, delivered to webhook
//! subscriptions and read as a feed.
//!
//! The audit log is the outbox: a change and its row commit together, and the store queues the
//! row for every subscription in the same transaction (see `storage::WebhookStore`). `deliver.rs`
//! sends the queues in order, signed as Standard Webhooks sign, retrying with backoff; `feed.rs`
//! pages through the log and streams it as Server-Sent Events.

mod deliver;
mod feed;
mod sign;

use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

pub use deliver::is_forbidden_address;
pub use feed::{EventPage, FeedQuery};
pub use sign::{new_secret, signatures};

use crate::storage::{AuditRecord, Store};

/// The prefix of every event type: `dev.accord.schema.registered`.
pub const TYPE_PREFIX: &str = "dev.accord.";

/// How events are sourced and delivered.
#[derive(Debug, Clone)]
pub struct EventSettings {
    /// The registry's public URL: every event's `source`.
    pub source: String,
    /// Deliver to link-local and cloud metadata addresses too (refused unless set).
    pub allow_link_local: bool,
    /// The wait before the first retry of a failed delivery; each further one doubles it.
    pub first_retry: Duration,
    /// How long a receiver may take to answer.
    pub timeout: Duration,
    /// Deliveries in flight at once, across subscriptions.
    pub concurrency: usize,
    /// How often the queues are looked at.
    pub poll: Duration,
    /// How long an instance's claim on a subscription lasts unless renewed: how soon another
    /// instance takes over the deliveries of one that died. Longer than `timeout`.
    pub lease: Duration,
    /// Reads are enforced (`--read-access enforce`): a team's subscription hears only of the
    /// streams its services may read.
    pub enforce_reads: bool,
}

impl Default for EventSettings {
    fn default() -> Self {
        EventSettings {
            source: "http://localhost:8081".to_string(),
            allow_link_local: false,
            first_retry: Duration::from_secs(5),
            timeout: Duration::from_secs(5),
            concurrency: 8,
            poll: Duration::from_millis(200),
            lease: Duration::from_secs(30),
            enforce_reads: false,
        }
    }
}

/// A CloudEvents 1.0 event in its structured JSON form.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CloudEvent {
    pub specversion: &'static str,
    /// The audit-log sequence number: unique, and the same on every redelivery.
    pub id: String,
    pub source: String,
    /// `dev.accord.<noun>.<verb>`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The stream (subject) the change concerns.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    pub time: String,
    pub datacontenttype: &'static str,
    /// What changed and who changed it.
    #[schema(value_type = Object)]
    pub data: Value,
}

/// The event sourcing and delivery of one server.
pub struct Events {
    store: Arc<dyn Store>,
    settings: EventSettings,
}

impl Events {
    /// Starts delivering the store's queued events (so this must run inside a Tokio runtime).
    pub fn start(store: Arc<dyn Store>, settings: EventSettings) -> Arc<Events> {
        let events = Arc::new(Events { store, settings });
        deliver::spawn(&events);
        events
    }

    /// Returns the ids of the subscriptions whose deliveries were given up on, and of those
    /// failing now and being retried.
    pub async fn troubled(&self) -> crate::Result<(Vec<String>, Vec<String>)> {
        let webhooks = self.store.webhooks().await?;
        let ids = |keep: fn(&crate::storage::Webhook) -> bool| {
            webhooks
                .iter()
                .filter(|w| keep(w))
                .map(|w| w.id.clone())
                .collect()
        };
        Ok((ids(|w| w.failing), ids(|w| !w.failing && w.attempts > 0)))
    }

    /// Returns `record` as a CloudEvent.
    pub fn cloud_event(&self, record: &AuditRecord) -> CloudEvent {
        cloud_event(&self.settings.source, record)
    }
}

/// Returns `record` as a CloudEvent from `source`: `data` holds the record's details with who
/// made the change and what it concerns.
pub fn cloud_event(source: &str, record: &AuditRecord) -> CloudEvent {
    let mut data = match &record.details {
        Value::Object(details) => details.clone(),
        _ => Map::new(),
    };
    data.insert("principal".into(), record.principal.clone().into());
    if let Some(subject) = &record.subject {
        data.insert("subject".into(), subject.clone().into());
    }
    if let Some(version) = record.version {
        data.insert("version".into(), version.into());
    }
    if let Some(service) = &record.service {
        data.insert("service".into(), service.clone().into());
    }
    CloudEvent {
        specversion: "1.0",
        id: record.seq.to_string(),
        source: source.to_string(),
        kind: format!("{TYPE_PREFIX}{}", record.action),
        subject: record.subject.clone(),
        time: record.at.clone(),
        datacontenttype: "application/json",
        data: Value::Object(data),
    }
}

/// Returns true when `pattern` (`dev.accord.schema.registered`, `dev.accord.schema.*`, `*`)
/// takes events of type `kind`.
pub fn type_matches(pattern: &str, kind: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => kind.starts_with(prefix),
        None => pattern == kind,
    }
}

/// Returns true when `glob` (`orders-*`, `*-value`, `orders-value`; `*` stands for any text)
/// matches `subject`.
pub fn glob_matches(glob: &str, subject: &str) -> bool {
    let parts: Vec<&str> = glob.split('*').collect();
    let [first, middle @ .., last] = parts.as_slice() else {
        return glob == subject;
    };
    let Some(mut rest) = subject.strip_prefix(first) else {
        return false;
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_patterns_take_a_type_a_family_or_everything() {
        let kind = "dev.accord.schema.registered";
        assert!(type_matches(kind, kind));
        assert!(type_matches("dev.accord.schema.*", kind));
        assert!(type_matches("*", kind));
        assert!(!type_matches("dev.accord.subject.*", kind));
        assert!(!type_matches("dev.accord.schema", kind));
    }

    #[test]
    fn globs_match_any_text_for_each_star() {
        assert!(glob_matches("orders-*", "orders-value"));
        assert!(glob_matches("*-value", "orders-value"));
        assert!(glob_matches("o*s-v*e", "orders-value"));
        assert!(glob_matches("orders-value", "orders-value"));
        assert!(glob_matches("*", ""));
        assert!(!glob_matches("orders-*", "payments-value"));
        assert!(!glob_matches("*-key", "orders-value"));
        assert!(!glob_matches("a*a", "a"));
    }

    #[test]
    fn an_audit_row_becomes_a_cloud_event_with_who_and_what_in_its_data() {
        let record = AuditRecord {
            seq: 42,
            at: "2026-12-03T10:00:00Z".into(),
            principal: "orders".into(),
            action: "schema.registered".into(),
            subject: Some("orders-value".into()),
            version: Some(2),
            service: None,
            details: serde_json::json!({ "schemaType": "AVRO", "id": 7 }),
        };
        let event = cloud_event("https://registry.example.com", &record);
        let json = serde_json::to_value(&event).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "specversion": "1.0",
                "id": "42",
                "source": "https://registry.example.com",
                "type": "dev.accord.schema.registered",
                "subject": "orders-value",
                "time": "2026-12-03T10:00:00Z",
                "datacontenttype": "application/json",
                "data": {
                    "schemaType": "AVRO", "id": 7, "principal": "orders",
                    "subject": "orders-value", "version": 2
                }
            })
        );
    }
}
