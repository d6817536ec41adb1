//! Associations as Confluent's 8.x registry keeps them: a topic linked to the subject of its
//! keys and the subject of its values, which serializers look up before falling back to the
//! `<topic>-key` and `<topic>-value` subjects. A request is checked here once, with Confluent's
//! words for each refusal; the store keeps what passes.
//!
//! Only stored associations are answered: Accord's governance model declares a stream's
//! producer and consumers per subject, and nothing that names a topic.

use super::Registry;
use crate::storage::{AssociationClash, AssociationQuery, StoredAssociation};
use crate::types::SubjectName;
use crate::{Error, Result};

/// The only resource type Confluent knows.
pub const TOPIC: &str = "topic";

/// An association to create, as a request gives it (`None`: not given).
#[derive(Debug, Clone, Default)]
pub struct NewAssociation {
    pub subject: Option<String>,
    pub association_type: Option<String>,
    pub lifecycle: Option<String>,
    pub is_frozen: Option<bool>,
}

/// A request to link a resource with subjects.
#[derive(Debug, Clone, Default)]
pub struct AssociationRequest {
    pub resource_name: Option<String>,
    pub resource_namespace: Option<String>,
    pub resource_id: Option<String>,
    pub resource_type: Option<String>,
    pub associations: Vec<NewAssociation>,
}

impl AssociationRequest {
    /// Checks the request as Confluent's `validate` does and returns the associations it
    /// makes, each with its defaults filled in: type `value`, lifecycle `WEAK`, not frozen, and
    /// the subject `<resourceName>-<type>`.
    pub fn checked(&self, created_at: &str) -> Result<Vec<StoredAssociation>> {
        let name = required("resourceName", self.resource_name.as_deref())?;
        let namespace = required("resourceNamespace", self.resource_namespace.as_deref())?;
        let id = required("resourceId", self.resource_id.as_deref())?;
        let resource_type = match self.resource_type.as_deref() {
            None | Some("") => TOPIC,
            Some(TOPIC) => TOPIC,
            Some(_) => return Err(invalid("resourceType", "must be 'topic'")),
        };
        if self.associations.is_empty() {
            return Err(invalid("associations", "cannot be null or empty"));
        }
        let mut made: Vec<StoredAssociation> = Vec::new();
        for association in &self.associations {
            let association_type = association_type(association.association_type.as_deref())?;
            let lifecycle = match association.lifecycle.as_deref() {
                None => "WEAK",
                Some(lifecycle @ ("STRONG" | "WEAK")) => lifecycle,
                Some(_) => return Err(invalid("lifecycle", "must be STRONG or WEAK")),
            };
            let default_subject = format!("{name}-{association_type}");
            let subject = association
                .subject
                .clone()
                .unwrap_or(default_subject.clone());
            SubjectName::parse(&subject)?;
            let is_frozen = association.is_frozen.unwrap_or(false);
            if is_frozen && subject != default_subject {
                let reason = format!("frozen associations must use subject '{default_subject}'");
                return Err(Error::InvalidAssociation("subject", reason));
            }
            if made.iter().any(|m| m.association_type == association_type) {
                let reason = format!("more than one association of type '{association_type}'");
                return Err(Error::InvalidAssociation("associationType", reason));
            }
            made.push(StoredAssociation {
                subject,
                resource_name: name.to_string(),
                resource_namespace: namespace.to_string(),
                resource_id: id.to_string(),
                resource_type: resource_type.to_string(),
                association_type: association_type.to_string(),
                lifecycle: lifecycle.to_string(),
                is_frozen,
                created_at: created_at.to_string(),
            });
        }
        if made.iter().any(|m| m.is_frozen) != made.iter().all(|m| m.is_frozen) {
            return Err(invalid(
                "frozen",
                "all associations for a resource must be consistently frozen or non-frozen",
            ));
        }
        Ok(made)
    }
}

/// Reads an association type: `key` or `value` (the default).
pub fn association_type(given: Option<&str>) -> Result<&str> {
    match given {
        None | Some("") => Ok("value"),
        Some(kind @ ("key" | "value")) => Ok(kind),
        Some(_) => Err(invalid("associationType", "must be 'key' or 'value'")),
    }
}

/// Reads a resource type: `topic`, the default, is the only one.
pub fn resource_type(given: Option<&str>) -> Result<&'static str> {
    match given {
        None | Some("") | Some(TOPIC) => Ok(TOPIC),
        Some(_) => Err(invalid("resourceType", "must be 'topic'")),
    }
}

fn required<'a>(property: &'static str, value: Option<&'a str>) -> Result<&'a str> {
    match value.map(str::trim) {
        Some(value) if !value.is_empty() => Ok(value),
        _ => Err(invalid(property, "cannot be null or empty")),
    }
}

fn invalid(property: &'static str, reason: &str) -> Error {
    Error::InvalidAssociation(property, reason.to_string())
}

impl Registry {
    /// Creates the associations `request` asks for; each subject must have a live version.
    /// Returns them as stored.
    pub async fn create_associations(
        &self,
        request: &AssociationRequest,
    ) -> Result<Vec<StoredAssociation>> {
        let made = request.checked(&crate::types::now())?;
        for association in &made {
            let subject = SubjectName::parse(&association.subject)?;
            if self.latest(&subject).await?.is_none() {
                return Err(Error::NoActiveSubjectVersion(association.subject.clone()));
            }
        }
        match self.store.create_associations(&made).await? {
            Ok(()) => {}
            Err(AssociationClash::ForResource {
                association_type,
                resource,
            }) => {
                return Err(Error::AssociationForResourceExists(
                    association_type,
                    resource,
                ))
            }
            Err(AssociationClash::ForSubject(subject)) => {
                return Err(Error::AssociationForSubjectExists(subject))
            }
        }
        let id = made[0].resource_id.as_str();
        let stored = self
            .store
            .associations(AssociationQuery::ResourceId(id, &made[0].resource_type))
            .await?;
        Ok(stored)
    }

    /// Returns the associations `query` selects, of the `types` given (every type when none).
    pub async fn associations(
        &self,
        query: AssociationQuery<'_>,
        types: &[String],
    ) -> Result<Vec<StoredAssociation>> {
        let found = self.store.associations(query).await?;
        Ok(found
            .into_iter()
            .filter(|a| types.is_empty() || types.contains(&a.association_type))
            .collect())
    }

    /// Deletes the associations of the resource `id` of the `types` given (every type when
    /// none); none to delete is a 40410.
    pub async fn delete_associations(&self, id: &str, kind: &str, types: &[String]) -> Result<()> {
        let found = self
            .associations(AssociationQuery::ResourceId(id, kind), types)
            .await?;
        if found.is_empty() {
            return Err(Error::AssociationNotFound(id.to_string()));
        }
        self.store.delete_associations(id, kind, types).await
    }
}
