-- The State Council's holiday notices (国务院办公厅关于某年部分节假日安排的通知) an admin loaded for
-- a year chinese-calendar does not cover. Loading one writes every day of the year into
-- workday_overrides; this row says the year is covered as a whole (a single override is not) and
-- keeps what was loaded, for the record.
CREATE TABLE workday_notices (
    year        integer PRIMARY KEY CHECK (year BETWEEN 2004 AND 2100),
    title       text NOT NULL,
    holidays    jsonb NOT NULL,
    workdays    jsonb NOT NULL,
    loaded_by   bigint REFERENCES users (id),
    loaded_at   timestamptz NOT NULL DEFAULT now()
);
