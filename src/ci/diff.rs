//! `accord diff OLD NEW`: the compatibility verdict for two files, offline.
//!
//! The files are parsed by the server's parsers and compared by the server's engine,
//! [`compatibility::check`], as if OLD were the subject's registered version and NEW the
//! candidate: BACKWARD asks whether NEW reads OLD's data, FORWARD the other way round.
//! References to other schema files resolve through the project file when there is one.

use std::path::Path;

use anyhow::{bail, Result};

use super::project::{type_from_extension, Project, TYPE_FLAG};
use super::report::{self, DiffReport, Printer};
use super::{failed, DiffArgs, FileError, Outcome};
use crate::format::ParsedSchema;
use crate::registry::compatibility::{self, Previous};
use crate::types::{SchemaType, Version};

/// Runs `accord diff` and returns its outcome.
pub fn diff(args: DiffArgs) -> Outcome {
    match run(&args) {
        Ok(report) => {
            Printer::new(args.format).diff(&report);
            match report.compatible {
                true => Outcome::Compatible,
                false => Outcome::Breaking,
            }
        }
        Err(err) => failed(args.format, &err),
    }
}

fn run(args: &DiffArgs) -> Result<DiffReport> {
    let schema_type = match args.schema_type {
        Some(schema_type) => schema_type,
        None => match (
            type_from_extension(&args.old, TYPE_FLAG),
            type_from_extension(&args.new, TYPE_FLAG),
        ) {
            (Ok(old), Ok(new)) if old != new => bail!(
                "{} is {old} and {} is {new}: a schema is compared only with one of its own type",
                args.old.display(),
                args.new.display()
            ),
            (_, Ok(new)) => new,
            (Ok(old), Err(_)) => old,
            (Err(_), Err(err)) => return Err(err),
        },
    };
    let project = match &args.config {
        Some(config) => Some(Project::load(config)?),
        None if Path::new("accord.toml").is_file() => {
            Some(Project::load(Path::new("accord.toml"))?)
        }
        None => None,
    };
    let (old, old_text) = parse(&args.old, schema_type, project.as_ref())?;
    let (new, _) = parse(&args.new, schema_type, project.as_ref())?;
    let previous = [Previous {
        version: Version(1),
        schema: &old,
        text: &old_text,
    }];
    let to_check = compatibility::versions_to_check(args.level, &previous);
    let messages = compatibility::check(args.level, &new, to_check);
    Ok(DiffReport {
        old: args.old.clone(),
        new: args.new.clone(),
        compatible: messages.is_empty(),
        level: args.level.as_str().to_string(),
        changes: report::changes(&messages),
    })
}

fn parse(
    file: &Path,
    schema_type: SchemaType,
    project: Option<&Project>,
) -> Result<(ParsedSchema, String)> {
    let text = std::fs::read_to_string(file)
        .map_err(|err| FileError::new(file, format!("cannot read the schema file: {err}")))?;
    let dependencies = match project {
        Some(project) => {
            let references = project.index().references(file, schema_type, &text)?;
            project.dependencies(&references)
        }
        None => Vec::new(),
    };
    let parsed = ParsedSchema::parse(schema_type, &text, &dependencies).map_err(|reason| {
        FileError::new(file, format!("invalid {schema_type} schema: {reason}"))
    })?;
    Ok((parsed, text))
}
