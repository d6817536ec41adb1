//! Registering a contract, looking it up, and checking a candidate: the Confluent answers, with
//! the consumers a breaking change would affect and the teams that own them.

use std::sync::Arc;

use serde::Serialize;
use utoipa::ToSchema;

use super::proposals::ProposalMatch;
use super::Contracts;
use crate::governance::{Action, Affected, Principal, Undeclared};
use crate::registry::{Registered, SchemaRequest, TagChange};
use crate::storage::StoredVersion;
use crate::types::{Compatibility, SubjectName, VersionSelector};
use crate::{Error, Result};

/// The verdict of a compatibility check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// Every breaking change, in Confluent's message form; empty means compatible.
    pub messages: Vec<String>,
    /// The consumers the breaking changes would affect (empty when compatible).
    pub affected: Vec<Affected>,
    /// The services seen reading the subject without being declared (empty when compatible).
    pub undeclared: Vec<Undeclared>,
}

/// Whether a candidate would break the subject's contract, and whom.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = ImpactResponse)]
pub struct Impact {
    pub compatible: bool,
    pub compatibility_level: Compatibility,
    /// Every breaking change with its path and reason, in Confluent's message form.
    pub messages: Vec<String>,
    /// The consumers a breaking change would affect, with their teams and contacts.
    pub affected: Vec<Affected>,
    /// The services seen reading the subject without being on its list, which a breaking
    /// change would reach as well.
    pub undeclared: Vec<Undeclared>,
    /// The undecided proposal whose candidate is exactly this schema, if one exists.
    pub proposal: Option<ProposalMatch>,
    /// What Accord's stricter checks find in a schema the registry accepts, as Confluent does:
    /// an invalid default, a name other languages refuse. Never a reason to refuse it.
    pub warnings: Vec<String>,
}

impl Contracts {
    /// Registers `request` in `subject` for `caller`, its producer (a service registering in
    /// an unowned subject claims it). A breaking change lands when it is an approved
    /// proposal's candidate; otherwise it is refused naming the consumers it would break and
    /// their owners, and, in a governed subject, where to propose it.
    pub async fn register(
        &self,
        caller: &Principal,
        subject: &SubjectName,
        request: SchemaRequest,
        normalize: bool,
    ) -> Result<Registered> {
        self.governance
            .authorize(caller, Action::Register(subject))
            .await?;
        let outcome = self
            .registry
            .register(subject, request.clone(), normalize, &caller.actor())
            .await;
        let Err(Error::Incompatible {
            subject: name,
            messages,
            ..
        }) = outcome
        else {
            return outcome;
        };
        if let Some(registered) = self
            .agreed_registration(caller, subject, &request, normalize)
            .await?
        {
            return Ok(registered);
        }
        let governed = self.governance.is_governed(subject).await?;
        let affected = self.governance.affected(subject).await?;
        self.governance
            .record_refusal(caller, subject, &messages, &affected)
            .await?;
        Err(Error::Incompatible {
            affected,
            undeclared: self.governance.undeclared(subject).await?,
            propose: governed.then(|| proposals_path(subject)),
            subject: name,
            messages,
        })
    }

    /// Registers version `selector` of `subject` with `change`'s tags written into its schema,
    /// as a new version, for `caller`, its producer.
    pub async fn modify_tags(
        &self,
        caller: &Principal,
        subject: &SubjectName,
        selector: VersionSelector,
        change: TagChange,
    ) -> Result<Registered> {
        self.governance
            .authorize(caller, Action::Register(subject))
            .await?;
        self.registry
            .modify_tags(subject, selector, change, &caller.actor())
            .await
    }

    /// Returns the version of `subject` that holds `request`'s schema.
    pub async fn lookup(
        &self,
        caller: &Principal,
        subject: &SubjectName,
        request: SchemaRequest,
        normalize: bool,
        include_deleted: bool,
    ) -> Result<Arc<StoredVersion>> {
        let request = &request;
        self.or_in_other_contexts(subject, |subject| {
            Box::pin(async move {
                self.authorize_read(caller, &subject).await?;
                self.registry
                    .lookup(&subject, request.clone(), normalize, include_deleted)
                    .await
            })
        })
        .await
    }

    /// Checks `request` against `subject` as registering it would (`against` = `None`) or
    /// against one version. With `verbose`, an invalid candidate is a verdict (as Confluent
    /// answers it) rather than an error.
    pub async fn check(
        &self,
        caller: &Principal,
        subject: &SubjectName,
        against: Option<VersionSelector>,
        request: SchemaRequest,
        normalize: bool,
        verbose: bool,
    ) -> Result<Verdict> {
        self.authorize_read(caller, subject).await?;
        let outcome = self
            .registry
            .check_compatibility(subject, against, request, normalize)
            .await;
        let messages = match outcome {
            Ok(messages) => messages,
            Err(Error::InvalidSchema(reason)) if verbose => vec![reason],
            Err(err) => return Err(err),
        };
        self.verdict(subject, messages).await
    }

    /// Returns whom registering `request` in `subject` would break, without registering it.
    pub async fn impact(
        &self,
        caller: &Principal,
        subject: &SubjectName,
        request: SchemaRequest,
        normalize: bool,
    ) -> Result<Impact> {
        let verdict = self
            .check(caller, subject, None, request.clone(), normalize, false)
            .await?;
        let warnings = self.registry.warnings(&request).await?;
        let proposal = match verdict.messages.is_empty() {
            true => None,
            false => self.proposal_for(subject, &request).await?,
        };
        Ok(Impact {
            proposal,
            compatible: verdict.messages.is_empty(),
            compatibility_level: self.registry.effective_compatibility(subject).await?,
            messages: verdict.messages,
            affected: verdict.affected,
            undeclared: verdict.undeclared,
            warnings,
        })
    }

    async fn verdict(&self, subject: &SubjectName, messages: Vec<String>) -> Result<Verdict> {
        if messages.is_empty() {
            return Ok(Verdict {
                messages,
                affected: Vec::new(),
                undeclared: Vec::new(),
            });
        }
        Ok(Verdict {
            messages,
            affected: self.governance.affected(subject).await?,
            undeclared: self.governance.undeclared(subject).await?,
        })
    }
}

/// The path a change proposal for `subject` is POSTed to.
fn proposals_path(subject: &SubjectName) -> String {
    let segment = crate::types::path_segment(subject.as_str());
    format!("/governance/subjects/{segment}/proposals")
}
