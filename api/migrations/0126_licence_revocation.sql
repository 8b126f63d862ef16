-- A licence that is replaced or cancelled stops being valid (FAQ F020/F021, F028, F039, F062).
-- `subject` names what a licence is about — a vehicle's plate, a ship's name, a registered
-- driver — so a new licence of the same holder, type and subject finds the one it replaces. Rows
-- written before this column have none and are never matched. The revocation records when, why,
-- which application did it and (when there is one) the licence that took its place.
ALTER TABLE licences
    ADD COLUMN subject text CHECK (subject IS NULL OR length(subject) BETWEEN 1 AND 200),
    ADD COLUMN revoked_at timestamptz,
    ADD COLUMN revoked_reason text CHECK (revoked_reason IS NULL OR length(revoked_reason) BETWEEN 1 AND 500),
    ADD COLUMN revoked_by_application_id bigint REFERENCES applications(id),
    ADD COLUMN replaced_by bigint REFERENCES licences(id),
    -- not "revoked iff revoked_at": rows revoked before this migration carry no time
    ADD CONSTRAINT licences_revocation CHECK (revoked_at IS NULL OR (status = 'revoked' AND revoked_reason IS NOT NULL));

-- One valid licence of a kind per holder and subject: issuing a second without revoking the first
-- fails here rather than leaving two valid permits for one car.
CREATE UNIQUE INDEX licences_one_valid_per_subject ON licences (holder_id, type, subject)
    WHERE status = 'valid' AND subject IS NOT NULL;
