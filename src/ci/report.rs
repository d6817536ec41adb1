//! Printing verdicts: lines for people, one JSON document, or GitHub Actions annotations.
//!
//! The JSON shape is part of Accord's interface (documented in docs/ci.md, "JSON output"): add
//! fields, never rename or remove them.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::client::{AffectedConsumer, ProposalInfo, ProposalRef, UndeclaredReader};
use super::OutputFormat;

/// One breaking change: what kind, where in the schema, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    /// The Confluent error type, such as `READER_FIELD_MISSING_DEFAULT_VALUE`, when known.
    pub kind: Option<String>,
    /// The path in the schema, such as `/fields/4` or `#/properties/amount`, when known.
    pub path: Option<String>,
    pub reason: String,
}

/// The verdict on one subject's file.
#[derive(Debug, Serialize)]
pub struct Verdict {
    pub subject: String,
    pub file: PathBuf,
    pub compatible: bool,
    pub level: String,
    /// True when the registry has no version of the subject yet, so nothing can break.
    #[serde(rename = "new")]
    pub is_new: bool,
    pub changes: Vec<Change>,
    pub affected: Vec<AffectedConsumer>,
    /// Services seen reading the subject without being declared, which a break reaches too.
    pub undeclared: Vec<UndeclaredReader>,
    /// The open or approved proposal for exactly this schema; an approved one agrees the break.
    pub proposal: Option<ProposalRef>,
    /// What the stricter checks find in a file the registry accepts (an invalid default, a
    /// name other languages refuse); never a reason the check fails.
    pub warnings: Vec<String>,
}

impl Verdict {
    /// True when the file breaks nothing, or its break is agreed in an approved proposal.
    pub fn passes(&self) -> bool {
        self.compatible
            || self
                .proposal
                .as_ref()
                .is_some_and(|p| p.state == "approved")
    }
}

/// `accord check`'s result.
#[derive(Debug, Serialize)]
pub struct CheckReport {
    pub subjects: Vec<Verdict>,
    pub compatible: bool,
    /// True when every breaking change is agreed in an approved proposal (so the check
    /// passes); true as well when nothing breaks.
    pub agreed: bool,
}

/// One subject `accord propose` opened a proposal for, or found one already open.
#[derive(Debug, Serialize)]
pub struct Proposed {
    pub subject: String,
    pub file: PathBuf,
    /// False when a proposal for exactly this schema was already open or approved.
    pub opened: bool,
    pub proposal: ProposalInfo,
}

/// `accord propose`'s result.
#[derive(Debug, Serialize)]
pub struct ProposeReport {
    pub proposals: Vec<Proposed>,
}

/// `accord proposals`' result.
#[derive(Debug, Serialize)]
pub struct ProposalsReport {
    pub proposals: Vec<ProposalInfo>,
}

/// `accord diff`'s result.
#[derive(Debug, Serialize)]
pub struct DiffReport {
    pub old: PathBuf,
    pub new: PathBuf,
    pub compatible: bool,
    pub level: String,
    pub changes: Vec<Change>,
}

/// One subject `accord register` published or found already published.
#[derive(Debug, Serialize)]
pub struct Published {
    pub subject: String,
    pub file: PathBuf,
    pub id: i64,
    pub version: i64,
    pub registered: bool,
}

/// `accord register`'s result.
#[derive(Debug, Serialize)]
pub struct RegisterReport {
    pub subjects: Vec<Published>,
}

/// Turns the registry's verbose compatibility messages into changes, dropping the trailing
/// `{oldSchemaVersion: …}`, `{oldSchema: …}` and `{validateFields: …}` entries.
pub fn changes(messages: &[String]) -> Vec<Change> {
    messages
        .iter()
        .filter(|m| {
            !["{oldSchemaVersion:", "{oldSchema:", "{validateFields:"]
                .iter()
                .any(|p| m.starts_with(p))
        })
        .map(|message| parse_change(message))
        .collect()
}

