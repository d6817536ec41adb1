//! `accord who SUBJECT`: who produces a stream and who consumes it, with their teams and how
//! to reach them, from `GET /governance/subjects/{s}`.

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
    let answer = registry.json(Method::GET, &path, None).await?;
    Ok(Done::either(args.remote.format, human(&answer), &answer))
}

/// A line on the subject's version and level, then one row per service.
fn human(answer: &Value) -> String {
    // Both spellings: the governance JSON is moving to Confluent's camelCase for these two.
    let either = |a: &str, b: &str| match answer[a].is_null() {
        true => answer[b].clone(),
        false => answer[a].clone(),
    };
    let version = match either("latestVersion", "latest_version") {
        Value::Null => "no live version".to_string(),
        version => format!("version {version}"),
    };
    let level = either("compatibilityLevel", "compatibility_level");
    let level = level.as_str().unwrap_or("-");
    let mut out = format!("{}: {version}, {level}\n", field(answer, "subject"));
    let mut table = Table::new(&["role", "service", "team", "contacts", "granted"]);
    if !answer["producer"].is_null() {
        let producer = &answer["producer"];
        table.row(vec![
            "producer".into(),
            field(producer, "service"),
            field(producer, "team"),
            contacts(&producer["contacts"]),
        ]);
    }
    for consumer in answer["consumers"].as_array().into_iter().flatten() {
        table.row(vec![
            "consumer".into(),
            field(consumer, "service"),
            field(consumer, "team"),
            contacts(&consumer["contacts"]),
            format!(
                "{} by {}",
                field(consumer, "granted_at"),
                field(consumer, "granted_by")
            ),
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
