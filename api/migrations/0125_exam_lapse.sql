-- FAQ F123 "1年内未通过全部科目的，需重新提交申请": an exam case that has not passed every subject
-- within one year of its first exam lapses. The daily job ends it once: the exam case is lapsed,
-- the waiting decide task cancelled (no approver decided), the application closed (已终止) with
-- the reason in its timeline, and the applicant told.
--
-- On a fresh database this file runs before 0030 (appointments); nothing here refers to it.

ALTER TABLE exam_cases DROP CONSTRAINT exam_cases_status_check;
ALTER TABLE exam_cases
    ADD COLUMN lapsed_at timestamptz,
    ADD CONSTRAINT exam_cases_status_check CHECK (status IN ('waiting', 'passed', 'lapsed')),
    ADD CONSTRAINT exam_cases_lapsed CHECK ((status = 'lapsed') = (lapsed_at IS NOT NULL));

-- The job looks only at the cases still waiting.
CREATE INDEX exam_cases_waiting ON exam_cases (application_id) WHERE status = 'waiting';

-- The exam waits at the last step (审核中); a lapse ends the case there without a decision.
-- api/applications/states.py holds the same transition (a test keeps the two equal).
INSERT INTO application_transitions (from_status, to_status) VALUES ('in_review', 'closed');
