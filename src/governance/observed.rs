//! Observed reads: who reads each subject, as the reads themselves show it.
//!
//! Every read of a schema is tallied in memory per (reader, subject) — the reader is the
//! authenticated service, `admin`, or empty for a read without a credential — and the tallies
//! are written to the store in one transaction every [`FLUSH_EVERY`] and at shutdown, so a read
//! costs no store round trip. A crash loses at most that interval of observations, never a
//! registration. A by-id read that names no subject is kept under the id alone and attributed,
//! when written, to every subject holding that id.
//!
//! Memory is bounded: at most [`MAX_PAIRS`] (reader, subject) pairs are tallied between two
//! writes (reads of further pairs are counted in `accord_observed_reads_dropped_total` and
//! otherwise dropped), and at most [`MAX_CLIENTS`] client names per pair.

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use crate::storage::{ObservedRead, Store};
use crate::types::SchemaId;
use crate::Result;

/// How often the tallies are written to the store.
pub const FLUSH_EVERY: Duration = Duration::from_secs(5);

/// The most (reader, subject) pairs tallied between two writes.
pub const MAX_PAIRS: usize = 10_000;

/// The most client names kept per pair between two writes.
pub const MAX_CLIENTS: usize = 8;

/// What one reader read of one subject since the last write.
struct Tally {
    first: SystemTime,
    last: SystemTime,
    reads: i64,
    versions: BTreeSet<i32>,
    ids: BTreeSet<i32>,
    clients: Vec<String>,
}

/// One read, as the layer that saw it reports it.
#[derive(Debug, Clone, Copy)]
pub struct Read<'a> {
    /// `None` for a by-id read that named no subject.
    pub subject: Option<&'a str>,
    pub version: Option<i32>,
    pub id: Option<SchemaId>,
    /// The client library, from `User-Agent` or `Confluent-Client-Version`.
    pub client: Option<&'a str>,
}

/// The tallies since the last write: by subject and reader, and — for by-id reads that named
/// no subject — by id and reader.
#[derive(Default)]
pub struct Observations {
    tallies: Mutex<Tallies>,
}

/// Maps looked up on every read: a fast hash, seeded per map; at most [`MAX_PAIRS`] keys.
type Fast<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

#[derive(Default)]
struct Tallies {
    by_subject: Fast<String, Fast<String, Tally>>,
    by_id: Fast<i32, Fast<String, Tally>>,
    pairs: usize,
}

impl Observations {
    /// Tallies one read by `reader`.
    pub fn observe(&self, reader: &str, read: Read<'_>) {
        let now = SystemTime::now();
        let mut tallies = self.tallies.lock().unwrap_or_else(|e| e.into_inner());
        let Tallies {
            by_subject,
            by_id,
            pairs,
        } = &mut *tallies;
        let tally = match (read.subject, read.id) {
            (Some(subject), _) => tally_of(by_subject, subject, reader, pairs, now),
            (None, Some(id)) => tally_of(by_id, &id.0, reader, pairs, now),
            (None, None) => return,
        };
        let Some(tally) = tally else {
            return dropped();
        };
        tally.last = now;
        tally.reads += 1;
        if let Some(version) = read.version {
            tally.versions.insert(version);
        }
        if let Some(id) = read.id {
            tally.ids.insert(id.0);
        }
        if let Some(client) = read.client {
            let known = tally.clients.iter().any(|c| c == client);
            if !known && tally.clients.len() < MAX_CLIENTS {
                tally.clients.push(client.to_string());
            }
        }
    }

    /// Writes the tallies to `store` and starts afresh; by-id reads that named no subject are
    /// attributed to every subject holding their id.
    pub async fn flush(&self, store: &dyn Store) -> Result<()> {
        let taken = std::mem::take(&mut *self.tallies.lock().unwrap_or_else(|e| e.into_inner()));
        if taken.pairs == 0 {
            return Ok(());
        }
        // One row per (reader, subject): a subject holding several of the ids read by id, or
        // also read by name, gets their tallies merged.
        let mut rows: BTreeMap<(String, String), ObservedRead> = BTreeMap::new();
        let mut add =
            |read: ObservedRead| match rows.entry((read.reader.clone(), read.subject.clone())) {
                Entry::Vacant(vacant) => {
                    vacant.insert(read);
                }
                Entry::Occupied(mut occupied) => merge(occupied.get_mut(), read),
            };
        for (subject, readers) in taken.by_subject {
            for (reader, tally) in readers {
                add(row(&reader, &subject, &tally));
            }
        }
        let ids: Vec<SchemaId> = taken.by_id.keys().map(|id| SchemaId(*id)).collect();
        // Each id's subjects, with the versions holding it there.
        let mut holders: HashMap<i32, BTreeMap<String, Vec<i32>>> = HashMap::new();
        for (id, usage) in store.usages_of(&ids).await? {
            let versions = holders.entry(id.0).or_default().entry(usage.subject);
            versions.or_default().push(usage.version.0);
        }
        for (id, readers) in taken.by_id {
            for (reader, tally) in readers {
                for (subject, versions) in holders.get(&id).into_iter().flatten() {
                    let mut read = row(&reader, subject, &tally);
                    read.versions = versions.clone();
                    add(read);
                }
            }
        }
        let reads: Vec<ObservedRead> = rows.into_values().collect();
        store.record_reads(&reads).await
    }
}

