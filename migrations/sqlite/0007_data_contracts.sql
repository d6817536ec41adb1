-- Data-contract settings of a scope, beside its level and normalize: defaultMetadata,
-- overrideMetadata, defaultRuleSet, overrideRuleSet, compatibilityGroup, validateFields and
-- alias, as one JSON object in Confluent's field names (TEXT keeps the key order).
ALTER TABLE configs ADD COLUMN contract TEXT;
