//! Observed reads in the store: the in-memory tallies of `governance::observed`, merged into
//! one row per (reader, subject) and one row per detail (a version, an id or a client read),
//! with SQL both databases share.

use std::collections::BTreeMap;

use async_trait::async_trait;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Row, Type};

use super::backend::{Args, Conn};
use super::SqlStore;
use crate::storage::reads::{placeholders, MAX_BOUND};
use crate::Result;

/// What one reader read of one subject: in one interval when recorded, in all when read back.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ObservedRead {
    /// A service's name, `admin` for the admin, or empty for reads without a credential.
    pub reader: String,
    pub subject: String,
    pub first_seen: String,
    pub last_seen: String,
    pub reads: i64,
    pub versions: Vec<i32>,
    pub ids: Vec<i32>,
    pub clients: Vec<String>,
}

/// Where observed reads are kept.
#[async_trait]
pub trait ObservationStore: Send + Sync {
    /// Adds `reads` to what is stored, in one transaction: counts add up, the last time seen
    /// is the latest, details are kept once each.
    async fn record_reads(&self, reads: &[ObservedRead]) -> Result<()>;
    /// Returns the observed reads of `subject`, or of every subject, by subject then reader.
    async fn observed_reads(&self, subject: Option<&str>) -> Result<Vec<ObservedRead>>;
    /// Returns what `reader` was observed reading, by subject.
    async fn reads_by(&self, reader: &str) -> Result<Vec<ObservedRead>>;
}

/// Adds one row's counts per (reader, subject); the `VALUES` rows follow.
const UPSERT_HEAD: &str =
    "INSERT INTO observed_reads (reader, subject, first_seen, last_seen, reads) VALUES ";
const UPSERT_TAIL: &str = " ON CONFLICT (reader, subject) DO UPDATE SET \
     reads = observed_reads.reads + excluded.reads, \
     last_seen = CASE WHEN excluded.last_seen > observed_reads.last_seen \
     THEN excluded.last_seen ELSE observed_reads.last_seen END";

/// Keeps each detail once; the `VALUES` rows follow.
const DETAIL_HEAD: &str =
    "INSERT INTO observed_read_details (reader, subject, kind, value) VALUES ";
const DETAIL_TAIL: &str = " ON CONFLICT DO NOTHING";

/// Returns `count` rows of `width` numbered placeholders each: `($1, $2), ($3, $4)`.
fn value_rows(count: usize, width: usize) -> String {
    (0..count)
        .map(|row| format!("({})", placeholders(row * width + 1, width)))
        .collect::<Vec<_>>()
        .join(", ")
}

#[async_trait]
impl<S> ObservationStore for S
where
    S: SqlStore,
    for<'c> &'c mut Conn<S>: Executor<'c, Database = S::Db>,
    for<'c> &'c sqlx::Pool<S::Db>: Executor<'c, Database = S::Db>,
    for<'q> Args<'q, S::Db>: IntoArguments<'q, S::Db>,
    for<'q> &'q str: Encode<'q, S::Db> + Type<S::Db>,
    for<'q> i64: Encode<'q, S::Db> + Decode<'q, S::Db> + Type<S::Db>,
    for<'r> String: Decode<'r, S::Db> + Type<S::Db>,
    for<'n> &'n str: ColumnIndex<<S::Db as Database>::Row>,
{
    async fn record_reads(&self, reads: &[ObservedRead]) -> Result<()> {
        if reads.is_empty() {
            return Ok(());
        }
        let mut tx = self.begin_write().await?;
        // A few statements of many rows each, not one per row: `reads` has one row per
        // (reader, subject), as one statement's upsert needs.
        for chunk in reads.chunks(MAX_BOUND / 5) {
            let sql = format!("{UPSERT_HEAD}{}{UPSERT_TAIL}", value_rows(chunk.len(), 5));
            let mut query = sqlx::query(&sql);
            for read in chunk {
                query = query
                    .bind(read.reader.as_str())
                    .bind(read.subject.as_str())
                    .bind(read.first_seen.as_str())
                    .bind(read.last_seen.as_str())
                    .bind(read.reads);
            }
            query.execute(tx.as_mut()).await?;
        }
        let mut details = Vec::new();
        for read in reads {
            let versions = read.versions.iter().map(|v| ("version", v.to_string()));
            let ids = read.ids.iter().map(|id| ("id", id.to_string()));
            let clients = read.clients.iter().map(|c| ("client", c.clone()));
            for (kind, value) in versions.chain(ids).chain(clients) {
                details.push((read.reader.as_str(), read.subject.as_str(), kind, value));
            }
        }
        for chunk in details.chunks(MAX_BOUND / 4) {
            let sql = format!("{DETAIL_HEAD}{}{DETAIL_TAIL}", value_rows(chunk.len(), 4));
            let mut query = sqlx::query(&sql);
            for (reader, subject, kind, value) in chunk {
                query = query
                    .bind(*reader)
                    .bind(*subject)
                    .bind(*kind)
                    .bind(value.as_str());
            }
            query.execute(tx.as_mut()).await?;
        }
        S::commit_unaudited(tx).await
    }

    async fn observed_reads(&self, subject: Option<&str>) -> Result<Vec<ObservedRead>> {
        select_reads(self, subject.map(|subject| ("subject", subject))).await
    }

    async fn reads_by(&self, reader: &str) -> Result<Vec<ObservedRead>> {
        select_reads(self, Some(("reader", reader))).await
    }
}