// The three formats' forms: {errorType:'T', description:'D', additionalInfo:'I'} (Avro),
// {errorType:"T", description:"D'} (JSON Schema) and {errorType:"T", description:"D"} (Protobuf).
fn parse_change(message: &str) -> Change {
    let Some(rest) = message.strip_prefix("{errorType:") else {
        return Change {
            kind: None,
            path: None,
            reason: message.to_string(),
        };
    };
    let quote = |c: char| c == '\'' || c == '"';
    let (kind, rest) = rest.split_once(", description:").unwrap_or((rest, ""));
    let reason = rest.split(", additionalInfo:").next().unwrap_or_default();
    let reason = reason.trim_end_matches('}').trim_matches(quote).to_string();
    Change {
        kind: Some(kind.trim_matches(quote).to_string()).filter(|k| !k.is_empty()),
        path: path_in(&reason),
        reason: if reason.is_empty() {
            message.to_string()
        } else {
            reason
        },
    }
}

fn path_in(description: &str) -> Option<String> {
    let at = description.find("path")?;
    let after = description[at + 4..].trim_start_matches([':', ' ']);
    let quoted = after.strip_prefix('\'')?;
    quoted.split_once('\'').map(|(path, _)| path.to_string())
}

/// Writes reports in one output format.
pub struct Printer {
    format: OutputFormat,
    colour: bool,
}

impl Printer {
    /// Returns a printer for `format`; colour only for people at a terminal without `NO_COLOR`.
    pub fn new(format: OutputFormat) -> Printer {
        let colour = format == OutputFormat::Human
            && std::io::stdout().is_terminal()
            && std::env::var_os("NO_COLOR").is_none();
        Printer { format, colour }
    }

    /// Prints the result of `accord check`.
    pub fn check(&self, report: &CheckReport) {
        if self.format == OutputFormat::Json {
            return print_json(report);
        }
        for verdict in &report.subjects {
            let label = format!("{} ({})", verdict.subject, verdict.file.display());
            let level = match verdict.is_new {
                true => format!("{}, new subject", verdict.level),
                false => verdict.level.clone(),
            };
            self.verdict_line(&label, verdict.compatible, &level);
            for warning in &verdict.warnings {
                match self.format {
                    OutputFormat::Github => crate::outln!(
                        "{}",
                        warning_annotation(Some(&verdict.file), "Warning", warning)
                    ),
                    _ => crate::outln!("  warning: {warning}"),
                }
            }
            if self.format == OutputFormat::Github {
                let title = format!("Breaking change to {}", verdict.subject);
                let affects = affects(&verdict.affected)
                    .map(|a| format!(" (affects {a})"))
                    .unwrap_or_default();
                for change in &verdict.changes {
                    crate::outln!(
                        "{}",
                        annotation(
                            Some(&verdict.file),
                            &title,
                            &format!("{}{affects}", describe(change))
                        )
                    );
                }
            }
            for change in &verdict.changes {
                crate::outln!("  - {}", describe(change));
            }
            if let Some(affects) = affects(&verdict.affected) {
                crate::outln!("  affects {affects}");
            }
            for reader in &verdict.undeclared {
                crate::outln!(
                    "  also read by {} (team {}, undeclared, last read {})",
                    reader.service,
                    reader.team,
                    reader.last_seen
                );
            }
            if !verdict.compatible {
                self.proposal_line(verdict);
            }
        }
        let breaking = report.subjects.iter().filter(|v| !v.compatible).count();
        let agreed = report
            .subjects
            .iter()
            .filter(|v| !v.compatible && v.passes())
            .count();
        match (breaking, agreed) {
            (0, _) => crate::outln!(
                "{} subject(s) checked: all compatible",
                report.subjects.len()
            ),
            (n, 0) => crate::outln!(
                "{} subject(s) checked: {n} would break",
                report.subjects.len()
            ),
            (n, m) => crate::outln!(
                "{} subject(s) checked: {n} would break, {m} of them agreed in approved proposals",
                report.subjects.len()
            ),
        }
    }

