//! [`PostgresStore`]: one PostgreSQL database shared by any number of Accord instances.
//!
//! Correctness across instances comes from the database alone. A registration is written in
//! one statement, `accord_write_version` (migrations/postgres/0003): it locks its subject's row
//! in `subjects` (`SELECT ... FOR UPDATE`), so registrations in one subject are serialized and
//! versions stay gapless, checks that the subject has not moved since the registry decided, and
//! takes a new schema's id from a sequence (registrations of the same new content take turns on
//! an advisory lock, so ids stay dense); `UNIQUE (fingerprint)` keeps one id per content. A
//! write whose state moved, or that lost a race on a key, is answered as moved and the registry
//! decides again. Other writes that deadlock or lose a race are retried a bounded number of
//! times.
//!
//! Every write that changes what the registry caches sends `NOTIFY accord_changes` in its
//! transaction; `listener.rs` turns those notifications into the [`super::ChangeFeed`] every
//! instance's cache follows. `schemas.rs` implements the schema half of the store; the
//! governance half is the shared one (`storage/governance/sql.rs`) over [`SqlStore`]. Governance
//! changes are not cached, so they notify nobody.

mod listener;
mod schemas;

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgPool, Postgres, Transaction};

use super::governance::{self, SqlStore};
use super::{AuditEntry, PoolSettings};
use crate::types::SchemaId;
use crate::{Error, Result};

/// The channel the change notifications travel on.
const CHANNEL: &str = "accord_changes";

/// How many times a write is tried again after a deadlock, serialization failure or race on a
/// unique key.
const MAX_RETRIES: u32 = 8;

/// A [`super::Store`] backed by a PostgreSQL database that other instances may share.
#[derive(Debug, Clone)]
pub struct PostgresStore {
    pool: PgPool,
    feed: std::sync::Arc<listener::Feed>,
}

impl PostgresStore {
    /// Connects to the database at `url`, applies the migrations and starts listening for the
    /// changes other instances make.
    ///
    /// Several instances may start at once: the migrator holds an advisory lock while it runs.
    pub async fn connect(url: &str, settings: &PoolSettings) -> Result<Self> {
        let options = PgConnectOptions::from_str(url)?.application_name("accord");
        let pool = PgPoolOptions::new()
            .max_connections(settings.max_connections)
            .min_connections(settings.min_connections)
            .acquire_timeout(settings.acquire_timeout)
            .test_before_acquire(true)
            .connect_with(options.clone())
            .await;
        let pool = match pool {
            Ok(pool) => pool,
            Err(sqlx::Error::PoolTimedOut) => {
                return Err(why_unreachable(&options, settings.acquire_timeout).await)
            }
            Err(err) => return Err(err.into()),
        };
        sqlx::migrate!("migrations/postgres").run(&pool).await?;
        let feed = listener::Feed::start(pool.clone()).await?;
        Ok(PostgresStore {
            pool,
            feed: std::sync::Arc::new(feed),
        })
    }

    /// Starts a read-committed write transaction.
    async fn write(&self) -> Result<Transaction<'static, Postgres>> {
        Ok(self.pool.begin().await?)
    }
}

/// Returns why the pool could not open a connection in time: the pool keeps trying while the
/// server refuses (it may be starting) and then reports only that it timed out, so one more
/// attempt, alone, tells the cause, with the address it was refused at.
async fn why_unreachable(options: &PgConnectOptions, patience: Duration) -> Error {
    use sqlx::ConnectOptions;
    let address = format!("{}:{}", options.get_host(), options.get_port());
    let attempt = tokio::time::timeout(patience, options.connect()).await;
    match attempt.unwrap_or(Err(sqlx::Error::PoolTimedOut)) {
        Err(sqlx::Error::Io(err)) => {
            let message = format!("cannot connect to {address}: {err}");
            sqlx::Error::Io(std::io::Error::new(err.kind(), message)).into()
        }
        Err(err) => err.into(),
        Ok(connection) => {
            let _ = sqlx::Connection::close(connection).await;
            sqlx::Error::PoolTimedOut.into()
        }
    }
}

/// Runs `$op` (an expression that makes a fresh future each time) until it succeeds, fails for
/// a reason a retry cannot fix, or has been retried [`MAX_RETRIES`] times.
macro_rules! retrying {
    ($op:expr) => {{
        let mut attempt = 0u32;
        loop {
            match $op.await {
                Err(err) if attempt < $crate::storage::postgres::MAX_RETRIES
                    && $crate::storage::postgres::is_retryable(&err) =>
                {
                    attempt += 1;
                    tracing::debug!(error = ?err, attempt, "retrying a write that lost a race");
                    $crate::storage::postgres::back_off(attempt).await;
                }
                outcome => break outcome,
            }
        }
    }};
}
pub(crate) use retrying;

/// Returns true for a deadlock (40P01), a serialization failure (40001) or a unique violation
/// (23505): another transaction won a race, and trying again sees what it wrote.
fn is_retryable(err: &Error) -> bool {
    match err {
        Error::Storage(sqlx::Error::Database(db)) => {
            matches!(db.code().as_deref(), Some("40001" | "40P01" | "23505"))
        }
        _ => false,
    }
}

/// Waits a little longer after each lost race, with jitter so that losers spread out.
async fn back_off(attempt: u32) {
    let mut byte = [0u8; 1];
    let jitter = match getrandom::fill(&mut byte) {
        Ok(()) => u64::from(byte[0]) % 10,
        Err(_) => 5,
    };
    tokio::time::sleep(Duration::from_millis(u64::from(attempt) * 5 + jitter)).await;
}

/// Appends `entry` to the audit log within `tx`.
async fn append_audit(tx: &mut Transaction<'static, Postgres>, entry: &AuditEntry) -> Result<()> {
    governance::append_audit::<Postgres>(tx, entry).await
}

#[async_trait]
impl SqlStore for PostgresStore {
    type Db = Postgres;
    type Write = Transaction<'static, Postgres>;

    fn pool(&self) -> &PgPool {
        &self.pool
    }

    async fn begin_write(&self) -> Result<Self::Write> {
        self.write().await
    }

    /// Also tells every instance, when `tx` commits, that governance changed (so that they
    /// forget the credentials they verified).
    async fn commit(mut tx: Self::Write, audit: &AuditEntry) -> Result<()> {
        append_audit(&mut tx, audit).await?;
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(CHANNEL)
            .bind(listener::GOVERNANCE_PAYLOAD)
            .execute(&mut *tx)
            .await?;
        Ok(tx.commit().await?)
    }

    async fn commit_uncached(mut tx: Self::Write, audit: &AuditEntry) -> Result<()> {
        append_audit(&mut tx, audit).await?;
        Ok(tx.commit().await?)
    }

    async fn commit_unaudited(tx: Self::Write) -> Result<()> {
        Ok(tx.commit().await?)
    }
}

/// Tells every instance, when `tx` commits, that `subject` (`None`: a global setting) changed
/// and that the usages of the schemas `ids` changed.
async fn notify(
    tx: &mut Transaction<'static, Postgres>,
    subject: Option<&str>,
    ids: &[SchemaId],
) -> Result<()> {
    sqlx::query("SELECT pg_notify($1, $2)")
        .bind(CHANNEL)
        .bind(listener::payload(subject, ids))
        .execute(&mut **tx)
        .await?;
    Ok(())
}
