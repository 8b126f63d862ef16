-- Issue 20 (F093): 代办 — an agent files a case for a verified person (the principal) with a signed
-- authorisation letter; the principal confirms by the SMS code (or refuses) before it can be
-- submitted. The case is the principal's (applications.applicant_id = principal_id); the agent
-- reaches it only while the filing is awaiting_confirmation or confirmed.
CREATE TABLE agency_filings (
    id bigserial PRIMARY KEY,
    application_id bigint NOT NULL UNIQUE REFERENCES applications(id) ON DELETE CASCADE,
    agent_id bigint NOT NULL REFERENCES users(id),
    principal_id bigint NOT NULL REFERENCES users(id),
    letter_key text,
    letter_type text,
    code_hash text,
    code_tries int NOT NULL DEFAULT 0,
    status text NOT NULL DEFAULT 'awaiting_letter'
        CHECK (status IN ('awaiting_letter', 'awaiting_confirmation', 'confirmed', 'refused', 'revoked')),
    created_at timestamptz NOT NULL,
    decided_at timestamptz
);
CREATE INDEX agency_filings_agent ON agency_filings (agent_id);
CREATE INDEX agency_filings_principal ON agency_filings (principal_id);
