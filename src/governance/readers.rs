//! Who reads a stream, declared and observed: a subject's readers (every granted consumer,
//! seen or not, beside every service seen reading it), and the drift between the two lists
//! across all subjects (readers without a grant, granted consumers not seen for a while).
//!
//! The admin (or anyone, with authentication off) sees everything; a subject's producer sees
//! its subjects' rows; any other service sees its own rows. Reads by the admin are not listed,
//! and reads without a credential only counted.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;
use utoipa::ToSchema;

use super::{Governance, Principal};
use crate::storage::ObservedRead;
use crate::types::SubjectName;
use crate::{Error, Result};

/// One reader of a subject: declared (a granted consumer, or the producer), observed, or both.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReaderView {
    pub service: String,
    pub team: String,
    pub declared: bool,
    /// When it was granted, for a consumer.
    pub granted_at: Option<String>,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
    pub reads: i64,
    pub versions: Vec<i32>,
    pub ids: Vec<i32>,
    pub clients: Vec<String>,
}

/// The reads made without a credential, counted but never named.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct AnonymousReads {
    pub last_seen: Option<String>,
    pub reads: i64,
}

/// `GET /governance/subjects/{subject}/readers`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReadersView {
    pub subject: String,
    pub readers: Vec<ReaderView>,
    pub anonymous: AnonymousReads,
}

/// A service seen reading a subject it is not declared on.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UndeclaredReader {
    pub subject: String,
    pub service: String,
    pub team: String,
    pub last_seen: String,
    pub reads: i64,
}

/// A granted consumer not seen reading for the given number of days (or ever).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SilentConsumer {
    pub subject: String,
    pub service: String,
    pub team: String,
    pub granted_at: String,
    pub last_seen: Option<String>,
}

/// `GET /governance/drift`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Drift {
    pub undeclared: Vec<UndeclaredReader>,
    pub silent: Vec<SilentConsumer>,
}

/// The reader of observed reads made without a credential, and the admin's.
const ANONYMOUS: &str = "";
const ADMIN: &str = "admin";

/// What `by` may see of the readers of a subject produced by `producer`.
fn sees_all(by: &Principal, producer: Option<&str>) -> bool {
    match by {
        Principal::Open | Principal::Admin => true,
        Principal::Service(service) => producer == Some(service.as_str()),
        Principal::Nobody => false,
    }
}

fn sees_row(by: &Principal, producer: Option<&str>, service: &str) -> bool {
    sees_all(by, producer) || matches!(by, Principal::Service(s) if s == service)
}

fn needs_credential(by: &Principal) -> Result<()> {
    match by {
        Principal::Nobody => Err(Error::Unauthorized(
            "Seeing who reads a subject needs a credential".to_string(),
        )),
        _ => Ok(()),
    }
}

impl Governance {
    /// Returns the teams of every service, by service.
    async fn teams_by_service(&self) -> Result<HashMap<String, String>> {
        let services = self.store.services().await?;
        Ok(services.into_iter().map(|s| (s.name, s.team)).collect())
    }

    /// Returns the declared and observed readers of `subject`, as `by` may see them.
    pub async fn readers(&self, by: &Principal, subject: &SubjectName) -> Result<ReadersView> {
        needs_credential(by)?;
        self.flush_observations().await?;
        let producer = self.store.producer(subject).await?.map(|p| p.service);
        let producer = producer.as_deref();
        let grants = self.store.consumers(subject).await?;
        let observed = self.store.observed_reads(Some(subject.as_str())).await?;
        let teams = self.teams_by_service().await?;
        let mut readers: BTreeMap<String, ReaderView> = BTreeMap::new();
        let blank = |service: &str| ReaderView {
            service: service.to_string(),
            team: teams.get(service).cloned().unwrap_or_default(),
            declared: Some(service) == producer,
            granted_at: None,
            first_seen: None,
            last_seen: None,
            reads: 0,
            versions: Vec::new(),
            ids: Vec::new(),
            clients: Vec::new(),
        };
        for grant in grants {
            let reader = readers
                .entry(grant.service.clone())
                .or_insert_with(|| blank(&grant.service));
            reader.declared = true;
            reader.granted_at = Some(grant.granted_at);
        }
        let mut anonymous = AnonymousReads::default();
        for read in observed {
            match read.reader.as_str() {
                ANONYMOUS => {
                    anonymous.reads += read.reads;
                    anonymous.last_seen = Some(read.last_seen);
                }
                ADMIN => {}
                service => {
                    let reader = readers
                        .entry(service.to_string())
                        .or_insert_with(|| blank(service));
                    observe_into(reader, read);
                }
            }
        }
        let readers = readers
            .into_values()
            .filter(|reader| sees_row(by, producer, &reader.service))
            .collect();
        if !sees_all(by, producer) {
            anonymous = AnonymousReads::default();
        }
        Ok(ReadersView {
            subject: subject.to_string(),
            readers,
            anonymous,
        })
    }

