//! What a refused governance change tells the client: each [`GovernanceConflict`] the store
//! finds, as the error and the message the API answers with.

use crate::storage::GovernanceConflict;
use crate::Error;

impl From<GovernanceConflict> for Error {
    fn from(conflict: GovernanceConflict) -> Self {
        use GovernanceConflict::*;
        match conflict {
            TeamExists(team) => Error::AlreadyExists(format!("Team '{team}' already exists.")),
            NoSuchTeam(team) => Error::TeamNotFound(team),
            TeamOwnsServices { team, services } => Error::InUse(format!(
                "Team '{team}' still owns services: {}.",
                services.join(", ")
            )),
            ServiceExists(service) => {
                Error::AlreadyExists(format!("Service '{service}' already exists."))
            }
            NoSuchService(service) => Error::ServiceNotFound(service),
            ServiceProducesSubjects { service, subjects } => Error::InUse(format!(
                "Service '{service}' still produces subjects: {}.",
                subjects.join(", ")
            )),
            ProducerOfSubject { service, subject } => Error::InvalidGovernance(format!(
                "Service '{service}' produces subject '{subject}' and cannot also be granted as \
                 its consumer."
            )),
            NoSuchCredential { service, id } => Error::CredentialNotFound(service, id),
            NoSuchGrant { service, subject } => Error::GrantNotFound(service, subject),
            NoSuchProposal(id) => Error::ProposalNotFound(id),
            ProposalDecided { id, state } => Error::ProposalDecided(id, state),
            NoSuchWebhook(id) => Error::WebhookNotFound(id),
        }
    }
}
