//! Confluent's `Difference`: the kinds of change between two JSON Schemas, which of them the
//! STRICT policy accepts (`SchemaDiff.COMPATIBLE_CHANGES`), and the message each one prints.

/// One kind of change, named as Confluent's `Difference.Type` names it.
#[allow(clippy::enum_variant_names, non_camel_case_types)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum DiffType {
    ID_CHANGED,
    DESCRIPTION_CHANGED,
    TITLE_CHANGED,
    DEFAULT_CHANGED,
    SCHEMA_ADDED,
    SCHEMA_REMOVED,
    TYPE_EXTENDED,
    TYPE_NARROWED,
    TYPE_CHANGED,
    MAX_LENGTH_ADDED,
    MAX_LENGTH_REMOVED,
    MAX_LENGTH_INCREASED,
    MAX_LENGTH_DECREASED,
    MIN_LENGTH_ADDED,
    MIN_LENGTH_REMOVED,
    MIN_LENGTH_INCREASED,
    MIN_LENGTH_DECREASED,
    PATTERN_ADDED,
    PATTERN_REMOVED,
    PATTERN_CHANGED,
    MAXIMUM_ADDED,
    MAXIMUM_REMOVED,
    MAXIMUM_INCREASED,
    MAXIMUM_DECREASED,
    MINIMUM_ADDED,
    MINIMUM_REMOVED,
    MINIMUM_INCREASED,
    MINIMUM_DECREASED,
    EXCLUSIVE_MAXIMUM_ADDED,
    EXCLUSIVE_MAXIMUM_REMOVED,
    EXCLUSIVE_MAXIMUM_INCREASED,
    EXCLUSIVE_MAXIMUM_DECREASED,
    EXCLUSIVE_MINIMUM_ADDED,
    EXCLUSIVE_MINIMUM_REMOVED,
    EXCLUSIVE_MINIMUM_INCREASED,
    EXCLUSIVE_MINIMUM_DECREASED,
    MULTIPLE_OF_ADDED,
    MULTIPLE_OF_REMOVED,
    MULTIPLE_OF_EXPANDED,
    MULTIPLE_OF_REDUCED,
    MULTIPLE_OF_CHANGED,
    REQUIRED_ATTRIBUTE_ADDED,
    REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED,
    REQUIRED_ATTRIBUTE_REMOVED,
    MAX_PROPERTIES_ADDED,
    MAX_PROPERTIES_REMOVED,
    MAX_PROPERTIES_INCREASED,
    MAX_PROPERTIES_DECREASED,
    MIN_PROPERTIES_ADDED,
    MIN_PROPERTIES_REMOVED,
    MIN_PROPERTIES_INCREASED,
    MIN_PROPERTIES_DECREASED,
    ADDITIONAL_PROPERTIES_ADDED,
    ADDITIONAL_PROPERTIES_REMOVED,
    ADDITIONAL_PROPERTIES_EXTENDED,
    ADDITIONAL_PROPERTIES_NARROWED,
    DEPENDENCY_ARRAY_ADDED,
    DEPENDENCY_ARRAY_REMOVED,
    DEPENDENCY_ARRAY_EXTENDED,
    DEPENDENCY_ARRAY_NARROWED,
    DEPENDENCY_ARRAY_CHANGED,
    DEPENDENCY_SCHEMA_ADDED,
    DEPENDENCY_SCHEMA_REMOVED,
    PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL,
    PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL,
    REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL,
    REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL,
    OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL,
    PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL,
    PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL,
    PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL,
    PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
    PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
    PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
    PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
    MAX_ITEMS_ADDED,
    MAX_ITEMS_REMOVED,
    MAX_ITEMS_INCREASED,
    MAX_ITEMS_DECREASED,
    MIN_ITEMS_ADDED,
    MIN_ITEMS_REMOVED,
    MIN_ITEMS_INCREASED,
    MIN_ITEMS_DECREASED,
    UNIQUE_ITEMS_ADDED,
    UNIQUE_ITEMS_REMOVED,
    ADDITIONAL_ITEMS_ADDED,
    ADDITIONAL_ITEMS_REMOVED,
    ADDITIONAL_ITEMS_EXTENDED,
    ADDITIONAL_ITEMS_NARROWED,
    ITEM_ADDED_TO_OPEN_CONTENT_MODEL,
    ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL,
    ITEM_ADDED_TO_CLOSED_CONTENT_MODEL,
    ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL,
    ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL,
    ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL,
    ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
    ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
    ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
    ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL,
    ENUM_ARRAY_EXTENDED,
    ENUM_ARRAY_NARROWED,
    ENUM_ARRAY_CHANGED,
    COMBINED_TYPE_EXTENDED,
    COMBINED_TYPE_CHANGED,
    PRODUCT_TYPE_EXTENDED,
    PRODUCT_TYPE_NARROWED,
    SUM_TYPE_EXTENDED,
    SUM_TYPE_NARROWED,
    COMBINED_TYPE_SUBSCHEMAS_CHANGED,
    NOT_TYPE_EXTENDED,
    NOT_TYPE_NARROWED,
}

