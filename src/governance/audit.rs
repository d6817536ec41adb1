//! Reading the audit log: filtered, newest first, a page at a time.
//!
//! Times are stored as `types::now` writes them, RFC 3339 in UTC; a `since` in any offset or
//! precision is turned into that form, which the store compares as an instant.

use serde::Serialize;
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};
use utoipa::ToSchema;

use super::{Action, Governance, Principal};
use crate::storage::{AuditQuery, AuditRecord};
use crate::types::SubjectName;
use crate::{Error, Result};

/// The most audit records one page returns.
const MAX_AUDIT_PAGE: i64 = 1000;

/// A page of the audit log, newest first; `next` is the cursor of the following page.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuditPage {
    pub entries: Vec<AuditRecord>,
    pub next: Option<String>,
}

impl Governance {
    /// Returns a page of the audit log; `cursor` continues from an earlier page's `next`. A
    /// service reads the entries of the subjects it produces; the admin, all of them.
    pub async fn audit(
        &self,
        by: &Principal,
        mut query: AuditQuery,
        cursor: Option<&str>,
    ) -> Result<AuditPage> {
        let subject = query
            .subject
            .as_deref()
            .map(SubjectName::parse)
            .transpose()?;
        match (by, &subject) {
            // A service asking for the whole log reads its own streams' part of it.
            (Principal::Service(service), None) => query.produced_by = Some(service.clone()),
            _ => {
                self.authorize(by, Action::ReadAudit(subject.as_ref()))
                    .await?
            }
        }
        query.since = query.since.as_deref().map(stored_time).transpose()?;
        query.before_seq = cursor
            .map(|c| {
                c.parse::<i64>()
                    .map_err(|_| Error::BadRequest(format!("Invalid cursor '{c}'")))
            })
            .transpose()?;
        if !(1..=MAX_AUDIT_PAGE).contains(&query.limit) {
            return Err(Error::BadRequest(format!(
                "Invalid limit {}: use 1 to {MAX_AUDIT_PAGE}",
                query.limit
            )));
        }
        let entries = self.store.audit_records(&query).await?;
        let next = (entries.len() as i64 == query.limit)
            .then(|| entries.last().map(|e| e.seq.to_string()))
            .flatten();
        Ok(AuditPage { entries, next })
    }
}

/// Returns the RFC 3339 time `since` in the form times are stored in: UTC, written as
/// [`crate::types::now`] writes it, so that the store compares instants.
///
/// A `+` that a client left unencoded in the query string arrives as a space; before an offset
/// (`...T10:00:00 02:00`) it is read as the `+` it was.
fn stored_time(since: &str) -> Result<String> {
    let invalid = || Error::BadRequest(format!("Invalid since '{since}': use an RFC 3339 time"));
    let instant = OffsetDateTime::parse(since, &Rfc3339)
        .or_else(|_| OffsetDateTime::parse(&unencoded_plus(since), &Rfc3339))
        .map_err(|_| invalid())?;
    instant
        .checked_to_offset(UtcOffset::UTC)
        .and_then(|utc| utc.format(&Rfc3339).ok())
        .ok_or_else(invalid)
}

/// Returns `since` with the space before a trailing `HH:MM` offset read as `+`.
fn unencoded_plus(since: &str) -> String {
    match since.rsplit_once(' ') {
        Some((time, offset)) if offset.len() == 5 && offset.as_bytes()[2] == b':' => {
            format!("{time}+{offset}")
        }
        _ => since.to_string(),
    }
}
