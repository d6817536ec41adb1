//! The writes of an import, made through the target's REST API: each subject written to is
//! put in IMPORT mode first (with `force`, so that nothing it holds is cleared), its versions
//! are registered under their own ids and numbers, soft-deleted ones deleted again, the topics'
//! associations created, and the settings copied last, so that a subject's own mode is the source's once it is complete.
//!
//! Progress is a bar with counts and rate on a terminal, a plain line every
//! [`LINE_EVERY`] writes otherwise.

use std::collections::BTreeSet;
use std::io::IsTerminal;
use std::time::Instant;

use anyhow::{bail, Result};
use indicatif::{ProgressBar, ProgressStyle};
use reqwest::Method;
use serde_json::{json, Value};

use super::plan::{Change, Plan};
use super::snapshot::{Snapshot, Version};
use crate::ci::client::{segment, RegistryClient};

/// How many writes pass between two plain progress lines.
pub const LINE_EVERY: u64 = 25;

/// Counts writes as they land, for a person or for a log.
pub struct Progress {
    bar: Option<ProgressBar>,
    total: u64,
    done: u64,
    started: Instant,
}

impl Progress {
    /// Starts counting towards `total` writes: a bar when standard error is a terminal.
    pub fn new(total: u64) -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(total);
            let style = ProgressStyle::with_template(
                "{bar:40} {pos}/{len} writes, {per_sec}, {eta} left {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style);
            bar
        });
        Progress {
            bar,
            total,
            done: 0,
            started: Instant::now(),
        }
    }

    /// Counts one write, described by `what`.
    fn step(&mut self, what: &str) {
        self.done += 1;
        match &self.bar {
            Some(bar) => {
                bar.set_message(what.to_string());
                bar.inc(1);
            }
            None if self.done % LINE_EVERY == 0 || self.done == self.total => {
                let secs = self.started.elapsed().as_secs_f64().max(0.001);
                crate::outln!(
                    "imported {}/{} writes ({:.0}/s)",
                    self.done,
                    self.total,
                    self.done as f64 / secs
                );
            }
            None => {}
        }
    }

    /// Ends the bar, if there is one.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// Makes the registrations and soft-deletes of `plan` in `target`, whose state `held` was
/// read before, and returns how many writes it made.
pub async fn versions(
    target: &RegistryClient,
    plan: &Plan,
    held: &Snapshot,
    progress: &mut Progress,
) -> Result<u64> {
    let mut importing = BTreeSet::new();
    for (subject, version) in &plan.registrations {
        enter_import(target, held, subject, &mut importing).await?;
        register(target, subject, version).await?;
        progress.step(&format!("{subject} version {}", version.version));
    }
    for (subject, version) in &plan.soft_deletes {
        enter_import(target, held, subject, &mut importing).await?;
        let path = format!("/subjects/{}/versions/{version}", segment(subject));
        target.json(Method::DELETE, &path, None).await?;
        progress.step(&format!("{subject} version {version} soft-deleted"));
    }
    for request in &plan.associations {
        target
            .json(Method::POST, "/associations", Some(request))
            .await?;
        progress.step(&format!("associations of {}", request["resourceName"]));
    }
    Ok(progress.done)
}

/// Puts `subject` in IMPORT mode unless it is in it already or was put in it by this run.
async fn enter_import(
    target: &RegistryClient,
    held: &Snapshot,
    subject: &str,
    importing: &mut BTreeSet<String>,
) -> Result<()> {
    if importing.contains(subject) {
        return Ok(());
    }
    let own = held
        .subjects
        .get(subject)
        .and_then(|s| s.settings.mode.as_deref());
    if own != Some("IMPORT") {
        let path = format!("/mode/{}?force=true", segment(subject));
        target
            .json(Method::PUT, &path, Some(&json!({ "mode": "IMPORT" })))
            .await?;
    }
    importing.insert(subject.to_string());
    Ok(())
}

/// Registers `version` of `subject` under its own id and number.
async fn register(target: &RegistryClient, subject: &str, version: &Version) -> Result<()> {
    let mut body = json!({
        "schema": version.schema,
        "schemaType": version.schema_type,
        "references": version.references,
        "id": version.id,
        "version": version.version,
    });
    if let Some(metadata) = &version.metadata {
        body["metadata"] = metadata.clone();
    }
    if let Some(rule_set) = &version.rule_set {
        body["ruleSet"] = rule_set.clone();
    }
    let path = format!("/subjects/{}/versions", segment(subject));
    let answer = target.json(Method::POST, &path, Some(&body)).await?;
    if answer["id"].as_i64() != Some(version.id) {
        bail!(
            "the target registered '{subject}' version {} under id {} instead of {}",
            version.version,
            answer["id"],
            version.id
        );
    }
    Ok(())
}

/// Copies each setting of `changes` to `target`.
pub async fn settings(
    target: &RegistryClient,
    changes: &[Change],
    progress: &mut Progress,
) -> Result<()> {
    for change in changes {
        let (method, path, body) = request(change);
        target.json(method, &path, body.as_ref()).await?;
        progress.step(&change.to_string());
    }
    Ok(())
}

/// The request that makes `change`.
fn request(change: &Change) -> (Method, String, Option<Value>) {
    let scope = |base: &str, subject: &Option<String>| match subject {
        Some(subject) => format!("{base}/{}", segment(subject)),
        None => base.to_string(),
    };
    match change {
        Change::Config {
            subject,
            to: Some(to),
        } => (
            Method::PUT,
            scope("/config", subject),
            Some(config_update(to)),
        ),
        Change::Config { subject, to: None } => (Method::DELETE, scope("/config", subject), None),
        Change::Mode {
            subject,
            to: Some(mode),
        } => (
            Method::PUT,
            format!("{}?force=true", scope("/mode", subject)),
            Some(json!({ "mode": mode })),
        ),
        Change::Mode { subject, to: None } => (Method::DELETE, scope("/mode", subject), None),
    }
}

/// A `GET /config` answer as the `PUT /config` body that sets it: `compatibilityLevel` is
/// sent as `compatibility`, and the fields left unset are not sent.
fn config_update(config: &Value) -> Value {
    let mut update = serde_json::Map::new();
    for (key, value) in config.as_object().into_iter().flatten() {
        if value.is_null() {
            continue;
        }
        let key = match key.as_str() {
            "compatibilityLevel" => "compatibility",
            key => key,
        };
        update.insert(key.to_string(), value.clone());
    }
    Value::Object(update)
}
