//! `/governance/audit`: the audit log, newest first, filtered and paged.

use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;
use crate::error::ErrorBody;
use crate::governance::AuditPage;
use crate::http::extract::{Caller, ConfluentJson, Query};
use crate::storage::AuditQuery;
use crate::Result;

/// Mounts the audit endpoint.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(read_audit))
}

/// Filters and paging of the audit log.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// Only changes to this subject.
    pub subject: Option<String>,
    /// Only changes by or to this service.
    pub service: Option<String>,
    /// Only changes by this principal (`admin`, a service name, or `anonymous`).
    pub principal: Option<String>,
    /// Only changes at or after this RFC 3339 time.
    pub since: Option<String>,
    /// At most this many entries (1 to 1000, default 100).
    pub limit: Option<i64>,
    /// The `next` cursor of the previous page.
    pub cursor: Option<String>,
}

/// Read the audit log
///
/// The admin reads everything; a subject's producer reads that subject's entries.
#[utoipa::path(get, path = "/governance/audit", tag = "Governance",
    params(AuditParams),
    responses((status = 200, body = AuditPage), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn read_audit(
    State(app): State<AppState>,
    Caller(caller): Caller,
    Query(params): Query<AuditParams>,
) -> Result<ConfluentJson<AuditPage>> {
    let query = AuditQuery {
        subject: params.subject,
        service: params.service,
        principal: params.principal,
        since: params.since,
        before_seq: None,
        produced_by: None,
        limit: params.limit.unwrap_or(100),
    };
    let page = app
        .governance
        .audit(&caller, query, params.cursor.as_deref())
        .await?;
    Ok(ConfluentJson(page))
}
