//! Change proposals in the store: the candidate, its breaking changes as last found, how it was
//! decided, and the answers of the services it affects, with SQL both databases share.
//!
//! Which services a proposal affects is not stored: it is the subject's consumers and readers
//! when the proposal is read, so that a consumer granted later is pending and a revoked one is
//! gone. Only the answers given are rows; a revoked consumer's answers to open proposals are
//! deleted with its grant.

use std::str::FromStr;

use async_trait::async_trait;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Row, Type};

use super::backend::{refuse, Args, Conn, SqlStore};
use super::{append_audit, AuditEntry, Checked, GovernanceConflict};
use crate::storage::rows::corrupt;
use crate::types::{Answer, Compatibility, ProposalState, Reference, SchemaType, Version};
use crate::Result;

/// A proposal as stored. Its `state` is never [`ProposalState::Approved`], which is decided
/// from the answers when it is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredProposal {
    pub id: i64,
    pub subject: String,
    pub state: ProposalState,
    pub summary: String,
    pub opened_by: String,
    pub opened_at: String,
    pub deadline: Option<String>,
    pub schema_type: SchemaType,
    /// The candidate as submitted.
    pub schema: String,
    pub references: Vec<Reference>,
    /// The normalized candidate's fingerprint: a registration of the same content matches it.
    pub fingerprint: String,
    /// The level the breaking changes were found under.
    pub compatibility: Compatibility,
    /// The breaking changes, in Confluent's verbose form.
    pub messages: Vec<String>,
    /// The subject's latest version when they were found.
    pub based_on: Option<Version>,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    pub reason: Option<String>,
    /// Applied by the admin without every affected service ready.
    pub overridden: bool,
    /// The version it landed as.
    pub version: Option<Version>,
    /// The answers given, by service.
    pub responses: Vec<StoredResponse>,
}

/// An affected service's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    pub service: String,
    /// `Ready` or `Blocked`: a service without an answer has no row.
    pub answer: Answer,
    pub comment: String,
    pub answered_by: String,
    pub answered_at: String,
}

/// How an open proposal is decided: withdrawn, rejected, or applied as a version that was
/// there already.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Closing {
    pub state: ProposalState,
    pub decided_by: String,
    pub decided_at: String,
    pub reason: Option<String>,
    pub overridden: bool,
    pub version: Option<Version>,
}

/// An approved (or overridden) proposal applied by the version being written, in its
/// transaction: the write is made only while the proposal is still open and, unless
/// `overridden`, no affected service has answered `blocked`.
#[derive(Debug, Clone)]
pub struct Applying {
    pub proposal: i64,
    pub decided_by: String,
    pub reason: Option<String>,
    pub overridden: bool,
    pub audit: AuditEntry,
}

/// Which proposals to return; newest first.
#[derive(Debug, Clone, Default)]
pub struct ProposalQuery {
    pub subject: Option<String>,
    /// A stored state (never `Approved`).
    pub state: Option<ProposalState>,
}

/// Where proposals are kept.
#[async_trait]
pub trait ProposalStore: Send + Sync {
    /// Stores a new open proposal with its audit entry (which gains the proposal's id); returns
    /// the id.
    async fn create_proposal(&self, proposal: &StoredProposal, audit: &AuditEntry) -> Result<i64>;
    /// Returns the proposals matching `query`, newest first.
    async fn proposals(&self, query: &ProposalQuery) -> Result<Vec<StoredProposal>>;
    /// Returns one proposal.
    async fn proposal(&self, id: i64) -> Result<Option<StoredProposal>>;
    /// Records (or replaces) a service's answer to an open proposal, with `approved` when the
    /// answer approves it.
    async fn answer_proposal(
        &self,
        id: i64,
        response: &StoredResponse,
        audit: &AuditEntry,
        approved: Option<&AuditEntry>,
    ) -> Result<Checked>;
    /// Replaces an open proposal's breaking changes, found again after the subject's latest
    /// version or level changed. Recomputed state, not a change anyone made: not audited.
    async fn rebase_proposal(
        &self,
        id: i64,
        based_on: Option<Version>,
        compatibility: Compatibility,
        messages: &[String],
    ) -> Result<()>;
    /// Decides an open proposal.
    async fn close_proposal(
        &self,
        id: i64,
        closing: &Closing,
        audit: &AuditEntry,
    ) -> Result<Checked>;
}

