//! Webhook subscriptions, the events each has yet to receive, and its recent deliveries, with
//! SQL both databases share.
//!
//! Events are audit-log rows: the trigger of migration 0006 queues each new row for every
//! subscription that is not failing, in the transaction that writes it. A delivering instance
//! *leases* a subscription (a time until which it alone delivers to it), so that with several
//! instances each event is delivered by one, and a dead instance's lease runs out for another.

use async_trait::async_trait;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Row, Type};

use super::backend::{exists, refuse, Args, Conn, SqlStore};
use super::{AuditEntry, AuditRecord, Checked, GovernanceConflict};
use crate::storage::rows::{self, corrupt};
use crate::Result;

/// A webhook subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhook {
    pub id: String,
    pub url: String,
    /// Event type patterns: `dev.accord.schema.registered`, `dev.accord.schema.*`, `*`.
    pub events: Vec<String>,
    /// Subject globs (`orders-*`); empty: every subject.
    pub subjects: Vec<String>,
    /// The owning team; `None` for the admin's subscriptions.
    pub team: Option<String>,
    /// `consumed`: the events of every stream the team's services consume or read.
    pub follow: Option<String>,
    pub secret: String,
    /// The secret before the last rotation, which also signs until `previous_until`.
    pub previous_secret: Option<String>,
    pub previous_until: Option<i64>,
    pub created_by: String,
    pub created_at: String,
    /// Delivery gave up after failing for about three days.
    pub failing: bool,
    /// When the current streak of failures began (milliseconds since the epoch).
    pub failing_since: Option<i64>,
    /// Failed attempts at the event at the head of its queue.
    pub attempts: i64,
    /// When the next attempt is due (milliseconds since the epoch).
    pub next_attempt: i64,
}

impl Webhook {
    /// The URL without its query and fragment, which may hold a token: for logs and the audit
    /// log.
    pub fn url_for_display(&self) -> &str {
        self.url.split(['?', '#']).next().unwrap_or_default()
    }
}

/// One delivery attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub seq: i64,
    pub attempt: i64,
    pub at: String,
    /// The receiver's HTTP status; `None` when it did not answer.
    pub status: Option<i64>,
    pub latency_ms: i64,
    pub error: Option<String>,
}

/// What became of a subscription's failed attempt: when to try again, or that it is failing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retry {
    pub next_attempt: i64,
    pub failing_since: i64,
    pub failing: bool,
}

/// How many deliveries are kept per subscription.
const KEPT_DELIVERIES: i64 = 200;

/// Where webhook subscriptions and their queues are kept.
#[async_trait]
pub trait WebhookStore: Send + Sync {
    /// Stores a new subscription of an existing team (or the admin's).
    async fn create_webhook(&self, webhook: &Webhook, audit: &AuditEntry) -> Result<Checked>;
    /// Returns every subscription, by creation.
    async fn webhooks(&self) -> Result<Vec<Webhook>>;
    /// Returns one subscription.
    async fn webhook(&self, id: &str) -> Result<Option<Webhook>>;
    /// Replaces a subscription's url, filters and secrets, and clears its failing state.
    async fn update_webhook(&self, webhook: &Webhook, audit: &AuditEntry) -> Result<Checked>;
    /// Deletes a subscription with its queue and deliveries.
    async fn delete_webhook(&self, id: &str, audit: &AuditEntry) -> Result<Checked>;

    /// Leases up to `limit` subscriptions that have events due at `now` and no live lease but
    /// `holder`'s own, for `holder` until `until`; returns them.
    async fn lease_webhooks(
        &self,
        holder: &str,
        now: i64,
        until: i64,
        limit: i64,
    ) -> Result<Vec<Webhook>>;
    /// Returns the first `limit` events queued for a subscription, oldest first.
    async fn queued_events(&self, id: &str, limit: i64) -> Result<Vec<AuditRecord>>;
    /// Extends `holder`'s lease of a subscription to `until`; false when the lease was lost.
    async fn renew_webhook_lease(&self, id: &str, holder: &str, until: i64) -> Result<bool>;
    /// Records events that are done with, in one transaction: `seqs` off the queue (delivered,
    /// or skipped as not wanted), `deliveries` recorded, and the subscription's failures
    /// forgotten.
    async fn events_done(&self, id: &str, seqs: &[i64], deliveries: &[Delivery]) -> Result<()>;
    /// Records a failed attempt and when to retry.
    async fn event_failed(&self, id: &str, delivery: &Delivery, retry: Retry) -> Result<()>;
    /// Returns a subscription's recent deliveries, newest first.
    async fn deliveries(&self, id: &str, limit: i64) -> Result<Vec<Delivery>>;
    /// Queues event `seq` for a subscription again; false when no such event exists.
    async fn requeue_event(&self, id: &str, seq: i64) -> Result<bool>;

