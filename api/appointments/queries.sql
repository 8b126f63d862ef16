-- name: book_seat(slot_id, user_id, now, today, horizon_end, online, daily_limit, code, service_code, application_id, assigned_by, waitlist_id, appointment_id, enterprise_id)^
-- The whole booking in one round trip. The rules are read from the slot; the daily counter and
-- the seat are taken by conditional writes; the partial unique index refuses a second active
-- booking for the service. The caller raises on any missing piece, rolling everything back.
-- enterprise_id: the subject the booking belongs to (NULL: the person); the limits stay the person's.
WITH slot AS (
    SELECT s.id, s.site_id, st.name AS site_name, s.service_code, s.kind, s.starts_at, s.ends_at,
           s.change_until, s.max_reschedules, s.release_at,
           (s.release_at IS NULL OR s.release_at <= :now OR NOT :online) AS released,
           (s.book_until > :now AND (NOT :online OR NOT s.horizon_limited OR s.day <= :horizon_end)) AS is_open,
           (NOT :online OR NOT EXISTS (SELECT 1 FROM appt_suspensions p
                                       WHERE p.user_id = :user_id AND p.ends_at > :now)) AS allowed,
           (:service_code::text IS NULL OR s.service_code = :service_code::text) AS service_ok
    FROM appt_slots s JOIN appt_sites st ON st.id = s.site_id
    WHERE s.id = :slot_id
),
quota AS (
    INSERT INTO appt_daily_bookings AS d (user_id, day, used)
    SELECT :user_id, :today, 1 FROM slot
    WHERE :online AND slot.released AND slot.is_open AND slot.allowed AND slot.service_ok
    ON CONFLICT (user_id, day) DO UPDATE SET used = d.used + 1 WHERE d.used < :daily_limit
    RETURNING used
),
seat AS (
    UPDATE appt_slots s
    SET seats_taken = s.seats_taken + 1,
        cooling = ARRAY(SELECT c FROM unnest(s.cooling) c WHERE c > :now)
    FROM slot
    WHERE s.id = slot.id AND slot.released AND slot.is_open AND slot.allowed AND slot.service_ok
      AND (NOT :online OR EXISTS (SELECT 1 FROM quota))
      AND s.seats_taken + (SELECT count(*) FROM unnest(s.cooling) c WHERE c > :now) < s.capacity
    RETURNING s.id
),
appt AS (
    INSERT INTO appointments (id, user_id, slot_id, site_id, service_code, kind, starts_at, change_until,
                              max_reschedules, code, application_id, assigned_by, waitlist_id, created_at,
                              enterprise_id)
    OVERRIDING SYSTEM VALUE
    SELECT coalesce(:appointment_id::bigint, nextval(pg_get_serial_sequence('appointments', 'id'))), :user_id, slot.id, slot.site_id, slot.service_code, slot.kind, slot.starts_at, slot.change_until,
           slot.max_reschedules, :code, :application_id, :assigned_by, :waitlist_id, :now, :enterprise_id::bigint
    FROM slot JOIN seat ON seat.id = slot.id
    ON CONFLICT (user_id, service_code) WHERE status = 'booked' DO NOTHING
    RETURNING id
)
SELECT slot.id AS slot_id, slot.site_id, slot.site_name, slot.service_code, slot.kind, slot.starts_at,
       slot.ends_at, slot.change_until, slot.max_reschedules, slot.release_at,
       slot.released, slot.is_open, slot.allowed, slot.service_ok,
       (NOT :online OR EXISTS (SELECT 1 FROM quota)) AS within_limit,
       EXISTS (SELECT 1 FROM seat) AS seated,
       (SELECT id FROM appt) AS appointment_id
FROM (SELECT 1) AS one LEFT JOIN slot ON true;

