-- Issue 20: enterprises as subjects of cases and licences, their 经办人 and the grants' audit trail
-- (F091-F092). A case's subject is the applicant person (enterprise_id NULL) or the enterprise it
-- was filed for; applicant_id stays the account that acted.

CREATE TABLE enterprises (
    id bigserial PRIMARY KEY,
    credit_code text NOT NULL,
    name text NOT NULL,
    kind text NOT NULL CHECK (kind IN ('company', 'individual_business')),
    legal_rep_id bigint NOT NULL REFERENCES users(id),
    legal_rep_identity_id bigint NOT NULL REFERENCES identities(id),
    legal_rep_name text NOT NULL,
    -- awaiting_photo: no registry answered, the business-licence photo is still to come;
    -- pending: the photo waits for staff (due_on, 1 working day); verified / refused
    status text NOT NULL CHECK (status IN ('awaiting_photo', 'pending', 'verified', 'refused')),
    method text CHECK (method IN ('registry', 'document')),
    evidence jsonb NOT NULL DEFAULT '{}',
    due_on date,
    photo_key text,
    photo_type text,
    reviewed_by bigint REFERENCES users(id),
    reviewed_at timestamptz,
    refusal_reason text,
    verified_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);
-- One enterprise per credit code: a refused registration leaves the code free to try again.
CREATE UNIQUE INDEX enterprises_one_per_code ON enterprises (credit_code) WHERE status <> 'refused';
CREATE INDEX enterprises_legal_rep ON enterprises (legal_rep_id);
CREATE INDEX enterprises_pending ON enterprises (due_on) WHERE status = 'pending';

CREATE TABLE enterprise_agents (
    enterprise_id bigint NOT NULL REFERENCES enterprises(id),
    user_id bigint NOT NULL REFERENCES users(id),
    all_services boolean NOT NULL DEFAULT false,
    services text[] NOT NULL DEFAULT '{}',
    active boolean NOT NULL DEFAULT true,
    granted_by bigint NOT NULL REFERENCES users(id),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (enterprise_id, user_id)
);
CREATE INDEX enterprise_agents_user ON enterprise_agents (user_id) WHERE active;

CREATE TABLE enterprise_grant_events (
    id bigserial PRIMARY KEY,
    enterprise_id bigint NOT NULL REFERENCES enterprises(id),
    agent_id bigint NOT NULL REFERENCES users(id),
    actor_id bigint NOT NULL REFERENCES users(id),
    action text NOT NULL CHECK (action IN ('grant', 'change', 'revoke')),
    all_services boolean NOT NULL,
    services text[] NOT NULL,
    at timestamptz NOT NULL
);
CREATE INDEX enterprise_grant_events_of ON enterprise_grant_events (enterprise_id, id);

ALTER TABLE applications ADD COLUMN enterprise_id bigint REFERENCES enterprises(id);
CREATE INDEX applications_enterprise ON applications (enterprise_id, id DESC) WHERE enterprise_id IS NOT NULL;

ALTER TABLE licences ADD COLUMN enterprise_id bigint REFERENCES enterprises(id);
CREATE INDEX licences_enterprise ON licences (enterprise_id, issued_at DESC) WHERE enterprise_id IS NOT NULL;
-- the enterprise's one valid licence per type and subject, whichever 经办人 filed it
CREATE UNIQUE INDEX licences_one_valid_per_enterprise_subject ON licences (enterprise_id, type, subject)
    WHERE status = 'valid' AND enterprise_id IS NOT NULL AND subject IS NOT NULL;