    /// Returns events after `after`, oldest first: of one subject, or of one action.
    async fn events_after(
        &self,
        after: i64,
        subject: Option<&str>,
        action: Option<&str>,
        limit: i64,
    ) -> Result<Vec<AuditRecord>>;
}

const WEBHOOK_COLUMNS: &str = "SELECT id, url, events, subjects, team, follow, secret, \
     previous_secret, previous_until, created_by, created_at, failing, failing_since, attempts, \
     next_attempt FROM webhooks";
const AUDIT_COLUMNS: &str =
    "a.seq, a.at, a.principal, a.action, a.subject, a.version, a.service, a.details";

#[async_trait]
impl<S> WebhookStore for S
where
    S: SqlStore,
    for<'c> &'c mut Conn<S>: Executor<'c, Database = S::Db>,
    for<'c> &'c sqlx::Pool<S::Db>: Executor<'c, Database = S::Db>,
    for<'q> Args<'q, S::Db>: IntoArguments<'q, S::Db>,
    for<'q> &'q str: Encode<'q, S::Db> + Type<S::Db>,
    for<'q> Option<&'q str>: Encode<'q, S::Db> + Type<S::Db>,
    for<'q> Option<i64>: Encode<'q, S::Db> + Type<S::Db>,
    for<'q> i64: Encode<'q, S::Db> + Decode<'q, S::Db> + Type<S::Db>,
    for<'r> Option<i64>: Decode<'r, S::Db>,
    for<'r> Option<i32>: Decode<'r, S::Db> + Type<S::Db>,
    for<'r> String: Decode<'r, S::Db> + Type<S::Db>,
    for<'r> Option<String>: Decode<'r, S::Db>,
    usize: ColumnIndex<<S::Db as Database>::Row>,
    for<'n> &'n str: ColumnIndex<<S::Db as Database>::Row>,
{
    async fn create_webhook(&self, webhook: &Webhook, audit: &AuditEntry) -> Result<Checked> {
        let mut tx = self.begin_write().await?;
        if let Some(team) = &webhook.team {
            if !exists::<S>(&mut tx, "SELECT 1 FROM teams WHERE name = $1", team).await? {
                return refuse(GovernanceConflict::NoSuchTeam(team.clone()));
            }
        }
        sqlx::query(
            "INSERT INTO webhooks (id, url, events, subjects, team, follow, secret, created_by, \
               created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(webhook.id.as_str())
        .bind(webhook.url.as_str())
        .bind(json(&webhook.events).as_str())
        .bind(json(&webhook.subjects).as_str())
        .bind(webhook.team.as_deref())
        .bind(webhook.follow.as_deref())
        .bind(webhook.secret.as_str())
        .bind(webhook.created_by.as_str())
        .bind(webhook.created_at.as_str())
        .execute(tx.as_mut())
        .await?;
        S::commit_uncached(tx, audit).await.map(Ok)
    }

    async fn webhooks(&self) -> Result<Vec<Webhook>> {
        let sql = format!("{WEBHOOK_COLUMNS} ORDER BY created_at, id");
        let rows = sqlx::query(&sql).fetch_all(self.pool()).await?;
        rows.iter().map(webhook).collect()
    }

    async fn webhook(&self, id: &str) -> Result<Option<Webhook>> {
        let sql = format!("{WEBHOOK_COLUMNS} WHERE id = $1");
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(webhook).transpose()
    }

    async fn update_webhook(&self, webhook: &Webhook, audit: &AuditEntry) -> Result<Checked> {
        let mut tx = self.begin_write().await?;
        if let Some(team) = &webhook.team {
            if !exists::<S>(&mut tx, "SELECT 1 FROM teams WHERE name = $1", team).await? {
                return refuse(GovernanceConflict::NoSuchTeam(team.clone()));
            }
        }
        let updated: Option<String> = sqlx::query_scalar(
            "UPDATE webhooks SET url = $1, events = $2, subjects = $3, team = $4, follow = $5, \
               secret = $6, previous_secret = $7, previous_until = $8, failing = 0, \
               failing_since = NULL, attempts = 0, next_attempt = 0 \
             WHERE id = $9 RETURNING id",
        )
        .bind(webhook.url.as_str())
        .bind(json(&webhook.events).as_str())
        .bind(json(&webhook.subjects).as_str())
        .bind(webhook.team.as_deref())
        .bind(webhook.follow.as_deref())
        .bind(webhook.secret.as_str())
        .bind(webhook.previous_secret.as_deref())
        .bind(webhook.previous_until)
        .bind(webhook.id.as_str())
        .fetch_optional(tx.as_mut())
        .await?;
        if updated.is_none() {
            return refuse(GovernanceConflict::NoSuchWebhook(webhook.id.clone()));
        }
        S::commit_uncached(tx, audit).await.map(Ok)
    }

    async fn delete_webhook(&self, id: &str, audit: &AuditEntry) -> Result<Checked> {
        let mut tx = self.begin_write().await?;
        // The queue and deliveries first: SQLite enforces no cascade unless told to.
        for sql in [
            "DELETE FROM webhook_queue WHERE webhook = $1",
            "DELETE FROM webhook_deliveries WHERE webhook = $1",
        ] {
            sqlx::query(sql).bind(id).execute(tx.as_mut()).await?;
        }
        let deleted: Option<String> =
            sqlx::query_scalar("DELETE FROM webhooks WHERE id = $1 RETURNING id")
                .bind(id)
                .fetch_optional(tx.as_mut())
                .await?;
        if deleted.is_none() {
            return refuse(GovernanceConflict::NoSuchWebhook(id.to_string()));
        }
        S::commit_uncached(tx, audit).await.map(Ok)
    }

    async fn lease_webhooks(
        &self,
        holder: &str,
        now: i64,
        until: i64,
        limit: i64,
    ) -> Result<Vec<Webhook>> {
        // Most of the time nothing is due: found without a write.
        let due: Option<String> = sqlx::query_scalar(
            "SELECT w.id FROM webhooks w WHERE w.failing = 0 AND w.next_attempt <= $1 \
               AND (w.lease_until <= $1 OR w.leased_by = $2) \
               AND EXISTS (SELECT 1 FROM webhook_queue q WHERE q.webhook = w.id) LIMIT 1",
        )
        .bind(now)
        .bind(holder)
        .fetch_optional(self.pool())
        .await?;
        if due.is_none() {
            return Ok(Vec::new());
        }
        let mut tx = self.begin_write().await?;
        // The lease is re-checked on the row itself, so that of two instances racing for one
        // subscription only one updates it.
        let leased: Vec<String> = sqlx::query_scalar(
            "UPDATE webhooks SET lease_until = $1, leased_by = $2 \
             WHERE id IN (SELECT w.id FROM webhooks w WHERE w.failing = 0 \
                 AND w.next_attempt <= $3 AND (w.lease_until <= $3 OR w.leased_by = $2) \
                 AND EXISTS (SELECT 1 FROM webhook_queue q WHERE q.webhook = w.id) \
                 ORDER BY w.next_attempt LIMIT $4) \
               AND (lease_until <= $3 OR leased_by = $2) RETURNING id",
        )
        .bind(until)
        .bind(holder)
        .bind(now)
        .bind(limit)
        .fetch_all(tx.as_mut())
        .await?;
        S::commit_unaudited(tx).await?;
        let mut webhooks = Vec::with_capacity(leased.len());
        for id in leased {
            webhooks.extend(self.webhook(&id).await?);
        }
        Ok(webhooks)
    }

    async fn queued_events(&self, id: &str, limit: i64) -> Result<Vec<AuditRecord>> {
        let sql = format!(
            "SELECT {AUDIT_COLUMNS} FROM webhook_queue q JOIN audit_log a ON a.seq = q.seq \
             WHERE q.webhook = $1 ORDER BY q.seq LIMIT $2"
        );
        let rows = sqlx::query(&sql)
            .bind(id)
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(rows::audit).collect()
    }

    async fn renew_webhook_lease(&self, id: &str, holder: &str, until: i64) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let renewed: Option<String> = sqlx::query_scalar(
            "UPDATE webhooks SET lease_until = $1 WHERE id = $2 AND leased_by = $3 RETURNING id",
        )
        .bind(until)
        .bind(id)
        .bind(holder)
        .fetch_optional(tx.as_mut())
        .await?;
        S::commit_unaudited(tx).await?;
        Ok(renewed.is_some())
    }

    async fn events_done(&self, id: &str, seqs: &[i64], deliveries: &[Delivery]) -> Result<()> {
        if seqs.is_empty() {
            return Ok(());
        }
        let mut tx = self.begin_write().await?;
        // One statement for the batch: a registry busy registering waits on these writes.
        for chunk in seqs.chunks(500) {
            let placeholders: Vec<String> = (2..chunk.len() + 2).map(|n| format!("${n}")).collect();
            let sql = format!(
                "DELETE FROM webhook_queue WHERE webhook = $1 AND seq IN ({})",
                placeholders.join(", ")
            );
            let mut delete = sqlx::query(&sql).bind(id);
            for seq in chunk {
                delete = delete.bind(*seq);
            }
            delete.execute(tx.as_mut()).await?;
        }
        sqlx::query(
            "UPDATE webhooks SET attempts = 0, failing_since = NULL, next_attempt = 0 \
             WHERE id = $1",
        )
        .bind(id)
        .execute(tx.as_mut())
        .await?;
        record::<S>(&mut tx, id, deliveries).await?;
        S::commit_unaudited(tx).await
    }

    async fn event_failed(&self, id: &str, delivery: &Delivery, retry: Retry) -> Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE webhooks SET attempts = attempts + 1, next_attempt = $1, \
               failing_since = $2, failing = $3 WHERE id = $4",
        )
        .bind(retry.next_attempt)
        .bind(retry.failing_since)
        .bind(i64::from(retry.failing))
        .bind(id)
        .execute(tx.as_mut())
        .await?;
        record::<S>(&mut tx, id, std::slice::from_ref(delivery)).await?;
        S::commit_unaudited(tx).await
    }

    async fn deliveries(&self, id: &str, limit: i64) -> Result<Vec<Delivery>> {
        let rows = sqlx::query(
            "SELECT seq, attempt, at, status, latency_ms, error FROM webhook_deliveries \
             WHERE webhook = $1 ORDER BY id DESC LIMIT $2",
        )
        .bind(id)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(Delivery {
                    seq: row.try_get("seq")?,
                    attempt: row.try_get("attempt")?,
                    at: row.try_get("at")?,
                    status: row.try_get("status")?,
                    latency_ms: row.try_get("latency_ms")?,
                    error: row.try_get("error")?,
                })
            })
            .collect()
    }

    async fn requeue_event(&self, id: &str, seq: i64) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let queued = sqlx::query(
            "INSERT INTO webhook_queue (webhook, seq) SELECT $1, seq FROM audit_log \
             WHERE seq = $2 ON CONFLICT DO NOTHING",
        )
        .bind(id)
        .bind(seq)
        .execute(tx.as_mut())
        .await?;
        let _ = queued;
        let known = exists_seq::<S>(&mut tx, seq).await?;
        S::commit_unaudited(tx).await?;
        Ok(known)
    }

    async fn events_after(
        &self,
        after: i64,
        subject: Option<&str>,
        action: Option<&str>,
        limit: i64,
    ) -> Result<Vec<AuditRecord>> {
        let sql = format!(
            "SELECT {AUDIT_COLUMNS} FROM audit_log a WHERE a.seq > $1 \
               AND (CAST($2 AS TEXT) IS NULL OR a.subject = $2) \
               AND (CAST($3 AS TEXT) IS NULL OR a.action = $3) \
             ORDER BY a.seq LIMIT $4"
        );
        let rows = sqlx::query(&sql)
            .bind(after)
            .bind(subject)
            .bind(action)
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(rows::audit).collect()
    }
}

