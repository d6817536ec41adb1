//! The compatibility check: Confluent's `SchemaDiff` and its per-type diffs, walked over two
//! loaded schema graphs, keeping only the changes the STRICT policy rejects.
//!
//! `original` is the writer and `update` the reader: Confluent's BACKWARD check compares the
//! old (writer) schema to the new (reader) one, and FORWARD swaps them. Each pair of nodes is
//! compared once: results are memoized with paths relative to the pair, and a pair met again
//! while it is still being compared (a `$ref` cycle) counts as compatible, as in Confluent's
//! `Context.compareMemoized`.
//!
//! This file walks the pair of graphs and compares what every schema has; `combined.rs`,
//! `objects.rs` and `arrays.rs` compare combinations, objects and arrays, `../keywords.rs` the
//! leaf keywords.

mod arrays;
mod combined;
mod objects;

use std::collections::{HashMap, HashSet};

use super::difference::{DiffType, DiffType::*, Difference};
use super::keywords::{compare_enums, compare_numbers, compare_strings};
use super::model::{Criterion, Kind, Model, NodeId};
use super::{JsonSchema, ReaderIs};

/// Returns the messages for every change from `writer` to `reader` that STRICT rejects.
pub(super) fn can_read(
    reader: &JsonSchema,
    writer: &JsonSchema,
    reader_is: ReaderIs,
) -> Vec<String> {
    let (reader_label, writer_label) = reader_is.labels();
    let mut differ = Differ {
        original: &writer.model,
        update: &reader.model,
        memo: HashMap::new(),
        in_progress: HashSet::new(),
    };
    differ
        .compare(Some(writer.model.root), Some(reader.model.root))
        .iter()
        .filter(|d| !d.kind.is_compatible())
        .map(|d| d.describe(reader_label, writer_label))
        .collect()
}

fn is_compatible(differences: &[Difference]) -> bool {
    differences.iter().all(|d| d.kind.is_compatible())
}

/// Collects differences, each recorded relative to the pair being compared.
#[derive(Default)]
pub(super) struct Found(Vec<Difference>);

impl Found {
    pub(super) fn add(&mut self, kind: DiffType) {
        self.0.push(Difference::at_root(kind));
    }

    pub(super) fn add_at(&mut self, segment: &str, kind: DiffType) {
        self.0.push(Difference {
            kind,
            path: vec![segment.to_string()],
        });
    }

    /// Adds differences found one level down, under `segment`.
    fn nest(&mut self, segment: &str, inner: Vec<Difference>) {
        self.0.extend(inner.into_iter().map(|mut d| {
            d.path.insert(0, segment.to_string());
            d
        }));
    }

    fn extend(&mut self, inner: Vec<Difference>) {
        self.0.extend(inner);
    }
}

struct Differ<'a> {
    original: &'a Model,
    update: &'a Model,
    memo: HashMap<(NodeId, NodeId), Vec<Difference>>,
    in_progress: HashSet<(NodeId, NodeId)>,
}

