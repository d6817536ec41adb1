//! [`SqliteStore`]: the embedded default, one SQLite file in WAL mode.
//!
//! Reads share a pool of connections; writes go through one connection of their own, take
//! turns in the process (a fair queue, rather than SQLite's sleep-and-retry busy handler) and
//! take the database's write lock at their start (`BEGIN IMMEDIATE`), so two concurrent
//! registrations never interleave; `synchronous = FULL` makes each acknowledged
//! commit survive a crash of the process or of the machine. `schemas.rs` implements the schema half of
//! the store; the governance half is the shared one (`storage/governance/sql.rs`) over
//! [`SqlStore`].

mod schemas;

use std::ops::{Deref, DerefMut};
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Mutex, OwnedMutexGuard};

use async_trait::async_trait;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqliteConnection, SqlitePool, Transaction};

use super::governance::{self, SqlStore};
use super::AuditEntry;
use crate::{Error, Result};

/// A [`super::Store`] backed by one SQLite database.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    /// Connections for reads.
    pool: SqlitePool,
    /// The one connection that writes: its page cache stays valid from one write to the next,
    /// as no other connection changes the database.
    write_pool: SqlitePool,
    /// Whose turn it is to write: one writer at a time, in arrival order.
    writer: Arc<Mutex<()>>,
}

/// A write transaction holding the process's write turn until it commits or is dropped.
pub(in crate::storage) struct WriteTx {
    tx: Transaction<'static, Sqlite>,
    _turn: OwnedMutexGuard<()>,
}

impl WriteTx {
    /// Commits the transaction and gives up the write turn.
    async fn commit(self) -> Result<()> {
        Ok(self.tx.commit().await?)
    }
}

impl Deref for WriteTx {
    type Target = Transaction<'static, Sqlite>;

    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}

impl AsMut<SqliteConnection> for WriteTx {
    fn as_mut(&mut self) -> &mut SqliteConnection {
        &mut self.tx
    }
}

impl SqliteStore {
    /// Opens (creating if absent) the database at `url` and applies the migrations.
    pub async fn connect(url: &str) -> Result<Self> {
        let is_memory = url.contains(":memory:") || url.contains("mode=memory");
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        if !is_memory {
            directory_exists(options.get_filename())?;
        }
        let pool_of = |connections: u32| {
            SqlitePoolOptions::new()
                .max_connections(connections)
                .min_connections(1)
                // A connection to a local file does not go stale; testing it on every acquire
                // would cost each query a second round trip to its worker thread.
                .test_before_acquire(false)
                .idle_timeout(None)
                .max_lifetime(None)
                .connect_with(options.clone())
        };
        // An in-memory database lives in one connection, which reads and writes.
        if is_memory {
            let pool = pool_of(1).await?;
            sqlx::migrate!("migrations/sqlite").run(&pool).await?;
            return Ok(SqliteStore::over(pool.clone(), pool));
        }
        let write_pool = pool_of(1).await?;
        sqlx::migrate!("migrations/sqlite").run(&write_pool).await?;
        Ok(SqliteStore::over(pool_of(8).await?, write_pool))
    }

    fn over(pool: SqlitePool, write_pool: SqlitePool) -> Self {
        SqliteStore {
            pool,
            write_pool,
            writer: Arc::new(Mutex::new(())),
        }
    }

    /// Waits for this process's write turn, then starts a transaction that holds the
    /// database's write lock from its first statement.
    async fn write(&self) -> Result<WriteTx> {
        let turn = self.writer.clone().lock_owned().await;
        let tx = self.write_pool.begin_with("BEGIN IMMEDIATE").await?;
        Ok(WriteTx { tx, _turn: turn })
    }
}

/// Refuses a database file in a directory that does not exist, naming the directory, where
/// SQLite would only say "unable to open database file".
fn directory_exists(file: &Path) -> Result<()> {
    let Some(dir) = file.parent().filter(|dir| !dir.as_os_str().is_empty()) else {
        return Ok(());
    };
    if dir.is_dir() {
        return Ok(());
    }
    let dir = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    let message = format!("the directory {} does not exist", dir.display());
    Err(Error::Storage(sqlx::Error::Configuration(message.into())))
}

/// Appends `entry` to the audit log within `tx`.
async fn append_audit(tx: &mut Transaction<'static, Sqlite>, entry: &AuditEntry) -> Result<()> {
    governance::append_audit::<Sqlite>(tx, entry).await
}

#[async_trait]
impl SqlStore for SqliteStore {
    type Db = Sqlite;
    type Write = WriteTx;

    fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    async fn begin_write(&self) -> Result<WriteTx> {
        self.write().await
    }

    async fn commit(mut tx: WriteTx, audit: &AuditEntry) -> Result<()> {
        append_audit(&mut tx, audit).await?;
        tx.commit().await
    }

    async fn commit_uncached(tx: WriteTx, audit: &AuditEntry) -> Result<()> {
        Self::commit(tx, audit).await
    }

    async fn commit_unaudited(tx: WriteTx) -> Result<()> {
        tx.commit().await
    }
}
