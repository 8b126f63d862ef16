-- Issue 20 (F017-F021): taxi-driver registration filed by the taxi company for its driver: the same
-- filing as 代办 (the case is the driver's; migration 0198), of kind 'taxi', made while acting for the
-- enterprise (enterprise_id): the company reaches the case while the filing stands; the driver
-- confirms it in 掌上办 (待确认事项) before it can be submitted.
ALTER TABLE agency_filings
    ADD COLUMN kind text NOT NULL DEFAULT 'person' CHECK (kind IN ('person', 'taxi')),
    ADD COLUMN enterprise_id bigint REFERENCES enterprises(id);
CREATE INDEX agency_filings_enterprise ON agency_filings (enterprise_id) WHERE enterprise_id IS NOT NULL;
