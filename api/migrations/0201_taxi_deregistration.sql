-- Issue 20 (F020): ending a taxi driver's registration. The original company deregisters it once the
-- contract ends (same day, one step: the electronic service card is revoked; the qualification
-- certificate stays valid); only then may another company register the driver. If the company has
-- not done it within 5 working days of the contract's end, the driver asks through 帮办代办 (F139)
-- with proof of termination and staff deregister directly. Who acted is on the registration case's
-- timeline (application_events.actor_id), so no column here references users.
ALTER TABLE agency_filings
    ADD COLUMN contract_ended_on date,
    ADD COLUMN deregistered_at timestamptz,
    ADD COLUMN deregistered_how text CHECK (deregistered_how IN ('company', 'bureau')),
    ADD CHECK ((deregistered_at IS NULL) = (deregistered_how IS NULL));
CREATE INDEX agency_filings_taxi_driver ON agency_filings (principal_id) WHERE kind = 'taxi';

CREATE TABLE taxi_deregistration_requests (
    id bigserial PRIMARY KEY,
    filing_id bigint NOT NULL REFERENCES agency_filings(id) ON DELETE CASCADE,
    assist_request_id bigint REFERENCES assist_requests(id),
    contract_ended_on date NOT NULL,
    proof_key text NOT NULL,
    proof_type text NOT NULL,
    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'refused')),
    note text,
    created_at timestamptz NOT NULL,
    decided_at timestamptz,
    CHECK ((status = 'pending') = (decided_at IS NULL))
);
-- one open request per registration
CREATE UNIQUE INDEX taxi_deregistration_requests_open ON taxi_deregistration_requests (filing_id)
    WHERE status = 'pending';
