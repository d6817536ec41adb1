//! `accord register`: publishes every mapped schema, references first.
//!
//! It is idempotent: a schema the subject already holds is looked up, not registered again,
//! so a second run changes nothing. A registration the registry refuses as incompatible stops
//! the run with exit 1, since the schemas that reference it could not follow.

use anyhow::{anyhow, Context, Result};

use super::client::{RegistrationOutcome, RegistryClient};
use super::project::Project;
use super::report::{annotation, Printer, Published, RegisterReport};
use super::{failed, registry_url, Outcome, OutputFormat, Progress, RegisterArgs};

/// Runs `accord register` and returns its outcome.
pub async fn register(args: RegisterArgs) -> Outcome {
    if args.one.subject.is_some() {
        return crate::commands::register_file(args).await;
    }
    let format = args.project.format;
    let mut report = RegisterReport {
        subjects: Vec::new(),
    };
    let result = run(&args, &mut report).await;
    let printer = Printer::new(format);
    match result {
        Ok(None) => {
            printer.register(&report);
            Outcome::Compatible
        }
        Ok(Some(refusal)) => {
            printer.register(&report);
            if format == OutputFormat::Github {
                crate::outln!(
                    "{}",
                    annotation(
                        Some(&refusal.file),
                        "Registration refused",
                        &refusal.message
                    )
                );
            }
            eprintln!("accord: {refusal}");
            Outcome::Breaking
        }
        Err(err) => failed(format, &err),
    }
}

/// Registers the project's contracts in order into `report`; returns the refusal that stopped
/// the run, if any.
async fn run(args: &RegisterArgs, report: &mut RegisterReport) -> Result<Option<super::FileError>> {
    let project = Project::load(&args.project.config)?;
    let registry = RegistryClient::from_env(&registry_url(&args.project, &project)?)?;
    for contract in &project.contracts {
        project.parse(contract)?;
    }
    let progress = Progress::new(project.contracts.len());
    for (done, contract) in project.contracts.iter().enumerate() {
        progress.show(done, "registering", &contract.subject);
        let context = || {
            format!(
                "registering {} ({})",
                contract.subject,
                contract.file.display()
            )
        };
        let existing = registry.lookup(contract).await.with_context(context)?;
        let registered = existing.is_none();
        if existing.is_none() {
            if let RegistrationOutcome::Incompatible(message) =
                registry.register(contract).await.with_context(context)?
            {
                progress.clear();
                let message = format!("the registry refused {}: {message}", contract.subject);
                return Ok(Some(super::FileError::new(&contract.file, message)));
            }
        }
        let found = match existing {
            Some(found) => found,
            None => registry
                .lookup(contract)
                .await
                .with_context(context)?
                .ok_or_else(|| {
                    anyhow!(
                        "{} was registered but cannot be looked up",
                        contract.subject
                    )
                })?,
        };
        report.subjects.push(Published {
            subject: contract.subject.clone(),
            file: contract.file.clone(),
            id: found.id,
            version: found.version,
            registered,
        });
    }
    progress.clear();
    Ok(None)
}
