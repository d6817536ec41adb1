-- Associations, as Confluent's 8.x registry keeps them: a resource (a Kafka topic) linked to the
-- subject of its keys and the subject of its values. A resource has one association of each
-- type; a subject belongs to one resource.

CREATE TABLE associations (
    resource_id        TEXT    NOT NULL,
    resource_type      TEXT    NOT NULL,
    association_type   TEXT    NOT NULL,            -- 'key' or 'value'
    resource_name      TEXT    NOT NULL,
    resource_namespace TEXT    NOT NULL,
    subject            TEXT    NOT NULL,
    lifecycle          TEXT    NOT NULL,            -- 'STRONG' or 'WEAK'
    frozen             INTEGER NOT NULL DEFAULT 0,  -- 0 or 1
    created_at         TEXT    NOT NULL,
    PRIMARY KEY (resource_id, resource_type, association_type)
);

CREATE INDEX associations_by_name ON associations (resource_name, resource_namespace);
CREATE INDEX associations_by_subject ON associations (subject);