async fn exists_seq<S>(tx: &mut S::Write, seq: i64) -> Result<bool>
where
    S: SqlStore,
    for<'c> &'c mut Conn<S>: Executor<'c, Database = S::Db>,
    for<'q> Args<'q, S::Db>: IntoArguments<'q, S::Db>,
    for<'q> i64: Encode<'q, S::Db> + Type<S::Db>,
{
    let row = sqlx::query("SELECT 1 FROM audit_log WHERE seq = $1")
        .bind(seq)
        .fetch_optional(tx.as_mut())
        .await?;
    Ok(row.is_some())
}

/// Records `deliveries` of subscription `id` in `tx`, keeping the newest [`KEPT_DELIVERIES`].
async fn record<S>(tx: &mut S::Write, id: &str, deliveries: &[Delivery]) -> Result<()>
where
    S: SqlStore,
    for<'c> &'c mut Conn<S>: Executor<'c, Database = S::Db>,
    for<'q> Args<'q, S::Db>: IntoArguments<'q, S::Db>,
    for<'q> &'q str: Encode<'q, S::Db> + Type<S::Db>,
    for<'q> Option<&'q str>: Encode<'q, S::Db> + Type<S::Db>,
    for<'q> Option<i64>: Encode<'q, S::Db> + Type<S::Db>,
    for<'q> i64: Encode<'q, S::Db> + Type<S::Db>,
{
    // Only the newest are kept: older ones of a large batch are not written at all.
    let newest = &deliveries[deliveries.len().saturating_sub(KEPT_DELIVERIES as usize)..];
    if newest.is_empty() {
        return Ok(());
    }
    for chunk in newest.chunks(50) {
        let rows: Vec<String> = (0..chunk.len())
            .map(|row| {
                let n = 2 + row * 6;
                format!(
                    "($1, ${}, ${}, ${}, ${}, ${}, ${})",
                    n,
                    n + 1,
                    n + 2,
                    n + 3,
                    n + 4,
                    n + 5
                )
            })
            .collect();
        let sql = format!(
            "INSERT INTO webhook_deliveries (webhook, seq, attempt, at, status, latency_ms, error) \
             VALUES {}",
            rows.join(", ")
        );
        let mut insert = sqlx::query(&sql).bind(id);
        for delivery in chunk {
            insert = insert
                .bind(delivery.seq)
                .bind(delivery.attempt)
                .bind(delivery.at.as_str())
                .bind(delivery.status)
                .bind(delivery.latency_ms)
                .bind(delivery.error.as_deref());
        }
        insert.execute(tx.as_mut()).await?;
    }
    sqlx::query(
        "DELETE FROM webhook_deliveries WHERE webhook = $1 AND id <= \
           (SELECT id FROM webhook_deliveries WHERE webhook = $1 ORDER BY id DESC \
            LIMIT 1 OFFSET $2)",
    )
    .bind(id)
    .bind(KEPT_DELIVERIES)
    .execute(tx.as_mut())
    .await?;
    Ok(())
}