impl Differ<'_> {
    /// `SchemaDiff.compare`: the differences from `original` to `update`, relative to them.
    fn compare(&mut self, original: Option<NodeId>, update: Option<NodeId>) -> Vec<Difference> {
        let (o, u) = match (original, update) {
            (None, None) => return Vec::new(),
            (None, Some(_)) => return vec![Difference::at_root(SCHEMA_ADDED)],
            (Some(_), None) => return vec![Difference::at_root(SCHEMA_REMOVED)],
            (Some(o), Some(u)) => (self.original.deref(o), self.update.deref(u)),
        };
        if let Some(cached) = self.memo.get(&(o, u)) {
            return cached.clone();
        }
        if !self.in_progress.insert((o, u)) {
            return Vec::new();
        }
        let found = self.compare_nodes(o, u);
        self.in_progress.remove(&(o, u));
        self.memo.insert((o, u), found.clone());
        found
    }

    fn compare_nodes(&mut self, o: NodeId, u: NodeId) -> Vec<Difference> {
        let (original, update) = (self.original, self.update);
        let (on, un) = (original.node(o), update.node(u));
        match (&on.kind, &un.kind) {
            (kind, Kind::Combined(criterion, subschemas))
                if !matches!(kind, Kind::Combined(..)) =>
            {
                if subschemas.len() == 1 {
                    let inner = self.compare(Some(o), Some(subschemas[0]));
                    if is_compatible(&inner) {
                        return inner;
                    }
                } else if *criterion != Criterion::All {
                    for sub in subschemas {
                        let mut inner = self.compare(Some(o), Some(*sub));
                        if is_compatible(&inner) {
                            inner.push(Difference::at_root(SUM_TYPE_EXTENDED));
                            return inner;
                        }
                    }
                }
            }
            (Kind::Combined(criterion, subschemas), kind)
                if !matches!(kind, Kind::Combined(..)) =>
            {
                if subschemas.len() == 1 {
                    let inner = self.compare(Some(subschemas[0]), Some(u));
                    if is_compatible(&inner) {
                        return inner;
                    }
                }
                if *criterion == Criterion::All {
                    for sub in subschemas {
                        let mut inner = self.compare(Some(*sub), Some(u));
                        if is_compatible(&inner) {
                            inner.push(Difference::at_root(PRODUCT_TYPE_NARROWED));
                            return inner;
                        }
                    }
                }
            }
            _ => {}
        }

        if !same_type(&on.kind, &un.kind) {
            if matches!(on.kind, Kind::False) || matches!(un.kind, Kind::Empty | Kind::True) {
                return Vec::new();
            }
            // Kafka Connect's bytes may be written as any JSON type.
            if on.connect_type.as_deref() == Some("bytes")
                && un.connect_type.as_deref() == Some("bytes")
            {
                return Vec::new();
            }
            return vec![Difference::at_root(TYPE_CHANGED)];
        }

        let mut found = Found::default();
        if on.id != un.id {
            found.add(ID_CHANGED);
        }
        if on.title != un.title {
            found.add(TITLE_CHANGED);
        }
        if on.description != un.description {
            found.add(DESCRIPTION_CHANGED);
        }
        if on.default != un.default {
            found.add(DEFAULT_CHANGED);
        }
        match (&on.kind, &un.kind) {
            (Kind::String(a), Kind::String(b)) => compare_strings(&mut found, a, b),
            (Kind::Number(a), Kind::Number(b)) => compare_numbers(&mut found, a, b),
            (Kind::Const(a), Kind::Const(b)) if a != b => found.add_at("const", ENUM_ARRAY_CHANGED),
            (Kind::Enum(a), Kind::Enum(b)) => compare_enums(&mut found, a, b),
            (Kind::Combined(oc, os), Kind::Combined(uc, us)) => {
                self.compare_combined(&mut found, (*oc, os), (*uc, us))
            }
            (Kind::Not(a), Kind::Not(b)) => {
                // Confluent compares the negated schemas the other way round.
                let mut swapped = Differ {
                    original: self.update,
                    update: self.original,
                    memo: HashMap::new(),
                    in_progress: HashSet::new(),
                };
                let inner = swapped.compare(Some(*b), Some(*a));
                let kind = if is_compatible(&inner) {
                    NOT_TYPE_NARROWED
                } else {
                    NOT_TYPE_EXTENDED
                };
                found.add_at("not", kind);
            }
            (Kind::Object(a), Kind::Object(b)) => self.compare_objects(&mut found, a, b),
            (Kind::Array(a), Kind::Array(b)) => self.compare_arrays(&mut found, a, b),
            _ => {}
        }
        found.0
    }
}

/// Whether two nodes are the same everit class (`schemaTypesEqual`).
fn same_type(a: &Kind, b: &Kind) -> bool {
    match (a, b) {
        (Kind::Empty | Kind::True, Kind::Empty | Kind::True) => true,
        _ => std::mem::discriminant(a) == std::mem::discriminant(b),
    }
}
