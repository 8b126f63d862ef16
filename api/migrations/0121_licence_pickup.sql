-- FAQ F131 窗口自取: the window a paper licence waits at, the last day it is held there (30 days),
-- who collected it (the applicant, or a proxy with the applicant's signed authorisation letter),
-- and the switch to express to the account's default address when it is not collected in time.
--
-- On a fresh database this file runs before 0030 (appointments); on one already migrated, after
-- it. So nothing here refers to the appointments tables: the chosen site is kept as a snapshot
-- (code, name, address) taken when the delivery is prepared.

-- 账号中的默认地址: one default postal address per account (express deliveries fall back to it).
CREATE TABLE user_addresses (
    user_id     bigint PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    address     text NOT NULL CHECK (length(btrim(address)) BETWEEN 5 AND 200),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE deliveries
    ADD COLUMN site_code            text,
    ADD COLUMN site_name            text,
    ADD COLUMN site_address         text,
    ADD COLUMN held_until           date,           -- pickup: the last day the window keeps it
    ADD COLUMN collected_by         text CHECK (collected_by IN ('applicant', 'proxy')),
    ADD COLUMN proxy_name           text,
    ADD COLUMN proxy_id_number      text CHECK (proxy_id_number ~ '^[0-9]{17}[0-9X]$'),
    ADD COLUMN proxy_letter_checked boolean,
    ADD COLUMN lapsed_at            timestamptz,    -- not collected in time: switched to express
    ADD COLUMN address_asked_at     timestamptz;    -- no default address then: told once to add one

-- Before this migration only the applicant could be recorded as collecting.
UPDATE deliveries SET collected_by = 'applicant' WHERE status = 'picked_up';
-- Pickups already waiting were never told of a hold: theirs starts now.
UPDATE deliveries SET held_until = (now() AT TIME ZONE 'Asia/Shanghai')::date + 30
WHERE method = 'pickup' AND status = 'pending';

ALTER TABLE deliveries
    ADD CONSTRAINT deliveries_collected_by CHECK ((status = 'picked_up') = (collected_by IS NOT NULL)),
    -- a proxy is named, identified and brought the signed letter; nobody else has proxy data
    ADD CONSTRAINT deliveries_proxy CHECK (
        (coalesce(collected_by, '') = 'proxy')
        = (proxy_name IS NOT NULL AND proxy_id_number IS NOT NULL AND proxy_letter_checked IS NOT NULL)),
    ADD CONSTRAINT deliveries_proxy_letter CHECK (coalesce(collected_by, '') <> 'proxy' OR proxy_letter_checked),
    ADD CONSTRAINT deliveries_pickup_held CHECK (method <> 'pickup' OR status <> 'pending' OR held_until IS NOT NULL),
    ADD CONSTRAINT deliveries_lapsed_express CHECK (lapsed_at IS NULL OR method = 'express');

CREATE INDEX deliveries_pickup_held ON deliveries (held_until) WHERE status = 'pending' AND method = 'pickup';
