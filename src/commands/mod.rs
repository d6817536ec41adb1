//! The everyday commands: a registry from a terminal. `accord subjects`, `get`, `register
//! SUBJECT FILE`, `compat`, `delete`, `config`, `mode`, `who`, the governance commands `team`,
//! `service`, `grant` and `credential`, and the local `init` and `completions`.
//!
//! Each command is a few requests to the registry through the CI commands' one client,
//! [`RegistryClient`], with the same credentials (`ACCORD_CREDENTIALS` or `ACCORD_TOKEN`) and
//! the same registry URL (`--registry`, `ACCORD_REGISTRY`, or `registry` in `accord.toml`).
//! A command builds its whole output as a [`Done`] and prints it once: aligned columns for
//! people, the server's JSON unchanged with `--format json`. The exit codes are the CI
//! commands': 0 done, 1 a refusal (an incompatible schema), 2 a usage, network or HTTP error
//! with the server's message on standard error. Nothing here touches storage.

mod codegen;
mod compat;
mod completions;
mod credentials;
mod delete;
mod grants;
mod init;
mod reads;
mod register;
mod settings;
mod table;
mod teams;
mod who;

use std::fmt;
use std::io::Write;
use std::path::PathBuf;

use anyhow::{anyhow, Result};
use clap::{Subcommand, ValueEnum};
use serde_json::Value;

use crate::ci::client::RegistryClient;
use crate::ci::{Outcome, OutputFormat};

pub use reads::glob_matches;
pub use register::{register_file, OneFile};

/// The everyday commands, flattened into `accord`'s own.
#[derive(Debug, Subcommand)]
pub enum Everyday {
    /// List the registry's subjects, or those matching a glob such as 'orders.*'.
    Subjects(reads::SubjectsArgs),
    /// Print a subject's schema (SUBJECT or SUBJECT@VERSION), or with --id the schema of an id.
    Get(reads::GetArgs),
    /// Generate code, a sample message and a starter test for a version (SUBJECT[@VERSION])
    /// or, offline, for a schema file (--file); write them under --out.
    Codegen(codegen::CodegenArgs),
    /// Check a schema file against a subject as registering it would: exit 0 compatible, 1
    /// incompatible, 2 an error.
    Compat(compat::CompatArgs),
    /// Delete a subject (SUBJECT) or one version (SUBJECT@VERSION); --permanent for good.
    Delete(delete::DeleteArgs),
    /// Show or set the compatibility level, of the registry or of one subject.
    Config(settings::ConfigArgs),
    /// Show or set the mode (READWRITE, READONLY, READONLY_OVERRIDE, IMPORT).
    Mode(settings::ModeArgs),
    /// Show who produces and who consumes a subject, with their teams and contacts.
    Who(who::WhoArgs),
    /// List, show, create and delete teams.
    Team(teams::TeamArgs),
    /// List, show, create and delete services.
    Service(teams::ServiceArgs),
    /// Grant or revoke a consumer's read access to a subject, or assign its producer.
    Grant(grants::GrantArgs),
    /// List, issue and revoke a service's credentials.
    Credential(credentials::CredentialArgs),
    /// Write an accord.toml that maps the schema files found under a directory.
    Init(init::InitArgs),
    /// Print a completion script for a shell.
    Completions(completions::CompletionsArgs),
}

/// Runs an everyday command and returns its outcome.
pub async fn run(command: Everyday) -> Outcome {
    let result = match command {
        Everyday::Subjects(args) => reads::subjects(args).await,
        Everyday::Get(args) => reads::get(args).await,
        Everyday::Codegen(args) => codegen::codegen(args).await,
        Everyday::Compat(args) => compat::compat(args).await,
        Everyday::Delete(args) => delete::delete(args).await,
        Everyday::Config(args) => settings::config(args).await,
        Everyday::Mode(args) => settings::mode(args).await,
        Everyday::Who(args) => who::who(args).await,
        Everyday::Team(args) => teams::team(args).await,
        Everyday::Service(args) => teams::service(args).await,
        Everyday::Grant(args) => grants::grant(args).await,
        Everyday::Credential(args) => credentials::credential(args).await,
        Everyday::Init(args) => init::init(args),
        Everyday::Completions(args) => Ok(completions::completions(args)),
    };
    finish(result)
}

/// Prints what a command produced, or its error, and returns the outcome.
fn finish(result: Result<Done>) -> Outcome {
    match result {
        Ok(done) => {
            write_quietly(&mut std::io::stdout(), &done.stdout);
            if let Some(note) = &done.stderr {
                write_quietly(&mut std::io::stderr(), &format!("accord: {note}\n"));
            }
            done.outcome
        }
        Err(err) => crate::ci::failed(OutputFormat::Human, &err),
    }
}

