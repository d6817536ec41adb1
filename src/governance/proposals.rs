//! Change proposals on governance's side: who may open, answer, withdraw and reject one, which
//! services a proposal affects and what they answered, and the proposal as the API shows it.
//! Finding the breaking changes and landing the version need the registry too: see
//! `contracts::proposals`.

use serde::Serialize;
use utoipa::ToSchema;

use super::{entry, Action, Governance, Principal};
use crate::storage::{
    Applying, AuditAction, Closing, ProposalQuery, StoredProposal, StoredResponse, StoredVersion,
};
use crate::types::{
    now, Answer, Compatibility, Contact, ProposalState, Reference, SchemaType, SubjectName, Version,
};
use crate::{Error, Result};

/// An affected service, its owners, and its answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct AffectedAnswer {
    pub service: String,
    pub team: String,
    pub contacts: Vec<Contact>,
    /// True for a granted consumer, false for a service only seen reading the subject.
    pub declared: bool,
    pub response: Answer,
    pub comment: String,
    /// Who answered: the service itself, or `admin` acting for it.
    pub answered_by: Option<String>,
    pub answered_at: Option<String>,
}

/// The subject's latest version, for a diff against the candidate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct LatestSchema {
    #[schema(value_type = i32)]
    pub version: Version,
    pub id: i32,
    pub schema: String,
    #[serde(rename = "schemaType")]
    pub schema_type: SchemaType,
    pub references: Vec<Reference>,
}

impl From<&StoredVersion> for LatestSchema {
    fn from(version: &StoredVersion) -> Self {
        LatestSchema {
            version: version.version,
            id: version.schema.id.0,
            schema: version.schema.schema.clone(),
            schema_type: version.schema.schema_type,
            references: version.schema.references.clone(),
        }
    }
}

/// A change proposal as the API answers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Proposal {
    pub id: i64,
    pub subject: String,
    pub state: ProposalState,
    /// Why the change is needed and how consumers should migrate.
    pub summary: String,
    pub opened_by: String,
    pub opened_at: String,
    pub deadline: Option<String>,
    pub schema: String,
    #[serde(rename = "schemaType")]
    pub schema_type: SchemaType,
    pub references: Vec<Reference>,
    #[serde(rename = "compatibilityLevel")]
    pub compatibility_level: Compatibility,
    /// The breaking changes against the subject's versions, in Confluent's verbose form.
    pub messages: Vec<String>,
    /// The latest version the breaking changes were found against.
    #[schema(value_type = Option<i32>)]
    pub based_on: Option<Version>,
    pub affected: Vec<AffectedAnswer>,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    pub reason: Option<String>,
    /// Applied by the admin before every affected service was ready.
    pub overridden: bool,
    /// The version the proposal landed as.
    #[schema(value_type = Option<i32>)]
    pub version: Option<Version>,
    /// The subject's latest version (when one proposal is read).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latest: Option<LatestSchema>,
}

impl Proposal {
    /// Returns true when the proposal is open and every affected service is ready.
    pub fn is_approved(&self) -> bool {
        self.state == ProposalState::Approved
    }

    /// Names the affected services that are not ready, with their answers: "billing
    /// (pending), audit (blocked: needs a week)".
    pub fn waiting_for(&self) -> String {
        let waiting: Vec<String> = self
            .affected
            .iter()
            .filter(|a| a.response != Answer::Ready)
            .map(|a| match (a.response, a.comment.is_empty()) {
                (Answer::Blocked, false) => format!("{} (blocked: {})", a.service, a.comment),
                (answer, _) => format!("{} ({})", a.service, answer.as_str()),
            })
            .collect();
        waiting.join(", ")
    }
}

/// What a caller wants of a proposal's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    Withdraw,
    Reject,
}

impl Governance {
    /// Refuses opening a proposal in `subject` to anyone but its producer and the admin.
    pub async fn authorize_proposal(
        &self,
        caller: &Principal,
        subject: &SubjectName,
    ) -> Result<()> {
        self.authorize(caller, Action::Change(subject)).await?;
        if let Principal::Service(service) = caller {
            if self.store.producer(subject).await?.is_none() {
                return Err(Error::Forbidden(format!(
                    "Service '{service}' may not propose a change to subject '{subject}': it has \
                     no producer, so only the admin may"
                )));
            }
        }
        Ok(())
    }

