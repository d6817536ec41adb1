//! What an import has to write, decided from what both sides hold: the versions to register
//! (references before their dependents), the versions to soft-delete, the settings to copy,
//! and the clashes that forbid the import. Pure: the reading and writing are elsewhere.
//!
//! A version the target already holds under the same id is not written again, which is what
//! makes an import idempotent and an interrupted one resumable.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

use serde_json::Value;

use super::snapshot::{Content, Settings, Snapshot, Version};

/// The writes of an import, in the order they are made.
#[derive(Debug, Default)]
pub struct Plan {
    /// Versions to register under their own id and number, references first.
    pub registrations: Vec<(String, Version)>,
    /// Versions to soft-delete once every registration is made.
    pub soft_deletes: Vec<(String, i64)>,
    /// `POST /associations` bodies, one per resource, for the associations the target lacks.
    pub associations: Vec<Value>,
}

impl Plan {
    /// Whether the plan writes nothing.
    pub fn is_empty(&self) -> bool {
        self.registrations.is_empty()
            && self.soft_deletes.is_empty()
            && self.associations.is_empty()
    }

    /// How many writes the plan makes.
    pub fn writes(&self) -> usize {
        self.registrations.len() + self.soft_deletes.len() + self.associations.len()
    }
}

/// A reason the target cannot take the source as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Clash {
    /// The target holds another schema under an id the source uses.
    Id {
        id: i64,
        held_by: String,
        wanted_by: String,
    },
    /// The target has the version under another id.
    Version {
        subject: String,
        version: i64,
        target_id: i64,
        source_id: i64,
    },
    /// The target soft-deleted a version that is live in the source.
    Deleted { subject: String, version: i64 },
    /// The source's references go round in a circle.
    Cycle { subject: String, version: i64 },
}

impl fmt::Display for Clash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Clash::Id { id, held_by, wanted_by } => write!(
                f,
                "id {id} holds another schema in the target ({held_by}) than in the source ({wanted_by})"
            ),
            Clash::Version { subject, version, target_id, source_id } => write!(
                f,
                "'{subject}' version {version} has id {target_id} in the target and id {source_id} in the source"
            ),
            Clash::Deleted { subject, version } => write!(
                f,
                "'{subject}' version {version} is soft-deleted in the target but live in the source"
            ),
            Clash::Cycle { subject, version } => write!(
                f,
                "the source's references go round in a circle through '{subject}' version {version}"
            ),
        }
    }
}

/// A setting to copy: a subject's own (or, with no subject, the global one), set to the
/// source's value or, `None`, removed.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    Config {
        subject: Option<String>,
        to: Option<Value>,
    },
    Mode {
        subject: Option<String>,
        to: Option<String>,
    },
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scope = |subject: &Option<String>| match subject {
            Some(subject) => format!("'{subject}'"),
            None => "the global".to_string(),
        };
        match self {
            Change::Config {
                subject,
                to: Some(to),
            } => {
                write!(f, "set {} config to {to}", scope(subject))
            }
            Change::Config { subject, to: None } => write!(f, "remove {} config", scope(subject)),
            Change::Mode {
                subject,
                to: Some(to),
            } => write!(f, "set {} mode to {to}", scope(subject)),
            Change::Mode { subject, to: None } => write!(f, "remove {} mode", scope(subject)),
        }
    }
}

/// Returns the writes that bring `target` to `source`, or every clash that forbids them.
/// `held` is the content each id the source uses stands for in the target, where it has one.
pub fn plan(
    source: &Snapshot,
    target: &Snapshot,
    held: &BTreeMap<i64, Content>,
) -> Result<Plan, Vec<Clash>> {
    let mut clashes = Vec::new();
    let mut plan = Plan::default();
    let mut seen_ids = BTreeSet::new();
    for (subject, version) in versions(source) {
        let existing = target
            .subjects
            .get(subject)
            .and_then(|s| s.versions.iter().find(|v| v.version == version.version));
        if seen_ids.insert(version.id) {
            if let Some(content) = held
                .get(&version.id)
                .filter(|c| !c.same_but_rules(&version.content()))
            {
                clashes.push(Clash::Id {
                    id: version.id,
                    held_by: holder(target, version.id, content),
                    wanted_by: format!("'{subject}' version {}", version.version),
                });
            }
        }
        match existing {
            Some(there) if there.id != version.id => clashes.push(Clash::Version {
                subject: subject.to_string(),
                version: version.version,
                target_id: there.id,
                source_id: version.id,
            }),
            Some(there) if there.is_deleted && !version.is_deleted => {
                clashes.push(Clash::Deleted {
                    subject: subject.to_string(),
                    version: version.version,
                })
            }
            Some(there) => {
                if version.is_deleted && !there.is_deleted {
                    plan.soft_deletes
                        .push((subject.to_string(), version.version));
                }
            }
            None => {
                plan.registrations
                    .push((subject.to_string(), version.clone()));
                if version.is_deleted {
                    plan.soft_deletes
                        .push((subject.to_string(), version.version));
                }
            }
        }
    }
    plan.associations = missing_associations(source, target);
    match references_first(std::mem::take(&mut plan.registrations)) {
        Ok(ordered) => plan.registrations = ordered,
        Err(cycle) => clashes.push(cycle),
    }
    match clashes.is_empty() {
        true => Ok(plan),
        false => Err(clashes),
    }
}

