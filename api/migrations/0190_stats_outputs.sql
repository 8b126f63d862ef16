-- Reform figures (issue 27) the case rollups of 0115 cannot give: electronic licences issued (a
-- licence issued through a case; licences brought in from other authorities are not ours) and
-- consultations recorded / answered by a person (a help-desk conversation in which an agent wrote),
-- per day like stats_case_daily, kept exact in the same transaction by triggers.
--   service_code ''  the consultations' row (a consultation is not about one service)

ALTER TABLE conversations ADD COLUMN person_answered_at timestamptz;
UPDATE conversations c SET person_answered_at = (SELECT min(m.created_at) FROM chat_messages m
                                                  WHERE m.conversation_id = c.id AND m.sender = 'agent');

CREATE TABLE stats_output_daily (
    day                     date NOT NULL,
    service_code            text NOT NULL,
    licences_issued         integer NOT NULL DEFAULT 0,
    consultations           integer NOT NULL DEFAULT 0,
    consultations_by_person integer NOT NULL DEFAULT 0,
    PRIMARY KEY (day, service_code)
);

CREATE FUNCTION stats_output_rows() RETURNS TABLE (day date, service_code text, licences_issued integer,
                                                   consultations integer, consultations_by_person integer)
LANGUAGE sql STABLE AS $$
    SELECT (l.issued_at AT TIME ZONE 'Asia/Shanghai')::date, a.service_code, count(*)::int, 0, 0
      FROM licences l JOIN applications a ON a.id = l.application_id
     GROUP BY 1, 2
    UNION ALL
    SELECT (c.created_at AT TIME ZONE 'Asia/Shanghai')::date, '', 0, count(*)::int,
           (count(*) FILTER (WHERE c.person_answered_at IS NOT NULL))::int
      FROM conversations c
     GROUP BY 1
$$;

CREATE FUNCTION stats_add_outputs(d date, code text, licences integer, consults integer, by_person integer)
RETURNS void LANGUAGE sql AS $$
    INSERT INTO stats_output_daily AS s (day, service_code, licences_issued, consultations, consultations_by_person)
    VALUES (d, code, licences, consults, by_person)
    ON CONFLICT (day, service_code) DO UPDATE
       SET licences_issued = s.licences_issued + EXCLUDED.licences_issued,
           consultations = s.consultations + EXCLUDED.consultations,
           consultations_by_person = s.consultations_by_person + EXCLUDED.consultations_by_person
$$;

CREATE FUNCTION stats_licences_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    sign integer := CASE TG_OP WHEN 'DELETE' THEN -1 ELSE 1 END;
    r record;
BEGIN
    FOR r IN SELECT (n.issued_at AT TIME ZONE 'Asia/Shanghai')::date AS day, a.service_code, count(*)::int AS n
               FROM changed n JOIN applications a ON a.id = n.application_id GROUP BY 1, 2 LOOP
        PERFORM stats_add_outputs(r.day, r.service_code, sign * r.n, 0, 0);
    END LOOP;
    RETURN NULL;
END $$;
CREATE TRIGGER stats_licences_inserted AFTER INSERT ON licences REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION stats_licences_changed();
CREATE TRIGGER stats_licences_deleted AFTER DELETE ON licences REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION stats_licences_changed();

CREATE FUNCTION stats_conversations_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    sign integer := CASE TG_OP WHEN 'DELETE' THEN -1 ELSE 1 END;
    r record;
BEGIN
    FOR r IN SELECT (n.created_at AT TIME ZONE 'Asia/Shanghai')::date AS day, count(*)::int AS n,
                    (count(*) FILTER (WHERE n.person_answered_at IS NOT NULL))::int AS by_person
               FROM changed n GROUP BY 1 LOOP
        PERFORM stats_add_outputs(r.day, '', 0, sign * r.n, sign * r.by_person);
    END LOOP;
    RETURN NULL;
END $$;
CREATE TRIGGER stats_conversations_inserted AFTER INSERT ON conversations REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION stats_conversations_changed();
CREATE TRIGGER stats_conversations_deleted AFTER DELETE ON conversations REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION stats_conversations_changed();

-- The first agent message of a conversation marks it answered by a person, once.
CREATE FUNCTION stats_agent_answered() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    opened timestamptz;
BEGIN
    UPDATE conversations SET person_answered_at = NEW.created_at
     WHERE id = NEW.conversation_id AND person_answered_at IS NULL
    RETURNING created_at INTO opened;
    IF FOUND THEN
        PERFORM stats_add_outputs((opened AT TIME ZONE 'Asia/Shanghai')::date, '', 0, 0, 1);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER stats_agent_answered AFTER INSERT ON chat_messages
    FOR EACH ROW WHEN (NEW.sender = 'agent') EXECUTE FUNCTION stats_agent_answered();

-- zsb stats-rebuild: recompute from the sources (tests compare it with the incremental counts).
CREATE FUNCTION stats_rebuild_outputs() RETURNS void LANGUAGE sql AS $$
    DELETE FROM stats_output_daily;
    INSERT INTO stats_output_daily (day, service_code, licences_issued, consultations, consultations_by_person)
    SELECT day, service_code, sum(licences_issued), sum(consultations), sum(consultations_by_person)
      FROM stats_output_rows() GROUP BY 1, 2;
$$;
SELECT stats_rebuild_outputs();
