-- Appointments: sites, their schedules, materialised slots, bookings, waitlist, no-show suspensions.
-- The database decides capacity: a seat is taken only by a conditional UPDATE of the slot row.

CREATE TABLE appt_sites (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code        text NOT NULL UNIQUE CHECK (code ~ '^[a-z][a-z0-9-]{1,63}$'),
    name        text NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('window', 'inspection_station', 'exam_centre')),
    address     text NOT NULL DEFAULT '',
    phone       text NOT NULL DEFAULT '',
    active      boolean NOT NULL DEFAULT true
);

-- Which services a site books, and the change rules that apply to them (from the FAQ).
-- Keyed by the catalogue's service code text, not by a foreign key into the catalogue.
CREATE TABLE appt_site_services (
    site_id         bigint NOT NULL REFERENCES appt_sites(id) ON DELETE CASCADE,
    service_code    text NOT NULL CHECK (service_code ~ '^[a-z][a-z0-9-]{1,63}$'),
    kind            text NOT NULL CHECK (kind IN ('window', 'inspection', 'exam')),
    -- 'one_hour': change until 1 hour before the start (F114, F115);
    -- 'prev_workday_17': until 17:00 of the previous working day (F075, F120)
    change_cutoff   text NOT NULL CHECK (change_cutoff IN ('one_hour', 'prev_workday_17')),
    max_reschedules smallint NOT NULL CHECK (max_reschedules BETWEEN 0 AND 10),
    -- true: only the next 7 working days can be booked (F113, F075); exam sessions open at release
    horizon_limited boolean NOT NULL DEFAULT true,
    PRIMARY KEY (site_id, service_code)
);
CREATE INDEX appt_site_services_service ON appt_site_services (service_code);

-- Opening schedule: on every working day, slots of slot_minutes from opens_at to closes_at.
CREATE TABLE appt_schedules (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    site_id       bigint NOT NULL,
    service_code  text NOT NULL,
    opens_at      time NOT NULL,
    closes_at     time NOT NULL,
    slot_minutes  smallint NOT NULL CHECK (slot_minutes BETWEEN 5 AND 480),
    capacity      integer NOT NULL CHECK (capacity BETWEEN 1 AND 10000),
    FOREIGN KEY (site_id, service_code) REFERENCES appt_site_services (site_id, service_code) ON DELETE CASCADE,
    CHECK (closes_at > opens_at),
    UNIQUE (site_id, service_code, opens_at)
);

CREATE TABLE appt_slots (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    site_id         bigint NOT NULL,
    service_code    text NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('window', 'inspection', 'exam')),
    day             date NOT NULL,              -- Asia/Shanghai business date of starts_at
    starts_at       timestamptz NOT NULL,
    ends_at         timestamptz NOT NULL,
    capacity        integer NOT NULL CHECK (capacity > 0),
    seats_taken     integer NOT NULL DEFAULT 0,
    -- one entry per cancelled seat still cooling (against slot trading); expired entries are
    -- dropped by the next booking of the slot, under the same row lock
    cooling         timestamptz[] NOT NULL DEFAULT '{}',
    release_at      timestamptz,                -- exam batches open at an announced time; NULL: open
    book_until      timestamptz NOT NULL,       -- last moment a booking is accepted
    change_until    timestamptz NOT NULL,       -- last moment to cancel or reschedule
    max_reschedules smallint NOT NULL,
    horizon_limited boolean NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (site_id, service_code) REFERENCES appt_site_services (site_id, service_code) ON DELETE CASCADE,
    CHECK (ends_at > starts_at),
    -- never oversold: booked seats plus cooling seats fit in the capacity
    CHECK (seats_taken >= 0 AND seats_taken + cardinality(cooling) <= capacity),
    UNIQUE (site_id, service_code, starts_at)
);
CREATE INDEX appt_slots_service_day ON appt_slots (service_code, day);

