//! `accord config [SUBJECT] [LEVEL]` and `accord mode [SUBJECT] [MODE]`: show or set the
//! compatibility level and the mode, of the registry or of one subject.
//!
//! Both are one shape over `/config` and `/mode`. With no argument they show the global
//! setting; with a subject, the subject's own, or the global one it falls back to (said so);
//! with a value, they set it. A lone argument that is a value (`accord config FULL`) sets the
//! global setting, since no subject is named like a level.

use anyhow::{bail, Result};
use reqwest::Method;
use serde_json::json;

use super::{field, segment, Done, Remote};
use crate::ci::client::RegistryClient;

/// `accord config`.
#[derive(Debug, Clone, clap::Args)]
pub struct ConfigArgs {
    /// The subject; without it, the registry's global level.
    pub subject: Option<String>,
    /// The level to set: NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL
    /// or FULL_TRANSITIVE.
    pub level: Option<String>,
    /// Remove the subject's own level, so that the global one applies.
    #[arg(long, requires = "subject", conflicts_with = "level")]
    pub reset: bool,
    #[command(flatten)]
    pub remote: Remote,
}

/// `accord mode`.
#[derive(Debug, Clone, clap::Args)]
pub struct ModeArgs {
    /// The subject; without it, the registry's global mode.
    pub subject: Option<String>,
    /// The mode to set: READWRITE, READONLY, READONLY_OVERRIDE or IMPORT.
    pub mode: Option<String>,
    /// Remove the subject's own mode, so that the global one applies.
    #[arg(long, requires = "subject", conflicts_with = "mode")]
    pub reset: bool,
    /// Set IMPORT even where schemas are registered already.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub remote: Remote,
}

/// One of the two settings: where it lives and how it is spelt.
struct Setting {
    /// The path under which it lives: `/config` or `/mode`.
    resource: &'static str,
    /// What people call it.
    noun: &'static str,
    /// The key a `PUT` sends.
    key: &'static str,
    /// The key a `GET` answers.
    shown: &'static str,
    /// The error code of a subject that sets none of its own.
    unset: i64,
    values: &'static [&'static str],
}

const COMPATIBILITY: Setting = Setting {
    resource: "/config",
    noun: "compatibility level",
    key: "compatibility",
    shown: "compatibilityLevel",
    unset: 40408,
    values: &[
        "NONE",
        "BACKWARD",
        "BACKWARD_TRANSITIVE",
        "FORWARD",
        "FORWARD_TRANSITIVE",
        "FULL",
        "FULL_TRANSITIVE",
    ],
};

const MODE: Setting = Setting {
    resource: "/mode",
    noun: "mode",
    key: "mode",
    shown: "mode",
    unset: 40409,
    values: &["READWRITE", "READONLY", "READONLY_OVERRIDE", "IMPORT"],
};

/// What a `config` or `mode` command asks for.
enum Request {
    Show(Option<String>),
    Set(Option<String>, String),
    Reset(String),
}

/// Shows or sets the compatibility level.
pub async fn config(args: ConfigArgs) -> Result<Done> {
    let request = COMPATIBILITY.request(args.subject, args.level, args.reset)?;
    COMPATIBILITY.run(&args.remote, request, "").await
}

/// Shows or sets the mode.
pub async fn mode(args: ModeArgs) -> Result<Done> {
    let request = MODE.request(args.subject, args.mode, args.reset)?;
    let query = if args.force { "?force=true" } else { "" };
    MODE.run(&args.remote, request, query).await
}

impl Setting {
    fn request(
        &self,
        subject: Option<String>,
        value: Option<String>,
        reset: bool,
    ) -> Result<Request> {
        Ok(match (subject, value) {
            (Some(subject), None) if reset => Request::Reset(subject),
            (None, _) => Request::Show(None),
            (Some(lone), None) => match self.value(&lone) {
                Ok(value) => Request::Set(None, value),
                Err(_) => Request::Show(Some(lone)),
            },
            (Some(subject), Some(value)) => Request::Set(Some(subject), self.value(&value)?),
        })
    }

    /// Returns `text` as one of the values, in capitals.
    fn value(&self, text: &str) -> Result<String> {
        let upper = text.to_uppercase();
        if !self.values.contains(&upper.as_str()) {
            bail!(
                "unknown {} '{text}': use {}",
                self.noun,
                self.values.join(", ")
            );
        }
        Ok(upper)
    }

    fn path(&self, subject: Option<&str>) -> String {
        match subject {
            Some(subject) => format!("{}/{}", self.resource, segment(subject)),
            None => self.resource.to_string(),
        }
    }

    async fn run(&self, remote: &Remote, request: Request, query: &str) -> Result<Done> {
        let registry = remote.client()?;
        let (human, answer) = match request {
            Request::Show(subject) => self.show(&registry, subject.as_deref()).await?,
            Request::Set(subject, value) => {
                let path = format!("{}{query}", self.path(subject.as_deref()));
                let body = json!({ self.key: value });
                let answer = registry.json(Method::PUT, &path, Some(&body)).await?;
                let whose = match &subject {
                    Some(subject) => format!("the {} of {subject}", self.noun),
                    None => format!("the global {}", self.noun),
                };
                (format!("set {whose} to {value}\n"), answer)
            }
            Request::Reset(subject) => {
                let path = self.path(Some(&subject));
                let answer = registry.json(Method::DELETE, &path, None).await?;
                let human = format!(
                    "removed the {noun} of {subject}; the global {noun} applies\n",
                    noun = self.noun
                );
                (human, answer)
            }
        };
        Ok(Done::either(remote.format, human, &answer))
    }

    /// Returns the subject's own setting, else the global one it falls back to.
    async fn show(
        &self,
        registry: &RegistryClient,
        subject: Option<&str>,
    ) -> Result<(String, serde_json::Value)> {
        let global = self.path(None);
        let Some(subject) = subject else {
            let answer = registry.json(Method::GET, &global, None).await?;
            return Ok((format!("global: {}\n", field(&answer, self.shown)), answer));
        };
        let path = self.path(Some(subject));
        let reply = registry.call(Method::GET, &path, None).await?;
        if reply.error_code() != Some(self.unset) {
            let answer = registry.success(reply, &path)?;
            return Ok((
                format!("{subject}: {}\n", field(&answer, self.shown)),
                answer,
            ));
        }
        let answer = registry.json(Method::GET, &global, None).await?;
        let human = format!(
            "{subject}: {} (the global {}; the subject sets none)\n",
            field(&answer, self.shown),
            self.noun
        );
        Ok((human, answer))
    }
}
