//! `accord import --from URL`: copies a live Confluent-compatible registry into this one,
//! keeping schema ids, version numbers, types, references, soft-deleted versions, metadata,
//! rule sets, and the compatibility settings and modes, through both registries' REST APIs.
//!
//! One run reads both sides ([`snapshot`]), decides what to write or refuses the clashes
//! before writing anything ([`plan`]), writes ([`apply`]), and ends by reading both sides
//! again and naming every difference. What the target already holds under the same id is not
//! written again: a second run writes nothing, and an interrupted one picks up where it
//! stopped. Subject names are opaque, so qualified names pass through unchanged.

mod apply;
mod plan;
mod snapshot;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{anyhow, Result};

use crate::ci::client::{Credential, RegistryClient};
use crate::ci::{Outcome, OutputFormat};
use crate::commands::glob_matches;
use crate::outln;
use plan::Plan;
use snapshot::{Content, Snapshot};

/// `accord import`.
#[derive(Clone, clap::Args)]
pub struct ImportArgs {
    /// The base URL of the registry to copy from, such as https://registry.example.com:8081.
    #[arg(long, value_name = "URL")]
    pub from: String,
    /// The source's HTTP Basic credential (for Confluent Cloud, API key and secret).
    #[arg(
        long,
        env = "ACCORD_IMPORT_AUTH",
        value_name = "USER:PASSWORD",
        hide_env_values = true,
        conflicts_with = "bearer"
    )]
    pub auth: Option<String>,
    /// The source's bearer token.
    #[arg(
        long,
        env = "ACCORD_IMPORT_BEARER",
        value_name = "TOKEN",
        hide_env_values = true
    )]
    pub bearer: Option<String>,
    /// Copy only the subjects matching this glob (`*` any run of characters, `?` one); the
    /// global settings are then left as they are.
    #[arg(long, value_name = "GLOB")]
    pub subjects: Option<String>,
    /// Print what would be written, and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Keep following the source: import again every SECONDS, until interrupted.
    #[arg(long, value_name = "SECONDS", conflicts_with = "dry_run")]
    pub watch: Option<u64>,
    /// The registry to copy into; without it, ACCORD_REGISTRY, then `registry` in accord.toml.
    #[arg(long, env = "ACCORD_REGISTRY")]
    pub registry: Option<String>,
    /// The project file whose `registry` applies when neither --registry nor ACCORD_REGISTRY
    /// is set [default: accord.toml, when present].
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
}

impl fmt::Debug for ImportArgs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secret = |s: &Option<String>| s.as_ref().map(|_| crate::cli::REDACTED);
        f.debug_struct("ImportArgs")
            .field("from", &crate::cli::redacted_url(&self.from))
            .field("auth", &secret(&self.auth))
            .field("bearer", &secret(&self.bearer))
            .field("subjects", &self.subjects)
            .field("dry_run", &self.dry_run)
            .field("watch", &self.watch)
            .field(
                "registry",
                &self.registry.as_deref().map(crate::cli::redacted_url),
            )
            .field("config", &self.config)
            .finish()
    }
}

/// Runs `accord import` and returns its outcome: 0 the target matches the source, 1 a clash
/// refused or a difference found, 2 an error.
pub async fn import(args: ImportArgs) -> Outcome {
    match run(&args).await {
        Ok(outcome) => outcome,
        Err(err) => crate::ci::failed(OutputFormat::Human, &err),
    }
}

async fn run(args: &ImportArgs) -> Result<Outcome> {
    let credential = match (&args.auth, &args.bearer) {
        (Some(pair), _) => {
            let (user, password) = pair
                .split_once(':')
                .ok_or_else(|| anyhow!("--auth must be USER:PASSWORD (no ':' found)"))?;
            Some(Credential::Basic(user.to_string(), password.to_string()))
        }
        (None, Some(token)) => Some(Credential::Bearer(token.clone())),
        (None, None) => None,
    };
    let source = RegistryClient::new(&args.from, credential)?
        .credential_from("--auth USER:PASSWORD or --bearer TOKEN");
    let url = crate::commands::registry_url(args.registry.as_deref(), args.config.as_deref())?;
    let target = RegistryClient::from_env(&url)?;
    loop {
        let outcome = once(&source, &target, args).await?;
        match args.watch {
            Some(seconds) if outcome == Outcome::Compatible => {
                tokio::time::sleep(Duration::from_secs(seconds.max(1))).await;
            }
            _ => return Ok(outcome),
        }
    }
}

