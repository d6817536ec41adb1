//! Service credentials verified before, kept in memory by the hash of their secret, so that a
//! request carrying one is authenticated without a store round trip; and, under enforced reads,
//! the subjects and schemas a service was found allowed to read, so that its next read of one
//! is authorized without one either.
//!
//! Only credentials the store has just confirmed are kept, and each for at most
//! [`FRESH_FOR`], when its use is recorded again; only what allows a read is kept, so a grant
//! added later is found by asking the store. Revoking a credential or a grant, replacing a
//! producer or deleting a service forgets them all, and deleting a version the read
//! permissions, at once; on another instance sharing PostgreSQL, any governance change forgets
//! them all and any subject change the read permissions when its notification arrives. While
//! that feed is down, nothing
//! is trusted from memory and every credential is verified against the store, as the registry's
//! cache stops serving then too.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use tokio::sync::broadcast::error::RecvError;

use crate::storage::{Change, ChangeFeed, CredentialInfo};

/// How long a verified credential is trusted before the store is asked again (which also
/// records its use, at most about once a minute).
pub const FRESH_FOR: Duration = Duration::from_secs(60);

/// The most read permissions kept per service, and the most services kept; past either, they
/// are forgotten and found again.
const MAX_READS: usize = 10_000;
const MAX_SERVICES: usize = 10_000;

/// What a read permission is for: a subject, or a schema by id (readable through a subject).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Readable<'a> {
    Subject(&'a str),
    Schema(i32),
}

/// What the store allowed one service to read.
#[derive(Default)]
struct Allowed {
    subjects: HashSet<String>,
    schemas: HashSet<i32>,
}

/// A credential the store confirmed.
struct Known {
    service: String,
    confirmed: Instant,
}

/// The verified credentials of one instance.
pub struct Verified {
    known: RwLock<HashMap<String, Known>>,
    /// The reads the store allowed, by service.
    reads: RwLock<HashMap<String, Allowed>>,
    /// Counts the times everything was forgotten, so that a confirmation that raced a change
    /// is not kept.
    generation: AtomicU64,
    /// False while changes other instances commit might go unreported.
    is_trusted: AtomicBool,
}

impl Verified {
    /// An empty set; `is_trusted` says whether the changes of other instances are followed.
    pub fn new(is_trusted: bool) -> Self {
        Verified {
            known: RwLock::default(),
            reads: RwLock::default(),
            generation: AtomicU64::new(0),
            is_trusted: AtomicBool::new(is_trusted),
        }
    }

    /// Returns the service whose credential hashes to `hash`, if it was confirmed recently and
    /// belongs to `user` (when the request names one).
    pub fn service(&self, hash: &str, user: Option<&str>) -> Option<String> {
        if !self.is_trusted.load(Ordering::Acquire) {
            return None;
        }
        let known = self.known.read().unwrap_or_else(|e| e.into_inner());
        let credential = known.get(hash)?;
        let fresh = credential.confirmed.elapsed() < FRESH_FOR;
        let owned = user.is_none_or(|user| user == credential.service);
        (fresh && owned).then(|| credential.service.clone())
    }

    /// Returns the current generation, to pass to [`Verified::remember`] after asking the store.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Keeps `credential`, which the store confirmed under `generation`, unless something
    /// changed since.
    pub fn remember(&self, generation: u64, hash: String, credential: &CredentialInfo) {
        let mut known = self.known.write().unwrap_or_else(|e| e.into_inner());
        if self.generation() != generation {
            return;
        }
        let confirmed = Instant::now();
        let service = credential.service.clone();
        known.insert(hash, Known { service, confirmed });
    }

    /// Returns true when `service` was found allowed to read `what` and nothing changed since.
    pub fn may_read(&self, service: &str, what: Readable<'_>) -> bool {
        if !self.is_trusted.load(Ordering::Acquire) {
            return false;
        }
        let reads = self.reads.read().unwrap_or_else(|e| e.into_inner());
        reads.get(service).is_some_and(|allowed| match what {
            Readable::Subject(subject) => allowed.subjects.contains(subject),
            Readable::Schema(id) => allowed.schemas.contains(&id),
        })
    }

