//! `accord grant ...`: who may read a subject and who produces it, over
//! `/governance/subjects/{s}/consumers` and `/governance/subjects/{s}/producer`.

use anyhow::Result;
use clap::Subcommand;
use reqwest::Method;
use serde_json::json;

use super::table::Table;
use super::{contacts, field, segment, Done, Remote};

/// `accord grant`.
#[derive(Debug, Clone, clap::Args)]
pub struct GrantArgs {
    #[command(subcommand)]
    pub action: GrantAction,
    #[command(flatten)]
    pub remote: Remote,
}

/// What to grant or revoke.
#[derive(Debug, Clone, Subcommand)]
pub enum GrantAction {
    /// Grant a service read access to a subject, as a consumer.
    Consumer { subject: String, service: String },
    /// Revoke a consumer's read access to a subject.
    Revoke { subject: String, service: String },
    /// Make a service the producer of a subject.
    Producer { subject: String, service: String },
    /// List a subject's consumers with their teams, contacts and grants.
    List { subject: String },
}

/// Runs a grant action.
pub async fn grant(args: GrantArgs) -> Result<Done> {
    let registry = args.remote.client()?;
    let format = args.remote.format;
    let consumer = |subject: &str, service: &str| {
        format!(
            "/governance/subjects/{}/consumers/{}",
            segment(subject),
            segment(service)
        )
    };
    Ok(match args.action {
        GrantAction::Consumer { subject, service } => {
            let path = consumer(&subject, &service);
            let answer = registry.json(Method::PUT, &path, None).await?;
            let human = format!("granted {service} read access to {subject}\n");
            Done::either(format, human, &answer)
        }
        GrantAction::Revoke { subject, service } => {
            let path = consumer(&subject, &service);
            let answer = registry.json(Method::DELETE, &path, None).await?;
            let human = format!("revoked {service}'s read access to {subject}\n");
            Done::either(format, human, &answer)
        }
        GrantAction::Producer { subject, service } => {
            let path = format!("/governance/subjects/{}/producer", segment(&subject));
            let body = json!({ "service": service });
            let answer = registry.json(Method::PUT, &path, Some(&body)).await?;
            let human = format!("{service} is now the producer of {subject}\n");
            Done::either(format, human, &answer)
        }
        GrantAction::List { subject } => {
            let path = format!("/governance/subjects/{}/consumers", segment(&subject));
            let consumers = registry.json(Method::GET, &path, None).await?;
            let mut table =
                Table::new(&["service", "team", "contacts", "granted by", "granted at"]);
            for consumer in consumers.as_array().into_iter().flatten() {
                table.row(vec![
                    field(consumer, "service"),
                    field(consumer, "team"),
                    contacts(&consumer["contacts"]),
                    field(consumer, "granted_by"),
                    field(consumer, "granted_at"),
                ]);
            }
            Done::either(format, table.render(), &consumers)
        }
    })
}
