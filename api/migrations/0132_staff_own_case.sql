-- Staff never act on a case they applied for (issue 17 item 2; DOMAIN "Staff never decide their own
-- cases"). The application service refuses first with a clear 403 (api/approvals/service.py
-- refuse_own_case, which asks this same function); these triggers are the backstop for any path
-- that forgets to ask.
--
-- "Their own" is the person, not the account: a staff login and a citizen login of the same person
-- may be one account or two, so the applicant and the staff member are compared by account, by
-- phone number, by resident ID number (the account's, or the one the form names) and by the
-- enterprise's credit code. NULLs never match.
CREATE FUNCTION staff_own_case(staff_id bigint, case_id bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (
        SELECT 1
        FROM applications a
        JOIN users applicant ON applicant.id = a.applicant_id
        JOIN users staff ON staff.id = staff_id
        WHERE a.id = case_id
          AND (applicant.id = staff.id
               OR applicant.phone = staff.phone
               OR upper(applicant.id_number) = upper(staff.id_number)
               OR upper(a.form ->> 'idNumber') = upper(staff.id_number)
               OR upper(applicant.credit_code) = upper(staff.credit_code)
               OR upper(a.form ->> 'creditCode') = upper(staff.credit_code))
    )
$$;

-- TG_ARGV[0] names the column holding the acting staff member; every guarded table has application_id.
CREATE FUNCTION refuse_staff_own_case() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    actor bigint := (to_jsonb(NEW) ->> TG_ARGV[0])::bigint;
BEGIN
    IF actor IS NOT NULL AND staff_own_case(actor, NEW.application_id) THEN
        RAISE EXCEPTION 'staff member % may not act on their own case %', actor, NEW.application_id
            USING ERRCODE = 'insufficient_privilege', HINT = 'own_case';
    END IF;
    RETURN NEW;
END $$;

-- claiming, finishing (decision, exam result) a task
CREATE TRIGGER approval_tasks_not_own_case BEFORE INSERT OR UPDATE OF assignee_id ON approval_tasks
    FOR EACH ROW WHEN (NEW.assignee_id IS NOT NULL)
    EXECUTE FUNCTION refuse_staff_own_case('assignee_id');
-- signing a decision
CREATE TRIGGER approval_decisions_not_own_case BEFORE INSERT ON approval_decisions
    FOR EACH ROW EXECUTE FUNCTION refuse_staff_own_case('approver_id');
-- shipping, re-shipping, handing over a paper licence
CREATE TRIGGER deliveries_not_own_case BEFORE INSERT OR UPDATE OF handled_by ON deliveries
    FOR EACH ROW WHEN (NEW.handled_by IS NOT NULL)
    EXECUTE FUNCTION refuse_staff_own_case('handled_by');
