-- Change proposals: a breaking candidate for a subject, and the answers of the services it
-- affects. A proposal's state is 'open', 'applied', 'withdrawn' or 'rejected'; "approved" is an
-- open proposal every affected service answered 'ready' to, decided when it is read. Times are
-- RFC 3339 strings in UTC.

CREATE TABLE proposals (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    subject       TEXT    NOT NULL,
    state         TEXT    NOT NULL,
    summary       TEXT    NOT NULL,
    opened_by     TEXT    NOT NULL,
    opened_at     TEXT    NOT NULL,
    deadline      TEXT,
    schema_type   TEXT    NOT NULL,
    schema        TEXT    NOT NULL,     -- the candidate as submitted
    refs          TEXT    NOT NULL,     -- JSON array of {name, subject, version}
    fingerprint   TEXT    NOT NULL,     -- the normalized candidate's, to know it when registered
    compatibility TEXT    NOT NULL,     -- the level its breaking changes were found under
    messages      TEXT    NOT NULL,     -- JSON array of Confluent's verbose messages
    based_on      INTEGER,              -- the subject's latest version they were found against
    decided_by    TEXT,
    decided_at    TEXT,
    reason        TEXT,
    overridden    INTEGER NOT NULL DEFAULT 0,
    version       INTEGER               -- the version it landed as
);
CREATE INDEX proposals_by_subject ON proposals (subject, state);

-- The answers given; an affected service without a row has not answered ('pending').
CREATE TABLE proposal_responses (
    proposal    INTEGER NOT NULL REFERENCES proposals (id) ON DELETE CASCADE,
    service     TEXT    NOT NULL,
    response    TEXT    NOT NULL,       -- 'ready' or 'blocked'
    comment     TEXT    NOT NULL,
    answered_by TEXT    NOT NULL,
    answered_at TEXT    NOT NULL,
    PRIMARY KEY (proposal, service)
);
