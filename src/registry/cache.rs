//! The in-memory read cache: schemas by id, parsed schemas by id, and each subject's latest
//! version — the reads serializers make on every message they have not cached themselves —
//! and the stored compatibility settings and modes, which every registration consults.
//!
//! Coherence: every write bumps a generation counter before it invalidates, and a reader only
//! fills the cache if no write happened between its store read and its insert. So an entry is
//! never older than the last write that invalidated it.
//!
//! Across instances sharing a database, the store's change feed reports every other instance's
//! writes, and [`Cache::apply`] invalidates them like local ones. While the feed is down the
//! cache is suspended: it answers nothing and keeps nothing, so every read goes to the store
//! until the feed is back.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, Ordering};
use std::sync::{Arc, RwLock};

use crate::format::ParsedSchema;
use tokio::sync::broadcast::error::RecvError;

use crate::storage::{Change, ChangeFeed, ScopeSettings, StoredSchema, StoredVersion};
use crate::types::{context_of, SchemaId, DEFAULT_CONTEXT};

/// Where a setting applies: one subject, or everywhere (`None`).
type Scope = Option<String>;

/// A map guarded for many readers, filled only by readers that saw no write in between.
struct Shelf<K, V> {
    entries: RwLock<HashMap<K, Arc<V>>>,
    hits: metrics::Counter,
    misses: metrics::Counter,
}

impl<K, V> std::fmt::Debug for Shelf<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shelf").finish_non_exhaustive()
    }
}

impl<K: Eq + Hash, V> Shelf<K, V> {
    fn new(name: &'static str) -> Self {
        let lookups = |outcome: &'static str| metrics::counter!("accord_cache_lookups_total", "cache" => name, "outcome" => outcome);
        Shelf {
            entries: RwLock::new(HashMap::new()),
            hits: lookups("hit"),
            misses: lookups("miss"),
        }
    }

    fn get<Q>(&self, key: &Q) -> Option<Arc<V>>
    where
        K: std::borrow::Borrow<Q>,
        Q: Eq + Hash + ?Sized,
    {
        let found = self
            .entries
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(key)
            .cloned();
        match found {
            Some(_) => self.hits.increment(1),
            None => self.misses.increment(1),
        }
        found
    }

    fn insert_if(&self, still_current: impl FnOnce() -> bool, key: K, value: Arc<V>) {
        let mut entries = self
            .entries
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if still_current() {
            entries.insert(key, value);
        }
    }

    fn remove<Q>(&self, key: &Q)
    where
        K: std::borrow::Borrow<Q>,
        Q: Eq + Hash + ?Sized,
    {
        self.entries
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .remove(key);
    }

    fn clear(&self) {
        self.entries
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clear();
    }
}

/// The registry's read cache.
#[derive(Debug)]
pub struct Cache {
    generation: AtomicU64,
    /// False while other instances' changes may go unreported.
    is_coherent: AtomicBool,
    schemas: Shelf<SchemaId, StoredSchema>,
    parsed: Shelf<SchemaId, ParsedSchema>,
    latest: Shelf<String, StoredVersion>,
    /// What the store holds for each scope of settings.
    settings: Shelf<Scope, ScopeSettings>,
    /// Whether a subject outside the default context exists: [`CONTEXTS_UNKNOWN`],
    /// [`CONTEXTS_NONE`] or [`CONTEXTS_SOME`]. Contexts are never removed, so once some are
    /// known they stay known.
    contexts: AtomicU8,
}

const CONTEXTS_UNKNOWN: u8 = 0;
const CONTEXTS_NONE: u8 = 1;
const CONTEXTS_SOME: u8 = 2;

impl Default for Cache {
    fn default() -> Self {
        Cache {
            generation: AtomicU64::new(0),
            is_coherent: AtomicBool::new(true),
            schemas: Shelf::new("schema_by_id"),
            parsed: Shelf::new("parsed_schema"),
            latest: Shelf::new("latest_version"),
            settings: Shelf::new("settings"),
            contexts: AtomicU8::new(CONTEXTS_UNKNOWN),
        }
    }
}

