//! Associations, each by a caller allowed to: linking a topic to subjects, or unlinking it,
//! changes those subjects; reading shows only the associations of subjects the caller may read.

use super::Contracts;
use crate::governance::{Action, Principal};
use crate::registry::associations::AssociationRequest;
use crate::storage::{AssociationQuery, StoredAssociation};
use crate::types::SubjectName;
use crate::Result;

impl Contracts {
    /// Creates the associations of `request`, if the caller may change each subject.
    pub async fn create_associations(
        &self,
        caller: &Principal,
        request: &AssociationRequest,
    ) -> Result<Vec<StoredAssociation>> {
        for association in request.checked("")? {
            let subject = SubjectName::parse(&association.subject)?;
            self.governance
                .authorize(caller, Action::Change(&subject))
                .await?;
        }
        self.registry.create_associations(request).await
    }

    /// Returns the associations `query` selects whose subjects the caller may read.
    pub async fn associations(
        &self,
        caller: &Principal,
        query: AssociationQuery<'_>,
        types: &[String],
    ) -> Result<Vec<StoredAssociation>> {
        let mut readable = Vec::new();
        for association in self.registry.associations(query, types).await? {
            let subject = SubjectName::lookup(&association.subject);
            if self
                .governance
                .authorize(caller, Action::Read(&subject))
                .await
                .is_ok()
            {
                readable.push(association);
            }
        }
        Ok(readable)
    }

    /// Deletes a resource's associations, if the caller may change each subject they link.
    pub async fn delete_associations(
        &self,
        caller: &Principal,
        id: &str,
        kind: &str,
        types: &[String],
    ) -> Result<()> {
        let query = AssociationQuery::ResourceId(id, kind);
        for association in self.registry.associations(query, types).await? {
            let subject = SubjectName::lookup(&association.subject);
            self.governance
                .authorize(caller, Action::Change(&subject))
                .await?;
        }
        self.registry.delete_associations(id, kind, types).await
    }
}
