//! Change proposals: `/governance/subjects/{subject}/proposals` opens one, and
//! `/governance/proposals` lists, reads, answers, applies, withdraws and rejects them.

use axum::extract::{FromRequest, Request, State};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::created;
use crate::app::AppState;
use crate::contracts::{NewProposal, ProposalFilter};
use crate::error::ErrorBody;
use crate::governance::{Ending, Proposal};
use crate::http::confluent::wire::RegisterSchemaRequest;
use crate::http::extract::{body_bytes, decode_body, Caller, ConfluentJson, PathParams, Query};
use crate::types::{Answer, ProposalState, Reference, SubjectName};
use crate::{Error, Result};

/// Mounts the proposal endpoints.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(open_proposal))
        .routes(routes!(list_proposals))
        .routes(routes!(get_proposal))
        .routes(routes!(answer_proposal))
        .routes(routes!(apply_proposal))
        .routes(routes!(withdraw_proposal))
        .routes(routes!(reject_proposal))
}

/// A breaking candidate, as a registration body, with why and by when.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProposeRequest {
    pub schema: Option<String>,
    /// `AVRO` (the default), `PROTOBUF` or `JSON`.
    pub schema_type: Option<String>,
    pub references: Option<Vec<Reference>>,
    /// Why the change is needed and how consumers should migrate.
    pub summary: Option<String>,
    /// When the producer means to land it (RFC 3339, in the future).
    pub deadline: Option<String>,
}

/// Query parameters of the proposal listing.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProposalParams {
    /// Only the proposals of this subject.
    pub subject: Option<String>,
    /// Only those in this state: open, approved, applied, withdrawn or rejected.
    pub state: Option<String>,
    /// Only the undecided proposals this service has not answered: its inbox.
    pub awaiting: Option<String>,
}

/// The proposals, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProposalList {
    pub proposals: Vec<Proposal>,
}

/// An affected service's answer.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AnswerRequest {
    /// `ready` or `blocked`.
    pub response: String,
    /// Why it is blocked, or anything the producer should know.
    #[serde(default)]
    pub comment: Option<String>,
}

/// Why a proposal is applied early, withdrawn or rejected.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct ReasonRequest {
    #[serde(default)]
    pub reason: Option<String>,
}

/// The version an applied proposal landed as.
#[derive(Debug, Serialize, ToSchema)]
pub struct AppliedResponse {
    /// The schema id.
    pub id: i32,
    pub version: i32,
}

/// Propose a breaking change to a subject, for its affected consumers to answer
#[utoipa::path(post, path = "/governance/subjects/{subject}/proposals", tag = "Proposals",
    params(("subject" = String, Path)), request_body = ProposeRequest,
    responses((status = 201, body = Proposal),
        (status = 403, description = "Not the subject's producer or the admin", body = ErrorBody),
        (status = 422, description = "An invalid or already compatible schema, no summary, or a past deadline", body = ErrorBody)))]
async fn open_proposal(
    State(app): State<AppState>,
    Caller(caller): Caller,
    PathParams(subject): PathParams<String>,
    ConfluentJson(body): ConfluentJson<ProposeRequest>,
) -> Result<Response> {
    let subject = SubjectName::parse(&subject)?;
    if body.schema.as_deref().is_none_or(|s| s.trim().is_empty()) {
        return Err(Error::EmptySchema(
            ": a proposal's body needs its candidate in \"schema\"".to_string(),
        ));
    }
    let registration = RegisterSchemaRequest {
        schema: body.schema,
        schema_type: body.schema_type,
        references: body
            .references
            .map(|refs| refs.into_iter().map(Into::into).collect()),
        ..RegisterSchemaRequest::default()
    };
    let new = NewProposal {
        request: registration.into_request()?,
        summary: body.summary.unwrap_or_default(),
        deadline: body.deadline,
    };
    let proposal = app.contracts.propose(&caller, &subject, new).await?;
    Ok(created(proposal))
}

/// List proposals, newest first: a subject's, those in a state, or a service's inbox
#[utoipa::path(get, path = "/governance/proposals", tag = "Proposals",
    params(ProposalParams),
    responses((status = 200, body = ProposalList), (status = 422, body = ErrorBody)))]
async fn list_proposals(
    State(app): State<AppState>,
    Caller(caller): Caller,
    Query(params): Query<ProposalParams>,
) -> Result<ConfluentJson<ProposalList>> {
    let state = params
        .state
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<ProposalState>())
        .transpose()
        .map_err(Error::InvalidGovernance)?;
    let filter = ProposalFilter {
        subject: params
            .subject
            .as_deref()
            .filter(|s| !s.is_empty())
            .map(SubjectName::parse)
            .transpose()?,
        state,
        awaiting: params.awaiting.filter(|s| !s.is_empty()),
    };
    let proposals = app.contracts.proposals(&caller, filter).await?;
    Ok(ConfluentJson(ProposalList { proposals }))
}

/// Get a proposal, with the subject's latest version to compare it with
#[utoipa::path(get, path = "/governance/proposals/{id}", tag = "Proposals",
    params(("id" = i64, Path)),
    responses((status = 200, body = Proposal), (status = 404, body = ErrorBody)))]
