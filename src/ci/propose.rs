//! `accord propose` and `accord proposals`: opening proposals for the mapped files that would
//! break their subjects, and listing where the mapped subjects' proposals stand.
//!
//! A proposal's candidate is the file exactly as `accord register` would send it, so once the
//! affected consumers are ready, the producer's ordinary registration lands it.

use anyhow::{Context, Result};

use super::check::{select, verdict};
use super::client::RegistryClient;
use super::project::Project;
use super::report::{Printer, ProposalsReport, ProposeReport, Proposed};
use super::{failed, registry_url, Outcome, Progress, ProposalsArgs, ProposeArgs};

/// Runs `accord propose` and returns its outcome: 0 when every breaking file has a proposal.
pub async fn propose(args: ProposeArgs) -> Outcome {
    let format = args.project.format;
    match open(&args).await {
        Ok(report) => {
            Printer::new(format).propose(&report);
            Outcome::Compatible
        }
        Err(err) => failed(format, &err),
    }
}

async fn open(args: &ProposeArgs) -> Result<ProposeReport> {
    let project = Project::load(&args.project.config)?;
    let registry = RegistryClient::from_env(&registry_url(&args.project, &project)?)?;
    let selected = select(&project, &args.subjects)?;
    for contract in &selected {
        project.parse(contract)?;
    }
    let progress = Progress::new(selected.len());
    let mut proposals = Vec::new();
    for (done, contract) in selected.iter().enumerate() {
        progress.show(done, "checking", &contract.subject);
        let verdict = verdict(&registry, contract)
            .await
            .with_context(|| format!("checking {}", contract.subject))?;
        if verdict.compatible {
            continue;
        }
        let (opened, proposal) = match &verdict.proposal {
            Some(existing) => {
                let found = registry.proposals(&contract.subject).await?;
                let proposal = found.into_iter().find(|p| p.id == existing.id);
                let proposal = proposal.with_context(|| {
                    format!("proposal {} of {} vanished", existing.id, contract.subject)
                })?;
                (false, proposal)
            }
            None => {
                let proposal = registry
                    .propose(contract, &args.summary, args.deadline.as_deref())
                    .await
                    .with_context(|| format!("proposing {}", contract.subject))?;
                (true, proposal)
            }
        };
        proposals.push(Proposed {
            subject: contract.subject.clone(),
            file: contract.file.clone(),
            opened,
            proposal,
        });
    }
    progress.clear();
    Ok(ProposeReport { proposals })
}

/// Runs `accord proposals` and returns its outcome.
pub async fn proposals(args: ProposalsArgs) -> Outcome {
    let format = args.project.format;
    match list(&args).await {
        Ok(report) => {
            Printer::new(format).proposals(&report);
            Outcome::Compatible
        }
        Err(err) => failed(format, &err),
    }
}

async fn list(args: &ProposalsArgs) -> Result<ProposalsReport> {
    let project = Project::load(&args.project.config)?;
    let registry = RegistryClient::from_env(&registry_url(&args.project, &project)?)?;
    let mut proposals = Vec::new();
    for contract in select(&project, &args.subjects)? {
        let found = registry
            .proposals(&contract.subject)
            .await
            .with_context(|| format!("listing the proposals of {}", contract.subject))?;
        proposals.extend(
            found
                .into_iter()
                .filter(|p| args.all || is_undecided(&p.state)),
        );
    }
    Ok(ProposalsReport { proposals })
}

fn is_undecided(state: &str) -> bool {
    state == "open" || state == "approved"
}
