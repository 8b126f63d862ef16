-- F071 "维修备案后会有人上门检查吗": for 一类/二类 repair filings (answers.category class1/class2) the
-- bureau checks the site within 30 days of the filing's decision, agrees the visit's time with the
-- company, records the result; a failure gives ONE rectification notice naming every item
-- (api/approvals/service/site_checks.py).
CREATE TABLE site_checks (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id  bigint NOT NULL UNIQUE REFERENCES applications(id),
    category        text NOT NULL CHECK (category IN ('class1', 'class2')),
    due_on          date NOT NULL,                 -- the decision's day + 30 days
    status          text NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'agreed', 'passed', 'failed')),
    visit_at        timestamptz,                   -- the time agreed with the company
    visit_address   text CHECK (length(visit_address) BETWEEN 1 AND 200),
    agreed_by       bigint REFERENCES users(id),
    result_by       bigint REFERENCES users(id),
    result_at       timestamptz,
    result_note     text CHECK (length(result_note) <= 500),
    -- the one rectification notice: every item, sent once
    notice_items    jsonb,
    notice_sent_at  timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CHECK ((status = 'scheduled') = (visit_at IS NULL)),
    CHECK ((status IN ('passed', 'failed')) = (result_at IS NOT NULL)),
    CHECK ((status = 'failed') = (notice_sent_at IS NOT NULL))
);
CREATE INDEX site_checks_open ON site_checks (due_on) WHERE status IN ('scheduled', 'agreed');