const PROPOSAL_COLUMNS: &str = "SELECT id, subject, state, summary, opened_by, opened_at, \
     deadline, schema_type, schema, refs, fingerprint, compatibility, messages, based_on, \
     decided_by, decided_at, reason, overridden, version FROM proposals";

#[async_trait]
impl<S> ProposalStore for S
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
    for<'r> String: Decode<'r, S::Db> + Type<S::Db>,
    for<'r> Option<String>: Decode<'r, S::Db>,
    for<'q> Option<i32>: Encode<'q, S::Db> + Type<S::Db>,
    usize: ColumnIndex<<S::Db as Database>::Row>,
    for<'n> &'n str: ColumnIndex<<S::Db as Database>::Row>,
{
    async fn create_proposal(&self, proposal: &StoredProposal, audit: &AuditEntry) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let refs = json(&proposal.references)?;
        let messages = json(&proposal.messages)?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO proposals (subject, state, summary, opened_by, opened_at, deadline, \
               schema_type, schema, refs, fingerprint, compatibility, messages, based_on) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
        )
        .bind(proposal.subject.as_str())
        .bind(ProposalState::Open.as_str())
        .bind(proposal.summary.as_str())
        .bind(proposal.opened_by.as_str())
        .bind(proposal.opened_at.as_str())
        .bind(proposal.deadline.as_deref())
        .bind(proposal.schema_type.as_str())
        .bind(proposal.schema.as_str())
        .bind(refs.as_str())
        .bind(proposal.fingerprint.as_str())
        .bind(proposal.compatibility.as_str())
        .bind(messages.as_str())
        .bind(proposal.based_on.map(|v| i64::from(v.0)))
        .fetch_one(tx.as_mut())
        .await?;
        let mut audit = audit.clone();
        audit.details["proposal"] = id.into();
        S::commit_uncached(tx, &audit).await?;
        Ok(id)
    }

    async fn proposals(&self, query: &ProposalQuery) -> Result<Vec<StoredProposal>> {
        let filter = "WHERE (CAST($1 AS TEXT) IS NULL OR subject = $1) \
                      AND (CAST($2 AS TEXT) IS NULL OR state = $2)";
        let sql = format!("{PROPOSAL_COLUMNS} {filter} ORDER BY id DESC");
        let subject = query.subject.as_deref();
        let state = query.state.map(ProposalState::as_str);
        let rows = sqlx::query(&sql)
            .bind(subject)
            .bind(state)
            .fetch_all(self.pool())
            .await?;
        let mut proposals = rows.iter().map(proposal).collect::<Result<Vec<_>>>()?;
        let responses_sql = format!(
            "SELECT proposal, service, response, comment, answered_by, answered_at \
             FROM proposal_responses WHERE proposal IN (SELECT id FROM proposals {filter}) \
             ORDER BY service"
        );
        let rows = sqlx::query(&responses_sql)
            .bind(subject)
            .bind(state)
            .fetch_all(self.pool())
            .await?;
        for row in &rows {
            let id: i64 = row.try_get("proposal")?;
            if let Some(proposal) = proposals.iter_mut().find(|p| p.id == id) {
                proposal.responses.push(response(row)?);
            }
        }
        Ok(proposals)
    }

    async fn proposal(&self, id: i64) -> Result<Option<StoredProposal>> {
        let sql = format!("{PROPOSAL_COLUMNS} WHERE id = $1");
        let Some(row) = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(self.pool())
            .await?
        else {
            return Ok(None);
        };
        let mut found = proposal(&row)?;
        let rows = sqlx::query(
            "SELECT service, response, comment, answered_by, answered_at \
             FROM proposal_responses WHERE proposal = $1 ORDER BY service",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        found.responses = rows.iter().map(response).collect::<Result<_>>()?;
        Ok(Some(found))
    }

    async fn answer_proposal(
        &self,
        id: i64,
        response: &StoredResponse,
        audit: &AuditEntry,
        approved: Option<&AuditEntry>,
    ) -> Result<Checked> {
        let mut tx = self.begin_write().await?;
        let state: Option<String> = sqlx::query_scalar("SELECT state FROM proposals WHERE id = $1")
            .bind(id)
            .fetch_optional(tx.as_mut())
            .await?;
        if let Err(conflict) = still_open(id, state)? {
            return refuse(conflict);
        }
        sqlx::query(
            "INSERT INTO proposal_responses \
               (proposal, service, response, comment, answered_by, answered_at) \
             VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (proposal, service) DO UPDATE SET response = excluded.response, \
               comment = excluded.comment, answered_by = excluded.answered_by, \
               answered_at = excluded.answered_at",
        )
        .bind(id)
        .bind(response.service.as_str())
        .bind(response.answer.as_str())
        .bind(response.comment.as_str())
        .bind(response.answered_by.as_str())
        .bind(response.answered_at.as_str())
        .execute(tx.as_mut())
        .await?;
        append_audit::<S::Db>(tx.as_mut(), audit).await?;
        if let Some(approved) = approved {
            append_audit::<S::Db>(tx.as_mut(), approved).await?;
        }
        S::commit_unaudited(tx).await.map(Ok)
    }

    async fn rebase_proposal(
        &self,
        id: i64,
        based_on: Option<Version>,
        compatibility: Compatibility,
        messages: &[String],
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE proposals SET based_on = $1, compatibility = $2, messages = $3 \
             WHERE id = $4 AND state = 'open'",
        )
        .bind(based_on.map(|v| i64::from(v.0)))
        .bind(compatibility.as_str())
        .bind(json(&messages)?.as_str())
        .bind(id)
        .execute(tx.as_mut())
        .await?;
        S::commit_unaudited(tx).await
    }

    async fn close_proposal(
        &self,
        id: i64,
        closing: &Closing,
        audit: &AuditEntry,
    ) -> Result<Checked> {
        let mut tx = self.begin_write().await?;
        let state: Option<String> = sqlx::query_scalar("SELECT state FROM proposals WHERE id = $1")
            .bind(id)
            .fetch_optional(tx.as_mut())
            .await?;
        if let Err(conflict) = still_open(id, state)? {
            return refuse(conflict);
        }
        sqlx::query(
            "UPDATE proposals SET state = $1, decided_by = $2, decided_at = $3, reason = $4, \
               overridden = $5, version = $6 WHERE id = $7",
        )
        .bind(closing.state.as_str())
        .bind(closing.decided_by.as_str())
        .bind(closing.decided_at.as_str())
        .bind(closing.reason.as_deref())
        .bind(i64::from(closing.overridden))
        .bind(closing.version.map(|v| i64::from(v.0)))
        .bind(id)
        .execute(tx.as_mut())
        .await?;
        S::commit_uncached(tx, audit).await.map(Ok)
    }
}