impl Cache {
    /// Returns the current write generation; pass it back when filling the cache.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    fn is_current(&self, seen: u64) -> bool {
        self.generation.load(Ordering::SeqCst) == seen && self.is_coherent()
    }

    fn is_coherent(&self) -> bool {
        self.is_coherent.load(Ordering::SeqCst)
    }

    /// Returns the cached schema with `id`.
    pub fn schema(&self, id: SchemaId) -> Option<Arc<StoredSchema>> {
        if !self.is_coherent() {
            return None;
        }
        self.schemas.get(&id)
    }

    /// Caches a schema read from the store at generation `seen`.
    pub fn put_schema(&self, seen: u64, schema: Arc<StoredSchema>) {
        self.schemas
            .insert_if(|| self.is_current(seen), schema.id, schema);
    }

    /// Returns the cached parse of schema `id`. Parses never go stale: an id's content never
    /// changes.
    pub fn parsed(&self, id: SchemaId) -> Option<Arc<ParsedSchema>> {
        self.parsed.get(&id)
    }

    /// Caches the parse of schema `id`.
    pub fn put_parsed(&self, id: SchemaId, parsed: Arc<ParsedSchema>) {
        self.parsed.insert_if(|| true, id, parsed);
    }

    /// Returns the cached latest live version of `subject`.
    pub fn latest(&self, subject: &str) -> Option<Arc<StoredVersion>> {
        if !self.is_coherent() {
            return None;
        }
        self.latest.get(subject)
    }

    /// Caches the latest live version of a subject, read from the store at generation `seen`.
    pub fn put_latest(&self, seen: u64, version: Arc<StoredVersion>) {
        self.latest
            .insert_if(|| self.is_current(seen), version.subject.clone(), version);
    }

    /// Returns the cached settings of `scope`.
    pub fn settings(&self, scope: &Scope) -> Option<Arc<ScopeSettings>> {
        if !self.is_coherent() {
            return None;
        }
        self.settings.get(scope)
    }

    /// Caches the settings of `scope`, read from the store at generation `seen`.
    pub fn put_settings(&self, seen: u64, scope: Scope, settings: ScopeSettings) {
        self.settings
            .insert_if(|| self.is_current(seen), scope, Arc::new(settings));
    }

    /// Returns whether a subject outside the default context exists, when that is known.
    pub fn contexts_in_use(&self) -> Option<bool> {
        match self.contexts.load(Ordering::SeqCst) {
            CONTEXTS_SOME => Some(true),
            CONTEXTS_NONE if self.is_coherent() => Some(false),
            _ => None,
        }
    }

    /// Records whether a subject outside the default context exists, as the store said at
    /// generation `seen`.
    pub fn put_contexts_in_use(&self, seen: u64, in_use: bool) {
        if in_use {
            self.contexts.store(CONTEXTS_SOME, Ordering::SeqCst);
        } else if self.is_current(seen) {
            let _ = self.contexts.compare_exchange(
                CONTEXTS_UNKNOWN,
                CONTEXTS_NONE,
                Ordering::SeqCst,
                Ordering::SeqCst,
            );
        }
    }

    /// Forgets what is cached about `subject` (its latest version and settings) and about the
    /// schemas whose ids are given.
    pub fn invalidate(&self, subject: &str, schema_ids: &[SchemaId]) {
        if context_of(subject) != DEFAULT_CONTEXT {
            self.contexts.store(CONTEXTS_SOME, Ordering::SeqCst);
        }
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.latest.remove(subject);
        self.settings.remove(&Some(subject.to_string()));
        for id in schema_ids {
            self.schemas.remove(id);
        }
    }

    /// Forgets the cached settings of `scope`.
    pub fn invalidate_settings(&self, scope: Option<&str>) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.settings.remove(&scope.map(str::to_string));
    }

    /// Forgets everything that can change (parses cannot: an id's content never changes).
    pub fn clear(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        let _ = self.contexts.compare_exchange(
            CONTEXTS_NONE,
            CONTEXTS_UNKNOWN,
            Ordering::SeqCst,
            Ordering::SeqCst,
        );
        self.latest.clear();
        self.schemas.clear();
        self.settings.clear();
    }

    /// Applies a change that the store's feed reported.
    pub fn apply(&self, change: &Change) {
        match change {
            Change::Subject { subject, ids } => match subject {
                Some(subject) => self.invalidate(subject, ids),
                None => self.invalidate_settings(None),
            },
            Change::Governance => {}
            Change::All => self.clear(),
            Change::Lost => {
                self.is_coherent.store(false, Ordering::SeqCst);
                self.clear();
            }
            Change::Resumed => {
                self.clear();
                self.is_coherent.store(true, Ordering::SeqCst);
            }
        }
    }
}

