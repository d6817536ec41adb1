//! `accord codegen SUBJECT[@VERSION] --lang L --out DIR` from a registry, and
//! `accord codegen --file FILE --lang L --out DIR` offline, references resolved through the
//! project file as `accord check` resolves them.

use std::path::{Component, Path, PathBuf};

use anyhow::{bail, Context, Result};

use super::{segment, subject_and_version, Done, Remote};
use crate::ci::project::{type_from_extension, Project, TYPE_FLAG};
use crate::codegen::{self, Contract, File, Refusal, Target};
use crate::types::SchemaType;

/// `accord codegen`.
#[derive(Debug, Clone, clap::Args)]
pub struct CodegenArgs {
    /// The subject, optionally with `@VERSION` (a number or `latest`, the default).
    #[arg(required_unless_present = "file", conflicts_with = "file")]
    pub subject: Option<String>,
    /// Generate from this schema file instead, without a registry; its references resolve
    /// through the project file (--config, or accord.toml when present).
    #[arg(long)]
    pub file: Option<PathBuf>,
    /// The language: java, typescript, python, rust or proto (which apply depends on the format).
    #[arg(long)]
    pub lang: String,
    /// The directory to write the files into; created when missing.
    #[arg(long)]
    pub out: PathBuf,
    /// The schema type of --file; by default from its extension (.avsc, .proto, .json).
    #[arg(long = "type", value_parser = crate::ci::parse_schema_type)]
    pub schema_type: Option<SchemaType>,
    #[command(flatten)]
    pub remote: Remote,
}

/// Generates the files and writes them under `--out`, printing one path a line.
pub async fn codegen(args: CodegenArgs) -> Result<Done> {
    let files = match &args.file {
        Some(file) => offline(&args, file)?,
        None => {
            let Some(subject) = &args.subject else {
                bail!("name a SUBJECT[@VERSION] or pass --file FILE");
            };
            from_registry(&args, subject).await?
        }
    };
    let mut written = String::new();
    for file in &files {
        let target = args.out.join(safe_relative(&file.path)?);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&target, &file.content)
            .with_context(|| format!("cannot write {}", target.display()))?;
        written.push_str(&format!("{}\n", target.display()));
    }
    Ok(Done::ok(written))
}

async fn from_registry(args: &CodegenArgs, subject: &str) -> Result<Vec<File>> {
    let registry = args.remote.client()?;
    let (subject, version) = subject_and_version(subject);
    let version = version.unwrap_or_else(|| "latest".to_string());
    let path = format!(
        "/subjects/{}/versions/{version}/code?lang={}",
        segment(&subject),
        segment(&args.lang)
    );
    let answer = registry.get_json(&path).await?;
    let Some(files) = answer["files"].as_array() else {
        bail!("the registry's answer to {path} holds no files");
    };
    files
        .iter()
        .map(|f| match (f["path"].as_str(), f["content"].as_str()) {
            (Some(path), Some(content)) => Ok(File {
                path: path.to_string(),
                content: content.to_string(),
            }),
            _ => bail!("the registry's answer to {path} has a file without path or content"),
        })
        .collect()
}

fn offline(args: &CodegenArgs, file: &Path) -> Result<Vec<File>> {
    let schema_type = match args.schema_type {
        Some(schema_type) => schema_type,
        None => type_from_extension(file, TYPE_FLAG)?,
    };
    let target: Target = args
        .lang
        .parse()
        .map_err(|_| anyhow::anyhow!(codegen::unsupported(&args.lang, schema_type)))?;
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("cannot read the schema file {}", file.display()))?;
    let project = match &args.remote.config {
        Some(config) => Some(Project::load(config)?),
        None if Path::new("accord.toml").is_file() => {
            Some(Project::load(Path::new("accord.toml"))?)
        }
        None => None,
    };
    let deps = match &project {
        Some(project) => {
            let references = project.index().references(file, schema_type, &text)?;
            project.dependencies(&references)
        }
        None => Vec::new(),
    };
    let contract = Contract {
        schema_type,
        schema: &text,
        deps: &deps,
        id: 0,
    };
    codegen::generate(contract, target).map_err(|refusal| match refusal {
        Refusal::Unsupported(reason) | Refusal::Invalid(reason) => {
            anyhow::anyhow!("{}: {reason}", file.display())
        }
    })
}

/// Returns `path` when it stays inside the output directory (no `..`, not absolute).
fn safe_relative(path: &str) -> Result<PathBuf> {
    let relative = PathBuf::from(path);
    let escapes = relative
        .components()
        .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir));
    if escapes || path.is_empty() {
        bail!("refusing to write '{path}': it would leave the output directory");
    }
    Ok(relative)
}