/// Marks the proposal `applying` applies as applied by `version`, in the transaction that
/// writes the version, and appends its audit entry; false (and nothing written) when it is no
/// longer open or, unless overridden, an affected service answered `blocked` meanwhile.
pub(in crate::storage) async fn mark_applied<DB>(
    conn: &mut DB::Connection,
    applying: &Applying,
    version: Version,
) -> Result<bool>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'q> Option<&'q str>: Encode<'q, DB> + Type<DB>,
    for<'q> Option<i32>: Encode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    usize: ColumnIndex<DB::Row>,
{
    let applied: Option<i64> = sqlx::query_scalar(
        "UPDATE proposals SET state = 'applied', version = $1, decided_by = $2, \
           decided_at = $3, reason = $4, overridden = $5 \
         WHERE id = $6 AND state = 'open' AND ($5 = 1 OR NOT EXISTS \
           (SELECT 1 FROM proposal_responses WHERE proposal = $6 AND response = 'blocked')) \
         RETURNING id",
    )
    .bind(i64::from(version.0))
    .bind(applying.decided_by.as_str())
    .bind(applying.audit.at.as_str())
    .bind(applying.reason.as_deref())
    .bind(i64::from(applying.overridden))
    .bind(applying.proposal)
    .fetch_optional(&mut *conn)
    .await?;
    if applied.is_none() {
        return Ok(false);
    }
    let mut audit = applying.audit.clone();
    audit.version = Some(version);
    append_audit::<DB>(conn, &audit).await?;
    Ok(true)
}