fn json(values: &[String]) -> String {
    serde_json::to_string(values).unwrap_or_else(|_| "[]".to_string())
}

fn webhook<R: Row>(row: &R) -> Result<Webhook>
where
    for<'n> &'n str: ColumnIndex<R>,
    for<'r> String: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> Option<String>: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> i64: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> Option<i64>: Decode<'r, R::Database> + Type<R::Database>,
{
    let list = |column: &str| -> Result<Vec<String>> {
        let text: String = row.try_get(column)?;
        serde_json::from_str(&text).map_err(|e| corrupt(column, e))
    };
    let failing: i64 = row.try_get("failing")?;
    Ok(Webhook {
        id: row.try_get("id")?,
        url: row.try_get("url")?,
        events: list("events")?,
        subjects: list("subjects")?,
        team: row.try_get("team")?,
        follow: row.try_get("follow")?,
        secret: row.try_get("secret")?,
        previous_secret: row.try_get("previous_secret")?,
        previous_until: row.try_get("previous_until")?,
        created_by: row.try_get("created_by")?,
        created_at: row.try_get("created_at")?,
        failing: failing != 0,
        failing_since: row.try_get("failing_since")?,
        attempts: row.try_get("attempts")?,
        next_attempt: row.try_get("next_attempt")?,
    })
}
