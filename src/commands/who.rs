//! `accord who SUBJECT`: who produces a stream and who consumes it, with their teams and how
//! to reach them, from `GET /governance/subjects/{s}`, and who was seen reading it, from
//! `/readers` (when the credential may see them).

use anyhow::Result;
use reqwest::Method;
use serde_json::Value;

use super::table::Table;
use super::{contacts, field, segment, Done, Remote};

/// `accord who`.
#[derive(Debug, Clone, clap::Args)]
pub struct WhoArgs {
    /// The subject.
    pub subject: String,
    #[command(flatten)]
    pub remote: Remote,
}

/// Shows the subject's producer and consumers.
pub async fn who(args: WhoArgs) -> Result<Done> {
    let registry = args.remote.client()?;
    let path = format!("/governance/subjects/{}", segment(&args.subject));
    let mut answer = registry.json(Method::GET, &path, None).await?;
    // Who was seen reading it: only for a credential that may see it, and never an error.
    let readers = registry
        .call(Method::GET, &format!("{path}/readers"), None)
        .await?;
    if readers.status.is_success() {
        answer["readers"] = readers.body["readers"].clone();
        answer["anonymous"] = readers.body["anonymous"].clone();
    }
    Ok(Done::either(args.remote.format, human(&answer), &answer))
}

/// Returns when `service` was last seen reading, from the answer's readers: `-` for never,
/// empty when the readers are not known.
fn last_read(answer: &Value, service: &str) -> String {
    let Some(readers) = answer["readers"].as_array() else {
        return String::new();
    };
    readers
        .iter()
        .find(|r| r["service"] == service)
        .map_or("-".to_string(), |r| field(r, "last_seen"))
}

/// A line on the subject's version and level, then one row per service.
fn human(answer: &Value) -> String {
    let version = match &answer["latest_version"] {
        Value::Null => "no live version".to_string(),
        version => format!("version {version}"),
    };
    // `compatibility_level` is how servers before the naming rule spelt it.
    let level = match answer["compatibilityLevel"].as_str() {
        Some(level) => level,
        None => answer["compatibility_level"].as_str().unwrap_or("-"),
    };
    let mut out = format!("{}: {version}, {level}\n", field(answer, "subject"));
    let mut headers = vec!["role", "service", "team", "contacts", "granted"];
    if answer["readers"].is_array() {
        headers.push("last read");
    }
    let mut table = Table::new(&headers);
    if !answer["producer"].is_null() {
        let producer = &answer["producer"];
        let service = field(producer, "service");
        table.row(vec![
            "producer".into(),
            service.clone(),
            field(producer, "team"),
            contacts(&producer["contacts"]),
            "-".into(),
            last_read(answer, &service),
        ]);
    }
    for consumer in answer["consumers"].as_array().into_iter().flatten() {
        let service = field(consumer, "service");
        table.row(vec![
            "consumer".into(),
            service.clone(),
            field(consumer, "team"),
            contacts(&consumer["contacts"]),
            format!(
                "{} by {}",
                field(consumer, "granted_at"),
                field(consumer, "granted_by")
            ),
            last_read(answer, &service),
        ]);
    }
    let undeclared = answer["readers"].as_array().into_iter().flatten();
    for reader in undeclared.filter(|r| r["declared"] == false) {
        table.row(vec![
            "undeclared".into(),
            field(reader, "service"),
            field(reader, "team"),
            "-".into(),
            "-".into(),
            field(reader, "last_seen"),
        ]);
    }
    if answer["producer"].is_null() {
        out.push_str("no producer assigned\n");
    }
    if answer["consumers"].as_array().is_none_or(Vec::is_empty) {
        out.push_str("no consumer granted\n");
    }
    if !table.is_empty() {
        out.push('\n');
        out.push_str(&table.render());
    }
    out
}
