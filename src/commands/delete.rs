//! `accord delete SUBJECT[@VERSION] [--permanent]`.
//!
//! The registry deletes permanently only what was soft-deleted first (Confluent's rule), so
//! `--permanent` does both steps: a soft delete, which may find the subject or version already
//! soft-deleted, then the permanent one.

use anyhow::Result;
use reqwest::Method;
use serde_json::Value;

use super::{segment, subject_and_version, Done, Remote};

/// Confluent's codes for "already soft-deleted": a subject (40404), a version (40406).
const ALREADY_SOFT_DELETED: [i64; 2] = [40404, 40406];

/// `accord delete`.
#[derive(Debug, Clone, clap::Args)]
pub struct DeleteArgs {
    /// The subject, or one version of it as SUBJECT@VERSION.
    pub subject: String,
    /// Remove it for good (soft-deleting it first when needed), not just hide it.
    #[arg(long)]
    pub permanent: bool,
    #[command(flatten)]
    pub remote: Remote,
}

/// Deletes the subject or version and says which versions went.
pub async fn delete(args: DeleteArgs) -> Result<Done> {
    let registry = args.remote.client()?;
    let (subject, version) = subject_and_version(&args.subject);
    let path = match &version {
        Some(version) => format!("/subjects/{}/versions/{version}", segment(&subject)),
        None => format!("/subjects/{}", segment(&subject)),
    };
    let soft = registry.call(Method::DELETE, &path, None).await?;
    let mut answer = match args.permanent
        && soft
            .error_code()
            .is_some_and(|code| ALREADY_SOFT_DELETED.contains(&code))
    {
        true => Value::Null,
        false => registry.success(soft, &path)?,
    };
    if args.permanent {
        let permanent = format!("{path}?permanent=true");
        answer = registry.json(Method::DELETE, &permanent, None).await?;
    }
    let how = match args.permanent {
        true => "permanently deleted",
        false => "deleted",
    };
    let versions = match &answer {
        Value::Array(versions) => versions
            .iter()
            .map(Value::to_string)
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    };
    let human = match version {
        Some(_) => format!("{how} {subject} version {versions}\n"),
        None => format!("{how} {subject}: version(s) {versions}\n"),
    };
    Ok(Done::either(args.remote.format, human, &answer))
}
