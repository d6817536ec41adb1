//! Keyword groups into typed rules, as everit's per-type loaders read them: string and number
//! bounds, an object's properties, required names, additional and pattern properties and
//! dependencies, an array's items, tuple items and additional items.

use serde_json::{Map, Value};

use super::load::Loader;
use super::reference::escape;
use super::{ArrayRules, Kind, NumberRules, ObjectRules, StringRules};
use crate::format::json::Draft;

/// The keywords of each group, by which a schema without a `type` is sniffed into one.
pub(super) const ARRAY_KEYWORDS: &[&str] = &[
    "items",
    "additionalItems",
    "minItems",
    "maxItems",
    "uniqueItems",
    "contains",
    "prefixItems",
];
pub(super) const OBJECT_KEYWORDS: &[&str] = &[
    "properties",
    "required",
    "minProperties",
    "maxProperties",
    "dependencies",
    "patternProperties",
    "additionalProperties",
    "propertyNames",
    "dependentRequired",
    "dependentSchemas",
];
pub(super) const NUMBER_KEYWORDS: &[&str] = &[
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
];
pub(super) const STRING_KEYWORDS: &[&str] = &["minLength", "maxLength", "pattern", "format"];

/// A keyword group: the keywords one of everit's typed schemas reads.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Group {
    Array,
    Object,
    Number,
    String,
}

impl Loader<'_> {
    pub(super) fn group(
        &mut self,
        group: Group,
        document: usize,
        pointer: &str,
        map: &Map<String, Value>,
        draft: Draft,
    ) -> Kind {
        let number = |key: &str| map.get(key).and_then(Value::as_f64);
        match group {
            Group::String => Kind::String(StringRules {
                max_length: number("maxLength"),
                min_length: number("minLength"),
                pattern: map
                    .get("pattern")
                    .and_then(Value::as_str)
                    .map(str::to_string),
            }),
            Group::Number => Kind::Number(NumberRules {
                requires_integer: false,
                maximum: number("maximum"),
                minimum: number("minimum"),
                // Draft 4's boolean exclusiveMaximum only flags `maximum`; everit has no limit.
                exclusive_maximum: number("exclusiveMaximum"),
                exclusive_minimum: number("exclusiveMinimum"),
                multiple_of: number("multipleOf"),
            }),
            Group::Object => Kind::Object(self.object_rules(document, pointer, map, draft)),
            Group::Array => Kind::Array(self.array_rules(document, pointer, map, draft)),
        }
    }

    fn object_rules(
        &mut self,
        document: usize,
        pointer: &str,
        map: &Map<String, Value>,
        draft: Draft,
    ) -> ObjectRules {
        let mut rules = ObjectRules {
            permits_additional: true,
            max_properties: map.get("maxProperties").and_then(Value::as_f64),
            min_properties: map.get("minProperties").and_then(Value::as_f64),
            ..ObjectRules::default()
        };
        if let Some(Value::Object(properties)) = map.get("properties") {
            for key in properties.keys() {
                let child = format!("{pointer}/properties/{}", escape(key));
                rules
                    .properties
                    .push((key.clone(), self.node_for(document, child)));
            }
        }
        if let Some(Value::Array(required)) = map.get("required") {
            rules.required = required
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect();
        }
        match map.get("additionalProperties") {
            Some(Value::Bool(permits)) => rules.permits_additional = *permits,
            Some(Value::Object(_)) => {
                let child = format!("{pointer}/additionalProperties");
                rules.additional_schema = Some(self.node_for(document, child));
            }
            _ => {}
        }
        if let Some(Value::Object(patterns)) = map.get("patternProperties") {
            for key in patterns.keys() {
                let child = format!("{pointer}/patternProperties/{}", escape(key));
                rules
                    .pattern_properties
                    .push((key.clone(), self.node_for(document, child)));
            }
        }
        let mut dependency_keywords = vec![("dependencies", true, true)];
        if matches!(draft, Draft::Draft201909 | Draft::Draft202012) {
            dependency_keywords.push(("dependentRequired", true, false));
            dependency_keywords.push(("dependentSchemas", false, true));
        }
        for (keyword, arrays, schemas) in dependency_keywords {
            let Some(Value::Object(dependencies)) = map.get(keyword) else {
                continue;
            };
            for (key, value) in dependencies {
                match value {
                    Value::Array(names) if arrays => rules.property_dependencies.push((
                        key.clone(),
                        names
                            .iter()
                            .filter_map(Value::as_str)
                            .map(str::to_string)
                            .collect(),
                    )),
                    Value::Object(_) | Value::Bool(_) if schemas => {
                        let child = format!("{pointer}/{keyword}/{}", escape(key));
                        rules
                            .schema_dependencies
                            .push((key.clone(), self.node_for(document, child)));
                    }
                    _ => {}
                }
            }
        }
        rules
    }

    fn array_rules(
        &mut self,
        document: usize,
        pointer: &str,
        map: &Map<String, Value>,
        draft: Draft,
    ) -> ArrayRules {
        let mut rules = ArrayRules {
            permits_additional: true,
            max_items: map.get("maxItems").and_then(Value::as_f64),
            min_items: map.get("minItems").and_then(Value::as_f64),
            unique_items: map
                .get("uniqueItems")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            ..ArrayRules::default()
        };
        // Draft 2020-12 spells a tuple `prefixItems` and its additional items `items`.
        let (tuple_keyword, additional_keyword) =
            if draft == Draft::Draft202012 && map.contains_key("prefixItems") {
                ("prefixItems", "items")
            } else {
                ("items", "additionalItems")
            };
        match map.get(tuple_keyword) {
            Some(Value::Array(items)) => {
                rules.item_schemas = (0..items.len())
                    .map(|i| self.node_for(document, format!("{pointer}/{tuple_keyword}/{i}")))
                    .collect();
            }
            Some(_) if tuple_keyword == "items" => {
                rules.all_items = Some(self.node_for(document, format!("{pointer}/items")));
            }
            _ => {}
        }
        match map.get(additional_keyword) {
            Some(Value::Bool(permits)) => rules.permits_additional = *permits,
            Some(Value::Object(_)) => {
                let child = format!("{pointer}/{additional_keyword}");
                rules.additional_schema = Some(self.node_for(document, child));
            }
            _ => {}
        }
        rules
    }
}