    /// Stores `proposal`, opened by `caller`; returns its id.
    pub async fn store_proposal(
        &self,
        caller: &Principal,
        proposal: &StoredProposal,
    ) -> Result<i64> {
        let details = serde_json::json!({ "summary": proposal.summary });
        let audit = entry(
            caller,
            AuditAction::ProposalOpened,
            Some(&proposal.subject),
            None,
            details,
        );
        self.store.create_proposal(proposal, &audit).await
    }

    /// Returns the stored proposal `id`.
    pub async fn stored_proposal(&self, id: i64) -> Result<StoredProposal> {
        self.store
            .proposal(id)
            .await?
            .ok_or(Error::ProposalNotFound(id))
    }

    /// Returns the stored proposals matching `query`, newest first.
    pub async fn stored_proposals(&self, query: &ProposalQuery) -> Result<Vec<StoredProposal>> {
        self.store.proposals(query).await
    }

    /// Replaces an open proposal's breaking changes with those found again.
    pub async fn rebase_proposal(
        &self,
        proposal: &mut StoredProposal,
        based_on: Option<Version>,
        compatibility: Compatibility,
        messages: Vec<String>,
    ) -> Result<()> {
        self.store
            .rebase_proposal(proposal.id, based_on, compatibility, &messages)
            .await?;
        proposal.based_on = based_on;
        proposal.compatibility = compatibility;
        proposal.messages = messages;
        Ok(())
    }

    /// Returns `stored` as the API shows it: the services it affects now (the subject's
    /// consumers, then the services seen reading it undeclared), each with its answer, and its
    /// state (`approved` once every one of them is ready).
    pub async fn proposal_view(&self, stored: StoredProposal) -> Result<Proposal> {
        let subject = SubjectName::parse(&stored.subject)?;
        let mut affected = Vec::new();
        let declared = self
            .affected(&subject)
            .await?
            .into_iter()
            .map(|a| (a, true));
        let undeclared = self.undeclared(&subject).await?.into_iter().map(|u| {
            let owner = crate::types::Affected {
                service: u.service,
                team: u.team,
                contacts: u.contacts,
            };
            (owner, false)
        });
        for (owner, declared) in declared.chain(undeclared) {
            let given = stored.responses.iter().find(|r| r.service == owner.service);
            affected.push(AffectedAnswer {
                service: owner.service,
                team: owner.team,
                contacts: owner.contacts,
                declared,
                response: given.map_or(Answer::Pending, |r| r.answer),
                comment: given.map(|r| r.comment.clone()).unwrap_or_default(),
                answered_by: given.map(|r| r.answered_by.clone()),
                answered_at: given.map(|r| r.answered_at.clone()),
            });
        }
        let is_ready = affected.iter().all(|a| a.response == Answer::Ready);
        let state = match stored.state {
            ProposalState::Open if is_ready => ProposalState::Approved,
            state => state,
        };
        Ok(Proposal {
            id: stored.id,
            subject: stored.subject,
            state,
            summary: stored.summary,
            opened_by: stored.opened_by,
            opened_at: stored.opened_at,
            deadline: stored.deadline,
            schema: stored.schema,
            schema_type: stored.schema_type,
            references: stored.references,
            compatibility_level: stored.compatibility,
            messages: stored.messages,
            based_on: stored.based_on,
            affected,
            decided_by: stored.decided_by,
            decided_at: stored.decided_at,
            reason: stored.reason,
            overridden: stored.overridden,
            version: stored.version,
            latest: None,
        })
    }

    /// Records `service`'s answer to `proposal` for `caller`: the service itself, or the admin
    /// acting for it (recorded as such).
    pub async fn answer_proposal(
        &self,
        caller: &Principal,
        proposal: &Proposal,
        service: &str,
        answer: Answer,
        comment: String,
    ) -> Result<()> {
        match caller {
            Principal::Service(own) if own != service => {
                return Err(Error::Forbidden(format!(
                    "Service '{own}' may not answer proposal {} for service '{service}': each \
                     service answers with its own credential",
                    proposal.id
                )))
            }
            Principal::Nobody => {
                self.authorize(caller, Action::Administer("answer a proposal"))
                    .await?
            }
            _ => {}
        }
        if answer == Answer::Pending {
            return Err(Error::InvalidGovernance(
                "Invalid response 'pending': use ready or blocked".to_string(),
            ));
        }
        if proposal.state.is_decided() {
            return Err(Error::ProposalDecided(proposal.id, proposal.state));
        }
        if !proposal.affected.iter().any(|a| a.service == service) {
            return Err(Error::InvalidGovernance(format!(
                "Service '{service}' is not among the services proposal {} affects",
                proposal.id
            )));
        }
        let response = StoredResponse {
            service: service.to_string(),
            answer,
            comment,
            answered_by: caller.actor().principal,
            answered_at: now(),
        };
        let details = serde_json::json!({
            "proposal": proposal.id,
            "response": answer.as_str(),
            "comment": response.comment,
        });
        let audit = entry(
            caller,
            AuditAction::ProposalAnswered,
            Some(&proposal.subject),
            Some(service),
            details,
        );
        // The answer that leaves every affected service ready approves the proposal.
        let approves = proposal.state == ProposalState::Open
            && proposal.affected.iter().all(|a| {
                a.response == Answer::Ready || (a.service == service && answer == Answer::Ready)
            });
        let approved = approves.then(|| {
            let details = serde_json::json!({ "proposal": proposal.id });
            entry(
                caller,
                AuditAction::ProposalApproved,
                Some(&proposal.subject),
                None,
                details,
            )
        });
        self.store
            .answer_proposal(proposal.id, &response, &audit, approved.as_ref())
            .await?
            .map_err(Error::from)
    }

