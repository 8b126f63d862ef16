-- Physical visits (trips) a person made for a matter: the reform's yardstick.
-- Written by applications (pick-up, inspection), appointments (window check-in) and exams.
CREATE TABLE trips (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id         bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    application_id  bigint,            -- the case it was for, when known
    kind            text NOT NULL CHECK (kind IN ('window_checkin', 'inspection', 'exam', 'pickup')),
    source_type     text NOT NULL,     -- 'appointment', 'application', 'exam', ...
    source_id       bigint NOT NULL,
    occurred_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (source_type, source_id, kind)  -- one visit recorded once, however often it is reported
);
CREATE INDEX trips_application ON trips (application_id);
CREATE INDEX trips_occurred ON trips (occurred_at);
