//! `ArraySchemaDiff`: items, tuple items against the other side's content model,
//! additionalItems, size bounds and uniqueness.

use super::{is_compatible, Differ, Found};
use crate::format::json::difference::DiffType::*;
use crate::format::json::keywords::{compare_bound, Bound};
use crate::format::json::model::{ArrayRules, Kind};

impl Differ<'_> {
    /// `ArraySchemaDiff`: items, tuple items, additionalItems, sizes, uniqueness.
    pub(super) fn compare_arrays(&mut self, found: &mut Found, o: &ArrayRules, u: &ArrayRules) {
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
}

fn is_open_array(rules: &ArrayRules) -> bool {
    rules.additional_schema.is_none() && rules.permits_additional
}
