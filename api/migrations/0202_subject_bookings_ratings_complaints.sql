-- Issue 20 (subjects): every booking, waitlist entry, rating and complaint belongs to a subject, as a
-- case does (migration 0189): the person who acted (enterprise_id NULL) or the enterprise they acted
-- for. user_id / complainant_id stay the person who acted: the per-person booking limits, no-show
-- suspensions and the one active booking per person and service keep reading them.
ALTER TABLE appointments ADD COLUMN enterprise_id bigint REFERENCES enterprises(id);
ALTER TABLE appt_waitlist ADD COLUMN enterprise_id bigint REFERENCES enterprises(id);
ALTER TABLE ratings ADD COLUMN enterprise_id bigint REFERENCES enterprises(id);
ALTER TABLE complaints ADD COLUMN enterprise_id bigint REFERENCES enterprises(id);

-- Rows made before: the subject of the case they belong to, where there is one.
UPDATE appointments p SET enterprise_id = a.enterprise_id
  FROM applications a
 WHERE a.id = p.application_id AND a.enterprise_id IS NOT NULL;
UPDATE appt_waitlist w SET enterprise_id = p.enterprise_id
  FROM appointments p
 WHERE p.id = w.appointment_id AND p.enterprise_id IS NOT NULL;
UPDATE ratings r SET enterprise_id = a.enterprise_id
  FROM applications a
 WHERE r.target_type = 'application' AND a.id = r.target_id AND a.enterprise_id IS NOT NULL;
UPDATE ratings r SET enterprise_id = p.enterprise_id
  FROM appointments p
 WHERE r.target_type = 'appointment' AND p.id = r.target_id AND p.enterprise_id IS NOT NULL;
UPDATE complaints c SET enterprise_id = a.enterprise_id
  FROM applications a
 WHERE c.target_type = 'application' AND a.id = c.target_id AND a.enterprise_id IS NOT NULL;

-- The enterprise's lists (its 经办人 read them filtered by their grant).
CREATE INDEX appointments_enterprise ON appointments (enterprise_id, starts_at DESC) WHERE enterprise_id IS NOT NULL;
CREATE INDEX ratings_enterprise ON ratings (enterprise_id, id DESC) WHERE enterprise_id IS NOT NULL;
CREATE INDEX complaints_enterprise ON complaints (enterprise_id, id DESC) WHERE enterprise_id IS NOT NULL;

-- Each finished matter is rated once by its subject (F142): an enterprise's case or booking once,
-- whichever of its 经办人 rates it (ratings_one_per_target already holds one per person).
CREATE UNIQUE INDEX ratings_one_per_enterprise_target ON ratings (target_type, target_id)
    WHERE enterprise_id IS NOT NULL AND voided_at IS NULL;