/// One import: read, plan, write, verify.
async fn once(
    source: &RegistryClient,
    target: &RegistryClient,
    args: &ImportArgs,
) -> Result<Outcome> {
    let glob = args.subjects.as_deref();
    let in_scope = |name: &str| glob.is_none_or(|glob| glob_matches(glob, name));
    let with_globals = glob.is_none();
    let from = snapshot::read(source, in_scope).await?;
    outln!("read {} from the source", counts(&from));
    let to = snapshot::read(target, in_scope).await?;
    let held = held(target, &from, &to).await?;
    let plan = match plan::plan(&from, &to, &held) {
        Ok(plan) => plan,
        Err(clashes) => {
            for clash in &clashes {
                eprintln!("accord: clash: {clash}");
            }
            eprintln!(
                "accord: error: the target clashes with the source in {} place(s); nothing was \
                 written",
                clashes.len()
            );
            return Ok(Outcome::Breaking);
        }
    };
    if args.dry_run {
        print_plan(&plan, &plan::setting_changes(&from, &to, with_globals));
        return Ok(Outcome::Compatible);
    }
    let mut progress = apply::Progress::new(plan.writes() as u64);
    apply::versions(target, &plan, &to, &mut progress).await?;
    progress.finish();
    let now = settings_of(target, &from, with_globals).await?;
    let changes = plan::setting_changes(&from, &now, with_globals);
    let mut progress = apply::Progress::new(changes.len() as u64);
    apply::settings(target, &changes, &mut progress).await?;
    progress.finish();
    match plan.is_empty() && changes.is_empty() {
        true => outln!("nothing to write: the target holds everything already"),
        false => outln!(
            "wrote {} version(s), {} soft-delete(s), {} association request(s) and {} setting(s)",
            plan.registrations.len(),
            plan.soft_deletes.len(),
            plan.associations.len(),
            changes.len()
        ),
    }
    verify(source, target, in_scope, with_globals).await
}

/// Reads both sides again and names every difference.
async fn verify(
    source: &RegistryClient,
    target: &RegistryClient,
    in_scope: impl Fn(&str) -> bool + Copy,
    with_globals: bool,
) -> Result<Outcome> {
    let from = snapshot::read(source, in_scope).await?;
    let to = snapshot::read(target, in_scope).await?;
    let differences = plan::differences(&from, &to, with_globals);
    if differences.is_empty() {
        outln!(
            "verified: the target matches the source ({})",
            counts(&from)
        );
        return Ok(Outcome::Compatible);
    }
    for difference in &differences {
        eprintln!("accord: difference: {difference}");
    }
    eprintln!(
        "accord: error: verification found {} difference(s) between the source and the target",
        differences.len()
    );
    Ok(Outcome::Breaking)
}

/// The content the target holds under each id the source uses, where it holds one.
async fn held(
    target: &RegistryClient,
    from: &Snapshot,
    to: &Snapshot,
) -> Result<BTreeMap<i64, Content>> {
    let mut held = BTreeMap::new();
    for version in to.subjects.values().flat_map(|s| &s.versions) {
        held.entry(version.id).or_insert_with(|| version.content());
    }
    let wanted: Vec<i64> = from
        .subjects
        .values()
        .flat_map(|s| &s.versions)
        .map(|v| v.id)
        .collect();
    for id in wanted {
        if let std::collections::btree_map::Entry::Vacant(free) = held.entry(id) {
            if let Some(content) = snapshot::content_of(target, id).await? {
                free.insert(content);
            }
        }
    }
    Ok(held)
}

/// The target's settings of the source's subjects, and its global ones.
async fn settings_of(
    target: &RegistryClient,
    from: &Snapshot,
    with_globals: bool,
) -> Result<Snapshot> {
    let mut now = Snapshot::default();
    for name in from.subjects.keys() {
        let subject = snapshot::Subject {
            settings: snapshot::read_settings(target, name).await?,
            ..snapshot::Subject::default()
        };
        now.subjects.insert(name.clone(), subject);
    }
    if with_globals {
        let globals = snapshot::read(target, |_| false).await?;
        now.global_config = globals.global_config;
        now.global_mode = globals.global_mode;
    }
    Ok(now)
}

/// Prints what a run would write.
fn print_plan(plan: &Plan, changes: &[plan::Change]) {
    for (subject, version) in &plan.registrations {
        outln!(
            "register '{subject}' version {} as id {}",
            version.version,
            version.id
        );
    }
    for (subject, version) in &plan.soft_deletes {
        outln!("soft-delete '{subject}' version {version}");
    }
    for request in &plan.associations {
        outln!(
            "associate topic {} with {}",
            request["resourceName"],
            request["associations"]
        );
    }
    for change in changes {
        outln!("{change}");
    }
    outln!(
        "dry run: {} version(s), {} soft-delete(s), {} association request(s) and {} setting(s) \
         to write; nothing written",
        plan.registrations.len(),
        plan.soft_deletes.len(),
        plan.associations.len(),
        changes.len()
    );
}

/// `N subjects, M versions (D soft-deleted)`.
fn counts(snapshot: &Snapshot) -> String {
    let versions = snapshot.subjects.values().flat_map(|s| &s.versions);
    let (all, deleted) = versions.fold((0, 0), |(a, d), v| (a + 1, d + usize::from(v.is_deleted)));
    format!(
        "{} subject(s), {all} version(s) ({deleted} soft-deleted)",
        snapshot.subjects.len()
    )
}
