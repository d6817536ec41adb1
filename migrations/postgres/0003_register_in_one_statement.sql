-- A registration's write in one round trip: accord_write_version() checks that the state the
-- registry decided on still holds and writes the version with its schema, references, audit
-- entry, producer claim and change notification, or writes nothing and answers NULL.
--
-- New schema ids come from a sequence, so that registrations in different subjects do not
-- wait for each other; registrations of the same new content take turns on an advisory lock,
-- so that ids stay dense. An import's explicit id takes a table lock and moves the sequence
-- past it.

CREATE SEQUENCE schema_ids;
SELECT setval('schema_ids', COALESCE((SELECT MAX(id) FROM schemas), 0) + 1, false);

CREATE FUNCTION accord_write_version(
    p_subject        TEXT,
    p_expected_max   INTEGER,   -- the subject's highest version when the decision was made
    p_version        INTEGER,
    p_id_choice      TEXT,      -- 'known', 'requested' or 'next'
    p_id             INTEGER,   -- the known or requested id
    p_fingerprint    TEXT,
    p_schema_type    TEXT,
    p_schema         TEXT,
    p_refs           TEXT,
    p_metadata       TEXT,
    p_rule_set       TEXT,
    p_ref_names      TEXT[],
    p_ref_subjects   TEXT[],
    p_ref_versions   INTEGER[],
    p_at             TEXT,
    p_principal      TEXT,
    p_action         TEXT,
    p_details        TEXT,      -- JSON object; the id is added to it
    p_claim_service  TEXT,      -- NULL: no claim
    p_claim_action   TEXT,
    p_claim_details  TEXT,
    p_notification   TEXT
) RETURNS INTEGER               -- the version's schema id, or NULL when the state moved
LANGUAGE plpgsql AS $$
DECLARE
    v_known INTEGER;
    v_id    INTEGER;
BEGIN
    -- Serializes registrations and deletions in the subject, on every instance.
    INSERT INTO subjects (name, last_version) VALUES (p_subject, 0) ON CONFLICT (name) DO NOTHING;
    PERFORM 1 FROM subjects WHERE name = p_subject FOR UPDATE;
    IF (SELECT MAX(version) FROM subject_versions WHERE subject = p_subject)
           IS DISTINCT FROM p_expected_max
       OR EXISTS (SELECT 1 FROM subject_versions WHERE subject = p_subject AND version = p_version)
    THEN
        RETURN NULL;
    END IF;

    SELECT id INTO v_known FROM schemas WHERE fingerprint = p_fingerprint;
    IF p_id_choice = 'known' THEN
        IF v_known IS DISTINCT FROM p_id THEN
            RETURN NULL;
        END IF;
        v_id := p_id;
    ELSE
        IF v_known IS NOT NULL THEN
            RETURN NULL;
        END IF;
        IF p_id_choice = 'requested' THEN
            LOCK TABLE schemas IN SHARE ROW EXCLUSIVE MODE;
            IF EXISTS (SELECT 1 FROM schemas WHERE id = p_id OR fingerprint = p_fingerprint) THEN
                RETURN NULL;
            END IF;
            v_id := p_id;
            PERFORM setval('schema_ids', GREATEST(p_id, (SELECT last_value FROM schema_ids)));
        ELSE
            -- Registrations of the same new content take turns here, so that the losers see
            -- the winner's id (and decide again) instead of using up one of their own.
            PERFORM pg_advisory_xact_lock(hashtextextended(p_fingerprint, 0));
            IF EXISTS (SELECT 1 FROM schemas WHERE fingerprint = p_fingerprint) THEN
                RETURN NULL;
            END IF;
            v_id := nextval('schema_ids');
        END IF;
        INSERT INTO schemas (id, fingerprint, schema_type, schema, refs, metadata, rule_set)
            VALUES (v_id, p_fingerprint, p_schema_type, p_schema, p_refs, p_metadata, p_rule_set);
        INSERT INTO schema_references (schema_id, name, subject, version)
            SELECT v_id, r.name, r.subject, r.version
            FROM unnest(p_ref_names, p_ref_subjects, p_ref_versions) AS r (name, subject, version)
            ON CONFLICT DO NOTHING;
    END IF;

    UPDATE subjects SET last_version = GREATEST(last_version, p_version) WHERE name = p_subject;
    INSERT INTO subject_versions (subject, version, schema_id) VALUES (p_subject, p_version, v_id);
    INSERT INTO audit_log (at, principal, action, subject, version, service, details)
        VALUES (p_at, p_principal, p_action, p_subject, p_version, NULL,
                jsonb_set(p_details::jsonb, '{id}', to_jsonb(v_id))::text);
    IF p_claim_service IS NOT NULL THEN
        INSERT INTO producers (subject, service, assigned_by, assigned_at)
            VALUES (p_subject, p_claim_service, p_principal, p_at)
            ON CONFLICT (subject) DO NOTHING;
        IF FOUND THEN
            INSERT INTO audit_log (at, principal, action, subject, version, service, details)
                VALUES (p_at, p_principal, p_claim_action, p_subject, NULL, p_claim_service,
                        p_claim_details);
        END IF;
    END IF;
    PERFORM pg_notify('accord_changes', p_notification);
    RETURN v_id;
END
$$;
