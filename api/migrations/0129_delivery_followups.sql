-- FAQ F128–F130, after the decision: every EMS shipment of a paper licence is kept (a lost or
-- returned one is replaced by a new shipment with its own tracking number, free of charge, F130),
-- and the applicant may change the address or switch to a window before it is shipped (F129).

CREATE TABLE delivery_shipments (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    delivery_id  bigint NOT NULL REFERENCES deliveries(id),
    -- an EMS number names one parcel: a number typed twice (on two licences) is refused
    tracking_no  text NOT NULL UNIQUE CHECK (tracking_no ~ '^[A-Z0-9]{8,30}$'),
    address      text NOT NULL CHECK (length(btrim(address)) > 0),
    -- NULL: the first shipment; otherwise why the one before it was replaced
    reason       text CHECK (reason IN ('lost', 'returned')),
    shipped_by   bigint REFERENCES users(id),
    shipped_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX delivery_shipments_delivery ON delivery_shipments (delivery_id, id);

-- Licences shipped before this migration: their one shipment.
INSERT INTO delivery_shipments (delivery_id, tracking_no, address, shipped_by, shipped_at)
SELECT id, tracking_no, coalesce(address, '（未记录）'), handled_by, coalesce(handled_at, created_at)
FROM deliveries WHERE status = 'shipped'
ON CONFLICT (tracking_no) DO NOTHING;

-- The applicant changed the address or the way of receiving it (F129), last at this moment.
ALTER TABLE deliveries ADD COLUMN changed_at timestamptz;
