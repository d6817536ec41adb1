//! Contracts: the operations that need both the registry and governance, each decided once.
//!
//! A handler parses its request, calls one function here and renders the answer. Each function
//! authorizes the caller and then does the work: "register in S" refuses the wrong producer,
//! registers, and names the consumers a refused breaking change would affect; "check against S"
//! and "impact of X on S" answer with the same affected consumers; "who may read S" filters
//! listings and decides, under enforced reads, that a caller without a grant learns nothing of
//! what exists (the same 403 for a schema id that exists and one that does not).
//!
//! Dependencies point down: `http` calls this module; this module calls [`Registry`] and
//! [`Governance`], which call `storage`; nothing here knows of HTTP.
//!
//! `reads.rs` answers subjects, versions and schemas; `register.rs` registers, looks up,
//! checks and measures impact; `changes.rs` deletes and changes settings; `proposals.rs` opens,
//! answers and lands change proposals.

mod associations;
mod changes;
mod contexts;
mod proposals;
mod reads;
mod register;

use std::sync::Arc;

pub use changes::Scope;
pub use proposals::{NewProposal, ProposalFilter, ProposalMatch};
pub use reads::SubjectContract;
pub use register::{Impact, Verdict};

use crate::governance::Governance;
use crate::registry::Registry;

/// The registry and governance, joined where a rule needs both.
pub struct Contracts {
    registry: Arc<Registry>,
    governance: Arc<Governance>,
}

impl Contracts {
    /// Joins `registry` and `governance`.
    pub fn new(registry: Arc<Registry>, governance: Arc<Governance>) -> Self {
        Contracts {
            registry,
            governance,
        }
    }
}