    /// Says where a breaking verdict stands with proposals.
    fn proposal_line(&self, verdict: &Verdict) {
        match &verdict.proposal {
            Some(p) if p.state == "approved" => crate::outln!(
                "  agreed: proposal {} is approved; registering this schema lands it",
                p.id
            ),
            Some(p) => crate::outln!(
                "  proposal {} is {}: waiting for the consumers' answers (accord proposals)",
                p.id,
                p.state
            ),
            None if !verdict.affected.is_empty() || !verdict.undeclared.is_empty() => {
                crate::outln!("  to agree on it with them: accord propose --summary \"...\"")
            }
            None => {}
        }
    }

    /// Prints the result of `accord propose`.
    pub fn propose(&self, report: &ProposeReport) {
        if self.format == OutputFormat::Json {
            return print_json(report);
        }
        if report.proposals.is_empty() {
            crate::outln!("nothing to propose: no mapped subject would break");
        }
        for proposed in &report.proposals {
            let p = &proposed.proposal;
            let what = match proposed.opened {
                true => "proposed",
                false => "already proposed",
            };
            crate::outln!(
                "{what} {} ({}): proposal {}, {}",
                proposed.subject,
                proposed.file.display(),
                p.id,
                p.state
            );
            self.answers(p);
        }
    }

    /// Prints the result of `accord proposals`.
    pub fn proposals(&self, report: &ProposalsReport) {
        if self.format == OutputFormat::Json {
            return print_json(report);
        }
        if report.proposals.is_empty() {
            crate::outln!("no proposals for the mapped subjects");
        }
        for p in &report.proposals {
            let ready = p.affected.iter().filter(|a| a.response == "ready").count();
            crate::outln!(
                "proposal {} {:<9} {}: {} (by {}, {}; {ready}/{} ready{})",
                p.id,
                p.state,
                p.subject,
                p.summary,
                p.opened_by,
                p.opened_at,
                p.affected.len(),
                p.deadline
                    .as_deref()
                    .map(|d| format!("; deadline {d}"))
                    .unwrap_or_default()
            );
            if p.state == "open" || p.state == "approved" {
                self.answers(p);
            }
        }
    }

    /// Prints each affected service's answer with its team and contacts.
    fn answers(&self, proposal: &ProposalInfo) {
        for answer in &proposal.affected {
            let owner = AffectedConsumer {
                service: answer.service.clone(),
                team: answer.team.clone(),
                contacts: answer.contacts.clone(),
            };
            let comment = match answer.comment.is_empty() {
                true => String::new(),
                false => format!(": {}", answer.comment),
            };
            crate::outln!(
                "  {:<8} {}{comment}",
                answer.response,
                affects(std::slice::from_ref(&owner)).unwrap_or_default()
            );
        }
    }

    /// Prints the result of `accord diff`.
    pub fn diff(&self, report: &DiffReport) {
        if self.format == OutputFormat::Json {
            return print_json(report);
        }
        let label = format!("{} -> {}", report.old.display(), report.new.display());
        self.verdict_line(&label, report.compatible, &report.level);
        for change in &report.changes {
            if self.format == OutputFormat::Github {
                let title = format!("Breaking change ({})", report.level);
                crate::outln!(
                    "{}",
                    annotation(Some(&report.new), &title, &describe(change))
                );
            }
            crate::outln!("  - {}", describe(change));
        }
    }

    /// Prints the result of `accord register`.
    pub fn register(&self, report: &RegisterReport) {
        if self.format == OutputFormat::Json {
            return print_json(report);
        }
        for published in &report.subjects {
            let what = if published.registered {
                "registered"
            } else {
                "unchanged"
            };
            crate::outln!(
                "{what:<10} {} ({}): id {}, version {}",
                published.subject,
                published.file.display(),
                published.id,
                published.version
            );
        }
    }

