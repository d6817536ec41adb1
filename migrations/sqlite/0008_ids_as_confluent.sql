-- Ids as the Confluent registry keeps them: content no longer has one id for ever. An import
-- may register the same content under several ids, and content whose every version was
-- permanently deleted gets a new id when it is registered again (its old row stays, unused,
-- so that MAX(id) + 1 never hands out an id twice). So the fingerprint is no longer unique:
-- the table is rebuilt without that constraint, as SQLite cannot drop it in place. Foreign
-- keys are checked at COMMIT, when every version finds its schema again.
-- The twin of migrations/postgres/0008_ids_as_confluent.sql.
PRAGMA defer_foreign_keys = ON;
CREATE TABLE schemas_before_0008 AS SELECT * FROM schemas;
DROP TABLE schemas;
CREATE TABLE schemas (
    id          INTEGER PRIMARY KEY,
    fingerprint TEXT    NOT NULL,         -- md5 over type, text, references, metadata, ruleSet
    schema_type TEXT    NOT NULL,         -- AVRO, PROTOBUF or JSON
    schema      TEXT    NOT NULL,         -- canonical (or normalized) text, as served
    refs        TEXT    NOT NULL,         -- JSON array of {name, subject, version}
    metadata    TEXT,                     -- JSON, returned unchanged
    rule_set    TEXT                      -- JSON, returned unchanged
);
INSERT INTO schemas (id, fingerprint, schema_type, schema, refs, metadata, rule_set)
    SELECT id, fingerprint, schema_type, schema, refs, metadata, rule_set
    FROM schemas_before_0008;
DROP TABLE schemas_before_0008;
CREATE INDEX schemas_by_fingerprint ON schemas (fingerprint);
