-- Help desk: conversations linked to cases, callbacks (F141) and extensions asked through an agent (F098).

-- name: case_by_public_no(public_no)^
SELECT id, applicant_id, public_no, status FROM applications WHERE public_no = :public_no;

-- name: link_case(id, application_id, important, agent_id, is_admin)^
-- Only the agent holding the conversation (or an admin) links it, and never once it is resolved.
UPDATE conversations
SET application_id = :application_id, important = :important, linked_by = :agent_id, updated_at = now()
WHERE id = :id AND status <> 'resolved' AND ((status = 'claimed' AND agent_id = :agent_id) OR :is_admin)
RETURNING *;

-- name: create_callback(conversation_id, user_id, application_id, due_on)^
INSERT INTO helpdesk_callbacks (conversation_id, user_id, application_id, due_on)
VALUES (:conversation_id, :user_id, :application_id, :due_on)
ON CONFLICT (conversation_id) WHERE status = 'open' DO NOTHING
RETURNING *;

-- name: list_callbacks(status, agent_id, today, limit, offset)
-- due: open and not yet late; overdue: open past the promised day; mine: open, held by the caller;
-- closed: finished ones (history); all: everything.
-- A 帮办代办 request's callback (F139, api/helpdesk/service/assist.py) has no conversation nor case.
SELECT cb.*, u.name AS user_name, u.phone AS user_phone, a.public_no, ag.name AS agent_name,
       c.agent_id AS conversation_agent_id
FROM helpdesk_callbacks cb
JOIN users u ON u.id = cb.user_id
LEFT JOIN applications a ON a.id = cb.application_id
LEFT JOIN conversations c ON c.id = cb.conversation_id
LEFT JOIN users ag ON ag.id = cb.agent_id
WHERE CASE :status::text
        WHEN 'due' THEN cb.status = 'open' AND cb.due_on >= :today
        WHEN 'overdue' THEN cb.status = 'open' AND cb.due_on < :today
        WHEN 'mine' THEN cb.status = 'open' AND cb.agent_id = :agent_id
        WHEN 'closed' THEN cb.status <> 'open'
        ELSE true
      END
ORDER BY cb.due_on, cb.id
LIMIT :limit OFFSET :offset;

-- name: get_callback(id)^
SELECT cb.*, u.name AS user_name, u.phone AS user_phone, a.public_no, ag.name AS agent_name
FROM helpdesk_callbacks cb
JOIN users u ON u.id = cb.user_id
LEFT JOIN applications a ON a.id = cb.application_id
LEFT JOIN users ag ON ag.id = cb.agent_id
WHERE cb.id = :id;

-- name: claim_callback(id, agent_id)^
-- An open callback nobody holds (or the caller already holds): two agents at once, one wins.
UPDATE helpdesk_callbacks SET agent_id = :agent_id, updated_at = now()
WHERE id = :id AND status = 'open' AND (agent_id IS NULL OR agent_id = :agent_id)
RETURNING *;

-- name: record_attempt(id, agent_id, status, max_attempts, at)^
-- One call by the holder, at the app's clock. Not reached: still open until the last allowed try, then unreachable.
UPDATE helpdesk_callbacks
SET attempts = attempts + 1, last_attempt_at = :at, updated_at = now(), status = :status,
    closed_at = CASE WHEN :status = 'open' THEN NULL ELSE :at::timestamptz END
WHERE id = :id AND status = 'open' AND agent_id = :agent_id AND attempts < :max_attempts
RETURNING *;

-- name: log_callback(callback_id, agent_id, kind, outcome, follow_up, handed_to, note)!
INSERT INTO helpdesk_callback_log (callback_id, agent_id, kind, outcome, follow_up, handed_to, note)
VALUES (:callback_id, :agent_id, :kind, :outcome, :follow_up, :handed_to, :note);

-- name: callback_log(callback_id)
SELECT l.*, a.name AS agent_name FROM helpdesk_callback_log l JOIN users a ON a.id = l.agent_id
WHERE l.callback_id = :callback_id ORDER BY l.id;