/// Returns the observed reads whose `column` (`subject` or `reader`) has the value given, or
/// all of them, by subject then reader.
async fn select_reads<S>(store: &S, only: Option<(&str, &str)>) -> Result<Vec<ObservedRead>>
where
    S: SqlStore,
    for<'c> &'c sqlx::Pool<S::Db>: Executor<'c, Database = S::Db>,
    for<'q> Args<'q, S::Db>: IntoArguments<'q, S::Db>,
    for<'q> &'q str: Encode<'q, S::Db> + Type<S::Db>,
    for<'q> i64: Encode<'q, S::Db> + Decode<'q, S::Db> + Type<S::Db>,
    for<'r> String: Decode<'r, S::Db> + Type<S::Db>,
    for<'n> &'n str: ColumnIndex<<S::Db as Database>::Row>,
{
    let filter = match only {
        Some((column, _)) => format!(" WHERE {column} = $1"),
        None => String::new(),
    };
    let value = only.map(|(_, value)| value);
    let rows_sql =
        format!("SELECT reader, subject, first_seen, last_seen, reads FROM observed_reads{filter}");
    let details_sql =
        format!("SELECT reader, subject, kind, value FROM observed_read_details{filter}");
    let mut rows = sqlx::query(&rows_sql);
    let mut details = sqlx::query(&details_sql);
    if let Some(value) = value {
        rows = rows.bind(value);
        details = details.bind(value);
    }
    let mut reads = BTreeMap::new();
    for row in rows.fetch_all(store.pool()).await? {
        let read = ObservedRead {
            reader: row.try_get("reader")?,
            subject: row.try_get("subject")?,
            first_seen: row.try_get("first_seen")?,
            last_seen: row.try_get("last_seen")?,
            reads: row.try_get("reads")?,
            ..ObservedRead::default()
        };
        reads.insert((read.subject.clone(), read.reader.clone()), read);
    }
    for row in details.fetch_all(store.pool()).await? {
        let key: (String, String) = (row.try_get("subject")?, row.try_get("reader")?);
        let kind: String = row.try_get("kind")?;
        let value: String = row.try_get("value")?;
        let Some(read) = reads.get_mut(&key) else {
            continue;
        };
        match kind.as_str() {
            "version" => read.versions.extend(value.parse::<i32>().ok()),
            "id" => read.ids.extend(value.parse::<i32>().ok()),
            _ => read.clients.push(value),
        }
    }
    let mut reads: Vec<ObservedRead> = reads.into_values().collect();
    for read in &mut reads {
        read.versions.sort_unstable();
        read.ids.sort_unstable();
        read.clients.sort();
    }
    Ok(reads)
}
