//! What each database gives the shared governance store ([`SqlStore`]), and the small steps
//! its statements share.

use async_trait::async_trait;
use sqlx::{Database, Encode, Executor, IntoArguments, Pool, Type};

use super::{AuditEntry, Checked, GovernanceConflict};
use crate::Result;

/// What a database adds to the shared SQL: its pool, and how a write begins and ends.
#[async_trait]
pub(in crate::storage) trait SqlStore: Send + Sync + 'static {
    /// The database.
    type Db: Database;
    /// A write transaction, with whatever the database's write discipline holds along with it.
    type Write: AsMut<Conn<Self>> + Send;

    /// Returns the pool for statements outside a write transaction: reads, and the lone
    /// statement that records a credential's use, which no audit entry records.
    fn pool(&self) -> &Pool<Self::Db>;
    /// Begins a write transaction under the database's write discipline: on SQLite the
    /// process's write turn and `BEGIN IMMEDIATE`, on PostgreSQL read committed, with the
    /// unique keys catching what two instances race to create.
    async fn begin_write(&self) -> Result<Self::Write>;
    /// Appends `audit` to the log in `tx` and commits.
    async fn commit(tx: Self::Write, audit: &AuditEntry) -> Result<()>;
    /// Appends `audit` and commits `tx`, a change no instance keeps in memory (a proposal's),
    /// so that no other instance needs to hear of it.
    async fn commit_uncached(tx: Self::Write, audit: &AuditEntry) -> Result<()>;
    /// Commits `tx`, a write no audit entry records and no other instance needs to hear of
    /// (observed reads).
    async fn commit_unaudited(tx: Self::Write) -> Result<()>;
}

pub(super) type Conn<S> = <<S as SqlStore>::Db as Database>::Connection;
pub(super) type Args<'q, D> = <D as Database>::Arguments<'q>;

/// Returns true when `sql`, a `SELECT 1 ... WHERE ... = $1`, finds a row for `key` in `tx`.
pub(super) async fn exists<S>(tx: &mut S::Write, sql: &str, key: &str) -> Result<bool>
where
    S: SqlStore,
    for<'c> &'c mut Conn<S>: Executor<'c, Database = S::Db>,
    for<'q> Args<'q, S::Db>: IntoArguments<'q, S::Db>,
    for<'q> &'q str: Encode<'q, S::Db> + Type<S::Db>,
{
    let row = sqlx::query(sql)
        .bind(key)
        .fetch_optional(tx.as_mut())
        .await?;
    Ok(row.is_some())
}

/// Refuses a write for `conflict`.
pub(super) fn refuse(conflict: GovernanceConflict) -> Result<Checked> {
    Ok(Err(conflict))
}

/// Returns `Ok` when the insert in `result` was made, and `conflict` when it broke a unique
/// key: another writer, perhaps another instance, took the name first.
pub(super) fn unless_taken<T>(
    result: sqlx::Result<T>,
    conflict: GovernanceConflict,
) -> Result<Checked> {
    match result {
        Ok(_) => Ok(Ok(())),
        Err(sqlx::Error::Database(db)) if db.is_unique_violation() => refuse(conflict),
        Err(err) => Err(err.into()),
    }
}