/// Writes `text` whole; a reader that went away (`accord subjects | head -1`) is not an error.
fn write_quietly(out: &mut impl Write, text: &str) {
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

/// What a command printed and how it ended.
#[derive(Debug)]
pub struct Done {
    stdout: String,
    /// One line for standard error, such as the reasons of a refusal.
    stderr: Option<String>,
    outcome: Outcome,
}

impl Done {
    /// A success that printed `stdout`.
    fn ok(stdout: String) -> Done {
        Done {
            stdout,
            stderr: None,
            outcome: Outcome::Compatible,
        }
    }

    /// A success printed as `human` for people and as the server's `json` for scripts.
    fn either(format: Format, human: String, json: &Value) -> Done {
        match format {
            Format::Human => Done::ok(human),
            Format::Json => Done::ok(pretty(json)),
        }
    }
}

/// Returns `value` as indented JSON and a newline; `null` (a 204 answer) prints nothing.
fn pretty(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        value => format!(
            "{}\n",
            serde_json::to_string_pretty(value).unwrap_or_default()
        ),
    }
}

/// How an everyday command prints its result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned columns and lines for people.
    Human,
    /// The server's JSON answer, unchanged.
    Json,
}

/// The flags every command that talks to a registry takes. Its `Debug` masks a password in
/// the registry URL.
#[derive(Clone, clap::Args)]
pub struct Remote {
    /// The registry's base URL, such as http://localhost:8081; without it, ACCORD_REGISTRY, then
    /// `registry` in accord.toml.
    #[arg(long, env = "ACCORD_REGISTRY", global = true)]
    pub registry: Option<String>,
    /// The project file whose `registry` applies when neither --registry nor ACCORD_REGISTRY
    /// is set [default: accord.toml, when present].
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// How to print the result.
    #[arg(long, value_enum, default_value_t = Format::Human, global = true)]
    pub format: Format,
}

impl fmt::Debug for Remote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Remote {
            registry,
            config,
            format,
        } = self;
        let registry = registry.as_deref().map(crate::cli::redacted_url);
        f.debug_struct("Remote")
            .field("registry", &registry)
            .field("config", config)
            .field("format", format)
            .finish()
    }
}

impl Remote {
    /// Returns a client for the registry these flags name, with the environment's credential.
    fn client(&self) -> Result<RegistryClient> {
        RegistryClient::from_env(&registry_url(
            self.registry.as_deref(),
            self.config.as_deref(),
        )?)
    }
}

/// Returns the registry URL: `registry` (the flag or `ACCORD_REGISTRY`), else the project
/// file's.
pub(crate) fn registry_url(
    registry: Option<&str>,
    config: Option<&std::path::Path>,
) -> Result<String> {
    if let Some(url) = registry {
        return Ok(url.to_string());
    }
    crate::ci::project::registry_in(config)?.ok_or_else(|| {
        anyhow!(
            "no registry URL: pass --registry http://HOST:PORT, set ACCORD_REGISTRY, or set \
             `registry` in accord.toml"
        )
    })
}

/// Percent-encodes `text` as one path segment.
fn segment(text: &str) -> String {
    crate::ci::client::segment(text)
}

/// Splits `SUBJECT@VERSION` into the subject and the version (`latest` without one). The
/// suffix counts as a version only when it is a number or `latest`, so that a subject may
/// contain `@`.
fn subject_and_version(text: &str) -> (String, Option<String>) {
    match text.rsplit_once('@') {
        Some((subject, version))
            if !subject.is_empty() && (version == "latest" || version.parse::<i64>().is_ok()) =>
        {
            (subject.to_string(), Some(version.to_string()))
        }
        _ => (text.to_string(), None),
    }
}

/// Returns a string field of `value`, or `-`.
fn field(value: &Value, name: &str) -> String {
    match &value[name] {
        Value::String(text) if !text.is_empty() => text.clone(),
        Value::Null => "-".to_string(),
        Value::String(_) => "-".to_string(),
        other => other.to_string(),
    }
}

/// Returns a team's contacts as `kind value, kind value`, or `-`.
fn contacts(value: &Value) -> String {
    let contacts: Vec<String> = value
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| format!("{} {}", field(c, "kind"), field(c, "value")))
        .collect();
    match contacts.is_empty() {
        true => "-".to_string(),
        false => contacts.join(", "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_version_suffix_is_split_off_only_when_it_is_a_version() {
        assert_eq!(
            subject_and_version("orders-value@3"),
            ("orders-value".to_string(), Some("3".to_string()))
        );
        assert_eq!(
            subject_and_version("orders-value@latest").1.as_deref(),
            Some("latest")
        );
        assert_eq!(
            subject_and_version("team@example-value"),
            ("team@example-value".to_string(), None)
        );
        assert_eq!(subject_and_version("orders-value").1, None);
    }
}
