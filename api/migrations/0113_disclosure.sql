-- 许可结果公示: which services publish their decisions, and whether their licences are held by
-- companies (published by name) or by individuals (published as counts only).
-- NULL means "not decided yet": the disclosure seeder fills it for the shipped catalogue (a
-- fresh database gets its services from `zsb seed`, after the migrations) and never overwrites
-- a value an admin has set. The UPDATEs below cover databases seeded before this migration.
ALTER TABLE services ADD COLUMN disclose boolean;
ALTER TABLE services ADD COLUMN holder_kind text CHECK (holder_kind IN ('company', 'individual'));

UPDATE services SET disclose = code IN ('freight-operating-permit', 'dangerous-goods-permit', 'oversize-transport-permit',
                                        'ship-operating-cert', 'city-road-special-vehicle', 'temporary-plate',
                                        'ride-hailing-vehicle-permit', 'taxi-driver-cert',
                                        'ride-hailing-driver-cert')
WHERE disclose IS NULL;
UPDATE services SET holder_kind = CASE WHEN code IN ('taxi-driver-cert', 'ride-hailing-driver-cert',
                                                     'taxi-driver-registration', 'ride-hailing-vehicle-permit')
                                       THEN 'individual' ELSE 'company' END
WHERE holder_kind IS NULL;

-- Published decisions are read by date; the licence's service is found through its type.
CREATE INDEX licences_issued ON licences (issued_at);
CREATE INDEX services_licence_type ON services (licence_type) WHERE licence_type IS NOT NULL;
