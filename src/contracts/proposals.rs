//! Breaking a contract together: a change proposal holds a breaking candidate, the services it
//! affects answer it, and once they are all ready the producer's registration of exactly that
//! schema lands as a new version despite the level — once, deciding the proposal in the same
//! transaction.
//!
//! A proposal's breaking changes are found again whenever the subject's latest version or level
//! moved since they were found; the services it affects are the subject's consumers and
//! undeclared readers at the time it is read.

use serde::Serialize;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use utoipa::ToSchema;

use super::Contracts;
use crate::governance::{Ending, LatestSchema, Principal, Proposal};
use crate::registry::{Registered, SchemaRequest, Stamp};
use crate::storage::{AuditAction, Closing, ProposalQuery, StoredProposal};
use crate::types::{now, Answer, ProposalState, Reference, SchemaType, SubjectName};
use crate::{Error, Result};

/// A breaking candidate to propose, with why and by when.
#[derive(Debug, Clone)]
pub struct NewProposal {
    pub request: SchemaRequest,
    pub summary: String,
    /// An RFC 3339 time in the future.
    pub deadline: Option<String>,
}

/// Which proposals to list.
#[derive(Debug, Clone, Default)]
pub struct ProposalFilter {
    pub subject: Option<SubjectName>,
    pub state: Option<ProposalState>,
    /// Only the undecided proposals this service has not answered yet: its inbox.
    pub awaiting: Option<String>,
}

/// The undecided proposal whose candidate is exactly a checked schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct ProposalMatch {
    pub id: i64,
    /// `open` or `approved`.
    pub state: ProposalState,
}

impl Contracts {
    /// Opens a proposal to register `new`'s candidate in `subject`, for its producer or the
    /// admin. A candidate that breaks nothing is refused: register it instead.
    pub async fn propose(
        &self,
        caller: &Principal,
        subject: &SubjectName,
        new: NewProposal,
    ) -> Result<Proposal> {
        self.governance.authorize_proposal(caller, subject).await?;
        let summary = new.summary.trim().to_string();
        if summary.is_empty() {
            return Err(Error::InvalidGovernance(
                "A proposal needs a summary: why the change is needed and how consumers should \
                 migrate"
                    .to_string(),
            ));
        }
        let deadline = new.deadline.as_deref().map(future_time).transpose()?;
        let request = new.request;
        let level = self.registry.effective_compatibility(subject).await?;
        let messages = self
            .registry
            .check_compatibility(subject, None, request.clone(), false)
            .await?;
        if messages.is_empty() {
            return Err(Error::ProposalNeedless(format!(
                "The schema is compatible with subject '{subject}' under {}: register it \
                 instead of proposing it",
                level.as_str()
            )));
        }
        let stored = StoredProposal {
            id: 0,
            subject: subject.to_string(),
            state: ProposalState::Open,
            summary,
            opened_by: caller.actor().principal,
            opened_at: now(),
            deadline,
            schema_type: request.schema_type,
            fingerprint: self.registry.normalized_fingerprint(&request).await?,
            schema: request.schema,
            references: request.references,
            compatibility: level,
            messages,
            based_on: self.registry.latest(subject).await?.map(|v| v.version),
            decided_by: None,
            decided_at: None,
            reason: None,
            overridden: false,
            version: None,
            responses: Vec::new(),
        };
        let id = self.governance.store_proposal(caller, &stored).await?;
        self.governance
            .proposal_view(StoredProposal { id, ..stored })
            .await
    }

    /// Returns the proposals `filter` selects among those of subjects `caller` may read,
    /// newest first.
    pub async fn proposals(
        &self,
        caller: &Principal,
        filter: ProposalFilter,
    ) -> Result<Vec<Proposal>> {
        if let Some(subject) = &filter.subject {
            self.authorize_read(caller, subject).await?;
        }
        // `approved` is decided on reading: it is stored as `open`.
        let stored_state = match filter.state {
            Some(ProposalState::Approved) => Some(ProposalState::Open),
            state => state,
        };
        let query = ProposalQuery {
            subject: filter.subject.as_ref().map(ToString::to_string),
            state: stored_state,
        };
        let stored = self.governance.stored_proposals(&query).await?;
        let subjects: Vec<String> = stored.iter().map(|p| p.subject.clone()).collect();
        let readable = self.governance.readable(caller, subjects).await?;
        let mut proposals = Vec::new();
        for stored in stored {
            if !readable.contains(&stored.subject) {
                continue;
            }
            let proposal = self.current(stored).await?;
            let is_awaiting = |service: &String| {
                !proposal.state.is_decided()
                    && proposal
                        .affected
                        .iter()
                        .any(|a| a.service == *service && a.response == Answer::Pending)
            };
            if filter.state.is_some_and(|state| state != proposal.state)
                || filter.awaiting.as_ref().is_some_and(|s| !is_awaiting(s))
            {
                continue;
            }
            proposals.push(proposal);
        }
        Ok(proposals)
    }

