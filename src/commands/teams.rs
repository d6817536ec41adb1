//! `accord team ...` and `accord service ...`: the teams that own services and the services
//! that produce and consume subjects, over `/governance/teams` and `/governance/services`.

use anyhow::{bail, Result};
use clap::Subcommand;
use reqwest::Method;
use serde_json::{json, Value};

use super::table::{pairs, Table};
use super::{contacts, field, segment, Done, Remote};

/// `accord team`.
#[derive(Debug, Clone, clap::Args)]
pub struct TeamArgs {
    #[command(subcommand)]
    pub action: TeamAction,
    #[command(flatten)]
    pub remote: Remote,
}

/// What to do with teams.
#[derive(Debug, Clone, Subcommand)]
pub enum TeamAction {
    /// List the teams and their contacts.
    List,
    /// Show one team.
    Show { name: String },
    /// Create a team.
    Create {
        name: String,
        /// How to reach the team, as KIND=VALUE such as email=payments@example.com
        /// (repeatable).
        #[arg(long = "contact", value_name = "KIND=VALUE")]
        contacts: Vec<String>,
    },
    /// Delete a team that owns no service.
    Delete { name: String },
}

/// `accord service`.
#[derive(Debug, Clone, clap::Args)]
pub struct ServiceArgs {
    #[command(subcommand)]
    pub action: ServiceAction,
    #[command(flatten)]
    pub remote: Remote,
}

/// What to do with services.
#[derive(Debug, Clone, Subcommand)]
pub enum ServiceAction {
    /// List the services and their teams.
    List,
    /// Show one service with the subjects it produces and consumes.
    Show { name: String },
    /// Create a service owned by a team.
    Create {
        name: String,
        /// The team that owns it.
        #[arg(long)]
        team: String,
        /// What the service is.
        #[arg(long, default_value = "")]
        description: String,
    },
    /// Delete a service that produces no subject.
    Delete { name: String },
}

/// Runs a team action.
pub async fn team(args: TeamArgs) -> Result<Done> {
    let registry = args.remote.client()?;
    let format = args.remote.format;
    Ok(match args.action {
        TeamAction::List => {
            let teams = registry
                .json(Method::GET, "/governance/teams", None)
                .await?;
            Done::either(format, team_table(teams.as_array()), &teams)
        }
        TeamAction::Show { name } => {
            let path = format!("/governance/teams/{}", segment(&name));
            let team = registry.json(Method::GET, &path, None).await?;
            Done::either(format, team_table(Some(&vec![team.clone()])), &team)
        }
        TeamAction::Create { name, contacts } => {
            let contacts = contacts
                .iter()
                .map(|c| contact(c))
                .collect::<Result<Vec<_>>>()?;
            let body = json!({ "name": name, "contacts": contacts });
            let team = registry
                .json(Method::POST, "/governance/teams", Some(&body))
                .await?;
            Done::either(format, format!("created team {name}\n"), &team)
        }
        TeamAction::Delete { name } => {
            let path = format!("/governance/teams/{}", segment(&name));
            let answer = registry.json(Method::DELETE, &path, None).await?;
            Done::either(format, format!("deleted team {name}\n"), &answer)
        }
    })
}

/// Runs a service action.
pub async fn service(args: ServiceArgs) -> Result<Done> {
    let registry = args.remote.client()?;
    let format = args.remote.format;
    Ok(match args.action {
        ServiceAction::List => {
            let services = registry
                .json(Method::GET, "/governance/services", None)
                .await?;
            let mut table = Table::new(&["name", "team", "description"]);
            for service in services.as_array().into_iter().flatten() {
                table.row(vec![
                    field(service, "name"),
                    field(service, "team"),
                    field(service, "description"),
                ]);
            }
            Done::either(format, table.render(), &services)
        }
        ServiceAction::Show { name } => {
            let path = format!("/governance/services/{}", segment(&name));
            let service = registry.json(Method::GET, &path, None).await?;
            Done::either(format, service_lines(&service), &service)
        }
        ServiceAction::Create {
            name,
            team,
            description,
        } => {
            let body = json!({ "name": name, "team": team, "description": description });
            let service = registry
                .json(Method::POST, "/governance/services", Some(&body))
                .await?;
            let human = format!("created service {name} (team {team})\n");
            Done::either(format, human, &service)
        }
        ServiceAction::Delete { name } => {
            let path = format!("/governance/services/{}", segment(&name));
            let answer = registry.json(Method::DELETE, &path, None).await?;
            Done::either(format, format!("deleted service {name}\n"), &answer)
        }
    })
}

fn team_table(teams: Option<&Vec<Value>>) -> String {
    let mut table = Table::new(&["name", "contacts"]);
    for team in teams.into_iter().flatten() {
        table.row(vec![field(team, "name"), contacts(&team["contacts"])]);
    }
    table.render()
}

/// A service's fields, one per line, with the subjects it produces and consumes.
fn service_lines(service: &Value) -> String {
    let list = |key: &str| {
        let names: Vec<String> = service[key]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s.as_str().map(str::to_string))
            .collect();
        match names.is_empty() {
            true => "-".to_string(),
            false => names.join(", "),
        }
    };
    pairs(&[
        ("name", field(service, "name")),
        ("team", field(service, "team")),
        ("description", field(service, "description")),
        ("created", field(service, "created_at")),
        ("produces", list("produces")),
        ("consumes", list("consumes")),
    ])
}

/// Turns `KIND=VALUE` into a contact.
fn contact(text: &str) -> Result<Value> {
    match text.split_once('=') {
        Some((kind, value)) if !kind.is_empty() && !value.is_empty() => {
            Ok(json!({ "kind": kind, "value": value }))
        }
        _ => bail!("--contact '{text}' must be KIND=VALUE, such as email=team@example.com"),
    }
}
