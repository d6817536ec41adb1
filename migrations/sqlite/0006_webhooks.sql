-- Change events and their delivery. Every audit-log row is an event (the log is the outbox): a
-- trigger queues each new row for every subscription that is not failing, in the transaction
-- that writes it, so that an event is queued exactly when its change commits. Times that workers
-- compare are milliseconds since the epoch; the others RFC 3339 strings in UTC.

CREATE TABLE webhooks (
    id              TEXT    PRIMARY KEY,
    url             TEXT    NOT NULL,
    events          TEXT    NOT NULL,            -- JSON array of type patterns
    subjects        TEXT    NOT NULL,            -- JSON array of subject globs
    team            TEXT,                        -- the owning team; NULL: the admin's
    follow          TEXT,                        -- 'consumed', or NULL
    secret          TEXT    NOT NULL,
    previous_secret TEXT,                        -- also signs until previous_until
    previous_until  BIGINT,
    created_by      TEXT    NOT NULL,
    created_at      TEXT    NOT NULL,
    failing         INTEGER NOT NULL DEFAULT 0,  -- gave up after about three days of failures
    failing_since   BIGINT,                      -- the first failure of the current streak
    attempts        INTEGER NOT NULL DEFAULT 0,  -- failed attempts of the event at its head
    next_attempt    BIGINT  NOT NULL DEFAULT 0,
    lease_until     BIGINT  NOT NULL DEFAULT 0,  -- an instance delivers it until then
    leased_by       TEXT
);

-- The events each subscription has yet to receive.
CREATE TABLE webhook_queue (
    webhook TEXT   NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    seq     BIGINT NOT NULL,
    PRIMARY KEY (webhook, seq)
);

-- Recent delivery attempts.
CREATE TABLE webhook_deliveries (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    webhook    TEXT    NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    seq        BIGINT  NOT NULL,
    attempt    INTEGER NOT NULL,
    at         TEXT    NOT NULL,
    status     INTEGER,                          -- the receiver's HTTP status; NULL: no answer
    latency_ms BIGINT  NOT NULL,
    error      TEXT
);
CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries (webhook, id);

CREATE TRIGGER audit_log_queues_events AFTER INSERT ON audit_log
BEGIN
    INSERT INTO webhook_queue (webhook, seq) SELECT id, NEW.seq FROM webhooks WHERE failing = 0;
END;
