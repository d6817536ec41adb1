//! `accord check`: asks the registry whether each mapped file would break its subject, and
//! whom it would affect.
//!
//! Each file is parsed locally first, so that a broken file fails fast with a reason naming
//! it; the verdict itself is the registry's (`POST /governance/subjects/{s}/impact`), made by
//! the same engine that would refuse the registration.

use anyhow::{bail, Context, Result};

use super::client::RegistryClient;
use super::project::{Contract, Project};
use super::report::{self, CheckReport, Printer, Verdict};
use super::{failed, registry_url, CheckArgs, Outcome, Progress};

/// Runs `accord check` and returns its outcome.
pub async fn check(args: CheckArgs) -> Outcome {
    let format = args.project.format;
    match run(&args).await {
        Ok(report) => {
            Printer::new(format).check(&report);
            match report.agreed {
                true => Outcome::Compatible,
                false => Outcome::Breaking,
            }
        }
        Err(err) => failed(format, &err),
    }
}

async fn run(args: &CheckArgs) -> Result<CheckReport> {
    let project = Project::load(&args.project.config)?;
    let registry = RegistryClient::from_env(&registry_url(&args.project, &project)?)?;
    let selected = select(&project, &args.subjects)?;
    let mut warnings = Vec::with_capacity(selected.len());
    for contract in &selected {
        warnings.push(project.parse(contract)?.warnings());
    }
    let progress = Progress::new(selected.len());
    let mut subjects = Vec::with_capacity(selected.len());
    for ((done, contract), warnings) in selected.iter().enumerate().zip(warnings) {
        progress.show(done, "checking", &contract.subject);
        let verdict = verdict(&registry, contract)
            .await
            .with_context(|| format!("checking {}", contract.subject))?;
        subjects.push(Verdict {
            warnings,
            ..verdict
        });
    }
    progress.clear();
    Ok(CheckReport {
        compatible: subjects.iter().all(|v| v.compatible),
        agreed: subjects.iter().all(Verdict::passes),
        subjects,
    })
}

/// Asks the registry about one contract. A subject with no version yet has nothing to break,
/// and the registry could not parse a file whose referenced subjects are new too, so it is
/// not asked.
pub(super) async fn verdict(registry: &RegistryClient, contract: &Contract) -> Result<Verdict> {
    if let Some(level) = registry.new_subject_level(&contract.subject).await? {
        return Ok(Verdict {
            subject: contract.subject.clone(),
            file: contract.file.clone(),
            compatible: true,
            level,
            is_new: true,
            changes: Vec::new(),
            affected: Vec::new(),
            undeclared: Vec::new(),
            proposal: None,
            warnings: Vec::new(),
        });
    }
    let impact = registry.impact(contract).await?;
    Ok(Verdict {
        subject: contract.subject.clone(),
        file: contract.file.clone(),
        compatible: impact.compatible,
        level: impact.compatibility_level,
        is_new: false,
        changes: report::changes(&impact.messages),
        affected: impact.affected,
        undeclared: impact.undeclared,
        proposal: impact.proposal,
        warnings: Vec::new(),
    })
}

/// Returns the contracts `--subject` names, in project order; all of them without the flag.
pub(super) fn select<'p>(project: &'p Project, subjects: &[String]) -> Result<Vec<&'p Contract>> {
    for subject in subjects {
        if project.contract(subject).is_none() {
            let mapped: Vec<&str> = project
                .contracts
                .iter()
                .map(|c| c.subject.as_str())
                .collect();
            bail!(
                "subject '{subject}' is not mapped in the project file; it maps: {}",
                mapped.join(", ")
            );
        }
    }
    Ok(project
        .contracts
        .iter()
        .filter(|c| subjects.is_empty() || subjects.contains(&c.subject))
        .collect())
}
