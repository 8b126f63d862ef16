-- Reform figures as the bureaus define them (issue 27, DOMAIN.md "Reform figures"): what a case must
-- record for "online" and "instant" to mean what Wenzhou, Ningbo and Jining publish.
--   entered_by             the window staff member who entered the case for the person (F083,
--                          工作人员帮您一次录入): such a case is not online
--   filed_verified         the case's subject was verified when it was filed (set on submission, from
--                          the identity or the enterprise at that moment): only those can be online
--   decided_automatically  decided by the rules on submission (即办件 decided with nobody involved),
--                          not merely of a service declared instant
ALTER TABLE applications
    ADD COLUMN entered_by bigint REFERENCES users(id),
    ADD COLUMN filed_verified boolean,
    ADD COLUMN decided_automatically boolean NOT NULL DEFAULT false;

CREATE FUNCTION applications_filed_verified() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.submitted_at IS NOT NULL AND (TG_OP = 'INSERT' OR OLD.submitted_at IS NULL) THEN
        NEW.filed_verified := CASE WHEN NEW.enterprise_id IS NOT NULL
            THEN EXISTS (SELECT 1 FROM enterprises e WHERE e.id = NEW.enterprise_id AND e.status = 'verified')
            ELSE EXISTS (SELECT 1 FROM identities i WHERE i.user_id = NEW.applicant_id AND i.status = 'verified')
        END;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER applications_filed_verified BEFORE INSERT OR UPDATE OF submitted_at ON applications
    FOR EACH ROW EXECUTE FUNCTION applications_filed_verified();

-- cases filed before identities existed: verified if the applicant is verified now
UPDATE applications a SET filed_verified = EXISTS (SELECT 1 FROM identities i WHERE i.user_id = a.applicant_id
                                                     AND i.status = 'verified')
 WHERE a.submitted_at IS NOT NULL;
