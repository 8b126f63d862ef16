-- Issue 19 (identity gate, F116 with F088): the online-booking limits and no-show suspensions
-- belong to the verified person, not to the account. One verified person <-> one account at a time,
-- so only a new account of a person whose earlier account was released (closed, identity released)
-- can meet history held elsewhere: when an account becomes a verified person, the suspensions and
-- daily booking counts of the person's earlier accounts are carried over to it, and the no-show count
-- that leads to a suspension reads every account of the person (person_accounts; appointments'
-- suspend_if_due). The booking itself keeps reading its own account's rows: no extra work per booking.
CREATE INDEX identities_hash ON identities (id_hash);

-- The account and every other account ever recorded as the same person (any status).
CREATE FUNCTION person_accounts(uid bigint) RETURNS SETOF bigint
LANGUAGE sql STABLE AS $$
    SELECT uid
    UNION
    SELECT o.user_id FROM identities me JOIN identities o ON o.id_hash = me.id_hash
     WHERE me.user_id = uid AND me.status = 'verified'
$$;

CREATE FUNCTION identities_carry_person_over() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status = 'verified' AND (TG_OP = 'INSERT' OR OLD.status IS DISTINCT FROM 'verified') THEN
        INSERT INTO appt_suspensions (user_id, starts_at, ends_at, no_shows)
        SELECT NEW.user_id, p.starts_at, p.ends_at, p.no_shows
          FROM appt_suspensions p
         WHERE p.user_id IN (SELECT o.user_id FROM identities o
                              WHERE o.id_hash = NEW.id_hash AND o.user_id <> NEW.user_id)
           AND NOT EXISTS (SELECT 1 FROM appt_suspensions s
                            WHERE s.user_id = NEW.user_id AND s.starts_at = p.starts_at AND s.ends_at = p.ends_at);
        INSERT INTO appt_daily_bookings AS d (user_id, day, used)
        SELECT NEW.user_id, b.day, sum(b.used)::int
          FROM appt_daily_bookings b
         WHERE b.user_id IN (SELECT o.user_id FROM identities o
                              WHERE o.id_hash = NEW.id_hash AND o.user_id <> NEW.user_id)
         GROUP BY b.day
        ON CONFLICT (user_id, day) DO UPDATE SET used = d.used + excluded.used;
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER identities_carry_person_over
AFTER INSERT OR UPDATE OF status ON identities
FOR EACH ROW EXECUTE FUNCTION identities_carry_person_over();

-- POST /me/identity/verifications honours Idempotency-Key (issue 19): the key of the try it started,
-- and a keyed HMAC (ZSB_IDENTITY_HASH_KEY) of the name and number it was for — never the number itself.
ALTER TABLE identity_face_attempts ADD COLUMN idem_key text, ADD COLUMN idem_hash bytea;
CREATE UNIQUE INDEX identity_face_attempts_idem ON identity_face_attempts (user_id, idem_key)
    WHERE idem_key IS NOT NULL;
