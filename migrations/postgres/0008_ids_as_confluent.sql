-- Ids as the Confluent registry keeps them: content no longer has one id for ever. An import
-- may register the same content under several ids, and content whose every version was
-- permanently deleted gets a new id when it is registered again (its old row stays, unused,
-- and the sequence never hands out an id twice). So the fingerprint is no longer unique, a
-- schema row counts only while some version uses it, and accord_write_version() learns to
-- overwrite a version in IMPORT mode and to drop the soft-deleted versions a new version of
-- the same id supersedes. The twin of migrations/sqlite/0008_ids_as_confluent.sql.

ALTER TABLE schemas DROP CONSTRAINT schemas_fingerprint_key;
CREATE INDEX schemas_by_fingerprint ON schemas (fingerprint);

DROP FUNCTION accord_write_version(TEXT, INTEGER, INTEGER, TEXT, INTEGER, TEXT, TEXT, TEXT, TEXT,
    TEXT, TEXT, TEXT[], TEXT[], INTEGER[], TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT);

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
    p_notification   TEXT,
    p_overwrite      BOOLEAN    -- an import overwrites the existing p_version
) RETURNS INTEGER               -- the version's schema id, or NULL when the state moved
LANGUAGE plpgsql AS $$
DECLARE
    v_id    INTEGER;
BEGIN
    -- Serializes registrations and deletions in the subject, on every instance.
    INSERT INTO subjects (name, last_version) VALUES (p_subject, 0) ON CONFLICT (name) DO NOTHING;
    PERFORM 1 FROM subjects WHERE name = p_subject FOR UPDATE;
    IF (SELECT MAX(version) FROM subject_versions WHERE subject = p_subject)
           IS DISTINCT FROM p_expected_max
       OR EXISTS (SELECT 1 FROM subject_versions WHERE subject = p_subject AND version = p_version)
           IS DISTINCT FROM p_overwrite
    THEN
        RETURN NULL;
    END IF;

    IF p_id_choice = 'known' THEN
        IF NOT EXISTS (SELECT 1 FROM schemas s WHERE s.id = p_id AND s.fingerprint = p_fingerprint
                       AND EXISTS (SELECT 1 FROM subject_versions u WHERE u.schema_id = s.id))
        THEN
            RETURN NULL;
        END IF;
        v_id := p_id;
    ELSE
        IF p_id_choice = 'requested' THEN
            LOCK TABLE schemas IN SHARE ROW EXCLUSIVE MODE;
            IF EXISTS (SELECT 1 FROM subject_versions WHERE schema_id = p_id) THEN
                RETURN NULL;
            END IF;
            -- The id's earlier content, permanently deleted, makes way for the import's.
            DELETE FROM schema_references WHERE schema_id = p_id;
            DELETE FROM schemas WHERE id = p_id;
            v_id := p_id;
            PERFORM setval('schema_ids', GREATEST(p_id, (SELECT last_value FROM schema_ids)));
        ELSE
            -- Registrations of the same new content take turns here, so that the losers see
            -- the winner's id (and decide again) instead of using up one of their own.
            PERFORM pg_advisory_xact_lock(hashtextextended(p_fingerprint, 0));
            IF EXISTS (SELECT 1 FROM schemas s WHERE s.fingerprint = p_fingerprint
                       AND EXISTS (SELECT 1 FROM subject_versions u WHERE u.schema_id = s.id))
            THEN
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
    -- The version an import overwrites, and the soft-deleted versions of the same id that the
    -- new one supersedes (Confluent's registry drops them too).
    DELETE FROM subject_versions WHERE subject = p_subject
        AND (version = p_version OR (schema_id = v_id AND is_deleted AND version < p_version));
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