/// The associations of `source` that `target` lacks, as one create request per resource.
fn missing_associations(source: &Snapshot, target: &Snapshot) -> Vec<Value> {
    let mut by_resource: BTreeMap<(&str, &str), Value> = BTreeMap::new();
    for (name, subject) in &source.subjects {
        let there = target
            .subjects
            .get(name)
            .map(|s| s.associations.as_slice())
            .unwrap_or_default();
        for association in subject.associations.iter().filter(|a| !there.contains(a)) {
            let key = (
                association.resource_id.as_str(),
                association.resource_type.as_str(),
            );
            let request = by_resource.entry(key).or_insert_with(|| {
                serde_json::json!({
                    "resourceName": association.resource_name,
                    "resourceNamespace": association.resource_namespace,
                    "resourceId": association.resource_id,
                    "resourceType": association.resource_type,
                    "associations": [],
                })
            });
            let mut info = serde_json::json!({
                "subject": association.subject,
                "associationType": association.association_type,
                "frozen": association.frozen,
            });
            if let Some(lifecycle) = &association.lifecycle {
                info["lifecycle"] = lifecycle.clone().into();
            }
            if let Some(list) = request["associations"].as_array_mut() {
                list.push(info);
            }
        }
    }
    by_resource.into_values().collect()
}

/// Every version of `snapshot`, subject by subject.
fn versions(snapshot: &Snapshot) -> impl Iterator<Item = (&str, &Version)> {
    snapshot
        .subjects
        .iter()
        .flat_map(|(name, s)| s.versions.iter().map(move |v| (name.as_str(), v)))
}

/// Names where the target holds `id`: a version of a subject, or the id alone.
fn holder(target: &Snapshot, id: i64, content: &Content) -> String {
    match versions(target).find(|(_, v)| v.id == id) {
        Some((subject, v)) => format!("'{subject}' version {}", v.version),
        None => format!(
            "a {} schema of {} characters",
            content.schema_type,
            content.schema.len()
        ),
    }
}

/// Orders `pending` so that each version comes after the versions it references that are
/// pending too; otherwise the order stays subject by subject, version by version.
fn references_first(pending: Vec<(String, Version)>) -> Result<Vec<(String, Version)>, Clash> {
    let index: HashMap<(&str, i64), usize> = pending
        .iter()
        .enumerate()
        .map(|(i, (s, v))| ((s.as_str(), v.version), i))
        .collect();
    // 0: not visited, 1: on the current path, 2: placed.
    let mut state = vec![0u8; pending.len()];
    let mut order = Vec::with_capacity(pending.len());
    fn visit(
        i: usize,
        pending: &[(String, Version)],
        index: &HashMap<(&str, i64), usize>,
        state: &mut [u8],
        order: &mut Vec<usize>,
    ) -> Result<(), Clash> {
        match state[i] {
            2 => return Ok(()),
            1 => {
                let (subject, version) = &pending[i];
                return Err(Clash::Cycle {
                    subject: subject.clone(),
                    version: version.version,
                });
            }
            _ => {}
        }
        state[i] = 1;
        for reference in &pending[i].1.references {
            if let Some(&j) = index.get(&(reference.subject.as_str(), reference.version)) {
                visit(j, pending, index, state, order)?;
            }
        }
        state[i] = 2;
        order.push(i);
        Ok(())
    }
    for i in 0..pending.len() {
        visit(i, &pending, &index, &mut state, &mut order)?;
    }
    let mut slots: Vec<Option<(String, Version)>> = pending.into_iter().map(Some).collect();
    Ok(order.into_iter().filter_map(|i| slots[i].take()).collect())
}

