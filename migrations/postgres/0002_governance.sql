-- Contract governance: teams, services and their credentials, stream ownership, consumer grants,
-- and the audit log. Times are RFC 3339 strings in UTC.
-- The PostgreSQL twin of migrations/sqlite/0002_governance.sql: the two always change together.

CREATE TABLE teams (
    name       TEXT PRIMARY KEY,
    contacts   TEXT NOT NULL,            -- JSON array of {kind, value}
    created_at TEXT NOT NULL
);

CREATE TABLE services (
    name        TEXT PRIMARY KEY,
    team        TEXT NOT NULL REFERENCES teams (name),
    description TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL
);
CREATE INDEX services_by_team ON services (team);

CREATE TABLE credentials (
    id           TEXT PRIMARY KEY,
    service      TEXT NOT NULL REFERENCES services (name) ON DELETE CASCADE,
    secret_hash  TEXT NOT NULL UNIQUE,   -- SHA-256 of the secret, hex; the secret is never stored
    created_at   TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at   TEXT
);
CREATE INDEX credentials_by_service ON credentials (service);

-- The producing service that owns each subject's contract.
CREATE TABLE producers (
    subject     TEXT PRIMARY KEY,
    service     TEXT NOT NULL REFERENCES services (name),
    assigned_by TEXT NOT NULL,
    assigned_at TEXT NOT NULL
);
CREATE INDEX producers_by_service ON producers (service);

-- The consumer services granted read access to each subject.
CREATE TABLE consumers (
    subject    TEXT NOT NULL,
    service    TEXT NOT NULL REFERENCES services (name) ON DELETE CASCADE,
    granted_by TEXT NOT NULL,
    granted_at TEXT NOT NULL,
    PRIMARY KEY (subject, service)
);
CREATE INDEX consumers_by_service ON consumers (service);

-- Every state change, appended in the transaction that makes it.
CREATE TABLE audit_log (
    seq       BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at        TEXT    NOT NULL,
    principal TEXT    NOT NULL,
    action    TEXT    NOT NULL,
    subject   TEXT,
    version   INTEGER,
    service   TEXT,                      -- the service acted upon, if any
    details   TEXT    NOT NULL           -- JSON object
);
CREATE INDEX audit_by_subject ON audit_log (subject, seq);
CREATE INDEX audit_by_principal ON audit_log (principal, seq);