-- name: look_before_booking(slot_id, now, user_id, idem_scope, idem_key)^
-- One committed-state read before an online booking. ``full``: every seat is booked or cooling
-- right now and this is not the retry of a request whose first answer is kept under its
-- Idempotency-Key (a full slot stays full: freed seats cool first). Otherwise the booking this
-- slot would give, with the id it will have (service.book_online writes its confirmation first
-- and takes the seat last). No row: no such slot.
WITH look AS (
    SELECT s.id AS slot_id, s.site_id, st.name AS site_name, s.service_code, s.kind, s.starts_at, s.ends_at,
           s.change_until, s.max_reschedules,
           s.seats_taken + (SELECT count(*) FROM unnest(s.cooling) c WHERE c > :now) >= s.capacity
           AND NOT EXISTS (SELECT 1 FROM idempotency_keys k
                           WHERE k.user_id = :user_id AND k.scope = :idem_scope AND k.key = :idem_key::text) AS full
    FROM appt_slots s JOIN appt_sites st ON st.id = s.site_id
    WHERE s.id = :slot_id
)
SELECT look.*,
       CASE WHEN NOT look.full THEN nextval(pg_get_serial_sequence('appointments', 'id')) END AS appointment_id
FROM look;

-- name: active_suspension(user_id, now)^
SELECT ends_at, no_shows FROM appt_suspensions
WHERE user_id = :user_id AND ends_at > :now ORDER BY ends_at DESC LIMIT 1;

-- name: get_appointment(id)^
SELECT a.*, st.name AS site_name, st.address AS site_address, s.ends_at
FROM appointments a
JOIN appt_sites st ON st.id = a.site_id
JOIN appt_slots s ON s.id = a.slot_id
WHERE a.id = :id;

-- name: get_appointment_by_code(code)^
SELECT a.*, st.name AS site_name, st.address AS site_address, s.ends_at
FROM appointments a
JOIN appt_sites st ON st.id = a.site_id
JOIN appt_slots s ON s.id = a.slot_id
WHERE a.code = :code;

-- name: holder(user_id)^
SELECT name, phone FROM users WHERE id = :user_id;

-- name: list_user_appointments(user_id)
SELECT a.*, st.name AS site_name, st.address AS site_address, s.ends_at
FROM appointments a
JOIN appt_sites st ON st.id = a.site_id
JOIN appt_slots s ON s.id = a.slot_id
WHERE a.user_id = :user_id AND a.enterprise_id IS NULL
ORDER BY a.starts_at DESC
LIMIT 100;

-- name: list_enterprise_appointments(enterprise_id, all_services, services)
-- An enterprise's bookings, whichever of its people made them; an 经办人's: of the granted services.
SELECT a.*, st.name AS site_name, st.address AS site_address, s.ends_at
FROM appointments a
JOIN appt_sites st ON st.id = a.site_id
JOIN appt_slots s ON s.id = a.slot_id
WHERE a.enterprise_id = :enterprise_id AND (:all_services OR a.service_code = ANY(:services::text[]))
ORDER BY a.starts_at DESC
LIMIT 100;

-- name: lock_appointment(id)^
SELECT * FROM appointments WHERE id = :id FOR UPDATE;

-- name: cancel_appointment(id, now)^
UPDATE appointments SET status = 'cancelled', cancelled_at = :now
WHERE id = :id AND status = 'booked'
RETURNING *;

-- name: lock_slots(ids)
-- Both slots of a reschedule, in id order, so two opposite reschedules cannot deadlock.
SELECT id FROM appt_slots WHERE id = ANY(:ids::bigint[]) ORDER BY id FOR UPDATE;

-- name: take_seat(slot_id, now, horizon_end, service_code)^
WITH slot AS (
    SELECT s.*, st.name AS site_name,
           (s.release_at IS NULL OR s.release_at <= :now) AS released,
           (s.book_until > :now AND (NOT s.horizon_limited OR s.day <= :horizon_end)) AS is_open,
           s.service_code = :service_code::text AS service_ok
    FROM appt_slots s JOIN appt_sites st ON st.id = s.site_id
    WHERE s.id = :slot_id
),
seat AS (
    UPDATE appt_slots s
    SET seats_taken = s.seats_taken + 1,
        cooling = ARRAY(SELECT c FROM unnest(s.cooling) c WHERE c > :now)
    FROM slot
    WHERE s.id = slot.id AND slot.released AND slot.is_open AND slot.service_ok
      AND s.seats_taken + (SELECT count(*) FROM unnest(s.cooling) c WHERE c > :now) < s.capacity
    RETURNING s.id
)
SELECT slot.id, slot.site_id, slot.site_name, slot.kind, slot.starts_at, slot.ends_at, slot.change_until,
       slot.released, slot.is_open, slot.service_ok, EXISTS (SELECT 1 FROM seat) AS seated