use DiffType::*;

impl DiffType {
    /// Whether the STRICT policy accepts this change (Confluent's `COMPATIBLE_CHANGES`).
    pub(super) fn is_compatible(self) -> bool {
        matches!(
            self,
            ID_CHANGED
                | DESCRIPTION_CHANGED
                | TITLE_CHANGED
                | DEFAULT_CHANGED
                | SCHEMA_REMOVED
                | TYPE_EXTENDED
                | MAX_LENGTH_INCREASED
                | MAX_LENGTH_REMOVED
                | MIN_LENGTH_DECREASED
                | MIN_LENGTH_REMOVED
                | PATTERN_REMOVED
                | MAXIMUM_INCREASED
                | MAXIMUM_REMOVED
                | MINIMUM_DECREASED
                | MINIMUM_REMOVED
                | EXCLUSIVE_MAXIMUM_INCREASED
                | EXCLUSIVE_MAXIMUM_REMOVED
                | EXCLUSIVE_MINIMUM_DECREASED
                | EXCLUSIVE_MINIMUM_REMOVED
                | MULTIPLE_OF_REDUCED
                | MULTIPLE_OF_REMOVED
                | REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED
                | REQUIRED_ATTRIBUTE_REMOVED
                | DEPENDENCY_ARRAY_NARROWED
                | DEPENDENCY_ARRAY_REMOVED
                | DEPENDENCY_SCHEMA_REMOVED
                | MAX_PROPERTIES_INCREASED
                | MAX_PROPERTIES_REMOVED
                | MIN_PROPERTIES_DECREASED
                | MIN_PROPERTIES_REMOVED
                | ADDITIONAL_PROPERTIES_ADDED
                | ADDITIONAL_PROPERTIES_EXTENDED
                | PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL
                | REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL
                | OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL
                | PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL
                | PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL
                | PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
                | PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
                | MAX_ITEMS_INCREASED
                | MAX_ITEMS_REMOVED
                | MIN_ITEMS_DECREASED
                | MIN_ITEMS_REMOVED
                | UNIQUE_ITEMS_REMOVED
                | ADDITIONAL_ITEMS_ADDED
                | ADDITIONAL_ITEMS_EXTENDED
                | ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL
                | ITEM_ADDED_TO_CLOSED_CONTENT_MODEL
                | ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL
                | ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL
                | ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
                | ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
                | ENUM_ARRAY_EXTENDED
                | COMBINED_TYPE_EXTENDED
                | PRODUCT_TYPE_NARROWED
                | SUM_TYPE_EXTENDED
                | NOT_TYPE_NARROWED
        )
    }