-- name: reopen(id, agent_id)^
-- Reached but not solved: the conversation is worked on again, held by ``agent_id``. A user who
-- meanwhile opened another conversation keeps it (one open conversation per person): no row.
UPDATE conversations c
SET status = 'claimed', agent_id = :agent_id, resolved_at = NULL, suggestions = '[]', updated_at = now()
WHERE c.id = :id AND c.status = 'resolved'
  AND NOT EXISTS (SELECT 1 FROM conversations o WHERE o.user_id = c.user_id AND o.status <> 'resolved')
  AND EXISTS (SELECT 1 FROM users WHERE id = :agent_id AND NOT disabled
              AND roles && ARRAY['helpdesk', 'admin']::text[])
RETURNING *;

-- name: is_agent(id)$
SELECT EXISTS (SELECT 1 FROM users WHERE id = :id AND NOT disabled AND roles && ARRAY['helpdesk', 'admin']::text[]);

-- name: open_conversation_of(user_id)$
SELECT id FROM conversations WHERE user_id = :user_id AND status <> 'resolved';

-- name: extension_of_gap_notice(application_id)^
SELECT x.id, x.new_due_on, x.previous_due_on FROM supplement_extensions x
WHERE x.application_id = :application_id ORDER BY x.id DESC LIMIT 1;

-- name: record_extension_request(extension_id, conversation_id, agent_id, reason)!
INSERT INTO helpdesk_extension_requests (extension_id, conversation_id, agent_id, reason)
VALUES (:extension_id, :conversation_id, :agent_id, :reason);

-- name: user_conversations(user_id, limit, offset)
-- 我的—咨询记录: every consultation of the user, any channel, newest first.
SELECT c.id, c.channel, c.status, c.created_at, c.resolved_at, a.public_no,
       (SELECT count(*) FROM chat_messages WHERE conversation_id = c.id) AS message_count,
       (SELECT text FROM chat_messages WHERE conversation_id = c.id AND sender = 'user'
        ORDER BY id LIMIT 1) AS first_text
FROM conversations c LEFT JOIN applications a ON a.id = c.application_id
WHERE c.user_id = :user_id
ORDER BY c.id DESC
LIMIT :limit OFFSET :offset;

-- name: user_conversation(id, user_id)^
SELECT c.id, c.channel, c.status, c.created_at, c.resolved_at, a.public_no,
       (SELECT count(*) FROM chat_messages WHERE conversation_id = c.id) AS message_count,
       (SELECT text FROM chat_messages WHERE conversation_id = c.id AND sender = 'user'
        ORDER BY id LIMIT 1) AS first_text
FROM conversations c LEFT JOIN applications a ON a.id = c.application_id
WHERE c.id = :id AND c.user_id = :user_id;

-- name: messages_of_user_before(user_id, before, limit)
-- The user's messages across all conversations, newest first, older than ``before`` (a message id).
SELECT m.* FROM chat_messages m JOIN conversations c ON c.id = m.conversation_id
WHERE c.user_id = :user_id AND (:before::bigint IS NULL OR m.id < :before)
ORDER BY m.id DESC
LIMIT :limit;

-- name: escalate_overdue(today, at)
-- Callbacks still open after their due date, each taken once (a second run finds none), marked at the job's clock.
-- A 帮办代办 request (no case) is named by its request number.
UPDATE helpdesk_callbacks c SET escalated_at = :at, updated_at = now()
WHERE c.status = 'open' AND c.due_on < :today AND c.escalated_at IS NULL
RETURNING c.id, c.agent_id, c.due_on,
          coalesce((SELECT public_no FROM applications WHERE id = c.application_id),
                   '帮办代办' || c.assist_request_id) AS public_no;

-- name: leads()
SELECT id FROM users WHERE 'lead' = ANY(roles) AND NOT disabled ORDER BY id;
