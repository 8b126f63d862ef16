-- SMS login codes. Only a keyed hash of the code is stored.
-- One row per phone that ever asked for a code: locking it serialises that phone's requests,
-- so the per-phone limits are counted without a check-then-insert race.
CREATE TABLE sms_login_phones (
    phone       text PRIMARY KEY CHECK (phone ~ '^1[3-9][0-9]{9}$'),
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sms_codes (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    phone       text NOT NULL REFERENCES sms_login_phones(phone) ON DELETE CASCADE,
    code_hash   bytea NOT NULL,
    ip          text,
    tries       integer NOT NULL DEFAULT 0 CHECK (tries BETWEEN 0 AND 5),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CHECK (expires_at > created_at)
);
CREATE INDEX sms_codes_phone_recent ON sms_codes (phone, created_at DESC);
CREATE INDEX sms_codes_created ON sms_codes (created_at);
