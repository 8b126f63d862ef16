-- FAQ F138: an application submitted outside working hours starts its processing clock (acceptance
-- and the time limit) on the next working day. The day is computed from the working-day calendar
-- in Python at submission and kept here, so every reader (approver deadlines, the promised date)
-- uses the same day. NULL for drafts and for rows written before this column existed (readers
-- fall back to the submission day); not a CHECK because bulk loaders write submitted rows directly.
ALTER TABLE applications ADD COLUMN clock_starts_on date;
UPDATE applications SET clock_starts_on = (submitted_at AT TIME ZONE 'Asia/Shanghai')::date
WHERE submitted_at IS NOT NULL;

-- FAQ F098: "因特殊原因无法按时补正的，可在期限内…申请延期一次". One extension per gap notice: the
-- unique key makes "once" hold even for two requests racing each other.
CREATE TABLE supplement_extensions (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    gap_notice_id   bigint NOT NULL UNIQUE REFERENCES gap_notices(id),
    application_id  bigint NOT NULL REFERENCES applications(id),
    requested_by    bigint NOT NULL REFERENCES users(id),
    reason          text NOT NULL CHECK (length(btrim(reason)) BETWEEN 1 AND 500),
    previous_due_on date NOT NULL,
    new_due_on      date NOT NULL CHECK (new_due_on > previous_due_on),
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX supplement_extensions_application ON supplement_extensions (application_id);