    /// Keeps that `service` may read `what`, as the store said under `generation`, unless
    /// something changed since.
    pub fn remember_read(&self, generation: u64, service: &str, what: Readable<'_>) {
        let mut reads = self.reads.write().unwrap_or_else(|e| e.into_inner());
        if self.generation() != generation {
            return;
        }
        if reads.len() >= MAX_SERVICES {
            reads.clear();
        }
        let allowed = reads.entry(service.to_string()).or_default();
        if allowed.subjects.len() + allowed.schemas.len() >= MAX_READS {
            *allowed = Allowed::default();
        }
        match what {
            Readable::Subject(subject) => allowed.subjects.insert(subject.to_string()),
            Readable::Schema(id) => allowed.schemas.insert(id),
        };
    }

    /// Forgets every read permission: after a change to a subject, which may take one away.
    pub fn forget_reads(&self) {
        let mut reads = self.reads.write().unwrap_or_else(|e| e.into_inner());
        self.generation.fetch_add(1, Ordering::AcqRel);
        reads.clear();
    }

    /// Forgets every credential and every read permission.
    pub fn forget_all(&self) {
        let mut known = self.known.write().unwrap_or_else(|e| e.into_inner());
        let mut reads = self.reads.write().unwrap_or_else(|e| e.into_inner());
        self.generation.fetch_add(1, Ordering::AcqRel);
        known.clear();
        reads.clear();
    }

    /// Follows a change another instance committed.
    fn apply(&self, change: &Change) {
        match change {
            Change::Subject { .. } => self.forget_reads(),
            Change::Governance | Change::All => self.forget_all(),
            Change::Lost => {
                self.is_trusted.store(false, Ordering::Release);
                self.forget_all();
            }
            Change::Resumed => {
                self.forget_all();
                self.is_trusted.store(true, Ordering::Release);
            }
        }
    }
}

/// Applies the changes `feed` reports to `verified` until the store is dropped.
pub fn follow(verified: Arc<Verified>, feed: ChangeFeed) {
    if !feed.is_live {
        verified.apply(&Change::Lost);
    }
    let mut receiver = feed.receiver;
    tokio::spawn(async move {
        loop {
            match receiver.recv().await {
                Ok(change) => verified.apply(&change),
                Err(RecvError::Lagged(_)) => verified.forget_all(),
                Err(RecvError::Closed) => return,
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn credential(service: &str) -> CredentialInfo {
        CredentialInfo {
            id: "c1".to_string(),
            service: service.to_string(),
            created_at: String::new(),
            last_used_at: None,
            revoked_at: None,
        }
    }

    #[test]
    fn a_confirmed_credential_is_known_to_its_own_service_only() {
        let verified = Verified::new(true);
        verified.remember(verified.generation(), "h".into(), &credential("billing"));
        assert_eq!(verified.service("h", None).as_deref(), Some("billing"));
        assert_eq!(
            verified.service("h", Some("billing")).as_deref(),
            Some("billing")
        );
        assert_eq!(verified.service("h", Some("orders")), None);
        assert_eq!(verified.service("other", None), None);
    }

    #[test]
    fn a_confirmation_that_raced_a_change_is_not_kept() {
        let verified = Verified::new(true);
        let seen = verified.generation();
        verified.forget_all();
        verified.remember(seen, "h".into(), &credential("billing"));
        assert_eq!(verified.service("h", None), None);
    }

    #[test]
    fn changes_elsewhere_forget_everything_and_a_lost_feed_trusts_nothing() {
        let verified = Verified::new(true);
        verified.remember(verified.generation(), "h".into(), &credential("billing"));
        verified.apply(&Change::Governance);
        assert_eq!(verified.service("h", None), None);

        verified.apply(&Change::Lost);
        verified.remember(verified.generation(), "h".into(), &credential("billing"));
        assert_eq!(verified.service("h", None), None);
        verified.apply(&Change::Resumed);
        verified.remember(verified.generation(), "h".into(), &credential("billing"));
        assert_eq!(verified.service("h", None).as_deref(), Some("billing"));
    }
}