    /// Returns proposal `id` with the subject's latest version.
    pub async fn proposal(&self, caller: &Principal, id: i64) -> Result<Proposal> {
        let stored = self.governance.stored_proposal(id).await?;
        let subject = SubjectName::parse(&stored.subject)?;
        self.authorize_read(caller, &subject).await?;
        let mut proposal = self.current(stored).await?;
        let latest = self.registry.latest(&subject).await?;
        proposal.latest = latest.as_deref().map(LatestSchema::from);
        Ok(proposal)
    }

    /// Records `service`'s answer to proposal `id`; returns the proposal as it now stands.
    pub async fn answer(
        &self,
        caller: &Principal,
        id: i64,
        service: &str,
        answer: Answer,
        comment: String,
    ) -> Result<Proposal> {
        let proposal = self.current_by_id(id).await?;
        self.governance
            .answer_proposal(caller, &proposal, service, answer, comment)
            .await?;
        self.current_by_id(id).await
    }

    /// Withdraws or rejects proposal `id`; returns it as it now stands.
    pub async fn end_proposal(
        &self,
        caller: &Principal,
        id: i64,
        ending: Ending,
        reason: Option<String>,
    ) -> Result<Proposal> {
        let proposal = self.current_by_id(id).await?;
        let reason = reason
            .map(|r| r.trim().to_string())
            .filter(|r| !r.is_empty());
        self.governance
            .end_proposal(caller, &proposal, ending, reason)
            .await?;
        self.current_by_id(id).await
    }

    /// Registers proposal `id`'s candidate as a new version: for the producer once every
    /// affected service is ready, for the admin at any time before it is decided (with a
    /// reason when that overrides an answer).
    pub async fn apply(
        &self,
        caller: &Principal,
        id: i64,
        reason: Option<String>,
    ) -> Result<Registered> {
        let proposal = self.current_by_id(id).await?;
        let subject = SubjectName::parse(&proposal.subject)?;
        if proposal.state.is_decided() {
            return Err(Error::ProposalDecided(id, proposal.state));
        }
        let reason = reason
            .map(|r| r.trim().to_string())
            .filter(|r| !r.is_empty());
        match caller {
            Principal::Admin | Principal::Open => {
                if !proposal.is_approved() && reason.is_none() {
                    return Err(Error::InvalidGovernance(format!(
                        "Applying proposal {id} before every affected service is ready \
                         overrides {}: send {{\"reason\": \"...\"}}",
                        proposal.waiting_for()
                    )));
                }
            }
            _ => {
                if !self.governance.is_producer(caller, &subject).await? {
                    self.governance
                        .authorize(caller, crate::governance::Action::Change(&subject))
                        .await?;
                }
                if !proposal.is_approved() {
                    return Err(not_approved(&proposal));
                }
            }
        }
        self.land(caller, &proposal, request_of(&proposal), false, reason)
            .await
    }

    /// Lands an approved proposal whose candidate `request` is, when `caller`, the subject's
    /// producer, registers it and the level refused it; `None` when there is none.
    pub(super) async fn agreed_registration(
        &self,
        caller: &Principal,
        subject: &SubjectName,
        request: &SchemaRequest,
        normalize: bool,
    ) -> Result<Option<Registered>> {
        let Some(proposal) = self.undecided_for(subject, request).await? else {
            return Ok(None);
        };
        if !proposal.is_approved() || !self.governance.is_producer(caller, subject).await? {
            return Ok(None);
        }
        let registered = self
            .land(caller, &proposal, request.clone(), normalize, None)
            .await?;
        Ok(Some(registered))
    }

    /// Returns the undecided proposal of `subject` whose candidate is `request`'s schema
    /// (after normalization), for a check to report.
    pub(super) async fn proposal_for(
        &self,
        subject: &SubjectName,
        request: &SchemaRequest,
    ) -> Result<Option<ProposalMatch>> {
        Ok(self
            .undecided_for(subject, request)
            .await?
            .map(|p| ProposalMatch {
                id: p.id,
                state: p.state,
            }))
    }

