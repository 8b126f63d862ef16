-- 好差评: ratings of finished services, appended comments, the follow-up of bad reviews (with its
-- audit trail), rating invitations sent, and the working-day calendar the reform figures count on.

-- The follow-up deadlines in working days (FAQ F143: call back within 1, rectify within 5).
-- One row, editable by admins; a change applies to follow-ups opened afterwards.
CREATE TABLE rating_policy (
    id                  boolean PRIMARY KEY DEFAULT true CHECK (id),
    callback_workdays   smallint NOT NULL CHECK (callback_workdays BETWEEN 1 AND 30),
    rectify_workdays    smallint NOT NULL CHECK (rectify_workdays BETWEEN 1 AND 60),
    comment_days        smallint NOT NULL CHECK (comment_days BETWEEN 1 AND 90),
    CHECK (rectify_workdays >= callback_workdays),
    updated_at          timestamptz NOT NULL DEFAULT now()
);
INSERT INTO rating_policy (callback_workdays, rectify_workdays, comment_days) VALUES (1, 5, 7);

CREATE TABLE ratings (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id         bigint NOT NULL REFERENCES users(id),
    target_type     text NOT NULL CHECK (target_type IN ('application', 'appointment', 'conversation')),
    target_id       bigint NOT NULL,
    -- the service the target was for, copied at rating time for the figures (NULL: a consultation)
    service_code    text,
    level           smallint NOT NULL CHECK (level BETWEEN 1 AND 5),  -- 5 非常满意 .. 1 非常不满意
    is_bad          boolean GENERATED ALWAYS AS (level <= 2) STORED,
    tags            text[] NOT NULL DEFAULT '{}' CHECK (cardinality(tags) <= 10),
    comment         text NOT NULL DEFAULT '' CHECK (length(comment) <= 500),
    created_at      timestamptz NOT NULL DEFAULT now(),
    voided_at       timestamptz,
    voided_by       bigint REFERENCES users(id),
    void_reason     text,
    CHECK ((voided_at IS NULL) = (voided_by IS NULL) AND (voided_at IS NULL) = (void_reason IS NULL))
);
-- One rating per target per person (F142: 每个办件评价一次, 提交后不能修改). A rating an admin
-- voided as mistaken no longer counts, so the person may rate again.
CREATE UNIQUE INDEX ratings_one_per_target ON ratings (target_type, target_id, user_id) WHERE voided_at IS NULL;
CREATE INDEX ratings_user ON ratings (user_id, id DESC);
CREATE INDEX ratings_created ON ratings (created_at) INCLUDE (service_code, level) WHERE voided_at IS NULL;
CREATE INDEX ratings_bad ON ratings (id DESC) WHERE is_bad;

-- 追加评论: within comment_days of the rating (F142).
CREATE TABLE rating_comments (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    rating_id   bigint NOT NULL REFERENCES ratings(id),
    user_id     bigint NOT NULL REFERENCES users(id),
    text        text NOT NULL CHECK (length(text) BETWEEN 1 AND 500),
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX rating_comments_rating ON rating_comments (rating_id, id);

-- The follow-up of a bad review: call back by callback_due_on, rectify (note + outcome) by
-- rectify_due_on (Asia/Shanghai dates, working days after the rating). Overdue stages are
-- escalated once each.
CREATE TABLE rating_follow_ups (
    rating_id           bigint PRIMARY KEY REFERENCES ratings(id),
    status              text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'called_back', 'closed', 'voided')),
    callback_due_on     date NOT NULL,
    rectify_due_on      date NOT NULL,
    CHECK (rectify_due_on >= callback_due_on),
    called_back_at      timestamptz,
    called_back_by      bigint REFERENCES users(id),
    callback_note       text,
    CHECK ((called_back_at IS NULL) = (callback_note IS NULL) AND (called_back_at IS NULL) = (called_back_by IS NULL)),
    closed_at           timestamptz,
    closed_by           bigint REFERENCES users(id),
    rectification_note  text,
    outcome             text CHECK (outcome IN ('rectified', 'explained', 'unfounded')),
    CHECK ((closed_at IS NULL) = (outcome IS NULL) AND (closed_at IS NULL) = (rectification_note IS NULL)
           AND (closed_at IS NULL) = (closed_by IS NULL)),
    -- a follow-up is closed only after the call-back
    CHECK (closed_at IS NULL OR called_back_at IS NOT NULL),
    CHECK ((status = 'closed') = (closed_at IS NOT NULL)),
    CHECK (status <> 'called_back' OR called_back_at IS NOT NULL),
    callback_escalated_at timestamptz,
    rectify_escalated_at  timestamptz,
    created_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX rating_follow_ups_open ON rating_follow_ups (rectify_due_on) WHERE status IN ('open', 'called_back');

-- The audit trail of a follow-up: append-only.
CREATE TABLE rating_follow_up_events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    rating_id   bigint NOT NULL REFERENCES ratings(id),
    kind        text NOT NULL CHECK (kind IN ('opened', 'called_back', 'closed', 'escalated', 'voided', 'comment')),
    actor_id    bigint REFERENCES users(id),  -- NULL: the system
    note        text,
    data        jsonb NOT NULL DEFAULT '{}',
    created_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX rating_follow_up_events_rating ON rating_follow_up_events (rating_id, id);

CREATE FUNCTION rating_follow_up_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'rating_follow_up_events is append-only' USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER rating_follow_up_events_append_only BEFORE UPDATE OR DELETE ON rating_follow_up_events
    FOR EACH ROW EXECUTE FUNCTION rating_follow_up_events_append_only();

-- Which finished targets were invited to rate: an invitation goes out once.
CREATE TABLE rating_invitations (
    target_type text NOT NULL CHECK (target_type IN ('application', 'appointment', 'conversation')),
    target_id   bigint NOT NULL,
    user_id     bigint NOT NULL REFERENCES users(id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (target_type, target_id)
);

-- The State Council calendar as a table (filled by the seeder from chinese-calendar; admin
-- overrides in workday_overrides win), so the figures count working days in SQL.
CREATE TABLE workday_calendar (
    day         date PRIMARY KEY,
    is_workday  boolean NOT NULL
);

-- The reform figures read applications by submission time.
CREATE INDEX applications_submitted_at ON applications (submitted_at) WHERE submitted_at IS NOT NULL;
-- The invitation job looks for recently finished targets.
CREATE INDEX applications_decided_at ON applications (decided_at) WHERE decided_at IS NOT NULL;
CREATE INDEX appointments_checked_in_at ON appointments (checked_in_at) WHERE status = 'checked_in';
CREATE INDEX conversations_resolved_at ON conversations (resolved_at) WHERE status = 'resolved';
