//! `accord credential ...`: a service's credentials, over
//! `/governance/services/{s}/credentials`. An issued secret is printed once, as the
//! `ACCORD_CREDENTIALS` value the service and the CI commands take.

use anyhow::Result;
use clap::Subcommand;
use reqwest::Method;

use super::table::{pairs, Table};
use super::{field, segment, Done, Remote};

/// `accord credential`.
#[derive(Debug, Clone, clap::Args)]
pub struct CredentialArgs {
    #[command(subcommand)]
    pub action: CredentialAction,
    #[command(flatten)]
    pub remote: Remote,
}

/// What to do with credentials.
#[derive(Debug, Clone, Subcommand)]
pub enum CredentialAction {
    /// List a service's credentials, without their secrets.
    List { service: String },
    /// Issue a credential for a service; its secret is shown this once.
    Issue { service: String },
    /// Revoke one of a service's credentials.
    Revoke { service: String, id: String },
}

/// Runs a credential action.
pub async fn credential(args: CredentialArgs) -> Result<Done> {
    let registry = args.remote.client()?;
    let format = args.remote.format;
    let path = |service: &str| format!("/governance/services/{}/credentials", segment(service));
    Ok(match args.action {
        CredentialAction::List { service } => {
            let credentials = registry.json(Method::GET, &path(&service), None).await?;
            let mut table = Table::new(&["id", "created", "last used", "revoked"]);
            for credential in credentials.as_array().into_iter().flatten() {
                table.row(vec![
                    field(credential, "id"),
                    field(credential, "created_at"),
                    field(credential, "last_used_at"),
                    field(credential, "revoked_at"),
                ]);
            }
            Done::either(format, table.render(), &credentials)
        }
        CredentialAction::Issue { service } => {
            let issued = registry.json(Method::POST, &path(&service), None).await?;
            let secret = field(&issued, "secret");
            let human = pairs(&[
                ("id", field(&issued, "id")),
                ("secret", secret.clone()),
                ("use as", format!("ACCORD_CREDENTIALS={service}:{secret}")),
            ]) + "the secret is shown this once: store it now\n";
            Done::either(format, human, &issued)
        }
        CredentialAction::Revoke { service, id } => {
            let path = format!("{}/{}", path(&service), segment(&id));
            let answer = registry.json(Method::DELETE, &path, None).await?;
            let human = format!("revoked credential {id} of {service}\n");
            Done::either(format, human, &answer)
        }
    })
}
