//! The states of a change proposal and the answers its affected services give.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Where a proposal stands. The store keeps `open`, `applied`, `withdrawn` and `rejected`;
/// `approved` is an open proposal every affected service is ready for, decided when it is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ProposalState {
    Open,
    Approved,
    Applied,
    Withdrawn,
    Rejected,
}

impl ProposalState {
    /// Returns the name on the wire and in the store: `open`, `approved`, ...
    pub fn as_str(self) -> &'static str {
        match self {
            ProposalState::Open => "open",
            ProposalState::Approved => "approved",
            ProposalState::Applied => "applied",
            ProposalState::Withdrawn => "withdrawn",
            ProposalState::Rejected => "rejected",
        }
    }

    /// Returns true once the proposal is decided for good: applied, withdrawn or rejected.
    pub fn is_decided(self) -> bool {
        !matches!(self, ProposalState::Open | ProposalState::Approved)
    }
}

impl fmt::Display for ProposalState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ProposalState {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "open" => Ok(ProposalState::Open),
            "approved" => Ok(ProposalState::Approved),
            "applied" => Ok(ProposalState::Applied),
            "withdrawn" => Ok(ProposalState::Withdrawn),
            "rejected" => Ok(ProposalState::Rejected),
            _ => Err(format!(
                "Invalid proposal state '{s}': use open, approved, applied, withdrawn or rejected"
            )),
        }
    }
}

/// An affected service's answer to a proposal; one that has not answered is `pending`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Answer {
    Pending,
    /// It has migrated, or can take the change.
    Ready,
    /// It cannot take the change yet; the comment says why.
    Blocked,
}

impl Answer {
    /// Returns the name on the wire and in the store.
    pub fn as_str(self) -> &'static str {
        match self {
            Answer::Pending => "pending",
            Answer::Ready => "ready",
            Answer::Blocked => "blocked",
        }
    }
}

impl FromStr for Answer {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "pending" => Ok(Answer::Pending),
            "ready" => Ok(Answer::Ready),
            "blocked" => Ok(Answer::Blocked),
            _ => Err(format!("Invalid response '{s}': use ready or blocked")),
        }
    }
}