    /// Returns the readers without a grant and the consumers not seen for `silent_days`
    /// days, across every subject, as `by` may see them.
    pub async fn drift(&self, by: &Principal, silent_days: u32) -> Result<Drift> {
        needs_credential(by)?;
        self.flush_observations().await?;
        let services = self.store.services().await?;
        let teams: HashMap<String, String> = services
            .iter()
            .map(|s| (s.name.clone(), s.team.clone()))
            .collect();
        let mut producers: HashMap<String, String> = HashMap::new();
        let mut granted: HashSet<(String, String)> = HashSet::new();
        for service in &services {
            for subject in self.store.produced_by(&service.name).await? {
                producers.insert(subject, service.name.clone());
            }
            for subject in self.store.consumed_by(&service.name).await? {
                granted.insert((subject, service.name.clone()));
            }
        }
        let observed = self.store.observed_reads(None).await?;
        let seen: HashMap<(&str, &str), &ObservedRead> = observed
            .iter()
            .map(|read| ((read.subject.as_str(), read.reader.as_str()), read))
            .collect();
        let team = |service: &str| teams.get(service).cloned().unwrap_or_default();
        let undeclared = observed
            .iter()
            .filter(|read| !matches!(read.reader.as_str(), ANONYMOUS | ADMIN))
            .filter(|read| !granted.contains(&(read.subject.clone(), read.reader.clone())))
            .filter(|read| producers.get(&read.subject) != Some(&read.reader))
            .filter(|read| {
                sees_row(
                    by,
                    producers.get(&read.subject).map(String::as_str),
                    &read.reader,
                )
            })
            .map(|read| UndeclaredReader {
                subject: read.subject.clone(),
                service: read.reader.clone(),
                team: team(&read.reader),
                last_seen: read.last_seen.clone(),
                reads: read.reads,
            })
            .collect();
        let cutoff = time::OffsetDateTime::now_utc() - time::Duration::days(silent_days.into());
        let mut silent = Vec::new();
        let mut granted: Vec<(String, String)> = granted.into_iter().collect();
        granted.sort();
        for (subject, service) in granted {
            let producer = producers.get(&subject).map(String::as_str);
            if !sees_row(by, producer, &service) {
                continue;
            }
            let last_seen = seen
                .get(&(subject.as_str(), service.as_str()))
                .map(|read| read.last_seen.clone());
            if last_seen.as_deref().is_some_and(|at| is_after(at, cutoff)) {
                continue;
            }
            let granted_at = self
                .store
                .consumers(&SubjectName::parse(&subject)?)
                .await?
                .into_iter()
                .find(|grant| grant.service == service)
                .map(|grant| grant.granted_at)
                .unwrap_or_default();
            silent.push(SilentConsumer {
                team: team(&service),
                subject,
                service,
                granted_at,
                last_seen,
            });
        }
        Ok(Drift { undeclared, silent })
    }
}

/// Returns true when the RFC 3339 time `at` is after `cutoff` (an unreadable time is not).
fn is_after(at: &str, cutoff: time::OffsetDateTime) -> bool {
    time::OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339)
        .is_ok_and(|at| at > cutoff)
}

fn observe_into(reader: &mut ReaderView, read: ObservedRead) {
    reader.first_seen = Some(read.first_seen);
    reader.last_seen = Some(read.last_seen);
    reader.reads = read.reads;
    reader.versions = read.versions;
    reader.ids = read.ids;
    reader.clients = read.clients;
}
