//! The diffs of leaf keywords: Confluent's `StringSchemaDiff`, `NumberSchemaDiff`,
//! `EnumSchemaDiff` and the bound comparisons its object and array diffs share.

use serde_json::Value;

use super::compat::Found;
use super::difference::{DiffType, DiffType::*};
use super::model::{NumberRules, StringRules};

/// The four outcomes of comparing an optional bound: added, removed, increased, decreased.
pub(super) struct Bound(
    pub(super) DiffType,
    pub(super) DiffType,
    pub(super) DiffType,
    pub(super) DiffType,
);

pub(super) fn compare_bound(
    found: &mut Found,
    keyword: &str,
    original: Option<f64>,
    update: Option<f64>,
    bound: Bound,
) {
    let Bound(added, removed, increased, decreased) = bound;
    let kind = match (original, update) {
        (None, Some(_)) => added,
        (Some(_), None) => removed,
        (Some(a), Some(b)) if a < b => increased,
        (Some(a), Some(b)) if a > b => decreased,
        _ => return,
    };
    found.add_at(keyword, kind);
}

pub(super) fn compare_strings(found: &mut Found, o: &StringRules, u: &StringRules) {
    compare_bound(
        found,
        "maxLength",
        o.max_length,
        u.max_length,
        Bound(
            MAX_LENGTH_ADDED,
            MAX_LENGTH_REMOVED,
            MAX_LENGTH_INCREASED,
            MAX_LENGTH_DECREASED,
        ),
    );
    compare_bound(
        found,
        "minLength",
        o.min_length,
        u.min_length,
        Bound(
            MIN_LENGTH_ADDED,
            MIN_LENGTH_REMOVED,
            MIN_LENGTH_INCREASED,
            MIN_LENGTH_DECREASED,
        ),
    );
    match (&o.pattern, &u.pattern) {
        (None, Some(_)) => found.add_at("pattern", PATTERN_ADDED),
        (Some(_), None) => found.add_at("pattern", PATTERN_REMOVED),
        (Some(a), Some(b)) if a != b => found.add_at("pattern", PATTERN_CHANGED),
        _ => {}
    }
}

/// `NumberSchemaDiff`. Two Java quirks are not reproduced: a decreased exclusiveMaximum is
/// compared with the new `maximum` (a NullPointerException when it is absent; here the new
/// exclusiveMaximum), and multipleOf divisibility uses `intValue()` (an ArithmeticException
/// for a fraction below 1; here such a change is MULTIPLE_OF_CHANGED).
pub(super) fn compare_numbers(found: &mut Found, o: &NumberRules, u: &NumberRules) {
    compare_bound(
        found,
        "maximum",
        o.maximum,
        u.maximum,
        Bound(
            MAXIMUM_ADDED,
            MAXIMUM_REMOVED,
            MAXIMUM_INCREASED,
            MAXIMUM_DECREASED,
        ),
    );
    compare_bound(
        found,
        "minimum",
        o.minimum,
        u.minimum,
        Bound(
            MINIMUM_ADDED,
            MINIMUM_REMOVED,
            MINIMUM_INCREASED,
            MINIMUM_DECREASED,
        ),
    );
    let decreased_limit = u.maximum.or(u.exclusive_maximum);
    let kind = match (o.exclusive_maximum, u.exclusive_maximum) {
        (None, Some(_)) => Some(EXCLUSIVE_MAXIMUM_ADDED),
        (Some(_), None) => Some(EXCLUSIVE_MAXIMUM_REMOVED),
        (Some(a), Some(b)) if a < b => Some(EXCLUSIVE_MAXIMUM_INCREASED),
        (Some(a), Some(b)) if a != b && decreased_limit.is_some_and(|limit| a > limit) => {
            Some(EXCLUSIVE_MAXIMUM_DECREASED)
        }
        _ => None,
    };
    if let Some(kind) = kind {
        found.add_at("exclusiveMaximum", kind);
    }
    compare_bound(
        found,
        "exclusiveMinimum",
        o.exclusive_minimum,
        u.exclusive_minimum,
        Bound(
            EXCLUSIVE_MINIMUM_ADDED,
            EXCLUSIVE_MINIMUM_REMOVED,
            EXCLUSIVE_MINIMUM_INCREASED,
            EXCLUSIVE_MINIMUM_DECREASED,
        ),
    );
    match (o.multiple_of, u.multiple_of) {
        (None, Some(_)) => found.add_at("multipleOf", MULTIPLE_OF_ADDED),
        (Some(_), None) => found.add_at("multipleOf", MULTIPLE_OF_REMOVED),
        (Some(a), Some(b)) if a != b => {
            let (a, b) = (a.trunc() as i64, b.trunc() as i64);
            let kind = if a != 0 && b % a == 0 {
                MULTIPLE_OF_EXPANDED
            } else if b != 0 && a % b == 0 {
                MULTIPLE_OF_REDUCED
            } else {
                MULTIPLE_OF_CHANGED
            };
            found.add_at("multipleOf", kind);
        }
        _ => {}
    }
    if o.requires_integer != u.requires_integer {
        found.add(if o.requires_integer {
            TYPE_EXTENDED
        } else {
            TYPE_NARROWED
        });
    }
}

pub(super) fn compare_enums(found: &mut Found, o: &[Value], u: &[Value]) {
    let contains_all = |set: &[Value], of: &[Value]| of.iter().all(|v| set.contains(v));
    if contains_all(o, u) && contains_all(u, o) {
        return;
    }
    let kind = if contains_all(u, o) {
        ENUM_ARRAY_EXTENDED
    } else if contains_all(o, u) {
        ENUM_ARRAY_NARROWED
    } else {
        ENUM_ARRAY_CHANGED
    };
    found.add_at("enum", kind);
}