/// Returns `Ok` when the proposal whose stored state is `state` (`None`: no such proposal) is
/// open, and the conflict otherwise.
fn still_open(id: i64, state: Option<String>) -> Result<Checked> {
    match state.as_deref() {
        None => refuse(GovernanceConflict::NoSuchProposal(id)),
        Some("open") => Ok(Ok(())),
        Some(decided) => {
            let state = ProposalState::from_str(decided).map_err(|e| corrupt("state", e))?;
            refuse(GovernanceConflict::ProposalDecided { id, state })
        }
    }
}

fn json(value: &impl serde::Serialize) -> Result<String> {
    serde_json::to_string(value).map_err(|e| crate::Error::Internal(e.to_string()))
}

fn proposal<R: Row>(row: &R) -> Result<StoredProposal>
where
    for<'n> &'n str: ColumnIndex<R>,
    for<'r> String: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> Option<String>: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> i64: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> Option<i64>: Decode<'r, R::Database> + Type<R::Database>,
{
    let text = |column: &str| -> Result<String> { Ok(row.try_get(column)?) };
    let version = |column: &str| -> Result<Option<Version>> {
        let value: Option<i64> = row.try_get(column)?;
        value
            .map(|v| {
                i32::try_from(v)
                    .map(Version)
                    .map_err(|e| corrupt(column, e))
            })
            .transpose()
    };
    let overridden: i64 = row.try_get("overridden")?;
    Ok(StoredProposal {
        id: row.try_get("id")?,
        subject: text("subject")?,
        state: ProposalState::from_str(&text("state")?).map_err(|e| corrupt("state", e))?,
        summary: text("summary")?,
        opened_by: text("opened_by")?,
        opened_at: text("opened_at")?,
        deadline: row.try_get("deadline")?,
        schema_type: SchemaType::from_str(&text("schema_type")?)
            .map_err(|e| corrupt("schema type", e))?,
        schema: text("schema")?,
        references: serde_json::from_str(&text("refs")?).map_err(|e| corrupt("references", e))?,
        fingerprint: text("fingerprint")?,
        compatibility: Compatibility::parse(&text("compatibility")?)
            .map_err(|e| corrupt("compatibility", e))?,
        messages: serde_json::from_str(&text("messages")?).map_err(|e| corrupt("messages", e))?,
        based_on: version("based_on")?,
        decided_by: row.try_get("decided_by")?,
        decided_at: row.try_get("decided_at")?,
        reason: row.try_get("reason")?,
        overridden: overridden != 0,
        version: version("version")?,
        responses: Vec::new(),
    })
}

fn response<R: Row>(row: &R) -> Result<StoredResponse>
where
    for<'n> &'n str: ColumnIndex<R>,
    for<'r> String: Decode<'r, R::Database> + Type<R::Database>,
{
    let answer: String = row.try_get("response")?;
    Ok(StoredResponse {
        service: row.try_get("service")?,
        answer: Answer::from_str(&answer).map_err(|e| corrupt("response", e))?,
        comment: row.try_get("comment")?,
        answered_by: row.try_get("answered_by")?,
        answered_at: row.try_get("answered_at")?,
    })
}