/// Adds `other`'s tally of the same reader and subject to `read`.
fn merge(read: &mut ObservedRead, other: ObservedRead) {
    read.first_seen = read.first_seen.clone().min(other.first_seen);
    read.last_seen = read.last_seen.clone().max(other.last_seen);
    read.reads += other.reads;
    for (mine, theirs) in [
        (&mut read.versions, other.versions),
        (&mut read.ids, other.ids),
    ] {
        mine.extend(theirs);
        mine.sort_unstable();
        mine.dedup();
    }
    for client in other.clients {
        if !read.clients.contains(&client) && read.clients.len() < MAX_CLIENTS {
            read.clients.push(client);
        }
    }
}

/// Returns the tally of `reader` under `key` in `map`, made when new unless [`MAX_PAIRS`]
/// are tallied already.
fn tally_of<'m, K, Q>(
    map: &'m mut Fast<K, Fast<String, Tally>>,
    key: &Q,
    reader: &str,
    pairs: &mut usize,
    now: SystemTime,
) -> Option<&'m mut Tally>
where
    K: std::borrow::Borrow<Q> + std::hash::Hash + Eq,
    Q: ToOwned<Owned = K> + std::hash::Hash + Eq + ?Sized,
{
    let full = *pairs >= MAX_PAIRS;
    if !map.contains_key(key) {
        if full {
            return None;
        }
        map.insert(key.to_owned(), Fast::default());
    }
    let readers = map.get_mut(key)?;
    if !readers.contains_key(reader) {
        if full {
            return None;
        }
        *pairs += 1;
        readers.insert(
            reader.to_string(),
            Tally {
                first: now,
                last: now,
                reads: 0,
                versions: BTreeSet::new(),
                ids: BTreeSet::new(),
                clients: Vec::new(),
            },
        );
    }
    readers.get_mut(reader)
}

fn dropped() {
    metrics::counter!("accord_observed_reads_dropped_total").increment(1);
}

fn row(reader: &str, subject: &str, tally: &Tally) -> ObservedRead {
    ObservedRead {
        reader: reader.to_string(),
        subject: subject.to_string(),
        first_seen: timestamp(tally.first),
        last_seen: timestamp(tally.last),
        reads: tally.reads,
        versions: tally.versions.iter().copied().collect(),
        ids: tally.ids.iter().copied().collect(),
        clients: tally.clients.clone(),
    }
}

fn timestamp(at: SystemTime) -> String {
    time::OffsetDateTime::from(at)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".to_string())
}

/// Writes `observations` to `store` every [`FLUSH_EVERY`] until the store is dropped elsewhere.
pub fn flush_periodically(observations: Arc<Observations>, store: Arc<dyn Store>) {
    let store = Arc::downgrade(&store);
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(FLUSH_EVERY);
        ticks.tick().await;
        loop {
            ticks.tick().await;
            let Some(store) = store.upgrade() else { return };
            if let Err(err) = observations.flush(store.as_ref()).await {
                tracing::warn!(error = %err, "observed reads could not be written; dropped");
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flood_of_distinct_reads_tallies_at_most_max_pairs() {
        let observations = Observations::default();
        for i in 0..2 * MAX_PAIRS {
            let subject = format!("s-{i}");
            let read = Read {
                subject: Some(&subject),
                version: Some(1),
                id: Some(SchemaId(1)),
                client: Some("flood"),
            };
            observations.observe("", read);
            observations.observe(
                "",
                Read {
                    subject: None,
                    ..read
                },
            );
        }
        let tallies = observations.tallies.lock().unwrap();
        let kept: usize = tallies.by_subject.values().map(|r| r.len()).sum();
        assert_eq!(tallies.pairs, MAX_PAIRS);
        assert_eq!(
            kept + tallies.by_id.values().map(|r| r.len()).sum::<usize>(),
            MAX_PAIRS
        );
    }
}
