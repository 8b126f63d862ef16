-- People and their roles, refresh tokens, and idempotency keys shared by every creating route.
CREATE TABLE users (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    openid      text UNIQUE,
    unionid     text,
    phone       text UNIQUE CHECK (phone IS NULL OR phone ~ '^1[3-9][0-9]{9}$'),
    name        text,
    id_number   text,
    company_name text,
    credit_code text,
    roles       text[] NOT NULL DEFAULT '{applicant}'
                CHECK (roles <@ ARRAY['applicant','approver','helpdesk','admin','lead']::text[]
                       AND cardinality(roles) > 0),
    steps       text[] NOT NULL DEFAULT '{}',  -- for approvers: the approval steps they may act on
    password_hash text,
    disabled    boolean NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE refresh_tokens (
    id          uuid PRIMARY KEY,
    family_id   uuid NOT NULL,
    user_id     bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash  bytea NOT NULL UNIQUE,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    revoked_at  timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);

CREATE TABLE idempotency_keys (
    user_id     bigint NOT NULL,
    scope       text NOT NULL,
    key         text NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
    request_hash text NOT NULL,
    response    jsonb,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, scope, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
