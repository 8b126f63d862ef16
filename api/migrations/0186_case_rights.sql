-- Issue 23: the applicant's rights during a case.
--
-- case_pauses: the promised clock stops while the case waits for an exam, while the applicant
-- supplements materials, and during an on-site inspection (现场核查) or a technical assessment or
-- reinforcement (技术评估/加固改造) (FAQ F006, F044, F053, F076, F106). One open pause per case.
-- ``workdays``: the working days it lasted, in (start day, end day] (Asia/Shanghai), set at its end.
CREATE TABLE case_pauses (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id  bigint NOT NULL REFERENCES applications(id),
    kind            text NOT NULL CHECK (kind IN ('exam', 'inspection', 'assessment', 'supplement')),
    started_at      timestamptz NOT NULL,
    ended_at        timestamptz,
    reason          text NOT NULL CHECK (length(reason) BETWEEN 1 AND 200),
    started_by      bigint REFERENCES users(id),   -- NULL: the system (exam, supplement)
    ended_by        bigint REFERENCES users(id),
    workdays        integer CHECK (workdays >= 0),
    CHECK (ended_at IS NULL OR ended_at >= started_at),
    CHECK ((ended_at IS NULL) = (workdays IS NULL))
);
CREATE UNIQUE INDEX case_pauses_one_open ON case_pauses (application_id) WHERE ended_at IS NULL;
CREATE INDEX case_pauses_application ON case_pauses (application_id, id);

-- The timeline names pauses, re-reviews, urgings and the messages with the approver.
ALTER TABLE application_events DROP CONSTRAINT application_events_kind_check;
ALTER TABLE application_events ADD CONSTRAINT application_events_kind_check
    CHECK (kind IN ('status', 'gap_notice', 'material', 'form', 'licence', 'trip',
                    'pause', 'rereview', 'urge', 'message'));

-- The reform figure "working days to decision" leaves out the working days the clock was paused:
-- for each ended pause, the working days in (its start day, its end day] on the same calendar.
CREATE OR REPLACE FUNCTION stats_case_facts_of(ids bigint[]) RETURNS SETOF stats_case_facts
LANGUAGE sql STABLE AS $$
    SELECT a.id, a.service_code, d.submitted_on, d.decided_on,
           CASE WHEN d.decided_on IS NOT NULL
                 AND EXISTS (SELECT 1 FROM workday_calendar WHERE day = d.submitted_on)
                 AND EXISTS (SELECT 1 FROM workday_calendar WHERE day = d.decided_on)
                THEN sign(d.decided_on - d.submitted_on)::int * (
                     SELECT count(*) FILTER (WHERE COALESCE(o.is_workday, c.is_workday))::int
                       FROM workday_calendar c LEFT JOIN workday_overrides o ON o.day = c.day
                      WHERE c.day > least(d.submitted_on, d.decided_on)
                        AND c.day <= greatest(d.submitted_on, d.decided_on))
                     - (SELECT COALESCE(sum(n), 0)::int FROM (
                            SELECT count(*) FILTER (WHERE COALESCE(o.is_workday, c.is_workday)) AS n
                              FROM case_pauses p
                              JOIN workday_calendar c ON c.day > (p.started_at AT TIME ZONE 'Asia/Shanghai')::date
                                                     AND c.day <= (p.ended_at AT TIME ZONE 'Asia/Shanghai')::date
                              LEFT JOIN workday_overrides o ON o.day = c.day
                             WHERE p.application_id = a.id AND p.ended_at IS NOT NULL) x)
           END,
           a.is_instant, t.trips, t.window_trips, m.applicable, m.exempted
      FROM applications a
     CROSS JOIN LATERAL (SELECT (a.submitted_at AT TIME ZONE 'Asia/Shanghai')::date AS submitted_on,
                                (a.decided_at AT TIME ZONE 'Asia/Shanghai')::date AS decided_on) d
     CROSS JOIN LATERAL (SELECT count(*)::int AS trips,
                                count(*) FILTER (WHERE kind = 'window_checkin')::int AS window_trips
                           FROM trips WHERE application_id = a.id) t
     CROSS JOIN LATERAL (SELECT count(*)::int AS applicable,
                                count(*) FILTER (WHERE exempt_licence_id IS NOT NULL)::int AS exempted
                           FROM application_materials WHERE application_id = a.id) m
     WHERE a.id = ANY(ids) AND a.submitted_at IS NOT NULL
$$;