/// Returns the settings to copy for `target` to have the source's: the global ones only with
/// `with_globals`, configs before modes and the global mode last.
pub fn setting_changes(source: &Snapshot, target: &Snapshot, with_globals: bool) -> Vec<Change> {
    let mut configs = Vec::new();
    let mut modes = Vec::new();
    if with_globals && source.global_config != target.global_config {
        configs.push(Change::Config {
            subject: None,
            to: Some(source.global_config.clone()),
        });
    }
    for (name, subject) in &source.subjects {
        let there = target
            .subjects
            .get(name)
            .map(|s| &s.settings)
            .cloned()
            .unwrap_or_default();
        if subject.settings.config != there.config {
            configs.push(Change::Config {
                subject: Some(name.clone()),
                to: subject.settings.config.clone(),
            });
        }
        if subject.settings.mode != there.mode {
            modes.push(Change::Mode {
                subject: Some(name.clone()),
                to: subject.settings.mode.clone(),
            });
        }
    }
    if with_globals && source.global_mode != target.global_mode {
        modes.push(Change::Mode {
            subject: None,
            to: Some(source.global_mode.clone()),
        });
    }
    configs.extend(modes);
    configs
}

/// Returns every way `target` differs from `source` in what the import copies.
pub fn differences(source: &Snapshot, target: &Snapshot, with_globals: bool) -> Vec<String> {
    let mut found = Vec::new();
    for (name, subject) in &source.subjects {
        let there = target
            .subjects
            .get(name)
            .map(|s| s.versions.as_slice())
            .unwrap_or_default();
        for version in &subject.versions {
            let n = version.version;
            match there.iter().find(|v| v.version == n) {
                None => found.push(format!(
                    "'{name}' version {n} (id {}) is missing",
                    version.id
                )),
                Some(v) if v.id != version.id => found.push(format!(
                    "'{name}' version {n} has id {} in the target, {} in the source",
                    v.id, version.id
                )),
                Some(v) if !v.content().same_but_rules(&version.content()) => found.push(format!(
                    "id {} of '{name}' version {n} holds another schema in the target",
                    v.id
                )),
                Some(v) if !v.content().same_as(&version.content()) => found.push(format!(
                    "'{name}' version {n} (id {}) has another rule set in the target (one that \
                     keeps no rule sets drops them)",
                    v.id
                )),
                Some(v) if v.is_deleted != version.is_deleted => found.push(format!(
                    "'{name}' version {n} is {} in the target",
                    if v.is_deleted { "soft-deleted" } else { "live" }
                )),
                Some(_) => {}
            }
        }
        for extra in there
            .iter()
            .filter(|v| subject.versions.iter().all(|s| s.version != v.version))
        {
            found.push(format!(
                "'{name}' version {} is only in the target",
                extra.version
            ));
        }
    }
    let none = Settings::default();
    if with_globals && source.global_config != target.global_config {
        found.push(differing(
            "the global config",
            &source.global_config,
            &target.global_config,
        ));
    }
    if with_globals && source.global_mode != target.global_mode {
        found.push(differing(
            "the global mode",
            &source.global_mode,
            &target.global_mode,
        ));
    }
    for (name, subject) in &source.subjects {
        let there = target.subjects.get(name).map_or(&none, |s| &s.settings);
        if subject.settings.config != there.config {
            let what = format!("'{name}''s config");
            found.push(differing(
                &what,
                &shown(&subject.settings.config),
                &shown(&there.config),
            ));
        }
        if subject.settings.mode != there.mode {
            let what = format!("'{name}''s mode");
            found.push(differing(
                &what,
                &shown(&subject.settings.mode),
                &shown(&there.mode),
            ));
        }
    }
    found
}

/// Says that `what` is `source` in the source and `target` in the target.
fn differing(what: &str, source: &impl fmt::Display, target: &impl fmt::Display) -> String {
    format!("{what} differs: {source} in the source, {target} in the target")
}

/// A setting that may be unset, for a message.
fn shown<T: fmt::Display>(setting: &Option<T>) -> String {
    match setting {
        Some(value) => value.to_string(),
        None => "none of its own".to_string(),
    }
}