    /// Withdraws or rejects `proposal` for `caller`: withdrawing is its author's, the
    /// producer's or the admin's; rejecting the admin's, with a reason.
    pub async fn end_proposal(
        &self,
        caller: &Principal,
        proposal: &Proposal,
        ending: Ending,
        reason: Option<String>,
    ) -> Result<()> {
        let subject = SubjectName::parse(&proposal.subject)?;
        let (state, action) = match ending {
            Ending::Withdraw => {
                let is_author = matches!(caller, Principal::Service(s) if *s == proposal.opened_by);
                if !is_author {
                    self.authorize(caller, Action::Change(&subject)).await?;
                }
                (ProposalState::Withdrawn, AuditAction::ProposalWithdrawn)
            }
            Ending::Reject => {
                self.authorize(caller, Action::Administer("reject a proposal"))
                    .await?;
                if reason.is_none() {
                    return Err(Error::InvalidGovernance(
                        "A rejection needs a reason: send {\"reason\": \"...\"}".to_string(),
                    ));
                }
                (ProposalState::Rejected, AuditAction::ProposalRejected)
            }
        };
        let closing = Closing {
            state,
            decided_by: caller.actor().principal,
            decided_at: now(),
            reason,
            overridden: false,
            version: None,
        };
        self.close_proposal(caller, proposal, closing, action).await
    }

    /// Decides `proposal` as `closing` says, recording `action`.
    pub async fn close_proposal(
        &self,
        caller: &Principal,
        proposal: &Proposal,
        closing: Closing,
        action: AuditAction,
    ) -> Result<()> {
        if proposal.state.is_decided() {
            return Err(Error::ProposalDecided(proposal.id, proposal.state));
        }
        let details = serde_json::json!({ "proposal": proposal.id, "reason": closing.reason });
        let mut audit = entry(caller, action, Some(&proposal.subject), None, details);
        audit.version = closing.version;
        self.store
            .close_proposal(proposal.id, &closing, &audit)
            .await?
            .map_err(Error::from)
    }

    /// Returns what a version applying `proposal` for `caller` commits along with it.
    pub fn applying(
        &self,
        caller: &Principal,
        proposal: &Proposal,
        reason: Option<String>,
    ) -> Applying {
        let overridden = !proposal.is_approved();
        let details = serde_json::json!({
            "proposal": proposal.id,
            "reason": reason,
            "overridden": overridden,
        });
        Applying {
            proposal: proposal.id,
            decided_by: caller.actor().principal,
            reason,
            overridden,
            audit: entry(
                caller,
                AuditAction::ProposalApplied,
                Some(&proposal.subject),
                None,
                details,
            ),
        }
    }

    /// Returns true when `caller` registering in `subject` is its producer, whose
    /// registrations land an approved proposal (with authentication off, anyone's do).
    pub async fn is_producer(&self, caller: &Principal, subject: &SubjectName) -> Result<bool> {
        Ok(match caller {
            Principal::Open => true,
            Principal::Service(service) => self
                .store
                .producer(subject)
                .await?
                .is_some_and(|p| p.service == *service),
            Principal::Admin | Principal::Nobody => false,
        })
    }

    /// Returns true when `subject` is governed: it has a producer or consumers.
    pub async fn is_governed(&self, subject: &SubjectName) -> Result<bool> {
        Ok(self.store.producer(subject).await?.is_some()
            || !self.store.consumers(subject).await?.is_empty())
    }
}
