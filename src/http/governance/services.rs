//! `/governance/services`: service identities, their owning teams, and their credentials.

use axum::extract::State;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{created, no_content};
use crate::app::AppState;
use crate::error::ErrorBody;
use crate::governance::ServiceView;
use crate::http::extract::{Caller, ConfluentJson, PathParams};
use crate::storage::{CredentialInfo, Service};
use crate::Result;

/// Mounts the service and credential endpoints.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_services, create_service))
        .routes(routes!(get_service, update_service, delete_service))
        .routes(routes!(list_credentials, issue_credential))
        .routes(routes!(revoke_credential))
}

/// A service to create.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateServiceRequest {
    pub name: String,
    pub team: String,
    #[serde(default)]
    pub description: String,
}

/// A service's new team and description.
#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdateServiceRequest {
    pub team: String,
    #[serde(default)]
    pub description: String,
}

/// A new credential: the secret is shown this once and never again (never through `Debug`).
#[derive(Serialize, ToSchema)]
pub struct IssuedCredential {
    pub id: String,
    pub secret: String,
}

impl std::fmt::Debug for IssuedCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuedCredential")
            .field("id", &self.id)
            .field("secret", &crate::cli::REDACTED)
            .finish()
    }
}

/// Create a service
#[utoipa::path(post, path = "/governance/services", tag = "Governance",
    request_body = CreateServiceRequest,
    responses((status = 201, body = Service), (status = 404, description = "Unknown team", body = ErrorBody),
        (status = 409, description = "The name is taken", body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_service(
    State(app): State<AppState>,
    Caller(caller): Caller,
    ConfluentJson(body): ConfluentJson<CreateServiceRequest>,
) -> Result<Response> {
    let service = app
        .governance
        .create_service(&caller, &body.name, &body.team, &body.description)
        .await?;
    Ok(created(service))
}

/// List services
#[utoipa::path(get, path = "/governance/services", tag = "Governance",
    responses((status = 200, body = Vec<Service>)))]
async fn list_services(
    State(app): State<AppState>,
    Caller(caller): Caller,
) -> Result<ConfluentJson<Vec<Service>>> {
    Ok(ConfluentJson(app.governance.services(&caller).await?))
}

/// Get a service with the subjects it produces and consumes
#[utoipa::path(get, path = "/governance/services/{service}", tag = "Governance",
    params(("service" = String, Path)),
    responses((status = 200, body = ServiceView), (status = 404, body = ErrorBody)))]
async fn get_service(
    State(app): State<AppState>,
    Caller(caller): Caller,
    PathParams(service): PathParams<String>,
) -> Result<ConfluentJson<ServiceView>> {
    Ok(ConfluentJson(
        app.governance.service(&caller, &service).await?,
    ))
}

/// Replace a service's team and description
#[utoipa::path(put, path = "/governance/services/{service}", tag = "Governance",
    params(("service" = String, Path)), request_body = UpdateServiceRequest,
    responses((status = 200, body = Service), (status = 404, body = ErrorBody)))]
async fn update_service(
    State(app): State<AppState>,
    Caller(caller): Caller,
    PathParams(service): PathParams<String>,
    ConfluentJson(body): ConfluentJson<UpdateServiceRequest>,
) -> Result<ConfluentJson<Service>> {
    let service = app
        .governance
        .update_service(&caller, &service, &body.team, &body.description)
        .await?;
    Ok(ConfluentJson(service))
}

/// Delete a service that produces no subject
#[utoipa::path(delete, path = "/governance/services/{service}", tag = "Governance",
    params(("service" = String, Path)),
    responses((status = 204), (status = 404, body = ErrorBody),
        (status = 409, description = "The service still produces subjects", body = ErrorBody)))]
async fn delete_service(
    State(app): State<AppState>,
    Caller(caller): Caller,
    PathParams(service): PathParams<String>,
) -> Result<Response> {
    app.governance.delete_service(&caller, &service).await?;
    Ok(no_content())
}

/// Issue a credential for a service
///
/// The secret is returned this once; the service sends it as HTTP Basic `service:secret` or as a
/// Bearer token.
#[utoipa::path(post, path = "/governance/services/{service}/credentials", tag = "Governance",
    params(("service" = String, Path)),
    responses((status = 201, body = IssuedCredential), (status = 404, body = ErrorBody)))]
async fn issue_credential(
    State(app): State<AppState>,
    Caller(caller): Caller,
    PathParams(service): PathParams<String>,
) -> Result<Response> {
    let (id, secret) = app.governance.issue_credential(&caller, &service).await?;
    Ok(created(IssuedCredential { id, secret }))
}

/// List a service's credentials, without their secrets
#[utoipa::path(get, path = "/governance/services/{service}/credentials", tag = "Governance",
    params(("service" = String, Path)),
    responses((status = 200, body = Vec<CredentialInfo>), (status = 404, body = ErrorBody)))]
async fn list_credentials(
    State(app): State<AppState>,
    Caller(caller): Caller,
    PathParams(service): PathParams<String>,
) -> Result<ConfluentJson<Vec<CredentialInfo>>> {
    Ok(ConfluentJson(
        app.governance.credentials(&caller, &service).await?,
    ))
}

/// Revoke a credential
#[utoipa::path(delete, path = "/governance/services/{service}/credentials/{id}", tag = "Governance",
    params(("service" = String, Path), ("id" = String, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
async fn revoke_credential(
    State(app): State<AppState>,
    Caller(caller): Caller,
    PathParams((service, id)): PathParams<(String, String)>,
) -> Result<Response> {
    app.governance
        .revoke_credential(&caller, &service, &id)
        .await?;
    Ok(no_content())
}
