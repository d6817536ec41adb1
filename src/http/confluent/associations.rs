//! `/associations`: Confluent 8.x's links from a topic to the subjects of its keys and values.
//! Serializers look a topic up first (`GET /associations/resources/-/{topic}`) and fall back to
//! `<topic>-key` / `<topic>-value` on an empty list.

use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;
use crate::error::ErrorBody;
use crate::http::extract::{Caller, ConfluentJson, Page, Params, PathParams};
use crate::registry::associations::{self, AssociationRequest, NewAssociation};
use crate::storage::{AssociationQuery, StoredAssociation};
use crate::{Error, Result};

/// Mounts the `/associations` endpoints.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_association))
        .routes(routes!(associations_by_resource_name))
        .routes(routes!(associations_by_resource_id, delete_associations))
        .routes(routes!(associations_by_subject))
}

/// A request to link a resource with subjects, as `POST /associations` takes it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AssociationCreateRequest {
    pub resource_name: Option<String>,
    pub resource_namespace: Option<String>,
    pub resource_id: Option<String>,
    /// `topic`, the default and the only one.
    pub resource_type: Option<String>,
    #[serde(default)]
    pub associations: Option<Vec<AssociationCreateInfo>>,
}

/// One association to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AssociationCreateInfo {
    /// The subject; `<resourceName>-<associationType>` by default.
    pub subject: Option<String>,
    /// `key` or `value` (the default).
    pub association_type: Option<String>,
    /// `STRONG` or `WEAK` (the default).
    pub lifecycle: Option<String>,
    pub frozen: Option<bool>,
    /// A schema to register with the association: not supported; register it first.
    #[schema(value_type = Option<Object>)]
    pub schema: Option<Value>,
}

/// An association, as the lookups list it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AssociationBody {
    pub subject: String,
    pub resource_name: String,
    pub resource_namespace: String,
    pub resource_id: String,
    pub resource_type: String,
    pub association_type: String,
    pub lifecycle: String,
    pub frozen: bool,
}

/// A resource with its associations, as a create answers.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AssociationResponse {
    pub resource_name: String,
    pub resource_namespace: String,
    pub resource_id: String,
    pub resource_type: String,
    pub associations: Vec<AssociationInfo>,
}

/// One association of a resource.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AssociationInfo {
    pub subject: String,
    pub association_type: String,
    pub lifecycle: String,
    pub frozen: bool,
}

impl From<StoredAssociation> for AssociationBody {
    fn from(a: StoredAssociation) -> Self {
        AssociationBody {
            subject: a.subject,
            resource_name: a.resource_name,
            resource_namespace: a.resource_namespace,
            resource_id: a.resource_id,
            resource_type: a.resource_type,
            association_type: a.association_type,
            lifecycle: a.lifecycle,
            frozen: a.is_frozen,
        }
    }
}

/// Which associations a lookup wants.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct AssociationParams {
    /// `topic`, the default and the only one.
    pub resource_type: Option<String>,
    /// `key` or `value`; both when absent.
    pub association_type: Option<String>,
    /// Only `STRONG` or only `WEAK` associations.
    pub lifecycle: Option<String>,
    #[serde(default)]
    pub offset: i32,
    #[serde(default)]
    pub limit: i32,
}

impl AssociationParams {
    fn resource_type(&self) -> Result<&'static str> {
        associations::resource_type(self.resource_type.as_deref())
    }

    fn types(&self) -> Result<Vec<String>> {
        match self.association_type.as_deref() {
            None | Some("") => Ok(Vec::new()),
            given => Ok(vec![associations::association_type(given)?.to_string()]),
        }
    }

    /// The page of `found` these parameters select, as the lookups answer it.
    fn answer(&self, found: Vec<StoredAssociation>) -> Result<Vec<AssociationBody>> {
        let lifecycle = self.lifecycle.as_deref();
        let found = found
            .into_iter()
            .filter(|a| lifecycle.is_none_or(|l| l.eq_ignore_ascii_case(&a.lifecycle)))
            .map(AssociationBody::from)
            .collect();
        let page = Page {
            offset: self.offset,
            limit: self.limit,
        };
        page.apply(found)
    }
}

/// Create an association
#[utoipa::path(post, path = "/associations", tag = "Associations",
    request_body(content = AssociationCreateRequest, content_type = "application/vnd.schemaregistry.v1+json"),
    responses((status = 200, body = AssociationResponse),
        (status = 409, description = "The resource or the subject is associated already (40903, 40904), or the subject has no live version (40907)", body = ErrorBody),
        (status = 422, description = "An invalid association (42212)", body = ErrorBody)))]