/// Applies the changes `feed` reports to `cache` until the store is dropped.
pub fn follow(cache: Arc<Cache>, feed: ChangeFeed) {
    if !feed.is_live {
        cache.apply(&Change::Lost);
    }
    let mut receiver = feed.receiver;
    tokio::spawn(async move {
        loop {
            match receiver.recv().await {
                Ok(change) => cache.apply(&change),
                Err(RecvError::Lagged(_)) => cache.clear(),
                Err(RecvError::Closed) => return,
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{Mode, SchemaType, Version};

    fn version(subject: &str, n: i32) -> Arc<StoredVersion> {
        Arc::new(StoredVersion {
            subject: subject.to_string(),
            version: Version(n),
            is_deleted: false,
            schema: Arc::new(StoredSchema {
                id: SchemaId(n),
                fingerprint: format!("f{n}"),
                schema_type: SchemaType::Avro,
                schema: "\"string\"".to_string(),
                references: vec![],
                metadata: None,
                rule_set: None,
            }),
        })
    }

    #[test]
    fn a_read_that_raced_a_write_is_not_cached() {
        let cache = Cache::default();
        let seen = cache.generation();
        cache.invalidate("orders-value", &[]);
        cache.put_latest(seen, version("orders-value", 1));
        assert!(cache.latest("orders-value").is_none());
    }

    #[test]
    fn another_instances_change_invalidates_like_a_local_write() {
        let cache = Cache::default();
        cache.put_latest(cache.generation(), version("orders-value", 1));
        cache.put_schema(
            cache.generation(),
            version("orders-value", 1).schema.clone(),
        );
        cache.apply(&Change::Subject {
            subject: Some("orders-value".to_string()),
            ids: vec![SchemaId(1)],
        });
        assert!(cache.latest("orders-value").is_none());
        assert!(cache.schema(SchemaId(1)).is_none());
    }

    #[test]
    fn nothing_is_cached_while_the_feed_is_down() {
        let cache = Cache::default();
        cache.put_latest(cache.generation(), version("orders-value", 1));
        cache.apply(&Change::Lost);
        assert!(cache.latest("orders-value").is_none());
        cache.put_latest(cache.generation(), version("orders-value", 2));
        assert!(cache.latest("orders-value").is_none());

        cache.apply(&Change::Resumed);
        cache.put_latest(cache.generation(), version("orders-value", 3));
        assert_eq!(cache.latest("orders-value").unwrap().version, Version(3));
    }

    #[test]
    fn a_read_with_no_write_in_between_is_cached_until_invalidated() {
        let cache = Cache::default();
        let seen = cache.generation();
        cache.put_latest(seen, version("orders-value", 2));
        assert_eq!(cache.latest("orders-value").unwrap().version, Version(2));
        cache.invalidate("orders-value", &[]);
        assert!(cache.latest("orders-value").is_none());
    }

    #[test]
    fn a_change_of_settings_drops_only_the_settings_of_its_scope() {
        let cache = Cache::default();
        let orders = Some("orders-value".to_string());
        let readonly = ScopeSettings {
            mode: Some(Mode::Readonly),
            ..ScopeSettings::default()
        };
        let seen = cache.generation();
        cache.put_settings(seen, None, readonly);
        cache.put_settings(seen, orders.clone(), ScopeSettings::default());

        cache.apply(&Change::Subject {
            subject: None,
            ids: vec![],
        });
        assert!(cache.settings(&None).is_none());
        assert_eq!(*cache.settings(&orders).unwrap(), ScopeSettings::default());

        cache.invalidate_settings(Some("orders-value"));
        assert!(cache.settings(&orders).is_none());
    }
}
