//! Reading the audit log: filtered, newest first, a page at a time.

use serde::Serialize;
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
    /// Returns a page of the audit log; `cursor` continues from an earlier page's `next`.
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
        self.authorize(by, Action::ReadAudit(subject.as_ref()))
            .await?;
        if let Some(since) = &query.since {
            time::OffsetDateTime::parse(since, &time::format_description::well_known::Rfc3339)
                .map_err(|_| {
                    Error::BadRequest(format!("Invalid since '{since}': use an RFC 3339 time"))
                })?;
        }
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
