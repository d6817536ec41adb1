//! `accord compat SUBJECT FILE`: would the registry accept this file under this subject?
//!
//! It asks the Confluent endpoint registration itself consults
//! (`POST /compatibility/subjects/{s}/versions?verbose=true`, or one version with
//! `--version`), and prints the verdict as `accord check` does: the breaking changes, the
//! consumers they affect, and exit 0 compatible, 1 incompatible, 2 an error.

use std::path::PathBuf;

use anyhow::Result;
use reqwest::Method;
use serde_json::Value;

use super::register::candidate;
use super::{segment, Done, Format, Remote};
use crate::ci::client::AffectedConsumer;
use crate::ci::report::{affects, changes, describe};
use crate::ci::Outcome;
use crate::types::SchemaType;

/// `accord compat`.
#[derive(Debug, Clone, clap::Args)]
pub struct CompatArgs {
    /// The subject to check against.
    pub subject: String,
    /// The schema file.
    pub file: PathBuf,
    /// Check against this version only (a number or `latest`), not as registering would.
    #[arg(long)]
    pub version: Option<String>,
    /// The schema type; by default from the extension (.avsc, .proto, .json).
    #[arg(long = "type", value_parser = crate::ci::parse_schema_type)]
    pub schema_type: Option<SchemaType>,
    /// A schema this one references: NAME=SUBJECT (its latest version) or NAME=SUBJECT@VERSION
    /// (repeatable).
    #[arg(long = "reference", value_name = "NAME=SUBJECT[@VERSION]")]
    pub references: Vec<String>,
    #[command(flatten)]
    pub remote: Remote,
}

/// Checks the file and reports the verdict.
pub async fn compat(args: CompatArgs) -> Result<Done> {
    let body = candidate(&args.file, args.schema_type, &args.references)?;
    let registry = args.remote.client()?;
    let subject = segment(&args.subject);
    let path = match &args.version {
        Some(version) => format!(
            "/compatibility/subjects/{subject}/versions/{}?verbose=true",
            segment(version)
        ),
        None => format!("/compatibility/subjects/{subject}/versions?verbose=true"),
    };
    let verdict = registry.json(Method::POST, &path, Some(&body)).await?;
    let is_compatible = verdict["is_compatible"].as_bool().unwrap_or(false);
    let outcome = match is_compatible {
        true => Outcome::Compatible,
        false => Outcome::Breaking,
    };
    let stdout = match args.remote.format {
        Format::Json => super::pretty(&verdict),
        Format::Human => {
            let config = format!("/config/{subject}?defaultToGlobal=true");
            let level = registry.json(Method::GET, &config, None).await?;
            human(&args, &verdict, &super::field(&level, "compatibilityLevel"))
        }
    };
    Ok(Done {
        stdout,
        stderr: None,
        outcome,
    })
}

/// The verdict as `accord check` prints one subject's.
fn human(args: &CompatArgs, verdict: &Value, level: &str) -> String {
    let word = match verdict["is_compatible"].as_bool() {
        Some(true) => "ok      ",
        _ => "BREAKING",
    };
    let against = match &args.version {
        Some(version) => format!("version {version} of {}", args.subject),
        None => args.subject.clone(),
    };
    let mut out = format!("{word} {against} ({}) under {level}\n", args.file.display());
    let messages: Vec<String> = verdict["messages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|m| m.as_str().map(str::to_string))
        .collect();
    for change in changes(&messages) {
        out.push_str(&format!("  - {}\n", describe(&change)));
    }
    let affected: Vec<AffectedConsumer> =
        serde_json::from_value(verdict["affected"].clone()).unwrap_or_default();
    if let Some(affects) = affects(&affected) {
        out.push_str(&format!("  affects {affects}\n"));
    }
    out
}