async fn create_association(
    State(app): State<AppState>,
    Caller(caller): Caller,
    ConfluentJson(body): ConfluentJson<AssociationCreateRequest>,
) -> Result<ConfluentJson<AssociationResponse>> {
    let mut request = AssociationRequest {
        resource_name: body.resource_name,
        resource_namespace: body.resource_namespace,
        resource_id: body.resource_id,
        resource_type: body.resource_type,
        associations: Vec::new(),
    };
    for info in body.associations.unwrap_or_default() {
        if info.schema.as_ref().is_some_and(|s| !s.is_null()) {
            return Err(Error::InvalidAssociation(
                "schema",
                "registering a schema with its association is not supported; register it \
                 under its subject first"
                    .to_string(),
            ));
        }
        request.associations.push(NewAssociation {
            subject: info.subject,
            association_type: info.association_type,
            lifecycle: info.lifecycle,
            is_frozen: info.frozen,
        });
    }
    let stored = app.contracts.create_associations(&caller, &request).await?;
    let first = &stored[0];
    Ok(ConfluentJson(AssociationResponse {
        resource_name: first.resource_name.clone(),
        resource_namespace: first.resource_namespace.clone(),
        resource_id: first.resource_id.clone(),
        resource_type: first.resource_type.clone(),
        associations: stored
            .into_iter()
            .map(|a| AssociationInfo {
                subject: a.subject,
                association_type: a.association_type,
                lifecycle: a.lifecycle,
                frozen: a.is_frozen,
            })
            .collect(),
    }))
}

/// List a topic's associations by name (`-`: any namespace)
///
/// An empty list tells a serializer to use the `<topic>-key` / `<topic>-value` subjects.
#[utoipa::path(get, path = "/associations/resources/{namespace}/{name}", tag = "Associations",
    params(("namespace" = String, Path), ("name" = String, Path), AssociationParams),
    responses((status = 200, body = Vec<AssociationBody>), (status = 422, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "A parameter that is not a Java int, as in Confluent")))]
async fn associations_by_resource_name(
    State(app): State<AppState>,
    Caller(caller): Caller,
    PathParams((namespace, name)): PathParams<(String, String)>,
    Params(params): Params<AssociationParams>,
) -> Result<ConfluentJson<Vec<AssociationBody>>> {
    let query = AssociationQuery::ResourceName {
        namespace: &namespace,
        name: &name,
        resource_type: params.resource_type()?,
    };
    let found = app
        .contracts
        .associations(&caller, query, &params.types()?)
        .await?;
    Ok(ConfluentJson(params.answer(found)?))
}

/// List a resource's associations by its id
#[utoipa::path(get, path = "/associations/resources/{resource_id}", tag = "Associations",
    params(("resource_id" = String, Path), AssociationParams),
    responses((status = 200, body = Vec<AssociationBody>), (status = 422, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "A parameter that is not a Java int, as in Confluent")))]
async fn associations_by_resource_id(
    State(app): State<AppState>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
    Params(params): Params<AssociationParams>,
) -> Result<ConfluentJson<Vec<AssociationBody>>> {
    let query = AssociationQuery::ResourceId(&id, params.resource_type()?);
    let found = app
        .contracts
        .associations(&caller, query, &params.types()?)
        .await?;
    Ok(ConfluentJson(params.answer(found)?))
}

/// List a subject's associations
#[utoipa::path(get, path = "/associations/subjects/{subject}", tag = "Associations",
    params(("subject" = String, Path), AssociationParams),
    responses((status = 200, body = Vec<AssociationBody>), (status = 422, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "A parameter that is not a Java int, as in Confluent")))]
async fn associations_by_subject(
    State(app): State<AppState>,
    Caller(caller): Caller,
    PathParams(subject): PathParams<String>,
    Params(params): Params<AssociationParams>,
) -> Result<ConfluentJson<Vec<AssociationBody>>> {
    let query = AssociationQuery::Subject(&subject, params.resource_type()?);
    let found = app
        .contracts
        .associations(&caller, query, &params.types()?)
        .await?;
    Ok(ConfluentJson(params.answer(found)?))
}

/// Delete a resource's associations
#[utoipa::path(delete, path = "/associations/resources/{resource_id}", tag = "Associations",
    params(("resource_id" = String, Path), AssociationParams),
    responses((status = 204), (status = 404, description = "No association (40410)", body = ErrorBody)))]
async fn delete_associations(
    State(app): State<AppState>,
    Caller(caller): Caller,
    PathParams(id): PathParams<String>,
    Params(params): Params<AssociationParams>,
) -> Result<StatusCode> {
    let kind = params.resource_type()?;
    app.contracts
        .delete_associations(&caller, &id, kind, &params.types()?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
