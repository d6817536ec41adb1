-- Observed reads: who read each subject, aggregated per (reader, subject). `reader` is a
-- service's name, 'admin' for the admin, or '' for reads without a credential. Times are
-- RFC 3339 strings in UTC.

CREATE TABLE observed_reads (
    reader     TEXT NOT NULL,
    subject    TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen  TEXT NOT NULL,
    reads      BIGINT NOT NULL,
    PRIMARY KEY (reader, subject)
);
CREATE INDEX observed_reads_by_subject ON observed_reads (subject);

-- What each reader read of a subject: the versions and schema ids, and the client libraries
-- it named (`kind` is 'version', 'id' or 'client').
CREATE TABLE observed_read_details (
    reader  TEXT NOT NULL,
    subject TEXT NOT NULL,
    kind    TEXT NOT NULL,
    value   TEXT NOT NULL,
    PRIMARY KEY (reader, subject, kind, value)
);
