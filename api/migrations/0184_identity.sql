-- Real-name identity (issue 19): the verified person behind an account, and the face-verification
-- attempts that lead to one. ID numbers are never stored in plain text: id_cipher is AES-GCM under the
-- key named by id_key_id (api/identity/crypto.py, ZSB_IDENTITY_KEYS), and id_hash a keyed HMAC-SHA256 of
-- the type and the normalised number, for look-ups and for "one verified person <-> one account".
CREATE TABLE identities (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id     bigint NOT NULL REFERENCES users(id),
    status      text NOT NULL CHECK (status IN ('pending', 'verified', 'refused', 'released')),
    method      text NOT NULL CHECK (method IN ('face', 'window', 'document')),
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    id_type     text NOT NULL CHECK (id_type IN ('resident_id', 'hk_macau_permit', 'taiwan_permit',
                                                 'residence_permit', 'foreign_permanent', 'passport')),
    id_cipher   bytea NOT NULL,  -- 12-byte nonce || AES-GCM ciphertext and tag
    id_key_id   text NOT NULL,
    id_hash     bytea NOT NULL CHECK (length(id_hash) = 32),
    id_masked   text NOT NULL,   -- first 3 and last 4 characters, for lists that must not decrypt
    evidence    jsonb NOT NULL DEFAULT '{}'::jsonb,
    verified_by bigint REFERENCES users(id),  -- the staff member (window, document); NULL for face
    verified_at timestamptz,
    due_on      date,            -- staff review deadline (documents)
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CHECK (status <> 'verified' OR verified_at IS NOT NULL),
    CHECK (method = 'face' OR status <> 'verified' OR verified_by IS NOT NULL)
);
-- One verified person <-> one account, both ways; at most one review waiting per account.
CREATE UNIQUE INDEX identities_verified_person ON identities (id_hash) WHERE status = 'verified';
CREATE UNIQUE INDEX identities_verified_account ON identities (user_id) WHERE status = 'verified';
CREATE UNIQUE INDEX identities_pending_account ON identities (user_id) WHERE status = 'pending';
CREATE INDEX identities_user ON identities (user_id, created_at DESC);
CREATE INDEX identities_due ON identities (due_on) WHERE status = 'pending';

-- WeChat face verification 2.0 (cityservice/face/identify): one row per getverifyid. Each row is one
-- of the person's tries (F089: at most 5 a day); the certificate stays encrypted for queryverifyinfo's
-- cert_hash and is cleared once the attempt has an outcome.
CREATE TABLE identity_face_attempts (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id     bigint NOT NULL REFERENCES users(id),
    out_seq_no  text NOT NULL UNIQUE CHECK (out_seq_no ~ '^[0-9A-Za-z_-]{5,32}$'),
    verify_id   text,
    expires_at  timestamptz,
    cert_name   text,
    cert_cipher bytea,
    cert_key_id text,
    outcome     text CHECK (outcome IN ('verified', 'failed', 'expired', 'error')),
    verify_ret  integer,
    errcode     integer,
    created_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz
);
CREATE INDEX identity_face_attempts_user ON identity_face_attempts (user_id, created_at);
