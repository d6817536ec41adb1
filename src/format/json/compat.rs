//! The compatibility check: Confluent's `SchemaDiff` and its per-type diffs, walked over two
//! loaded schema graphs, keeping only the changes the STRICT policy rejects.
//!
//! `original` is the writer and `update` the reader: Confluent's BACKWARD check compares the
//! old (writer) schema to the new (reader) one, and FORWARD swaps them. Each pair of nodes is
//! compared once: results are memoized with paths relative to the pair, and a pair met again
//! while it is still being compared (a `$ref` cycle) counts as compatible, as in Confluent's
//! `Context.compareMemoized`.

use std::collections::{HashMap, HashSet};

use super::difference::{DiffType, DiffType::*, Difference};
use super::java_order;
use super::keywords::{compare_bound, compare_enums, compare_numbers, compare_strings, Bound};
use super::model::{ArrayRules, Criterion, Kind, Model, NodeId, ObjectRules};
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

    /// `CombinedSchemaDiff`: criteria, then a maximum matching of compatible subschema pairs.
    fn compare_combined(
        &mut self,
        found: &mut Found,
        (oc, os): (Criterion, &[NodeId]),
        (uc, us): (Criterion, &[NodeId]),
    ) {
        let singleton = |subs: &[NodeId]| subs.len() == 1;
        if oc != uc {
            let extended = uc == Criterion::Any
                || (singleton(os) && singleton(us))
                || (singleton(os) && uc == Criterion::One)
                || (singleton(us) && oc == Criterion::All);
            if !extended {
                found.add(COMBINED_TYPE_CHANGED);
                return;
            }
            found.add(COMBINED_TYPE_EXTENDED);
        }
        let os = distinct(self.original, os);
        let us = distinct(self.update, us);
        if os.len() < us.len() {
            found.add(if uc == Criterion::All {
                PRODUCT_TYPE_EXTENDED
            } else {
                SUM_TYPE_EXTENDED
            });
        } else if os.len() > us.len() {
            found.add(if oc == Criterion::All {
                PRODUCT_TYPE_NARROWED
            } else {
                SUM_TYPE_NARROWED
            });
        }
        let mut edges: Vec<Vec<Option<Vec<Difference>>>> = Vec::with_capacity(os.len());
        for (i, o) in os.iter().enumerate() {
            let segment = format!("{}/{i}", oc.keyword());
            let row = us
                .iter()
                .map(|u| {
                    let inner = self.compare(Some(*o), Some(*u));
                    is_compatible(&inner).then(|| {
                        let mut nested = Found::default();
                        nested.nest(&segment, inner);
                        nested.0
                    })
                })
                .collect();
            edges.push(row);
        }
        let matching = maximum_matching(&edges);
        for (i, j) in &matching {
            if let Some(Some(differences)) = edges.get(*i).and_then(|row| row.get(*j)) {
                found.extend(differences.clone());
            }
        }
        if matching.len() < os.len().min(us.len()) {
            found.add(COMBINED_TYPE_SUBSCHEMAS_CHANGED);
        }
    }

    /// `ObjectSchemaDiff`: required, properties, dependencies, additionalProperties, sizes.
    fn compare_objects(&mut self, found: &mut Found, o: &ObjectRules, u: &ObjectRules) {
        let original_keys =
            java_order::hash_map_order(o.properties.iter().map(|(k, _)| k.clone()).collect());
        let update_keys =
            java_order::hash_map_order(u.properties.iter().map(|(k, _)| k.clone()).collect());

        for key in &original_keys {
            if u.property(key).is_none() {
                continue;
            }
            let (was, is) = (o.required.contains(key), u.required.contains(key));
            let kind = match (was, is) {
                (true, false) => REQUIRED_ATTRIBUTE_REMOVED,
                (false, true) if self.has_default(u.property(key)) => {
                    REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED
                }
                (false, true) => REQUIRED_ATTRIBUTE_ADDED,
                _ => continue,
            };
            found.0.push(Difference {
                kind,
                path: vec!["required".to_string(), key.clone()],
            });
        }

        for key in java_order::union_order(original_keys, update_keys) {
            let inner = self.compare_property(&key, o, u);
            let mut nested = Found::default();
            nested.nest(&key, inner);
            found.nest("properties", nested.0);
        }

        let mut dependencies = Found::default();
        let keys = java_order::union_order(
            java_order::hash_map_order(
                o.property_dependencies
                    .iter()
                    .map(|(k, _)| k.clone())
                    .collect(),
            ),
            java_order::hash_map_order(
                u.property_dependencies
                    .iter()
                    .map(|(k, _)| k.clone())
                    .collect(),
            ),
        );
        for key in keys {
            let find = |rules: &ObjectRules| {
                rules
                    .property_dependencies
                    .iter()
                    .find(|(k, _)| *k == key)
                    .map(|(_, v)| v.clone())
            };
            let kind = match (find(o), find(u)) {
                (_, None) => DEPENDENCY_ARRAY_REMOVED,
                (None, Some(_)) => DEPENDENCY_ARRAY_ADDED,
                (Some(a), Some(b)) => {
                    let (a, b): (HashSet<_>, HashSet<_>) =
                        (a.into_iter().collect(), b.into_iter().collect());
                    if a == b {
                        continue;
                    } else if b.is_superset(&a) {
                        DEPENDENCY_ARRAY_EXTENDED
                    } else if a.is_superset(&b) {
                        DEPENDENCY_ARRAY_NARROWED
                    } else {
                        DEPENDENCY_ARRAY_CHANGED
                    }
                }
            };
            dependencies.add_at(&key, kind);
        }
        let keys = java_order::union_order(
            java_order::hash_map_order(
                o.schema_dependencies
                    .iter()
                    .map(|(k, _)| k.clone())
                    .collect(),
            ),
            java_order::hash_map_order(
                u.schema_dependencies
                    .iter()
                    .map(|(k, _)| k.clone())
                    .collect(),
            ),
        );
        for key in keys {
            let find = |rules: &ObjectRules| {
                rules
                    .schema_dependencies
                    .iter()
                    .find(|(k, _)| *k == key)
                    .map(|(_, v)| *v)
            };
            match (find(o), find(u)) {
                (_, None) => dependencies.add_at(&key, DEPENDENCY_SCHEMA_REMOVED),
                (None, Some(_)) => dependencies.add_at(&key, DEPENDENCY_SCHEMA_ADDED),
                (a, b) => {
                    let inner = self.compare(a, b);
                    dependencies.nest(&key, inner);
                }
            }
        }
        found.nest("dependencies", dependencies.0);

        if o.permits_additional != u.permits_additional {
            let kind = if u.permits_additional {
                ADDITIONAL_PROPERTIES_ADDED
            } else {
                ADDITIONAL_PROPERTIES_REMOVED
            };
            found.add_at("additionalProperties", kind);
        } else if o.additional_schema.is_none() && u.additional_schema.is_some() {
            found.add_at("additionalProperties", ADDITIONAL_PROPERTIES_NARROWED);
        } else if u.additional_schema.is_none() && o.additional_schema.is_some() {
            found.add_at("additionalProperties", ADDITIONAL_PROPERTIES_EXTENDED);
        } else {
            let inner = self.compare(o.additional_schema, u.additional_schema);
            found.nest("additionalProperties", inner);
        }

        compare_bound(
            found,
            "maxProperties",
            o.max_properties,
            u.max_properties,
            Bound(
                MAX_PROPERTIES_ADDED,
                MAX_PROPERTIES_REMOVED,
                MAX_PROPERTIES_INCREASED,
                MAX_PROPERTIES_DECREASED,
            ),
        );
        compare_bound(
            found,
            "minProperties",
            o.min_properties,
            u.min_properties,
            Bound(
                MIN_PROPERTIES_ADDED,
                MIN_PROPERTIES_REMOVED,
                MIN_PROPERTIES_INCREASED,
                MIN_PROPERTIES_DECREASED,
            ),
        );
    }

    /// One property of `ObjectSchemaDiff.compareProperties`, relative to the property's path.
    fn compare_property(&mut self, key: &str, o: &ObjectRules, u: &ObjectRules) -> Vec<Difference> {
        let mut found = Found::default();
        match (o.property(key), u.property(key)) {
            (Some(original), None) => {
                if is_open(u) {
                    found.add(PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL);
                } else if let Some(partial) = partial_schema(u, key) {
                    let inner = self.compare(Some(original), Some(partial));
                    let covered = is_compatible(&inner);
                    found.extend(inner);
                    found.add(if covered {
                        PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
                    } else {
                        PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
                    });
                } else if matches!(self.original.node(original).kind, Kind::False) {
                    found.add(PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL);
                } else {
                    found.add(PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL);
                }
            }
            (None, Some(update)) => {
                if is_open(o) {
                    let is_empty =
                        matches!(self.update.node(update).kind, Kind::Empty | Kind::True);
                    found.add(if is_empty {
                        PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL
                    } else {
                        PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL
                    });
                } else {
                    if let Some(partial) = partial_schema(o, key) {
                        let inner = self.compare(Some(partial), Some(update));
                        let covered = is_compatible(&inner);
                        found.extend(inner);
                        found.add(if covered {
                            PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
                        } else {
                            PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
                        });
                    }
                    found.add(if !u.required.iter().any(|r| r == key) {
                        OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL
                    } else if self.has_default(Some(update)) {
                        REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL
                    } else {
                        REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL
                    });
                }
            }
            (original, update) => found.extend(self.compare(original, update)),
        }
        found.0
    }

    /// `ArraySchemaDiff`: items, tuple items, additionalItems, sizes, uniqueness.
    fn compare_arrays(&mut self, found: &mut Found, o: &ArrayRules, u: &ArrayRules) {
        let inner = self.compare(o.all_items, u.all_items);
        found.nest("items", inner);

        let shared = o.item_schemas.len().min(u.item_schemas.len());
        for index in 0..o.item_schemas.len().max(u.item_schemas.len()) {
            let segment = format!("items/{index}");
            let mut item = Found::default();
            if index < shared {
                item.extend(self.compare(Some(o.item_schemas[index]), Some(u.item_schemas[index])));
            } else if let Some(original) = o.item_schemas.get(index) {
                if is_open_array(u) {
                    item.add(ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL);
                } else if let Some(partial) = u.additional_schema {
                    let inner = self.compare(Some(*original), Some(partial));
                    let covered = is_compatible(&inner);
                    item.extend(inner);
                    item.add(if covered {
                        ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
                    } else {
                        ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
                    });
                } else if matches!(self.original.node(*original).kind, Kind::False) {
                    item.add(ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL);
                } else {
                    item.add(ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL);
                }
            } else if let Some(update) = u.item_schemas.get(index) {
                if is_open_array(o) {
                    let is_empty =
                        matches!(self.update.node(*update).kind, Kind::Empty | Kind::True);
                    item.add(if is_empty {
                        ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL
                    } else {
                        ITEM_ADDED_TO_OPEN_CONTENT_MODEL
                    });
                } else if let Some(partial) = o.additional_schema {
                    let inner = self.compare(Some(partial), Some(*update));
                    let covered = is_compatible(&inner);
                    item.extend(inner);
                    item.add(if covered {
                        ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
                    } else {
                        ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
                    });
                } else {
                    item.add(ITEM_ADDED_TO_CLOSED_CONTENT_MODEL);
                }
            }
            found.nest(&segment, item.0);
        }

        if o.permits_additional != u.permits_additional {
            let kind = if o.permits_additional {
                ADDITIONAL_ITEMS_REMOVED
            } else {
                ADDITIONAL_ITEMS_ADDED
            };
            found.add_at("additionalItems", kind);
        } else if o.additional_schema.is_none() && u.additional_schema.is_some() {
            found.add_at("additionalItems", ADDITIONAL_ITEMS_NARROWED);
        } else if u.additional_schema.is_none() && o.additional_schema.is_some() {
            found.add_at("additionalItems", ADDITIONAL_ITEMS_EXTENDED);
        } else {
            let inner = self.compare(o.additional_schema, u.additional_schema);
            found.nest("additionalItems", inner);
        }

        compare_bound(
            found,
            "maxItems",
            o.max_items,
            u.max_items,
            Bound(
                MAX_ITEMS_ADDED,
                MAX_ITEMS_REMOVED,
                MAX_ITEMS_INCREASED,
                MAX_ITEMS_DECREASED,
            ),
        );
        compare_bound(
            found,
            "minItems",
            o.min_items,
            u.min_items,
            Bound(
                MIN_ITEMS_ADDED,
                MIN_ITEMS_REMOVED,
                MIN_ITEMS_INCREASED,
                MIN_ITEMS_DECREASED,
            ),
        );
        if o.unique_items != u.unique_items {
            found.add_at(
                "uniqueItems",
                if o.unique_items {
                    UNIQUE_ITEMS_REMOVED
                } else {
                    UNIQUE_ITEMS_ADDED
                },
            );
        }
    }

    fn has_default(&self, property: Option<NodeId>) -> bool {
        property.is_some_and(|id| self.update.node(id).default.is_some())
    }
}