    fn verdict_line(&self, label: &str, compatible: bool, level: &str) {
        let (word, colour) = match compatible {
            true => ("ok      ", "\x1b[32m"),
            false => ("BREAKING", "\x1b[1;31m"),
        };
        let word = match self.colour {
            true => format!("{colour}{word}\x1b[0m"),
            false => word.to_string(),
        };
        crate::outln!("{word} {label} under {level}");
    }
}

pub(crate) fn describe(change: &Change) -> String {
    let mut line = match &change.path {
        Some(path) => format!("{path}: {}", change.reason),
        None => change.reason.clone(),
    };
    if let Some(kind) = &change.kind {
        line.push_str(&format!(" [{kind}]"));
    }
    line
}

/// Names the affected consumers, their teams and contacts; `None` when there are none.
pub(crate) fn affects(affected: &[AffectedConsumer]) -> Option<String> {
    let consumers: Vec<String> = affected
        .iter()
        .map(|a| {
            let contacts: Vec<String> = a
                .contacts
                .iter()
                .map(|c| format!("{} {}", c.kind, c.value))
                .collect();
            match contacts.is_empty() {
                true => format!("{} (team {})", a.service, a.team),
                false => format!("{} (team {}: {})", a.service, a.team, contacts.join(", ")),
            }
        })
        .collect();
    (!consumers.is_empty()).then(|| consumers.join("; "))
}

/// Returns a GitHub Actions `::error` workflow command, escaped as the runner expects.
pub fn annotation(file: Option<&Path>, title: &str, message: &str) -> String {
    workflow_command("error", file, title, message)
}

/// Returns a GitHub Actions `::warning` workflow command, escaped as the runner expects.
pub fn warning_annotation(file: Option<&Path>, title: &str, message: &str) -> String {
    workflow_command("warning", file, title, message)
}

fn workflow_command(level: &str, file: Option<&Path>, title: &str, message: &str) -> String {
    let data = |s: &str| {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    };
    let property = |s: &str| data(s).replace(':', "%3A").replace(',', "%2C");
    let mut properties = Vec::new();
    if let Some(file) = file {
        properties.push(format!("file={}", property(&file.display().to_string())));
    }
    properties.push(format!("title={}", property(title)));
    format!("::{level} {}::{}", properties.join(","), data(message))
}

fn print_json<T: Serialize>(report: &T) {
    match serde_json::to_string_pretty(report) {
        Ok(text) => crate::outln!("{text}"),
        Err(err) => eprintln!("accord: error: cannot write JSON: {err}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_format_s_message_becomes_a_change_with_its_path() {
        let avro = "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'w' at path '/fields/4' in the new schema has no default value and is missing in the old schema', additionalInfo:'w'}";
        let json = "{errorType:\"PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL\", description:\"The new schema is missing property at path '#/properties/x' in the old schema'}";
        let changes = changes(&[avro.into(), json.into(), "{oldSchemaVersion: 1}".into()]);
        assert_eq!(changes.len(), 2);
        assert_eq!(
            changes[0].kind.as_deref(),
            Some("READER_FIELD_MISSING_DEFAULT_VALUE")
        );
        assert_eq!(changes[0].path.as_deref(), Some("/fields/4"));
        assert!(
            changes[0].reason.ends_with("missing in the old schema"),
            "{}",
            changes[0].reason
        );
        assert_eq!(changes[1].path.as_deref(), Some("#/properties/x"));
        assert!(
            changes[1].reason.ends_with("in the old schema"),
            "{}",
            changes[1].reason
        );
    }

    #[test]
    fn annotations_escape_properties_and_data() {
        assert_eq!(
            annotation(Some(Path::new("a,b.avsc")), "t: x", "50%\nmore"),
            "::error file=a%2Cb.avsc,title=t%3A x::50%25%0Amore"
        );
    }
}
