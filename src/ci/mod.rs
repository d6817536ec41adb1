//! Accord in CI: `accord check`, `accord diff` and `accord register`.
//!
//! These commands read a project file ([`project`]) mapping subjects to schema files, parse the
//! files with the same [`crate::format`] parsers the server uses, and either ask a registry over
//! HTTP ([`client`]) or decide offline with the one compatibility engine,
//! [`crate::registry::compatibility`]. They never touch storage. Every command ends with an
//! [`Outcome`] whose exit code CI jobs rely on: 0 compatible, 1 a breaking change, 2 an error.

mod check;
pub mod client;
mod diff;
pub mod project;
mod propose;
mod references;
mod register;
pub mod report;

use std::fmt;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::ValueEnum;

use crate::types::{Compatibility, SchemaType};

pub use check::check;
pub use diff::diff;
pub use propose::{proposals, propose};
pub use register::register;

/// How a command ended, and so its exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything is compatible (or registered): exit 0.
    Compatible = 0,
    /// A change would break a subject's contract: exit 1.
    Breaking = 1,
    /// A usage, file, parse or network error: exit 2.
    Failed = 2,
}

impl Outcome {
    /// Flushes standard output and exits the process with this outcome's code.
    pub fn exit(self) -> ! {
        let _ = std::io::stdout().flush();
        std::process::exit(self as i32)
    }
}

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Lines for people; coloured only when standard output is a terminal.
    Human,
    /// One JSON document on standard output (see docs/ci.md for its shape).
    Json,
    /// GitHub Actions annotations (`::error file=...`) pointing at the schema files.
    Github,
}

/// The flags every command that reads `accord.toml` shares. Its `Debug` masks a password in
/// the registry URL.
#[derive(Clone, clap::Args)]
pub struct ProjectArgs {
    /// The project file that maps subjects to schema files.
    #[arg(long, default_value = "accord.toml")]
    pub config: PathBuf,
    /// The registry's base URL; overrides `registry` in the project file.
    #[arg(long, env = "ACCORD_REGISTRY")]
    pub registry: Option<String>,
    /// How to print the result.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
}

impl fmt::Debug for ProjectArgs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ProjectArgs {
            config,
            registry,
            format,
        } = self;
        let registry = registry.as_deref().map(crate::cli::redacted_url);
        f.debug_struct("ProjectArgs")
            .field("config", config)
            .field("registry", &registry)
            .field("format", format)
            .finish()
    }
}

/// `accord check`.
#[derive(Debug, Clone, clap::Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub project: ProjectArgs,
    /// Check only this subject (repeatable).
    #[arg(long = "subject", value_name = "SUBJECT")]
    pub subjects: Vec<String>,
}

/// `accord propose`.
#[derive(Debug, Clone, clap::Args)]
pub struct ProposeArgs {
    #[command(flatten)]
    pub project: ProjectArgs,
    /// Why the break is needed and how consumers should migrate.
    #[arg(long)]
    pub summary: String,
    /// When the consumers should answer by (RFC 3339, such as 2027-01-31T00:00:00Z).
    #[arg(long)]
    pub deadline: Option<String>,
    /// Propose only for this subject (repeatable).
    #[arg(long = "subject", value_name = "SUBJECT")]
    pub subjects: Vec<String>,
}

/// `accord proposals`.
#[derive(Debug, Clone, clap::Args)]
pub struct ProposalsArgs {
    #[command(flatten)]
    pub project: ProjectArgs,
    /// Only this subject's (repeatable).
    #[arg(long = "subject", value_name = "SUBJECT")]
    pub subjects: Vec<String>,
    /// Decided proposals too (applied, withdrawn, rejected).
    #[arg(long)]
    pub all: bool,
}

/// `accord register`: the project's files, or with `SUBJECT FILE` one file.
#[derive(Debug, Clone, clap::Args)]
pub struct RegisterArgs {
    #[command(flatten)]
    pub project: ProjectArgs,
    #[command(flatten)]
    pub one: crate::commands::OneFile,
}

/// `accord diff`.
#[derive(Debug, Clone, clap::Args)]
pub struct DiffArgs {
    /// The schema as it was (for example, from the main branch).
    pub old: PathBuf,
    /// The schema as it is now.
    pub new: PathBuf,
    /// The schema type; by default from the extension (.avsc, .proto, .json).
    #[arg(long = "type", value_parser = parse_schema_type)]
    pub schema_type: Option<SchemaType>,
    /// The compatibility level to apply.
    #[arg(long, default_value = "BACKWARD", value_parser = parse_level)]
    pub level: Compatibility,
    /// A project file to resolve references to other schema files through; `accord.toml` is
    /// used when present.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// How to print the result.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    pub format: OutputFormat,
}

pub(crate) fn parse_schema_type(name: &str) -> Result<SchemaType, String> {
    name.parse()
        .map_err(|_| format!("unknown type '{name}': use avro, protobuf or json"))
}

pub(crate) fn parse_level(name: &str) -> Result<Compatibility, String> {
    Compatibility::parse(name).map_err(|_| {
        format!(
            "unknown level '{name}': use NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, \
             FORWARD_TRANSITIVE, FULL or FULL_TRANSITIVE"
        )
    })
}

/// An error about one file, so that it can be reported pointing at that file.
#[derive(Debug)]
pub struct FileError {
    pub file: PathBuf,
    pub message: String,
}

impl FileError {
    /// Returns an error about `file`.
    pub fn new(file: &Path, message: impl Into<String>) -> FileError {
        FileError {
            file: file.to_path_buf(),
            message: message.into(),
        }
    }
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file.display(), self.message)
    }
}

impl std::error::Error for FileError {}

/// Reports `err` as one line on standard error (and as an annotation for GitHub) and returns
/// [`Outcome::Failed`].
pub(crate) fn failed(format: OutputFormat, err: &anyhow::Error) -> Outcome {
    let line = format!("{err:#}").replace('\n', " ");
    if format == OutputFormat::Github {
        let file = err.downcast_ref::<FileError>().map(|e| e.file.as_path());
        crate::outln!("{}", report::annotation(file, "accord failed", &line));
    }
    eprintln!("accord: error: {line}");
    Outcome::Failed
}

/// Returns the registry URL: `--registry` or `ACCORD_REGISTRY`, else the project file's.
fn registry_url(args: &ProjectArgs, project: &project::Project) -> anyhow::Result<String> {
    args.registry
        .clone()
        .or_else(|| project.registry.clone())
        .ok_or_else(|| {
            anyhow::anyhow!(
                "no registry URL: set `registry` in {}, --registry or ACCORD_REGISTRY",
                args.config.display()
            )
        })
}

/// A progress line on standard error for runs over several subjects, shown only when standard
/// error is a terminal so that CI logs stay clean.
struct Progress {
    total: usize,
    is_shown: bool,
}

impl Progress {
    fn new(total: usize) -> Progress {
        Progress {
            total,
            is_shown: total > 1 && std::io::stderr().is_terminal(),
        }
    }

    fn show(&self, done: usize, verb: &str, subject: &str) {
        if self.is_shown {
            eprint!("\r\x1b[2K[{}/{}] {verb} {subject}", done + 1, self.total);
        }
    }

    fn clear(&self) {
        if self.is_shown {
            eprint!("\r\x1b[2K");
        }
    }
}
