//! `ObjectSchemaDiff`: required names, properties against the content model (open, closed or
//! partially open) of the other side, dependencies, additionalProperties and size bounds.

use std::collections::HashSet;

use super::{is_compatible, Differ, Found};
use crate::format::json::difference::{DiffType::*, Difference};
use crate::format::json::java_order;
use crate::format::json::keywords::{compare_bound, Bound};
use crate::format::json::model::{Kind, NodeId, ObjectRules};

impl Differ<'_> {
    /// `ObjectSchemaDiff`: required, properties, dependencies, additionalProperties, sizes.
    pub(super) fn compare_objects(&mut self, found: &mut Found, o: &ObjectRules, u: &ObjectRules) {
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

    fn has_default(&self, property: Option<NodeId>) -> bool {
        property.is_some_and(|id| self.update.node(id).default.is_some())
    }
}

fn is_open(rules: &ObjectRules) -> bool {
    rules.pattern_properties.is_empty()
        && rules.additional_schema.is_none()
        && rules.permits_additional
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
