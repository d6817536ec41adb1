//! `accord register SUBJECT FILE`: publishes one schema file, as the project mode publishes
//! each mapped file. The schema type comes from `--type` or the extension, references from
//! `--reference NAME=SUBJECT[@VERSION]`.
//!
//! Like the project mode it is idempotent (a schema the subject holds is looked up, not
//! registered again), prints the same lines and the same JSON, and exits 1 when the registry
//! refuses the schema as incompatible.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use super::{segment, subject_and_version};
use crate::ci::report::{Printer, Published, RegisterReport};
use crate::ci::{failed, FileError, Outcome, OutputFormat, RegisterArgs};
use crate::types::SchemaType;

/// The arguments of the one-file modes (`register SUBJECT FILE`, `compat SUBJECT FILE`).
#[derive(Debug, Clone, clap::Args)]
pub struct OneFile {
    /// The subject to register under; with FILE, registers that one file instead of the
    /// project's.
    #[arg(requires = "file")]
    pub subject: Option<String>,
    /// The schema file.
    pub file: Option<PathBuf>,
    /// The schema type; by default from the extension (.avsc, .proto, .json).
    #[arg(long = "type", value_parser = crate::ci::parse_schema_type, requires = "file")]
    pub schema_type: Option<SchemaType>,
    /// A schema this one references: NAME=SUBJECT (its latest version) or NAME=SUBJECT@VERSION
    /// (repeatable).
    #[arg(
        long = "reference",
        value_name = "NAME=SUBJECT[@VERSION]",
        requires = "file"
    )]
    pub references: Vec<String>,
}

impl OneFile {
    /// Returns the registration body for the file: its text, type and references.
    pub fn body(&self) -> Result<Value> {
        let file = self.file.as_deref().ok_or_else(|| anyhow!("name a FILE"))?;
        candidate(file, self.schema_type, &self.references)
    }
}

/// Returns the body that registers or checks `file`: its text, its type (`schema_type`, else
/// from the extension) and `references` given as `NAME=SUBJECT[@VERSION]`.
pub fn candidate(
    file: &Path,
    schema_type: Option<SchemaType>,
    references: &[String],
) -> Result<Value> {
    let schema_type = match schema_type {
        Some(schema_type) => schema_type,
        None => crate::ci::project::type_from_extension(file, crate::ci::project::TYPE_FLAG)?,
    };
    let text = std::fs::read_to_string(file)
        .map_err(|err| FileError::new(file, format!("cannot read the schema file: {err}")))?;
    let references = references
        .iter()
        .map(|reference| reference_body(reference))
        .collect::<Result<Vec<Value>>>()?;
    Ok(json!({
        "schema": text,
        "schemaType": schema_type.as_str(),
        "references": references,
    }))
}

/// Turns `NAME=SUBJECT[@VERSION]` into a reference; without a version, the latest (`-1`).
fn reference_body(text: &str) -> Result<Value> {
    let Some((name, target)) = text.split_once('=') else {
        bail!("--reference '{text}' must be NAME=SUBJECT or NAME=SUBJECT@VERSION");
    };
    let (subject, version) = subject_and_version(target);
    let version: i64 = match version.as_deref() {
        None | Some("latest") => -1,
        Some(number) => number.parse()?,
    };
    if name.is_empty() || subject.is_empty() {
        bail!("--reference '{text}' must be NAME=SUBJECT or NAME=SUBJECT@VERSION");
    }
    Ok(json!({ "name": name, "subject": subject, "version": version }))
}

/// Runs `accord register SUBJECT FILE` and returns its outcome.
pub async fn register_file(args: RegisterArgs) -> Outcome {
    let format = args.project.format;
    match run(&args).await {
        Ok(Ok(published)) => {
            Printer::new(format).register(&RegisterReport {
                subjects: vec![published],
            });
            Outcome::Compatible
        }
        Ok(Err(refusal)) => {
            if format == OutputFormat::Github {
                let line = crate::ci::report::annotation(
                    Some(&refusal.file),
                    "Registration refused",
                    &refusal.message,
                );
                crate::outln!("{line}");
            }
            eprintln!("accord: {refusal}");
            Outcome::Breaking
        }
        Err(err) => failed(format, &err),
    }
}

/// Registers the file unless the subject holds it already; a refusal as incompatible is the
/// inner error.
async fn run(args: &RegisterArgs) -> Result<std::result::Result<Published, FileError>> {
    let subject = args.one.subject.clone().unwrap_or_default();
    let file = args.one.file.clone().unwrap_or_default();
    let body = args.one.body()?;
    let url = super::registry_url(args.project.registry.as_deref(), config(args))?;
    let registry = crate::ci::client::RegistryClient::from_env(&url)?;
    let context = || format!("registering {subject} ({})", file.display());
    let lookup = format!("/subjects/{}", segment(&subject));
    let existing = registry
        .call(Method::POST, &lookup, Some(&body))
        .await
        .with_context(context)?;
    let registered = existing.status == StatusCode::NOT_FOUND;
    let found = match registered {
        false => registry.success(existing, &lookup).with_context(context)?,
        true => {
            let path = format!("/subjects/{}/versions", segment(&subject));
            let reply = registry
                .call(Method::POST, &path, Some(&body))
                .await
                .with_context(context)?;
            if reply.status == StatusCode::CONFLICT {
                let message = format!("the registry refused {subject}: {}", reply.message);
                return Ok(Err(FileError::new(&file, message)));
            }
            registry.success(reply, &path).with_context(context)?;
            registry
                .json(Method::POST, &lookup, Some(&body))
                .await
                .with_context(context)?
        }
    };
    Ok(Ok(Published {
        subject,
        file,
        id: found["id"].as_i64().unwrap_or_default(),
        version: found["version"].as_i64().unwrap_or_default(),
        registered,
    }))
}

/// The project file to read `registry` from: `--config` when it was given, else `accord.toml`
/// when present.
fn config(args: &RegisterArgs) -> Option<&Path> {
    let config = args.project.config.as_path();
    match config == Path::new("accord.toml") {
        true => None,
        false => Some(config),
    }
}
