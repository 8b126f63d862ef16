-- Issue 22: a licence's life after issue (FAQ F022, F029, F036, F041, F046, F058, F061, F065, F070,
-- F134, F150). A lifecycle service's case (换证 renewal, 补发 reissue, 变更 change, 注销/作废 at the
-- holder's request) acts on one licence of the applicant's library, chosen by id when the draft is
-- made: licence_actions records which. Staff void a licence with a reason (作废): revoked_by names
-- who. Expiry reminders go out once per licence and threshold (90 and 30 days before expiry).

CREATE TABLE licence_actions (
    application_id  bigint PRIMARY KEY REFERENCES applications(id),
    licence_id      bigint NOT NULL REFERENCES licences(id),
    kind            text NOT NULL CHECK (kind IN ('renew', 'reissue', 'change', 'cancel')),
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX licence_actions_licence ON licence_actions (licence_id);

-- a licence voided by a staff member (作废) rather than by an application
ALTER TABLE licences ADD COLUMN revoked_by bigint REFERENCES users(id);

-- One row per licence and threshold, written in the transaction that enqueues the reminder: the
-- primary key is what makes a second run (or two workers at once) send nothing twice.
CREATE TABLE licence_reminders (
    licence_id   bigint NOT NULL REFERENCES licences(id),
    days_before  integer NOT NULL CHECK (days_before IN (90, 30)),
    sent_on      date NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (licence_id, days_before)
);

-- the daily job reads valid licences by their end date
CREATE INDEX licences_valid_until ON licences (valid_until) WHERE status = 'valid';
