//! The audit log's rows: the actions Accord records, the [`AuditEntry`] every write appends in
//! its own transaction, and the [`AuditRecord`]s the audit endpoint reads back.
//!
//! Appending and reading are the same statements on every database, so both stores share
//! [`append`] and [`records`].

use serde::Serialize;
use serde_json::Value;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Pool, Type};
use utoipa::ToSchema;

use crate::storage::rows;
use crate::types::Version;
use crate::Result;

/// What a recorded change did. [`AuditAction::as_str`] is the name the log stores and shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    SchemaRegistered,
    SubjectDeleted,
    VersionDeleted,
    ConfigChanged,
    ConfigDeleted,
    ModeChanged,
    ModeDeleted,
    /// A service became a subject's producer by registering its first version.
    ProducerClaimed,
    ProducerAssigned,
    ConsumerGranted,
    ConsumerRevoked,
    TeamCreated,
    TeamUpdated,
    TeamDeleted,
    ServiceCreated,
    ServiceUpdated,
    ServiceDeleted,
    CredentialIssued,
    CredentialRevoked,
    ProposalOpened,
    /// An affected service answered a proposal (`details.response`).
    ProposalAnswered,
    ProposalApplied,
    ProposalWithdrawn,
    ProposalRejected,
    /// An open proposal's last affected service answered ready.
    ProposalApproved,
    /// A registration was refused as incompatible: its consumers hear that someone tried.
    SchemaRefused,
    WebhookCreated,
    WebhookUpdated,
    WebhookDeleted,
    WebhookSecretRotated,
}

impl AuditAction {
    /// Returns the action's name in the log, e.g. `schema.registered`, `consumer.granted`.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::SchemaRegistered => "schema.registered",
            AuditAction::SubjectDeleted => "subject.deleted",
            AuditAction::VersionDeleted => "version.deleted",
            AuditAction::ConfigChanged => "config.changed",
            AuditAction::ConfigDeleted => "config.deleted",
            AuditAction::ModeChanged => "mode.changed",
            AuditAction::ModeDeleted => "mode.deleted",
            AuditAction::ProducerClaimed => "producer.claimed",
            AuditAction::ProducerAssigned => "producer.assigned",
            AuditAction::ConsumerGranted => "consumer.granted",
            AuditAction::ConsumerRevoked => "consumer.revoked",
            AuditAction::TeamCreated => "team.created",
            AuditAction::TeamUpdated => "team.updated",
            AuditAction::TeamDeleted => "team.deleted",
            AuditAction::ServiceCreated => "service.created",
            AuditAction::ServiceUpdated => "service.updated",
            AuditAction::ServiceDeleted => "service.deleted",
            AuditAction::CredentialIssued => "credential.issued",
            AuditAction::CredentialRevoked => "credential.revoked",
            AuditAction::ProposalOpened => "proposal.opened",
            AuditAction::ProposalAnswered => "proposal.answered",
            AuditAction::ProposalApplied => "proposal.applied",
            AuditAction::ProposalWithdrawn => "proposal.withdrawn",
            AuditAction::ProposalRejected => "proposal.rejected",
            AuditAction::ProposalApproved => "proposal.approved",
            AuditAction::SchemaRefused => "schema.refused",
            AuditAction::WebhookCreated => "webhook.created",
            AuditAction::WebhookUpdated => "webhook.updated",
            AuditAction::WebhookDeleted => "webhook.deleted",
            AuditAction::WebhookSecretRotated => "webhook.secret_rotated",
        }
    }
}

/// A state change to record, written in the transaction that makes the change.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    pub at: String,
    /// Who made the change: `admin`, a service name, or `anonymous` when authentication is off.
    pub principal: String,
    /// What was done.
    pub action: AuditAction,
    pub subject: Option<String>,
    pub version: Option<Version>,
    /// The service the change concerns, if any.
    pub service: Option<String>,
    pub details: Value,
}

/// A recorded state change, as the audit endpoint returns it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct AuditRecord {
    #[serde(skip)]
    pub seq: i64,
    pub at: String,
    pub principal: String,
    pub action: String,
    pub subject: Option<String>,
    pub version: Option<i32>,
    pub service: Option<String>,
    #[schema(value_type = Object)]
    pub details: Value,
}

/// Which audit records to return: all filters are optional; newest first, before `before_seq`.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub subject: Option<String>,
    pub service: Option<String>,
    pub principal: Option<String>,
    /// Only records at or after this time, written as `types::now` writes times: RFC 3339 in
    /// UTC, its fraction without trailing zeros.
    pub since: Option<String>,
    pub before_seq: Option<i64>,
    pub limit: i64,
    /// Only records of the subjects this service produces.
    pub produced_by: Option<String>,
}

/// Appends `entry` to the audit log through `conn`, the connection of the transaction that
/// makes the change it records.
pub(in crate::storage) async fn append<DB>(
    conn: &mut DB::Connection,
    entry: &AuditEntry,
) -> Result<()>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'q> Option<&'q str>: Encode<'q, DB>,
    for<'q> Option<i32>: Encode<'q, DB> + Type<DB>,
{
    let details = entry.details.to_string();
    sqlx::query(
        "INSERT INTO audit_log (at, principal, action, subject, version, service, details) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(entry.at.as_str())
    .bind(entry.principal.as_str())
    .bind(entry.action.as_str())
    .bind(entry.subject.as_deref())
    .bind(entry.version.map(|v| v.0))
    .bind(entry.service.as_deref())
    .bind(details.as_str())
    .execute(conn)
    .await?;
    Ok(())
}

/// Returns the records of `pool`'s audit log that match `query`, newest first.
///
/// Times are compared as text without their `Z`: up to the seconds every time has the same
/// width, and what follows (nothing, or a fraction without trailing zeros) sorts as its value:
/// `:01` before `:01.1` before `:01.12` before `:01.2`. With the `Z`, `:01.1Z` would sort after
/// `:01.12Z`.
pub(super) async fn records<DB>(pool: &Pool<DB>, query: &AuditQuery) -> Result<Vec<AuditRecord>>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> Option<&'q str>: Encode<'q, DB> + Type<DB>,
    for<'q> Option<i64>: Encode<'q, DB>,
    for<'q> i64: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'r> i32: Decode<'r, DB> + Type<DB>,
    for<'r> String: Decode<'r, DB> + Type<DB>,
    for<'n> &'n str: ColumnIndex<DB::Row>,
{
    let rows = sqlx::query(
        "SELECT seq, at, principal, action, subject, version, service, details \
         FROM audit_log \
         WHERE (CAST($1 AS TEXT) IS NULL OR subject = $1) \
           AND (CAST($2 AS TEXT) IS NULL OR service = $2 OR principal = $2) \
           AND (CAST($3 AS TEXT) IS NULL OR principal = $3) \
           AND (CAST($4 AS TEXT) IS NULL OR rtrim(at, 'Z') >= rtrim($4, 'Z')) \
           AND (CAST($5 AS BIGINT) IS NULL OR seq < $5) \
           AND (CAST($7 AS TEXT) IS NULL OR subject IN \
                (SELECT subject FROM producers WHERE service = $7)) \
         ORDER BY seq DESC LIMIT $6",
    )
    .bind(query.subject.as_deref())
    .bind(query.service.as_deref())
    .bind(query.principal.as_deref())
    .bind(query.since.as_deref())
    .bind(query.before_seq)
    .bind(query.limit)
    .bind(query.produced_by.as_deref())
    .fetch_all(pool)
    .await?;
    rows.iter().map(rows::audit).collect()
}
