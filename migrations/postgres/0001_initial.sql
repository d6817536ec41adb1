-- Schemas are content, keyed by a global id; subject versions point at them.
-- The PostgreSQL twin of migrations/sqlite/0001_initial.sql: the two always change together.

CREATE TABLE schemas (
    id          INTEGER PRIMARY KEY,      -- assigned as MAX(id) + 1 under a table lock
    fingerprint TEXT    NOT NULL UNIQUE,  -- md5 over type, text, references, metadata, ruleSet
    schema_type TEXT    NOT NULL,         -- AVRO, PROTOBUF or JSON
    schema      TEXT    NOT NULL,         -- canonical (or normalized) text, as served
    refs        TEXT    NOT NULL,         -- JSON array of {name, subject, version}
    metadata    TEXT,                     -- JSON, returned unchanged (TEXT keeps key order)
    rule_set    TEXT                      -- JSON, returned unchanged
);

-- The highest version each subject ever had, so that numbers are never reused, even after a
-- permanent deletion. A registration locks its subject's row (SELECT ... FOR UPDATE), so
-- registrations in one subject are serialized across instances.
CREATE TABLE subjects (
    name         TEXT    PRIMARY KEY,
    last_version INTEGER NOT NULL
);

CREATE TABLE subject_versions (
    subject    TEXT        NOT NULL,
    version    INTEGER     NOT NULL,
    schema_id  INTEGER     NOT NULL REFERENCES schemas (id),
    is_deleted BOOLEAN     NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (subject, version)
);
CREATE INDEX subject_versions_by_schema ON subject_versions (schema_id);

-- One row per reference a schema makes, to answer "referenced by" and refuse unsafe deletes.
CREATE TABLE schema_references (
    schema_id INTEGER NOT NULL REFERENCES schemas (id),
    name      TEXT    NOT NULL,
    subject   TEXT    NOT NULL,
    version   INTEGER NOT NULL,
    PRIMARY KEY (schema_id, name)
);
CREATE INDEX schema_references_by_target ON schema_references (subject, version);

-- Compatibility settings; the empty subject '' holds the global setting.
CREATE TABLE configs (
    subject       TEXT PRIMARY KEY,
    compatibility TEXT,
    normalize     BOOLEAN
);

-- Modes; the empty subject '' holds the global mode.
CREATE TABLE modes (
    subject TEXT PRIMARY KEY,
    mode    TEXT NOT NULL
);
