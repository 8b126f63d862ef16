-- The service catalogue (办事指南): one row per service or bundle (一件事), loaded by `zsb seed`
-- from api/catalogue/data/services.json and editable by admins. Materials, form fields,
-- situations and rules live in `spec` (validated by msgspec at the edge); what other areas join
-- on (kind, limits, approval steps, bundle members) is relational.
CREATE TABLE services (
    code            text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9-]{1,63}$'),
    name            text NOT NULL CHECK (length(name) BETWEEN 2 AND 100),
    department      text NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('instant', 'promised')),
    is_bundle       boolean NOT NULL DEFAULT false,
    legal_days      integer NOT NULL CHECK (legal_days >= 0),
    promised_days   integer NOT NULL CHECK (promised_days >= 0 AND promised_days <= legal_days),
    fee             text NOT NULL,
    zero_trip       boolean NOT NULL,
    visit_steps     text[] NOT NULL DEFAULT '{}'
                    CHECK (visit_steps <@ ARRAY['window_checkin', 'inspection', 'exam', 'pickup']::text[]),
    -- a service that may be zero-trip has no step needing a visit
    CHECK (NOT zero_trip OR cardinality(visit_steps) = 0),
    licence_type    text,
    licence_name    text,
    auto_decide     boolean NOT NULL DEFAULT false,
    CHECK (NOT auto_decide OR kind = 'instant'),
    spec            jsonb NOT NULL DEFAULT '{}',
    active          boolean NOT NULL DEFAULT true,
    search_text     text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX services_search ON services USING gin (to_tsvector('simple', search_text));

-- 一件事: the services a bundle applies for together.
CREATE TABLE bundle_members (
    bundle_code     text NOT NULL REFERENCES services(code) ON DELETE CASCADE,
    member_code     text NOT NULL REFERENCES services(code),
    position        integer NOT NULL,
    PRIMARY KEY (bundle_code, member_code),
    UNIQUE (bundle_code, position),
    CHECK (bundle_code <> member_code)
);

-- 前台受理、后台审批: the steps an application goes through and which role acts on each.
-- Approvers carry the step names they may act on in users.steps.
CREATE TABLE service_steps (
    service_code    text NOT NULL REFERENCES services(code) ON DELETE CASCADE,
    position        integer NOT NULL CHECK (position > 0),
    step            text NOT NULL CHECK (step IN ('accept', 'review', 'decide')),
    role            text NOT NULL CHECK (role IN ('approver', 'lead', 'admin')),
    name            text NOT NULL,
    PRIMARY KEY (service_code, position),
    UNIQUE (service_code, step)
);

-- Working-day overrides for years chinese-calendar does not cover (and corrections for those
-- it does): an admin enters the State Council's schedule, including make-up working weekends.
CREATE TABLE workday_overrides (
    day             date PRIMARY KEY,
    is_workday      boolean NOT NULL,
    note            text NOT NULL DEFAULT '',
    updated_at      timestamptz NOT NULL DEFAULT now()
);
