-- The automatic review (智能审批, bulky cargo: 21 checks in 5 groups, FAQ F050/F051) run at each
-- submission: one row per run, one row per check with its outcome and reason. The latest run is
-- what the applicant and the approver see; earlier runs stay as the record of what was found.
CREATE TABLE application_reviews (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id  bigint NOT NULL REFERENCES applications(id),
    reviewed_at     timestamptz NOT NULL DEFAULT now(),
    passed          smallint NOT NULL CHECK (passed >= 0),
    failed          smallint NOT NULL CHECK (failed >= 0),
    needs_person    smallint NOT NULL CHECK (needs_person >= 0),
    CHECK (passed + failed + needs_person > 0),
    -- the approver's queue flag: every check passed, the case can be decided quickly
    all_passed      boolean GENERATED ALWAYS AS (failed = 0 AND needs_person = 0) STORED
);
CREATE INDEX application_reviews_latest ON application_reviews (application_id, id DESC);

CREATE TABLE application_review_checks (
    review_id       bigint NOT NULL REFERENCES application_reviews(id) ON DELETE CASCADE,
    position        smallint NOT NULL CHECK (position >= 1),
    code            text NOT NULL CHECK (code ~ '^[a-z]+\.[a-z_]+$'),
    grp             text NOT NULL CHECK (grp IN ('people', 'company', 'vehicle', 'route', 'cargo')),
    name            text NOT NULL,
    outcome         text NOT NULL CHECK (outcome IN ('passed', 'failed', 'needs_person')),
    reason          text NOT NULL,
    PRIMARY KEY (review_id, code),
    UNIQUE (review_id, position)
);