    /// The description template of `Difference.error()`, with `{r}` and `{w}` where Java's
    /// `%s` placeholders receive the reader's and the writer's label.
    fn template(self) -> &'static str {
        match self {
            MAXIMUM_ADDED | MINIMUM_ADDED | EXCLUSIVE_MAXIMUM_ADDED | EXCLUSIVE_MINIMUM_ADDED
            | MULTIPLE_OF_ADDED | MAX_LENGTH_ADDED | MIN_LENGTH_ADDED | PATTERN_ADDED
            | REQUIRED_ATTRIBUTE_ADDED | MAX_PROPERTIES_ADDED | MIN_PROPERTIES_ADDED
            | DEPENDENCY_ARRAY_ADDED | DEPENDENCY_SCHEMA_ADDED | MAX_ITEMS_ADDED
            | MIN_ITEMS_ADDED | UNIQUE_ITEMS_ADDED | ADDITIONAL_ITEMS_REMOVED
            | ADDITIONAL_PROPERTIES_REMOVED => {
                "The keyword at path '{p}' in the {r} schema is not present in the {w} schema"
            }
            MIN_LENGTH_INCREASED | MINIMUM_INCREASED | EXCLUSIVE_MINIMUM_INCREASED
            | MIN_PROPERTIES_INCREASED | MULTIPLE_OF_EXPANDED | MIN_ITEMS_INCREASED => {
                "The value at path '{p}' in the {r} schema is more than its value in the {w} schema"
            }
            MAX_LENGTH_DECREASED | MAXIMUM_DECREASED | MAX_ITEMS_DECREASED
            | EXCLUSIVE_MAXIMUM_DECREASED | MAX_PROPERTIES_DECREASED => {
                "The value at path '{p}' in the {r} schema is less than its value in the {w} schema"
            }
            PATTERN_CHANGED | MULTIPLE_OF_CHANGED | DEPENDENCY_ARRAY_CHANGED => {
                "The value at path '{p}' is different between the {r} and {w} schema"
            }
            ADDITIONAL_ITEMS_NARROWED | ENUM_ARRAY_NARROWED | SUM_TYPE_NARROWED
            | ADDITIONAL_PROPERTIES_NARROWED => {
                "An array or combined type at path '{p}' has fewer elements in the {r} schema than the {w} schema"
            }
            DEPENDENCY_ARRAY_EXTENDED | PRODUCT_TYPE_EXTENDED | SUM_TYPE_EXTENDED
            | NOT_TYPE_EXTENDED => {
                "An array or combined type at path '{p}' has more elements in the {r} schema than the {w} schema"
            }
            TYPE_CHANGED | TYPE_NARROWED | COMBINED_TYPE_CHANGED
            | COMBINED_TYPE_SUBSCHEMAS_CHANGED | ENUM_ARRAY_CHANGED => {
                "A type at path '{p}' is different between the {r} schema and the {w} schema"
            }
            PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL | ITEM_ADDED_TO_OPEN_CONTENT_MODEL => {
                "The {r} schema has an open content model and has a property or item at path '{p}' which is missing in the {w} schema"
            }
            REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL => {
                "The {r} schema has an unopen content model and has a required property at path '{p}' which is missing in the {w} schema"
            }
            PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL | ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL => {
                "The {r} has a closed content model and is missing a property or item present at path '{p}' in the {w} schema"
            }
            PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
            | ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL => {
                "A property or item is missing in the {r} schema but present at path '{p}' in the {w} schema and is not covered by its partially open content model"
            }
            PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL
            | ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL => {
                "The {r} schema has a property or item at path '{p}' which is missing in the {w} schema and is not covered by its partially open content model"
            }
            _ => "",
        }
    }
}

/// One change, at a path relative to the pair of schemas being compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Difference {
    pub(super) kind: DiffType,
    /// Path segments, outermost first; `#/` plus the segments joined by `/` is Confluent's path.
    pub(super) path: Vec<String>,
}

impl Difference {
    pub(super) fn at_root(kind: DiffType) -> Self {
        Difference {
            kind,
            path: Vec::new(),
        }
    }

    /// Returns Confluent's message: `Difference.toString()` after `SchemaValidatorBuilder`
    /// formats its two `%s` with the reader's and the writer's label.
    ///
    /// The closing `'}` after a `"`-opened description is Confluent's, kept verbatim.
    pub(super) fn describe(&self, reader: &str, writer: &str) -> String {
        let path = format!("#/{}", self.path.join("/"));
        let description = self
            .kind
            .template()
            .replace("{r}", reader)
            .replace("{w}", writer)
            .replace("{p}", &path);
        format!(
            "{{errorType:\"{:?}\", description:\"{description}'}}",
            self.kind
        )
    }
}
