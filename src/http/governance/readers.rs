//! Who reads a stream: `/governance/subjects/{subject}/readers` and `/governance/drift`.

use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;
use crate::error::ErrorBody;
use crate::governance::{Drift, ReadersView};
use crate::http::extract::{Caller, ConfluentJson, PathParams, Query};
use crate::types::SubjectName;
use crate::{Error, Result};

/// Mounts the reader endpoints.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_readers))
        .routes(routes!(get_drift))
}

/// The days without a read after which a granted consumer counts as silent, unless stated.
const SILENT_DAYS: u32 = 30;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DriftParams {
    /// Days without a read after which a granted consumer is silent (a positive integer;
    /// 30 unless stated).
    pub silent_days: Option<String>,
}

/// Get a subject's declared consumers and observed readers
#[utoipa::path(get, path = "/governance/subjects/{subject}/readers", tag = "Governance",
    params(("subject" = String, Path)),
    responses((status = 200, body = ReadersView), (status = 404, body = ErrorBody)))]
async fn get_readers(
    State(app): State<AppState>,
    Caller(caller): Caller,
    PathParams(subject): PathParams<String>,
) -> Result<ConfluentJson<ReadersView>> {
    let subject = SubjectName::parse(&subject)?;
    Ok(ConfluentJson(
        app.contracts.readers(&caller, &subject).await?,
    ))
}

/// Get the readers without a grant and the granted consumers not seen reading
#[utoipa::path(get, path = "/governance/drift", tag = "Governance",
    params(DriftParams),
    responses((status = 200, body = Drift), (status = 422, body = ErrorBody)))]
async fn get_drift(
    State(app): State<AppState>,
    Caller(caller): Caller,
    Query(params): Query<DriftParams>,
) -> Result<ConfluentJson<Drift>> {
    let silent_days = match params.silent_days.as_deref() {
        None => SILENT_DAYS,
        Some(days) => days.parse().ok().filter(|days| *days > 0).ok_or_else(|| {
            Error::UnprocessableEntity(format!(
                "silent_days must be a positive integer, not '{days}'"
            ))
        })?,
    };
    Ok(ConfluentJson(
        app.governance.drift(&caller, silent_days).await?,
    ))
}