-- A pause that starts, ends or changes re-counts its case (statement level, like 0115's triggers).
CREATE FUNCTION stats_pauses_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM stats_refresh_cases(ARRAY(SELECT DISTINCT application_id FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM stats_refresh_cases(ARRAY(SELECT DISTINCT application_id FROM old_rows));
    ELSE
        PERFORM stats_refresh_cases(ARRAY(SELECT application_id FROM new_rows UNION SELECT application_id FROM old_rows));
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER stats_pauses_inserted AFTER INSERT ON case_pauses REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION stats_pauses_changed();
CREATE TRIGGER stats_pauses_updated AFTER UPDATE ON case_pauses
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION stats_pauses_changed();
CREATE TRIGGER stats_pauses_deleted AFTER DELETE ON case_pauses REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION stats_pauses_changed();

-- F096 "一次性告知": a later return for materials may name only what an earlier notice named or what
-- the applicant changed since. What the form said when each notice was issued (to tell a changed
-- field), kept by a trigger whatever raised the notice (the automatic pre-review or an approver).
CREATE TABLE gap_notice_forms (
    gap_notice_id   bigint PRIMARY KEY REFERENCES gap_notices(id),
    application_id  bigint NOT NULL REFERENCES applications(id),
    form            jsonb NOT NULL
);
CREATE FUNCTION gap_notice_keep_form() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO gap_notice_forms (gap_notice_id, application_id, form)
    SELECT n.id, n.application_id, COALESCE(a.form, '{}') FROM new_rows n JOIN applications a ON a.id = n.application_id;
    RETURN NULL;
END $$;
CREATE TRIGGER gap_notice_keep_form AFTER INSERT ON gap_notices REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION gap_notice_keep_form();

-- A later notice that named something new: only with a lead's override and reason; flagged on the
-- case and counted for the admin ("补正后新增告知").
CREATE TABLE gap_notice_additions (
    gap_notice_id   bigint PRIMARY KEY REFERENCES gap_notices(id),
    application_id  bigint NOT NULL REFERENCES applications(id),
    items           jsonb NOT NULL CHECK (jsonb_typeof(items) = 'array' AND jsonb_array_length(items) > 0),
    override_by     bigint NOT NULL REFERENCES users(id),
    reason          text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX gap_notice_additions_created ON gap_notice_additions (created_at);
CREATE INDEX gap_notice_additions_application ON gap_notice_additions (application_id);

-- F051 "申请人工复核": where the automatic review refused a case, the applicant asks once per
-- submission (per review run) with a short reason; a person answers within 1 working day,
-- upholding it (with a reason) or overriding individual checks. Stored beside the automatic results.
CREATE TABLE review_rereviews (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id  bigint NOT NULL REFERENCES applications(id),
    review_id       bigint NOT NULL UNIQUE REFERENCES application_reviews(id),
    requested_by    bigint NOT NULL REFERENCES users(id),
    reason          text NOT NULL CHECK (length(reason) BETWEEN 1 AND 200),
    created_at      timestamptz NOT NULL,
    due_on          date NOT NULL,
    status          text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'upheld', 'overridden')),
    decided_by      bigint REFERENCES users(id),
    decided_at      timestamptz,
    answer          text,
    overridden      text[] NOT NULL DEFAULT '{}',  -- the check codes the person found passed
    escalated_at    timestamptz,
    CHECK ((status = 'open') = (decided_at IS NULL))
);
CREATE INDEX review_rereviews_open ON review_rereviews (due_on) WHERE status = 'open';
CREATE INDEX review_rereviews_application ON review_rereviews (application_id, id);

-- F109 催办: past the expected finish date the applicant urges the case, once per working day; the
-- approver holding the step and the leads are told; the answer is due within 1 working day
-- (escalated once to the leads), and the applicant sees it.
CREATE TABLE case_urgings (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id  bigint NOT NULL REFERENCES applications(id),
    urged_by        bigint NOT NULL REFERENCES users(id),
    urged_on        date NOT NULL,                 -- the working day it counts for
    created_at      timestamptz NOT NULL,
    step            text,                          -- the step the case waited at
    due_on          date NOT NULL,                 -- the answer's day
    answer          text CHECK (length(answer) BETWEEN 1 AND 500),
    answered_by     bigint REFERENCES users(id),
    answered_at     timestamptz,
    escalated_at    timestamptz,
    UNIQUE (application_id, urged_on),
    CHECK ((answer IS NULL) = (answered_at IS NULL))
);
CREATE INDEX case_urgings_open ON case_urgings (due_on) WHERE answered_at IS NULL;

-- F102 "联系审批人员": after acceptance, a thread on the case between the applicant and the staff of
-- the step it waits at (not the help desk). Staff are shown by their step, never by their phone.
CREATE TABLE case_messages (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id  bigint NOT NULL REFERENCES applications(id),
    sender_id       bigint NOT NULL REFERENCES users(id),
    from_staff      boolean NOT NULL,
    step            text,                          -- the step the case waited at
    body            text NOT NULL CHECK (length(body) BETWEEN 1 AND 500),
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX case_messages_application ON case_messages (application_id, id);