/// Whether two nodes are the same everit class (`schemaTypesEqual`).
fn same_type(a: &Kind, b: &Kind) -> bool {
    match (a, b) {
        (Kind::Empty | Kind::True, Kind::Empty | Kind::True) => true,
        _ => std::mem::discriminant(a) == std::mem::discriminant(b),
    }
}

/// The subschemas without repeats, as Confluent collects them into a `LinkedHashSet`.
fn distinct(model: &Model, subschemas: &[NodeId]) -> Vec<NodeId> {
    let mut kept: Vec<NodeId> = Vec::new();
    for id in subschemas {
        if !kept.iter().any(|k| model.source(*k) == model.source(*id)) {
            kept.push(*id);
        }
    }
    kept
}

/// A maximum bipartite matching over the compatible pairs (Kuhn's augmenting paths).
fn maximum_matching<T>(edges: &[Vec<Option<T>>]) -> Vec<(usize, usize)> {
    fn augment<T>(
        i: usize,
        edges: &[Vec<Option<T>>],
        seen: &mut [bool],
        owner: &mut [Option<usize>],
    ) -> bool {
        for (j, edge) in edges[i].iter().enumerate() {
            if edge.is_none() || seen[j] {
                continue;
            }
            seen[j] = true;
            if owner[j].is_none_or(|k| augment(k, edges, seen, owner)) {
                owner[j] = Some(i);
                return true;
            }
        }
        false
    }
    let columns = edges.first().map_or(0, Vec::len);
    let mut owner: Vec<Option<usize>> = vec![None; columns];
    for i in 0..edges.len() {
        let mut seen = vec![false; columns];
        augment(i, edges, &mut seen, &mut owner);
    }
    let mut pairs: Vec<(usize, usize)> = owner
        .iter()
        .enumerate()
        .filter_map(|(j, i)| i.map(|i| (i, j)))
        .collect();
    pairs.sort_unstable();
    pairs
}

fn is_open(rules: &ObjectRules) -> bool {
    rules.pattern_properties.is_empty()
        && rules.additional_schema.is_none()
        && rules.permits_additional
}

fn is_open_array(rules: &ArrayRules) -> bool {
    rules.additional_schema.is_none() && rules.permits_additional
}

/// The schema a partially open object applies to `key`: the first matching pattern property
/// (Java's `Matcher.find`), else its additionalProperties schema.
fn partial_schema(rules: &ObjectRules, key: &str) -> Option<NodeId> {
    rules
        .pattern_properties
        .iter()
        .find(|(pattern, _)| {
            fancy_regex::Regex::new(pattern)
                .ok()
                .and_then(|regex| regex.is_match(key).ok())
                .unwrap_or(false)
        })
        .map(|(_, id)| *id)
        .or(rules.additional_schema)
}
