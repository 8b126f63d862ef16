-- One phone, one account (F085, F086): a WeChat account (from_id) that binds the phone of an SMS
-- account (into_id) is merged into it by api/auth/service/merge.py, in one transaction.
--
-- EVERY column that references users(id) is named here, either by a move_<table>__<column> query
-- (the record follows the person to the surviving account) or in kept_columns (it stays with the
-- absorbed account's tombstone, and why). tests/auth/test_accounts_merge.py reads information_schema
-- and fails for a foreign key named nowhere, so a new table cannot be forgotten. The service runs
-- the settle_* queries (conflicts with a unique key) and then every move_* query.

-- name: lock_pair(into_id, from_id)
-- Both rows, always in id order (no deadlock between two merges meeting the same accounts).
SELECT * FROM users WHERE id IN (:into_id, :from_id) ORDER BY id FOR UPDATE;

-- name: verified_pair(into_id, from_id)
SELECT user_id, id_hash FROM identities WHERE user_id IN (:into_id, :from_id) AND status = 'verified';

-- name: bookings_clash(into_id, from_id)$
-- Both accounts hold a live booking (or an open exam invitation) for the same service: one person
-- keeps one (appointments_one_active); they cancel one first rather than us choosing.
SELECT EXISTS (SELECT 1 FROM appointments a JOIN appointments b USING (service_code)
                WHERE a.user_id = :into_id AND b.user_id = :from_id AND a.status = 'booked' AND b.status = 'booked')
    OR EXISTS (SELECT 1 FROM appt_exam_invitations a JOIN appt_exam_invitations b USING (service_code)
                WHERE a.user_id = :into_id AND b.user_id = :from_id AND a.status = 'open' AND b.status = 'open');

-- name: settle_identities(into_id, from_id, now)!
-- The survivor's verified identity wins; if only the absorbed account is verified, its record moves
-- and a review the survivor still waits for is moot. At most one pending review per account.
-- (Two different verified persons never get here: the service refuses them first.)
UPDATE identities i SET status = 'released', updated_at = :now
 WHERE (i.user_id = :from_id AND i.status IN ('verified', 'pending')
        AND EXISTS (SELECT 1 FROM identities o WHERE o.user_id = :into_id AND o.status = 'verified'))
    OR (i.user_id = :into_id AND i.status = 'pending'
        AND EXISTS (SELECT 1 FROM identities o WHERE o.user_id = :from_id AND o.status = 'verified'))
    OR (i.user_id = :from_id AND i.status = 'pending'
        AND EXISTS (SELECT 1 FROM identities o WHERE o.user_id = :into_id AND o.status = 'pending'));

-- name: settle_appt_daily_bookings(into_id, from_id)!
-- A day both accounts booked on: one person, so the day's counts add up.
WITH theirs AS (
    DELETE FROM appt_daily_bookings t
     WHERE t.user_id = :from_id
       AND EXISTS (SELECT 1 FROM appt_daily_bookings o WHERE o.user_id = :into_id AND o.day = t.day)
    RETURNING day, used)
UPDATE appt_daily_bookings o SET used = o.used + theirs.used
  FROM theirs WHERE o.user_id = :into_id AND o.day = theirs.day;

-- name: settle_appt_waitlist(into_id, from_id, now)!
UPDATE appt_waitlist t SET status = 'cancelled', updated_at = :now
 WHERE t.user_id = :from_id AND t.status = 'waiting'
   AND EXISTS (SELECT 1 FROM appt_waitlist o WHERE o.user_id = :into_id AND o.status = 'waiting'
                 AND o.service_code = t.service_code AND o.day = t.day);

-- name: settle_conversations(into_id, from_id, now)!
-- One open help-desk conversation per person: the absorbed one's is closed (its messages move).
UPDATE conversations t SET status = 'resolved', resolved_at = :now, updated_at = :now
 WHERE t.user_id = :from_id AND t.status <> 'resolved'
   AND EXISTS (SELECT 1 FROM conversations o WHERE o.user_id = :into_id AND o.status <> 'resolved');

-- name: settle_faq_feedback(into_id, from_id)!
DELETE FROM faq_feedback t WHERE t.user_id = :from_id
   AND EXISTS (SELECT 1 FROM faq_feedback o WHERE o.user_id = :into_id AND o.entry_id = t.entry_id);

-- name: settle_idempotency_keys(into_id, from_id)!
-- (No foreign key, but keyed by account: a retried request must still find its first answer.)
DELETE FROM idempotency_keys t WHERE t.user_id = :from_id
   AND EXISTS (SELECT 1 FROM idempotency_keys o WHERE o.user_id = :into_id AND o.scope = t.scope AND o.key = t.key);

-- name: settle_wechat_subscriptions(into_id, from_id)!
DELETE FROM wechat_subscriptions t WHERE t.user_id = :from_id
   AND EXISTS (SELECT 1 FROM wechat_subscriptions o WHERE o.user_id = :into_id AND o.template_id = t.template_id);

-- name: settle_user_addresses(into_id, from_id)!
-- The surviving account's own default address wins.
DELETE FROM user_addresses t WHERE t.user_id = :from_id
   AND EXISTS (SELECT 1 FROM user_addresses o WHERE o.user_id = :into_id);

-- name: settle_enterprise_agents(into_id, from_id)!
DELETE FROM enterprise_agents t WHERE t.user_id = :from_id
   AND EXISTS (SELECT 1 FROM enterprise_agents o WHERE o.user_id = :into_id AND o.enterprise_id = t.enterprise_id);

-- name: move_applications__applicant_id(into_id, from_id)!
UPDATE applications SET applicant_id = :into_id WHERE applicant_id = :from_id;

-- name: move_supplement_extensions__requested_by(into_id, from_id)!
UPDATE supplement_extensions SET requested_by = :into_id WHERE requested_by = :from_id;

-- name: move_review_rereviews__requested_by(into_id, from_id)!
UPDATE review_rereviews SET requested_by = :into_id WHERE requested_by = :from_id;

-- name: move_assist_requests__user_id(into_id, from_id)!
UPDATE assist_requests SET user_id = :into_id WHERE user_id = :from_id;

-- name: move_service_stewards__requested_by(into_id, from_id)!
UPDATE service_stewards SET requested_by = :into_id WHERE requested_by = :from_id;

-- name: move_case_urgings__urged_by(into_id, from_id)!
UPDATE case_urgings SET urged_by = :into_id WHERE urged_by = :from_id;

-- name: move_case_messages__sender_id(into_id, from_id)!
-- The person's messages to the approvers on their cases (staff messages name staff, never the absorbed).
UPDATE case_messages SET sender_id = :into_id WHERE sender_id = :from_id;

-- name: move_licences__holder_id(into_id, from_id)!
UPDATE licences SET holder_id = :into_id WHERE holder_id = :from_id;

-- name: move_documents__owner_id(into_id, from_id)!
UPDATE documents SET owner_id = :into_id WHERE owner_id = :from_id;

-- name: move_appointments__user_id(into_id, from_id)!
UPDATE appointments SET user_id = :into_id WHERE user_id = :from_id;

-- name: move_appt_daily_bookings__user_id(into_id, from_id)!
UPDATE appt_daily_bookings SET user_id = :into_id WHERE user_id = :from_id;

-- name: move_appt_exam_invitations__user_id(into_id, from_id)!
UPDATE appt_exam_invitations SET user_id = :into_id WHERE user_id = :from_id;

-- name: move_appt_suspensions__user_id(into_id, from_id)!
UPDATE appt_suspensions SET user_id = :into_id WHERE user_id = :from_id;

-- name: move_appt_waitlist__user_id(into_id, from_id)!
UPDATE appt_waitlist SET user_id = :into_id WHERE user_id = :from_id;

-- name: move_trips__user_id(into_id, from_id)!
UPDATE trips SET user_id = :into_id WHERE user_id = :from_id;

-- name: move_notifications__user_id(into_id, from_id)!
UPDATE notifications SET user_id = :into_id WHERE user_id = :from_id;

-- name: move_wechat_subscriptions__user_id(into_id, from_id)!
UPDATE wechat_subscriptions SET user_id = :into_id WHERE user_id = :from_id;

-- name: move_ratings__user_id(into_id, from_id)!
-- A target both accounts rated keeps the survivor's rating; the other stays with the tombstone.
UPDATE ratings t SET user_id = :into_id WHERE t.user_id = :from_id
   AND NOT EXISTS (SELECT 1 FROM ratings o WHERE o.user_id = :into_id AND o.target_type = t.target_type
                     AND o.target_id = t.target_id AND o.voided_at IS NULL);

-- name: move_rating_comments__user_id(into_id, from_id)!
UPDATE rating_comments SET user_id = :into_id WHERE user_id = :from_id;

-- name: move_rating_invitations__user_id(into_id, from_id)!
UPDATE rating_invitations SET user_id = :into_id WHERE user_id = :from_id;

-- name: move_complaints__complainant_id(into_id, from_id)!
UPDATE complaints SET complainant_id = :into_id WHERE complainant_id = :from_id;

-- name: move_complaint_attachments__owner_id(into_id, from_id)!
UPDATE complaint_attachments SET owner_id = :into_id WHERE owner_id = :from_id;

-- name: move_conversations__user_id(into_id, from_id)!
UPDATE conversations SET user_id = :into_id WHERE user_id = :from_id;

-- name: move_helpdesk_callbacks__user_id(into_id, from_id)!
UPDATE helpdesk_callbacks SET user_id = :into_id WHERE user_id = :from_id;

-- name: move_faq_feedback__user_id(into_id, from_id)!
UPDATE faq_feedback SET user_id = :into_id WHERE user_id = :from_id;

-- name: move_identities__user_id(into_id, from_id)!
UPDATE identities SET user_id = :into_id WHERE user_id = :from_id;

-- name: move_identity_face_attempts__user_id(into_id, from_id)!
-- The day's five face tries (F089) are the person's: they add up on the surviving account.
UPDATE identity_face_attempts SET user_id = :into_id WHERE user_id = :from_id;

-- name: move_user_addresses__user_id(into_id, from_id)!
UPDATE user_addresses SET user_id = :into_id WHERE user_id = :from_id;

-- name: move_idempotency_keys__user_id(into_id, from_id)!
UPDATE idempotency_keys SET user_id = :into_id WHERE user_id = :from_id;

-- name: move_enterprises__legal_rep_id(into_id, from_id)!
UPDATE enterprises SET legal_rep_id = :into_id WHERE legal_rep_id = :from_id;

-- name: move_enterprise_agents__user_id(into_id, from_id)!
UPDATE enterprise_agents SET user_id = :into_id WHERE user_id = :from_id;

-- name: move_agency_filings__agent_id(into_id, from_id)!
UPDATE agency_filings SET agent_id = :into_id WHERE agent_id = :from_id;

-- name: move_agency_filings__principal_id(into_id, from_id)!
UPDATE agency_filings SET principal_id = :into_id WHERE principal_id = :from_id;

-- name: kept_columns()
-- Columns that keep naming the absorbed account: who did something then (append-only audit rows,
-- some signed into the audit chain; staff acts), and what ends with it.
SELECT * FROM (VALUES
    ('users', 'merged_into', 'the tombstone points at the survivor'),
    ('account_events', 'user_id', 'account history, append-only'),
    ('account_events', 'other_user_id', 'account history, append-only'),
    ('refresh_tokens', 'user_id', 'the absorbed account''s sessions: revoked, never moved'),
    ('application_events', 'actor_id', 'append-only case timeline (audit chain)'),
    ('approval_decisions', 'approver_id', 'append-only signed decisions'),
    ('case_views', 'viewer_id', 'append-only view log'),
    ('identity_views', 'viewer_id', 'append-only view log'),
    ('complaint_events', 'actor_id', 'append-only complaint timeline'),
    ('rating_follow_up_events', 'actor_id', 'append-only follow-up timeline'),
    ('enterprise_grant_events', 'agent_id', 'grant history as it happened'),
    ('enterprise_grant_events', 'actor_id', 'grant history as it happened'),
    ('enterprise_agents', 'granted_by', 'who granted it'),
    ('enterprises', 'reviewed_by', 'staff act'),
    ('identities', 'verified_by', 'staff act'),
    ('identity_documents', 'reviewed_by', 'staff act'),
    ('appointments', 'assigned_by', 'staff act'),
    ('approval_tasks', 'assignee_id', 'staff act'),
    ('catalogue_edits', 'actor_id', 'staff act'),
    ('chat_messages', 'agent_id', 'staff act'),
    ('complaints', 'answered_by', 'staff act'),
    ('complaints', 'assignee_id', 'staff act'),
    ('conversations', 'agent_id', 'staff act'),
    ('conversations', 'linked_by', 'staff act'),
    ('deliveries', 'handled_by', 'staff act'),
    ('delivery_shipments', 'shipped_by', 'staff act'),
    ('exam_results', 'recorded_by', 'staff act'),
    ('gap_notices', 'raised_by', 'staff act'),
    ('helpdesk_callback_log', 'agent_id', 'staff act'),
    ('helpdesk_callback_log', 'handed_to', 'staff act'),
    ('helpdesk_callbacks', 'agent_id', 'staff act'),
    ('helpdesk_extension_requests', 'agent_id', 'staff act'),
    ('rating_follow_ups', 'called_back_by', 'staff act'),
    ('rating_follow_ups', 'closed_by', 'staff act'),
    ('ratings', 'voided_by', 'staff act'),
    ('settings_audit', 'actor_id', 'staff act'),
    ('staff_account_events', 'actor_id', 'staff act'),
    ('staff_account_events', 'user_id', 'staff account history'),
    ('workday_notices', 'loaded_by', 'staff act'),
    ('case_pauses', 'started_by', 'staff act'),
    ('case_pauses', 'ended_by', 'staff act'),
    ('licences', 'revoked_by', 'staff act'),
    ('applications', 'entered_by', 'staff act: the window clerk who entered the case'),
    ('gap_notice_additions', 'override_by', 'staff act'),
    ('review_rereviews', 'decided_by', 'staff act'),
    ('service_stewards', 'agent_id', 'staff act: the assigned steward'),
    ('case_urgings', 'answered_by', 'staff act'),
    ('site_checks', 'agreed_by', 'staff act'),
    ('site_checks', 'result_by', 'staff act')
) AS kept (table_name, column_name, why);
