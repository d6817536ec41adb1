//! The live feed: the events after a given one, as pages, or followed as Server-Sent Events
//! that resume from `Last-Event-ID`.
//!
//! A caller sees what it may know of: everything for the admin (and with authentication off); a
//! service sees the events of the subjects it may read and those about itself.

use std::collections::{BTreeSet, VecDeque};
use std::convert::Infallible;
use std::sync::Arc;

use axum::response::sse::Event as SseEvent;
use futures_util::stream::{self, Stream};
use serde::Serialize;
use utoipa::ToSchema;

use super::{CloudEvent, Events, TYPE_PREFIX};
use crate::governance::{Action, Governance, Principal};
use crate::storage::AuditRecord;
use crate::{Error, Result};

/// The most events in one page.
pub const MAX_PAGE: i64 = 500;

/// How far back a stream looks again for events that committed after later ones (on
/// PostgreSQL, sequence numbers are taken before commit), so that it sends them too.
const LOOK_BACK: i64 = 100;

/// Which events to return.
#[derive(Debug, Clone, Default)]
pub struct FeedQuery {
    /// Only events after this one (its `id`).
    pub after: i64,
    pub subject: Option<String>,
    /// Only events of this type (`dev.accord.schema.registered`).
    pub kind: Option<String>,
    pub limit: i64,
}

/// A page of events, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventPage {
    pub events: Vec<CloudEvent>,
    /// The id to ask for events after, for the next page.
    pub next: i64,
}

impl Events {
    /// Returns the events `query` selects that `caller` may see.
    pub async fn page(
        &self,
        governance: &Governance,
        caller: &Principal,
        query: &FeedQuery,
    ) -> Result<EventPage> {
        admit(governance, caller).await?;
        let records = self.records(query, query.after).await?;
        let next = records.last().map_or(query.after, |r| r.seq);
        let visible = visible(governance, caller, records).await?;
        Ok(EventPage {
            events: visible.iter().map(|r| self.cloud_event(r)).collect(),
            next,
        })
    }

    /// Follows the events `query` selects that `caller` may see, from `query.after` on, as
    /// Server-Sent Events whose ids are the events' ids.
    pub async fn follow(
        self: Arc<Self>,
        governance: Arc<Governance>,
        caller: Principal,
        query: FeedQuery,
    ) -> Result<impl Stream<Item = std::result::Result<SseEvent, Infallible>>> {
        admit(&governance, &caller).await?;
        let state = Following {
            events: self,
            governance,
            caller,
            query: FeedQuery {
                limit: MAX_PAGE,
                ..query
            },
            sent: BTreeSet::new(),
            ready: VecDeque::new(),
        };
        Ok(stream::unfold(state, |mut state| async move {
            loop {
                if let Some(event) = state.ready.pop_front() {
                    return Some((Ok(event), state));
                }
                if let Err(err) = state.fill().await {
                    tracing::warn!(error = %err, "the event feed could not be read");
                }
                if state.ready.is_empty() {
                    tokio::time::sleep(state.events.settings.poll).await;
                }
            }
        }))
    }

    async fn records(&self, query: &FeedQuery, after: i64) -> Result<Vec<AuditRecord>> {
        let action = query
            .kind
            .as_deref()
            .map(|kind| kind.strip_prefix(TYPE_PREFIX).unwrap_or(kind));
        let limit = query.limit.clamp(1, MAX_PAGE);
        self.store
            .events_after(after, query.subject.as_deref(), action, limit)
            .await
    }
}

/// A stream's place: what it sent lately, and what it is about to send.
struct Following {
    events: Arc<Events>,
    governance: Arc<Governance>,
    caller: Principal,
    query: FeedQuery,
    /// The ids sent from [`LOOK_BACK`] before the highest on.
    sent: BTreeSet<i64>,
    ready: VecDeque<SseEvent>,
}

impl Following {
    /// Reads the events not sent yet into `ready`.
    async fn fill(&mut self) -> Result<()> {
        let highest = self.sent.last().copied().unwrap_or(self.query.after);
        let from = match self.sent.is_empty() {
            true => self.query.after,
            false => (highest - LOOK_BACK).max(self.query.after),
        };
        let records = self.events.records(&self.query, from).await?;
        let fresh: Vec<AuditRecord> = records
            .into_iter()
            .filter(|r| !self.sent.contains(&r.seq))
            .collect();
        for record in &fresh {
            self.sent.insert(record.seq);
        }
        let highest = self.sent.last().copied().unwrap_or(0);
        self.sent = self.sent.split_off(&(highest - LOOK_BACK));
        for record in visible(&self.governance, &self.caller, fresh).await? {
            let event = self.events.cloud_event(&record);
            let data = serde_json::to_string(&event).unwrap_or_default();
            self.ready.push_back(
                SseEvent::default()
                    .id(event.id.clone())
                    .event(event.kind.clone())
                    .data(data),
            );
        }
        Ok(())
    }
}

/// Refuses the feed to a caller without a credential when authentication is on.
async fn admit(governance: &Governance, caller: &Principal) -> Result<()> {
    match caller {
        Principal::Nobody => {
            governance
                .authorize(caller, Action::Administer("read the event feed"))
                .await
        }
        _ => Ok(()),
    }
}

/// Keeps the records `caller` may see.
async fn visible(
    governance: &Governance,
    caller: &Principal,
    records: Vec<AuditRecord>,
) -> Result<Vec<AuditRecord>> {
    let service = match caller {
        Principal::Open | Principal::Admin => return Ok(records),
        Principal::Service(service) => service.clone(),
        Principal::Nobody => return Err(Error::Unauthorized("Authentication required".into())),
    };
    let subjects: Vec<String> = records.iter().filter_map(|r| r.subject.clone()).collect();
    let readable: BTreeSet<String> = governance
        .readable(caller, subjects)
        .await?
        .into_iter()
        .collect();
    Ok(records
        .into_iter()
        .filter(|r| match &r.subject {
            Some(subject) => readable.contains(subject),
            None => r.service.as_deref() == Some(service.as_str()) || r.principal == service,
        })
        .collect())
}