    /// The newest undecided proposal of `subject` whose candidate is `request`'s schema.
    async fn undecided_for(
        &self,
        subject: &SubjectName,
        request: &SchemaRequest,
    ) -> Result<Option<Proposal>> {
        let query = ProposalQuery {
            subject: Some(subject.to_string()),
            state: Some(ProposalState::Open),
        };
        let open = self.governance.stored_proposals(&query).await?;
        if open.is_empty() {
            return Ok(None);
        }
        let fingerprint = self.registry.normalized_fingerprint(request).await?;
        match open.into_iter().find(|p| p.fingerprint == fingerprint) {
            Some(stored) => Ok(Some(self.current(stored).await?)),
            None => Ok(None),
        }
    }

    /// Registers `request` as `proposal` agreed and decides the proposal with it.
    async fn land(
        &self,
        caller: &Principal,
        proposal: &Proposal,
        request: SchemaRequest,
        normalize: bool,
        reason: Option<String>,
    ) -> Result<Registered> {
        let subject = SubjectName::parse(&proposal.subject)?;
        let applying = self.governance.applying(caller, proposal, reason.clone());
        let overridden = applying.overridden;
        let registered = self
            .registry
            .register_agreed(&subject, request, normalize, &caller.actor(), applying)
            .await?;
        if !registered.is_new {
            // A live version holds the candidate already: that version applies it.
            let closing = Closing {
                state: ProposalState::Applied,
                decided_by: caller.actor().principal,
                decided_at: now(),
                reason,
                overridden,
                version: Some(registered.version),
            };
            self.governance
                .close_proposal(caller, proposal, closing, AuditAction::ProposalApplied)
                .await?;
        }
        self.governance.forget_read_permissions();
        Ok(registered)
    }

    async fn current_by_id(&self, id: i64) -> Result<Proposal> {
        let stored = self.governance.stored_proposal(id).await?;
        self.current(stored).await
    }

    /// Returns `stored` as it stands now: an undecided proposal's breaking changes found again
    /// when the subject's latest version or level moved since.
    async fn current(&self, mut stored: StoredProposal) -> Result<Proposal> {
        if stored.state == ProposalState::Open {
            let subject = SubjectName::parse(&stored.subject)?;
            let latest = self.registry.latest(&subject).await?.map(|v| v.version);
            let level = self.registry.effective_compatibility(&subject).await?;
            if latest != stored.based_on || level != stored.compatibility {
                let request = stored_request(&stored);
                let found = self
                    .registry
                    .check_compatibility(&subject, None, request, false)
                    .await;
                match found {
                    Ok(messages) => {
                        self.governance
                            .rebase_proposal(&mut stored, latest, level, messages)
                            .await?
                    }
                    // A reference deleted since, say: the changes found last stand.
                    Err(err) => tracing::warn!(proposal = stored.id, error = %err,
                        "the breaking changes of a proposal could not be found again"),
                }
            }
        }
        self.governance.proposal_view(stored).await
    }
}

/// The refusal of applying a proposal that not every affected service is ready for.
fn not_approved(proposal: &Proposal) -> Error {
    Error::ProposalNotApproved(format!(
        "Proposal {} is not approved: waiting for {}",
        proposal.id,
        proposal.waiting_for()
    ))
}

/// The registration a proposal's candidate makes.
fn registration(schema_type: SchemaType, schema: &str, references: &[Reference]) -> SchemaRequest {
    SchemaRequest {
        schema_type,
        schema: schema.to_string(),
        references: references.to_vec(),
        metadata: None,
        rule_set: None,
        id: None,
        version: None,
        stamp: Stamp::None,
    }
}

fn request_of(proposal: &Proposal) -> SchemaRequest {
    registration(proposal.schema_type, &proposal.schema, &proposal.references)
}

fn stored_request(stored: &StoredProposal) -> SchemaRequest {
    registration(stored.schema_type, &stored.schema, &stored.references)
}

/// Parses `text`, an RFC 3339 time that must be in the future, into its UTC form.
fn future_time(text: &str) -> Result<String> {
    let time = OffsetDateTime::parse(text, &Rfc3339).map_err(|_| {
        Error::InvalidGovernance(format!(
            "Invalid deadline '{text}': use an RFC 3339 time such as 2030-01-31T12:00:00Z"
        ))
    })?;
    if time <= OffsetDateTime::now_utc() {
        return Err(Error::InvalidGovernance(format!(
            "The deadline '{text}' is in the past"
        )));
    }
    time.to_offset(time::UtcOffset::UTC)
        .format(&Rfc3339)
        .map_err(|e| Error::Internal(e.to_string()))
}
