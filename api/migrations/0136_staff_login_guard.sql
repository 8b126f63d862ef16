-- Per-account protection of the staff password login (issue 17, item 4), shared by the API's
-- staff login and the console's sign-in. Keyed by the phone typed in, whether or not an account
-- has it, so a lock says nothing about which phones are staff accounts; no client address is
-- involved, so no address trick gets around it.
CREATE TABLE staff_login_guard (
    phone        text PRIMARY KEY,
    tries        integer NOT NULL DEFAULT 0,  -- password tries since the last success or lock
    locks        integer NOT NULL DEFAULT 0,  -- locks in a row: each lasts twice the one before
    locked_until timestamptz,
    updated_at   timestamptz NOT NULL DEFAULT now()
);