async fn get_proposal(
    State(app): State<AppState>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
) -> Result<ConfluentJson<Proposal>> {
    Ok(ConfluentJson(
        app.contracts.proposal(&caller, proposal_id(&id)?).await?,
    ))
}

/// Answer a proposal for an affected service: ready, or blocked with a comment
#[utoipa::path(put, path = "/governance/proposals/{id}/responses/{service}", tag = "Proposals",
    params(("id" = i64, Path), ("service" = String, Path)), request_body = AnswerRequest,
    responses((status = 200, body = Proposal),
        (status = 403, description = "Answering for another service", body = ErrorBody),
        (status = 404, description = "No such proposal, or the service is not affected", body = ErrorBody),
        (status = 409, description = "The proposal is decided", body = ErrorBody),
        (status = 422, description = "A response other than ready or blocked", body = ErrorBody)))]
async fn answer_proposal(
    State(app): State<AppState>,
    Caller(caller): Caller,
    PathParams((id, service)): PathParams<(String, String)>,
    ConfluentJson(body): ConfluentJson<AnswerRequest>,
) -> Result<ConfluentJson<Proposal>> {
    let answer = match body.response.parse::<Answer>() {
        Ok(answer @ (Answer::Ready | Answer::Blocked)) => answer,
        _ => {
            return Err(Error::InvalidGovernance(format!(
                "Invalid response '{}': use ready or blocked",
                body.response
            )))
        }
    };
    let comment = body.comment.unwrap_or_default();
    let proposal = app
        .contracts
        .answer(&caller, proposal_id(&id)?, &service, answer, comment)
        .await?;
    Ok(ConfluentJson(proposal))
}

/// Register a proposal's candidate as a new version: the producer once it is approved, the
/// admin at any time with a reason
#[utoipa::path(post, path = "/governance/proposals/{id}/apply", tag = "Proposals",
    params(("id" = i64, Path)), request_body = ReasonRequest,
    responses((status = 200, body = AppliedResponse),
        (status = 403, description = "Neither the producer nor the admin", body = ErrorBody),
        (status = 404, description = "No such proposal", body = ErrorBody),
        (status = 409, description = "Not approved, or decided", body = ErrorBody)))]
async fn apply_proposal(
    State(app): State<AppState>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
    Reason(reason): Reason,
) -> Result<ConfluentJson<AppliedResponse>> {
    let registered = app
        .contracts
        .apply(&caller, proposal_id(&id)?, reason)
        .await?;
    Ok(ConfluentJson(AppliedResponse {
        id: registered.id.0,
        version: registered.version.0,
    }))
}

/// Withdraw a proposal: its author, the producer or the admin
#[utoipa::path(post, path = "/governance/proposals/{id}/withdraw", tag = "Proposals",
    params(("id" = i64, Path)), request_body = ReasonRequest,
    responses((status = 200, body = Proposal),
        (status = 403, description = "Neither its author, the producer nor the admin", body = ErrorBody),
        (status = 404, description = "No such proposal", body = ErrorBody),
        (status = 409, description = "The proposal is decided", body = ErrorBody)))]
async fn withdraw_proposal(
    State(app): State<AppState>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
    Reason(reason): Reason,
) -> Result<ConfluentJson<Proposal>> {
    end(app, caller, &id, Ending::Withdraw, reason).await
}

/// Reject a proposal, with a reason: the admin
#[utoipa::path(post, path = "/governance/proposals/{id}/reject", tag = "Proposals",
    params(("id" = i64, Path)), request_body = ReasonRequest,
    responses((status = 200, body = Proposal),
        (status = 403, description = "Not the admin", body = ErrorBody),
        (status = 404, description = "No such proposal", body = ErrorBody),
        (status = 409, description = "The proposal is decided", body = ErrorBody),
        (status = 422, description = "No reason", body = ErrorBody)))]
async fn reject_proposal(
    State(app): State<AppState>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
    Reason(reason): Reason,
) -> Result<ConfluentJson<Proposal>> {
    end(app, caller, &id, Ending::Reject, reason).await
}

async fn end(
    app: AppState,
    caller: crate::governance::Principal,
    id: &str,
    ending: Ending,
    reason: Option<String>,
) -> Result<ConfluentJson<Proposal>> {
    let proposal = app
        .contracts
        .end_proposal(&caller, proposal_id(id)?, ending, reason)
        .await?;
    Ok(ConfluentJson(proposal))
}

/// Parses a proposal id from its path segment; anything else names no proposal.
fn proposal_id(segment: &str) -> Result<i64> {
    match segment.parse::<i64>() {
        Ok(id) if id > 0 => Ok(id),
        _ => Err(Error::InvalidGovernance(format!(
            "Invalid proposal id '{segment}': a proposal id is a positive integer"
        ))),
    }
}

/// The reason in an optional [`ReasonRequest`] body: no body, or one without a reason, gives
/// none.
struct Reason(Option<String>);

impl<S: Send + Sync> FromRequest<S> for Reason {
    type Rejection = Error;

    async fn from_request(req: Request, state: &S) -> Result<Self, Error> {
        let bytes = body_bytes(req, state).await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Reason(None));
        }
        let body: ReasonRequest = decode_body(&bytes)?;
        Ok(Reason(body.reason))
    }
}
