//! `accord subjects [PATTERN]` and `accord get SUBJECT[@VERSION]` / `accord get --id N`.
//!
//! `get` prints the schema text and nothing else, so that `accord get s > s.avsc` writes the
//! file; `--format json` prints the registry's whole answer instead.

use anyhow::{bail, Result};
use reqwest::Method;
use serde_json::Value;

use super::{segment, subject_and_version, Done, Format, Remote};

/// `accord subjects`.
#[derive(Debug, Clone, clap::Args)]
pub struct SubjectsArgs {
    /// A glob the names must match: `*` any run of characters, `?` one character.
    pub pattern: Option<String>,
    /// Include soft-deleted subjects.
    #[arg(long)]
    pub deleted: bool,
    #[command(flatten)]
    pub remote: Remote,
}

/// `accord get`.
#[derive(Debug, Clone, clap::Args)]
pub struct GetArgs {
    /// The subject, optionally with `@VERSION` (a number or `latest`, the default).
    #[arg(required_unless_present = "id", conflicts_with = "id")]
    pub subject: Option<String>,
    /// The schema with this id, whatever subject holds it.
    #[arg(long)]
    pub id: Option<i64>,
    #[command(flatten)]
    pub remote: Remote,
}

/// Lists the subjects the caller may read, filtered by the glob.
pub async fn subjects(args: SubjectsArgs) -> Result<Done> {
    let registry = args.remote.client()?;
    let path = match args.deleted {
        true => "/subjects?deleted=true",
        false => "/subjects",
    };
    let all = registry.json(Method::GET, path, None).await?;
    let names: Vec<Value> = all
        .as_array()
        .into_iter()
        .flatten()
        .filter(|name| match (&args.pattern, name.as_str()) {
            (Some(pattern), Some(name)) => glob_matches(pattern, name),
            (None, _) => true,
            (Some(_), None) => false,
        })
        .cloned()
        .collect();
    let human: String = names
        .iter()
        .filter_map(Value::as_str)
        .map(|name| format!("{name}\n"))
        .collect();
    Ok(Done::either(
        args.remote.format,
        human,
        &Value::Array(names),
    ))
}

/// Prints one schema: a subject's version, or the schema of an id.
pub async fn get(args: GetArgs) -> Result<Done> {
    let registry = args.remote.client()?;
    let path = match (&args.subject, args.id) {
        (_, Some(id)) => format!("/schemas/ids/{id}"),
        (Some(subject), None) => {
            let (subject, version) = subject_and_version(subject);
            let version = version.unwrap_or_else(|| "latest".to_string());
            format!("/subjects/{}/versions/{version}", segment(&subject))
        }
        (None, None) => bail!("name a SUBJECT or pass --id N"),
    };
    let answer = registry.json(Method::GET, &path, None).await?;
    let Some(schema) = answer["schema"].as_str() else {
        bail!("the registry's answer to {path} holds no schema");
    };
    let mut text = schema.to_string();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(match args.remote.format {
        Format::Human => Done::ok(text),
        Format::Json => Done::either(Format::Json, String::new(), &answer),
    })
}

/// Returns whether `name` matches `pattern`, where `*` matches any run of characters and `?`
/// any one character.
pub fn glob_matches(pattern: &str, name: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let name: Vec<char> = name.chars().collect();
    // The classic linear matcher: on a mismatch, let the last `*` swallow one more character.
    let (mut p, mut n) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while n < name.len() {
        match pattern.get(p) {
            Some('*') => {
                star = Some((p, n));
                p += 1;
            }
            Some(&c) if c == '?' || c == name[n] => {
                p += 1;
                n += 1;
            }
            _ => match star {
                Some((star_p, star_n)) => {
                    p = star_p + 1;
                    n = star_n + 1;
                    star = Some((star_p, star_n + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::glob_matches;

    #[test]
    fn globs_match_runs_and_single_characters() {
        assert!(glob_matches("orders.*", "orders.order-created-value"));
        assert!(glob_matches("*-value", "orders.order-value"));
        assert!(glob_matches("*order*", "orders.order-value"));
        assert!(glob_matches("a?c", "abc"));
        assert!(!glob_matches("a?c", "abbc"));
        assert!(!glob_matches("orders.*", "payments.orders"));
        assert!(glob_matches("exact", "exact"));
        assert!(!glob_matches("exact", "exactly"));
    }
}
