-- F139 帮办代办: an applicant's request for a navigator, called back within 1 working day through the
-- help desk's callbacks (F141's machinery: due, claim, outcome, escalation), and 服务管家: one named
-- navigator for a new transport company, 180 days from its first case.

CREATE TABLE assist_requests (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id       bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    enterprise_id bigint REFERENCES enterprises(id),  -- the subject the applicant acted for (NULL: themself)
    service_code  text NOT NULL,
    need          text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX assist_requests_of ON assist_requests (user_id, id DESC);

-- A callback is about a consultation on a case (F141) or about a 帮办代办 request (F139).
ALTER TABLE helpdesk_callbacks
    ALTER COLUMN conversation_id DROP NOT NULL,
    ALTER COLUMN application_id DROP NOT NULL,
    ADD COLUMN assist_request_id bigint UNIQUE REFERENCES assist_requests(id) ON DELETE CASCADE,
    ADD CONSTRAINT helpdesk_callbacks_about CHECK (
        (assist_request_id IS NULL AND conversation_id IS NOT NULL AND application_id IS NOT NULL)
        OR (assist_request_id IS NOT NULL AND conversation_id IS NULL));

CREATE TABLE service_stewards (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    enterprise_id bigint NOT NULL UNIQUE REFERENCES enterprises(id),  -- once per company
    agent_id      bigint NOT NULL REFERENCES users(id),
    requested_by  bigint NOT NULL REFERENCES users(id),
    starts_on     date NOT NULL,  -- the company's first case (or the request, before any case)
    ends_on       date NOT NULL,  -- starts_on + 180 days
    created_at    timestamptz NOT NULL DEFAULT now(),
    CHECK (ends_on > starts_on)
);