CREATE TABLE appt_waitlist (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id       bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    service_code  text NOT NULL,
    day           date NOT NULL,
    site_id       bigint REFERENCES appt_sites(id) ON DELETE CASCADE,  -- NULL: any site
    status        text NOT NULL DEFAULT 'waiting'
                  CHECK (status IN ('waiting', 'booked', 'superseded', 'cancelled', 'expired')),
    appointment_id bigint,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
-- one waiting registration per person, service and day
CREATE UNIQUE INDEX appt_waitlist_one_waiting ON appt_waitlist (user_id, service_code, day) WHERE status = 'waiting';
CREATE INDEX appt_waitlist_queue ON appt_waitlist (service_code, day, id) WHERE status = 'waiting';

CREATE TABLE appointments (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id         bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    slot_id         bigint NOT NULL REFERENCES appt_slots(id),
    site_id         bigint NOT NULL REFERENCES appt_sites(id),
    service_code    text NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('window', 'inspection', 'exam')),
    starts_at       timestamptz NOT NULL,
    change_until    timestamptz NOT NULL,
    max_reschedules smallint NOT NULL,
    code            text NOT NULL UNIQUE,       -- the booking code shown as a QR on the phone
    status          text NOT NULL DEFAULT 'booked'
                    CHECK (status IN ('booked', 'checked_in', 'cancelled', 'no_show')),
    reschedules     smallint NOT NULL DEFAULT 0,
    application_id  bigint,                     -- the case it is for, when known
    assigned_by     bigint REFERENCES users(id),  -- staff who assigned it (exam slots)
    waitlist_id     bigint UNIQUE REFERENCES appt_waitlist(id),  -- booked from the waitlist: once
    created_at      timestamptz NOT NULL DEFAULT now(),
    checked_in_at   timestamptz,
    cancelled_at    timestamptz,
    no_show_at      timestamptz,
    CHECK (reschedules <= max_reschedules)
);
-- one active booking per person per service (F113)
CREATE UNIQUE INDEX appointments_one_active ON appointments (user_id, service_code) WHERE status = 'booked';
CREATE INDEX appointments_user ON appointments (user_id, created_at DESC);
CREATE INDEX appointments_slot ON appointments (slot_id) WHERE status = 'booked';
CREATE INDEX appointments_due ON appointments (starts_at) WHERE status = 'booked';
CREATE INDEX appointments_no_shows ON appointments (user_id, no_show_at) WHERE status = 'no_show';
ALTER TABLE appt_waitlist ADD FOREIGN KEY (appointment_id) REFERENCES appointments(id);

CREATE TABLE appointment_changes (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    appointment_id  bigint NOT NULL REFERENCES appointments(id) ON DELETE CASCADE,
    from_slot_id    bigint NOT NULL REFERENCES appt_slots(id),
    to_slot_id      bigint NOT NULL REFERENCES appt_slots(id),
    changed_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX appointment_changes_appt ON appointment_changes (appointment_id);

-- Bookings made per person per business day (per-person daily limit; failed attempts roll back).
CREATE TABLE appt_daily_bookings (
    user_id   bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    day       date NOT NULL,
    used      integer NOT NULL CHECK (used >= 0),
    PRIMARY KEY (user_id, day)
);

-- 3 no-shows in 90 days suspend online booking for 30 days (F116).
CREATE TABLE appt_suspensions (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id     bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    starts_at   timestamptz NOT NULL,
    ends_at     timestamptz NOT NULL,
    no_shows    integer NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX appt_suspensions_user ON appt_suspensions (user_id, ends_at DESC);

-- Exam sessions open in batches at an announced time; applicants whose checks passed are invited
-- and told (exam_slot) when a batch of their service opens, or at once if one is already open.
CREATE TABLE appt_exam_batches (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    service_code  text NOT NULL,
    release_at    timestamptz NOT NULL,
    announced_at  timestamptz,
    UNIQUE (service_code, release_at)
);
CREATE INDEX appt_exam_batches_due ON appt_exam_batches (release_at) WHERE announced_at IS NULL;

CREATE TABLE appt_exam_invitations (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id         bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    service_code    text NOT NULL,
    application_id  bigint,
    status          text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'booked')),
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX appt_exam_invitations_open ON appt_exam_invitations (user_id, service_code) WHERE status = 'open';
