//! `/governance/teams`: the teams that own services, and how to reach them.

use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{created, no_content};
use crate::app::AppState;
use crate::error::ErrorBody;
use crate::http::extract::{Caller, ConfluentJson, PathParams};
use crate::storage::{Contact, Team};
use crate::Result;

/// Mounts the team endpoints.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_teams, create_team))
        .routes(routes!(get_team, update_team, delete_team))
}

/// A team to create.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateTeamRequest {
    pub name: String,
    #[serde(default)]
    pub contacts: Vec<Contact>,
}

/// A team's new contacts.
#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdateTeamRequest {
    pub contacts: Vec<Contact>,
}

/// Create a team
#[utoipa::path(post, path = "/governance/teams", tag = "Governance",
    request_body = CreateTeamRequest,
    responses((status = 201, body = Team), (status = 409, description = "The name is taken", body = ErrorBody),
        (status = 422, description = "Invalid name or contacts", body = ErrorBody)))]
async fn create_team(
    State(app): State<AppState>,
    Caller(caller): Caller,
    ConfluentJson(body): ConfluentJson<CreateTeamRequest>,
) -> Result<Response> {
    let team = app
        .governance
        .create_team(&caller, &body.name, body.contacts)
        .await?;
    Ok(created(team))
}

/// List teams
#[utoipa::path(get, path = "/governance/teams", tag = "Governance",
    responses((status = 200, body = Vec<Team>)))]
async fn list_teams(
    State(app): State<AppState>,
    Caller(caller): Caller,
) -> Result<ConfluentJson<Vec<Team>>> {
    Ok(ConfluentJson(app.governance.teams(&caller).await?))
}

/// Get a team
#[utoipa::path(get, path = "/governance/teams/{team}", tag = "Governance",
    params(("team" = String, Path)),
    responses((status = 200, body = Team), (status = 404, body = ErrorBody)))]
async fn get_team(
    State(app): State<AppState>,
    Caller(caller): Caller,
    PathParams(team): PathParams<String>,
) -> Result<ConfluentJson<Team>> {
    Ok(ConfluentJson(app.governance.team(&caller, &team).await?))
}

/// Replace a team's contacts
#[utoipa::path(put, path = "/governance/teams/{team}", tag = "Governance",
    params(("team" = String, Path)), request_body = UpdateTeamRequest,
    responses((status = 200, body = Team), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_team(
    State(app): State<AppState>,
    Caller(caller): Caller,
    PathParams(team): PathParams<String>,
    ConfluentJson(body): ConfluentJson<UpdateTeamRequest>,
) -> Result<ConfluentJson<Team>> {
    Ok(ConfluentJson(
        app.governance
            .update_team(&caller, &team, body.contacts)
            .await?,
    ))
}

/// Delete a team that owns no service
#[utoipa::path(delete, path = "/governance/teams/{team}", tag = "Governance",
    params(("team" = String, Path)),
    responses((status = 204), (status = 404, body = ErrorBody),
        (status = 409, description = "The team still owns services", body = ErrorBody)))]
async fn delete_team(
    State(app): State<AppState>,
    Caller(caller): Caller,
    PathParams(team): PathParams<String>,
) -> Result<Response> {
    app.governance.delete_team(&caller, &team).await?;
    Ok(no_content())
}
