-- Applications, their timeline, materials, gap notices (一次性告知书) and the licence library.
CREATE TABLE applications (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    applicant_id    bigint NOT NULL REFERENCES users(id),
    service_code    text NOT NULL REFERENCES services(code),
    status          text NOT NULL DEFAULT 'draft'
                    CHECK (status IN ('draft', 'submitted', 'needs_supplement', 'accepted', 'in_review',
                                      'approved', 'rejected', 'withdrawn', 'closed')),
    -- given on first submission: WZ-<date>-<sequence of that day>
    public_no       text UNIQUE CHECK (public_no ~ '^WZ-[0-9]{8}-[0-9]{6}$'),
    CHECK (status IN ('draft', 'withdrawn') OR public_no IS NOT NULL),
    answers         jsonb NOT NULL DEFAULT '{}',
    form            jsonb NOT NULL DEFAULT '{}',
    -- decided by the situation answers when the draft is made (a promised path can override instant)
    is_instant      boolean NOT NULL DEFAULT false,
    promised_days   integer NOT NULL DEFAULT 0 CHECK (promised_days >= 0),
    submitted_at    timestamptz,
    accepted_at     timestamptz,
    decided_at      timestamptz,
    CHECK ((status IN ('approved', 'rejected')) = (decided_at IS NOT NULL)),
    -- promised completion date in working days, counted from the day after acceptance
    due_on          date,
    -- while a gap notice is open the clock is paused: the day it stopped and the supplement deadline
    paused_on       date,
    supplement_due_on date,
    CHECK ((status = 'needs_supplement') = (supplement_due_on IS NOT NULL)),
    resume_status   text CHECK (resume_status IN ('submitted', 'accepted', 'in_review')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX applications_applicant ON applications (applicant_id, id DESC);
CREATE INDEX applications_status ON applications (status, service_code);
CREATE INDEX applications_supplement_due ON applications (supplement_due_on) WHERE status = 'needs_supplement';

-- The state machine, as data: the database refuses any status change not listed here.
-- api/applications/states.py holds the same table for Python and a test keeps them equal.
CREATE TABLE application_transitions (
    from_status     text NOT NULL,
    to_status       text NOT NULL,
    PRIMARY KEY (from_status, to_status)
);
INSERT INTO application_transitions (from_status, to_status) VALUES
    ('draft', 'submitted'), ('draft', 'withdrawn'),
    ('submitted', 'needs_supplement'), ('submitted', 'accepted'), ('submitted', 'rejected'),
    ('submitted', 'withdrawn'),
    ('needs_supplement', 'submitted'), ('needs_supplement', 'accepted'), ('needs_supplement', 'in_review'),
    ('needs_supplement', 'withdrawn'), ('needs_supplement', 'closed'),
    ('accepted', 'in_review'), ('accepted', 'needs_supplement'), ('accepted', 'approved'),
    ('accepted', 'rejected'), ('accepted', 'withdrawn'),
    ('in_review', 'needs_supplement'), ('in_review', 'approved'), ('in_review', 'rejected'),
    ('in_review', 'withdrawn');

CREATE FUNCTION applications_guard_status() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.status <> 'draft' THEN
            RAISE EXCEPTION 'an application starts as a draft, not %', NEW.status USING ERRCODE = 'check_violation';
        END IF;
    ELSIF NEW.status IS DISTINCT FROM OLD.status AND NOT EXISTS (
        SELECT 1 FROM application_transitions WHERE from_status = OLD.status AND to_status = NEW.status
    ) THEN
        RAISE EXCEPTION 'application % cannot go from % to %', OLD.id, OLD.status, NEW.status
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER applications_guard_status BEFORE INSERT OR UPDATE OF status ON applications
    FOR EACH ROW EXECUTE FUNCTION applications_guard_status();

-- The timeline: append-only, ordered by id (approvals chains a hash over it for audit).
CREATE TABLE application_events (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id  bigint NOT NULL REFERENCES applications(id),
    kind            text NOT NULL DEFAULT 'status'
                    CHECK (kind IN ('status', 'gap_notice', 'material', 'form', 'licence', 'trip')),
    actor_id        bigint REFERENCES users(id),  -- NULL: the system (automatic checks, deadlines)
    from_status     text,
    to_status       text NOT NULL,
    note            text,
    data            jsonb NOT NULL DEFAULT '{}',
    created_at      timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX application_events_application ON application_events (application_id, id);

CREATE FUNCTION application_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'application_events is append-only' USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER application_events_append_only BEFORE UPDATE OR DELETE ON application_events
    FOR EACH ROW EXECUTE FUNCTION application_events_append_only();

CREATE TABLE public_no_counters (
    day             date PRIMARY KEY,
    last            integer NOT NULL CHECK (last BETWEEN 1 AND 999999)
);

-- The licence library (电子证照库): what the bureau already holds is never asked for again.
CREATE TABLE licences (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    holder_id       bigint NOT NULL REFERENCES users(id),
    type            text NOT NULL CHECK (type ~ '^[a-z][a-z0-9_]{1,63}$'),
    name            text NOT NULL,
    number          text NOT NULL,
    valid_from      date NOT NULL,
    valid_until     date,
    CHECK (valid_until IS NULL OR valid_until >= valid_from),
    status          text NOT NULL DEFAULT 'valid' CHECK (status IN ('valid', 'revoked', 'expired')),
    application_id  bigint REFERENCES applications(id),
    data            jsonb NOT NULL DEFAULT '{}',
    issued_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (type, number),
    UNIQUE (application_id, type)  -- an application issues each licence type once
);
CREATE INDEX licences_holder ON licences (holder_id, type) WHERE status = 'valid';

-- One row per material that applies to the application's answers: exempt (a licence in the
-- library stands for it), uploaded (a file in storage), or still missing.
CREATE TABLE application_materials (
    application_id  bigint NOT NULL REFERENCES applications(id),
    material_code   text NOT NULL,
    name            text NOT NULL,
    required        boolean NOT NULL,
    exempt_licence_id bigint REFERENCES licences(id),
    storage_key     text,
    content_type    text CHECK (content_type IN ('image/jpeg', 'image/png', 'application/pdf')),
    size_bytes      integer CHECK (size_bytes BETWEEN 1 AND 10485760),
    sha256          text CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    original_name   text,
    uploaded_at     timestamptz,
    PRIMARY KEY (application_id, material_code),
    -- a file is all there or not at all
    CHECK ((storage_key IS NULL) = (sha256 IS NULL) AND (storage_key IS NULL) = (size_bytes IS NULL)
           AND (storage_key IS NULL) = (content_type IS NULL) AND (storage_key IS NULL) = (uploaded_at IS NULL)),
    CHECK (exempt_licence_id IS NULL OR storage_key IS NULL)
);

-- 一次性告知书: the complete list of gaps, one open notice per application at a time.
CREATE TABLE gap_notices (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id  bigint NOT NULL REFERENCES applications(id),
    gaps            jsonb NOT NULL CHECK (jsonb_typeof(gaps) = 'array' AND jsonb_array_length(gaps) > 0),
    raised_by       bigint REFERENCES users(id),  -- NULL: the automatic pre-review
    from_status     text NOT NULL,
    due_on          date NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    resolved_at     timestamptz,
    outcome         text CHECK (outcome IN ('supplemented', 'closed', 'withdrawn')),
    CHECK ((resolved_at IS NULL) = (outcome IS NULL))
);
CREATE UNIQUE INDEX gap_notices_one_open ON gap_notices (application_id) WHERE resolved_at IS NULL;

ALTER TABLE trips ADD CONSTRAINT trips_application_fk
    FOREIGN KEY (application_id) REFERENCES applications(id);