FROM (SELECT 1) AS one LEFT JOIN slot ON true;

-- name: move_appointment(id, slot_id)^
UPDATE appointments a
SET slot_id = s.id, site_id = s.site_id, starts_at = s.starts_at, change_until = s.change_until,
    reschedules = a.reschedules + 1
FROM appt_slots s
WHERE a.id = :id AND s.id = :slot_id
RETURNING a.*;

-- name: record_change(appointment_id, from_slot_id, to_slot_id, now)!
INSERT INTO appointment_changes (appointment_id, from_slot_id, to_slot_id, changed_at)
VALUES (:appointment_id, :from_slot_id, :to_slot_id, :now);

-- name: cool_seat(slot_id, now, cooling_until)!
-- A freed seat is not free yet: it cools (F114's release, delayed against slot trading).
UPDATE appt_slots
SET seats_taken = seats_taken - 1,
    cooling = ARRAY(SELECT c FROM unnest(cooling) c WHERE c > :now) || :cooling_until::timestamptz
WHERE id = :slot_id;

-- name: slot_for_handover(slot_id)^
SELECT s.id, s.service_code, s.day, s.site_id, st.name AS site_name, s.starts_at, s.book_until
FROM appt_slots s JOIN appt_sites st ON st.id = s.site_id WHERE s.id = :slot_id;

-- name: next_waiting(service_code, day, site_id, now)^
SELECT w.* FROM appt_waitlist w
WHERE w.service_code = :service_code AND w.day = :day AND w.status = 'waiting'
  AND (w.site_id IS NULL OR w.site_id = :site_id)
  AND NOT EXISTS (SELECT 1 FROM appt_suspensions p WHERE p.user_id = w.user_id AND p.ends_at > :now)
ORDER BY w.id
LIMIT 1
FOR UPDATE OF w SKIP LOCKED;

-- name: lock_waiting(id)^
SELECT * FROM appt_waitlist WHERE id = :id AND status = 'waiting' FOR UPDATE SKIP LOCKED;

-- name: hand_over_seat(slot_id, user_id, code, waitlist_id, now)$
-- The seat stays taken: it passes from the cancelled booking to the first person waiting.
-- The booking belongs to the waiting entry's subject.
INSERT INTO appointments (user_id, slot_id, site_id, service_code, kind, starts_at, change_until,
                          max_reschedules, code, waitlist_id, created_at, enterprise_id)
SELECT :user_id, s.id, s.site_id, s.service_code, s.kind, s.starts_at, s.change_until,
       s.max_reschedules, :code, :waitlist_id, :now, (SELECT w.enterprise_id FROM appt_waitlist w WHERE w.id = :waitlist_id)
FROM appt_slots s WHERE s.id = :slot_id
ON CONFLICT (user_id, service_code) WHERE status = 'booked' DO NOTHING
RETURNING id;

-- name: set_waitlist_status(id, status, appointment_id, now)!
UPDATE appt_waitlist SET status = :status, appointment_id = :appointment_id, updated_at = :now
WHERE id = :id AND status = 'waiting';

-- name: join_waitlist(user_id, service_code, day, site_id, enterprise_id)^
INSERT INTO appt_waitlist (user_id, service_code, day, site_id, enterprise_id)
VALUES (:user_id, :service_code, :day, :site_id, :enterprise_id)
ON CONFLICT (user_id, service_code, day) WHERE status = 'waiting' DO NOTHING
RETURNING *;

-- name: get_waiting(user_id, service_code, day)^
SELECT * FROM appt_waitlist
WHERE user_id = :user_id AND service_code = :service_code AND day = :day AND status = 'waiting';

-- name: waitlist_position(id)$
SELECT count(*) FROM appt_waitlist o JOIN appt_waitlist w ON w.id = :id
WHERE o.service_code = w.service_code AND o.day = w.day AND o.status = 'waiting' AND o.id <= w.id;

-- name: day_availability(service_code, day, site_id, now, horizon_end)^
-- Released slots of the day that are still bookable: free seats now, and seats cooling.
SELECT count(*) AS slots,
       coalesce(sum(greatest(0, s.capacity - s.seats_taken
                             - (SELECT count(*) FROM unnest(s.cooling) c WHERE c > :now))), 0)::int AS free
FROM appt_slots s
WHERE s.service_code = :service_code AND s.day = :day AND (s.release_at IS NULL OR s.release_at <= :now)
  AND s.book_until > :now AND (NOT s.horizon_limited OR s.day <= :horizon_end)
  AND (:site_id::bigint IS NULL OR s.site_id = :site_id::bigint);

-- name: has_active_booking(user_id, service_code)$
SELECT EXISTS (SELECT 1 FROM appointments WHERE user_id = :user_id AND service_code = :service_code
               AND status = 'booked');

-- name: waitlist_candidates(now)
-- Waiting people for whom a seat is free now (cooling over, or new slots generated).
SELECT w.id AS waitlist_id, w.user_id, s.id AS slot_id
FROM appt_waitlist w
JOIN LATERAL (
    SELECT s.id FROM appt_slots s
    WHERE s.service_code = w.service_code AND s.day = w.day
      AND (w.site_id IS NULL OR s.site_id = w.site_id)
      AND (s.release_at IS NULL OR s.release_at <= :now) AND s.book_until > :now
      AND s.seats_taken + (SELECT count(*) FROM unnest(s.cooling) c WHERE c > :now) < s.capacity
    ORDER BY s.starts_at LIMIT 1
) s ON true
WHERE w.status = 'waiting'
ORDER BY w.id
LIMIT 200;

-- name: expire_waitlist(today, now)!
UPDATE appt_waitlist SET status = 'expired', updated_at = :now WHERE status = 'waiting' AND day < :today;

-- name: check_in(id, now)^
UPDATE appointments SET status = 'checked_in', checked_in_at = :now
WHERE id = :id AND status = 'booked'
  AND :now >= starts_at - interval '30 minutes' AND :now <= starts_at + interval '15 minutes'
RETURNING *;

-- name: mark_no_shows(now)
-- F116 / F118: neither cancelled nor checked in by 15 minutes after the start.
UPDATE appointments SET status = 'no_show', no_show_at = :now
WHERE status = 'booked' AND starts_at + interval '15 minutes' < :now
RETURNING id, user_id;

-- name: suspend_if_due(user_id, now, threshold, window_days, suspend_days)^
-- No-shows that already led to a suspension do not count again. They count per verified person: every
-- account ever recorded as the same person (person_accounts, migration 0193).
INSERT INTO appt_suspensions (user_id, starts_at, ends_at, no_shows)
SELECT :user_id, :now::timestamptz, :now::timestamptz + make_interval(days => :suspend_days::int), c.n
FROM (
    SELECT count(*)::int AS n FROM appointments a
    WHERE a.user_id IN (SELECT person_accounts(:user_id)) AND a.status = 'no_show'
      AND a.starts_at > :now::timestamptz - make_interval(days => :window_days::int)
      AND a.no_show_at > coalesce((SELECT max(p.starts_at) FROM appt_suspensions p
                                    WHERE p.user_id IN (SELECT person_accounts(:user_id))),
                                  '-infinity'::timestamptz)
) AS c
WHERE c.n >= :threshold::int
RETURNING *;

-- name: due_reminders(from_ts, to_ts)
SELECT a.id, a.user_id, a.starts_at, a.code, a.service_code, a.kind, st.name AS site_name, st.address AS site_address
FROM appointments a JOIN appt_sites st ON st.id = a.site_id
WHERE a.status = 'booked' AND a.starts_at >= :from_ts AND a.starts_at < :to_ts
ORDER BY a.id;

-- name: list_sites()
SELECT st.id, st.code, st.name, st.kind, st.address, st.phone,
       coalesce(array_agg(ss.service_code ORDER BY ss.service_code)
                FILTER (WHERE ss.service_code IS NOT NULL), '{}') AS services
FROM appt_sites st LEFT JOIN appt_site_services ss ON ss.site_id = st.id
WHERE st.active
GROUP BY st.id
ORDER BY st.id;

-- name: list_slots(service_code, site_id, day, now)
SELECT s.id, s.site_id, st.name AS site_name, s.service_code, s.kind, s.day, s.starts_at, s.ends_at,
       s.capacity, s.book_until, s.horizon_limited,
       greatest(0, s.capacity - s.seats_taken
                   - (SELECT count(*) FROM unnest(s.cooling) c WHERE c > :now))::int AS seats_left
FROM appt_slots s JOIN appt_sites st ON st.id = s.site_id
WHERE (:service_code::text IS NULL OR s.service_code = :service_code::text)
  AND (:site_id::bigint IS NULL OR s.site_id = :site_id::bigint)
  AND (:day::date IS NULL OR s.day = :day::date)
  AND (s.release_at IS NULL OR s.release_at <= :now) AND s.book_until > :now
ORDER BY s.starts_at, s.site_id
LIMIT 500;

-- name: site_schedules(site_id, service_code)
SELECT sc.site_id, sc.service_code, sc.opens_at, sc.closes_at, sc.slot_minutes, sc.capacity,
       ss.kind, ss.change_cutoff, ss.max_reschedules, ss.horizon_limited
FROM appt_schedules sc JOIN appt_site_services ss USING (site_id, service_code)
WHERE sc.site_id = :site_id AND (:service_code::text IS NULL OR sc.service_code = :service_code::text)
ORDER BY sc.service_code, sc.opens_at;

-- name: insert_slot(site_id, service_code, kind, day, starts_at, ends_at, capacity, release_at, book_until, change_until, max_reschedules, horizon_limited)$
INSERT INTO appt_slots (site_id, service_code, kind, day, starts_at, ends_at, capacity, release_at,
                        book_until, change_until, max_reschedules, horizon_limited)
VALUES (:site_id, :service_code, :kind, :day, :starts_at, :ends_at, :capacity, :release_at,
        :book_until, :change_until, :max_reschedules, :horizon_limited)
ON CONFLICT (site_id, service_code, starts_at) DO NOTHING
RETURNING id;

-- name: upsert_exam_batch(service_code, release_at)!
INSERT INTO appt_exam_batches (service_code, release_at) VALUES (:service_code, :release_at)
ON CONFLICT (service_code, release_at) DO NOTHING;

-- name: due_exam_batches(now)
-- Claimed by the conditional update: a batch is announced once, however many workers run.
UPDATE appt_exam_batches SET announced_at = :now
WHERE announced_at IS NULL AND release_at <= :now
RETURNING id, service_code, release_at;

-- name: open_invitations(service_code)
SELECT i.id, i.user_id, i.application_id FROM appt_exam_invitations i
WHERE i.service_code = :service_code AND i.status = 'open'
  AND NOT EXISTS (SELECT 1 FROM appointments a WHERE a.user_id = i.user_id
                  AND a.service_code = i.service_code AND a.status = 'booked')
ORDER BY i.id;

-- name: invite(user_id, service_code, application_id)^
INSERT INTO appt_exam_invitations (user_id, service_code, application_id)
VALUES (:user_id, :service_code, :application_id)
ON CONFLICT (user_id, service_code) WHERE status = 'open' DO UPDATE SET application_id = EXCLUDED.application_id
RETURNING id;

-- name: close_invitations(user_id, service_code)!
UPDATE appt_exam_invitations SET status = 'booked'
WHERE user_id = :user_id AND service_code = :service_code AND status = 'open';

-- name: exam_seats_open(service_code, now)$
SELECT EXISTS (
    SELECT 1 FROM appt_slots s
    WHERE s.service_code = :service_code AND s.kind = 'exam' AND (s.release_at IS NULL OR s.release_at <= :now) AND s.book_until > :now
      AND s.seats_taken + cardinality(s.cooling) < s.capacity);

-- name: upsert_site(code, name, kind, address, phone)$
INSERT INTO appt_sites (code, name, kind, address, phone) VALUES (:code, :name, :kind, :address, :phone)
ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind, address = EXCLUDED.address,
                                 phone = EXCLUDED.phone
RETURNING id;

-- name: upsert_site_service(site_id, service_code, kind, change_cutoff, max_reschedules, horizon_limited)!
INSERT INTO appt_site_services (site_id, service_code, kind, change_cutoff, max_reschedules, horizon_limited)
VALUES (:site_id, :service_code, :kind, :change_cutoff, :max_reschedules, :horizon_limited)
ON CONFLICT (site_id, service_code) DO UPDATE
SET kind = EXCLUDED.kind, change_cutoff = EXCLUDED.change_cutoff, max_reschedules = EXCLUDED.max_reschedules,
    horizon_limited = EXCLUDED.horizon_limited;

-- name: upsert_schedule(site_id, service_code, opens_at, closes_at, slot_minutes, capacity)!
INSERT INTO appt_schedules (site_id, service_code, opens_at, closes_at, slot_minutes, capacity)
VALUES (:site_id, :service_code, :opens_at, :closes_at, :slot_minutes, :capacity)
ON CONFLICT (site_id, service_code, opens_at) DO UPDATE
SET closes_at = EXCLUDED.closes_at, slot_minutes = EXCLUDED.slot_minutes, capacity = EXCLUDED.capacity;

-- name: site_exists(site_id)$
SELECT EXISTS (SELECT 1 FROM appt_sites WHERE id = :site_id);

-- name: case_for_visit(user_id, service_code, exam, application_id, open_statuses, enterprise_id, all_services, services)^
-- The case a visit of this service counts against. ``invited_id`` (exam sessions only): the case
-- of the person's open exam invitation for the service, else of their last exam booking of it (a
-- booking made from the invitation, then cancelled or missed, closed the invitation), while that
-- case is still in progress. The other columns judge the case asked for (or else the invited one):
-- the booker's own, in progress, and of the slot's service or of a bundle (一件事) holding it.
-- Own: of the booker's acting subject (issue 20) — the person's own case as themself, or the
-- enterprise's (of a service granted to the 经办人) when acting for it.
-- No such application: every column but invited_id is NULL. Both look-ups use an index.
WITH candidates AS (
    SELECT i.application_id, 1 AS rank FROM appt_exam_invitations i
    WHERE :exam AND i.user_id = :user_id AND i.service_code = :service_code AND i.status = 'open'
    UNION ALL
    (SELECT p.application_id, 2 FROM appointments p
     WHERE :exam AND p.user_id = :user_id AND p.service_code = :service_code AND p.kind = 'exam'
       AND p.application_id IS NOT NULL
     ORDER BY p.created_at DESC LIMIT 1)
),
invited AS (
    SELECT c.application_id FROM candidates c JOIN applications a ON a.id = c.application_id
    WHERE a.applicant_id = :user_id AND a.status = ANY(:open_statuses::text[])
      AND a.enterprise_id IS NOT DISTINCT FROM :enterprise_id::bigint
    ORDER BY c.rank LIMIT 1
)
SELECT (SELECT application_id FROM invited) AS invited_id, a.id,
       CASE WHEN :enterprise_id::bigint IS NULL THEN a.enterprise_id IS NULL AND a.applicant_id = :user_id
            ELSE a.enterprise_id = :enterprise_id::bigint
                 AND (:all_services OR a.service_code = ANY(:services::text[])) END AS own,
       a.status = ANY(:open_statuses::text[]) AS in_progress,
       (a.service_code = :service_code
        OR EXISTS (SELECT 1 FROM bundle_members b
                   WHERE b.bundle_code = a.service_code AND b.member_code = :service_code)) AS service_ok
FROM (SELECT 1) AS one
LEFT JOIN applications a ON a.id = coalesce(:application_id::bigint, (SELECT application_id FROM invited));

-- name: exam_bookings_from(user_id, service_code, application_id, from_ts)
-- Exam bookings of an ended case still to come (F123). An online booking names no application.
SELECT id FROM appointments
WHERE user_id = :user_id AND service_code = :service_code AND kind = 'exam' AND status = 'booked'
  AND starts_at >= :from_ts AND (application_id IS NULL OR application_id = :application_id)
ORDER BY id;
