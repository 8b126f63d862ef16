-- name: store_push(dedupe_key, openid, msg_type, event, payload)$
-- WeChat retries a push up to 3 times with the same MsgId: only the first is stored.
INSERT INTO wechat_pushes (dedupe_key, openid, msg_type, event, payload)
VALUES (:dedupe_key, :openid, :msg_type, :event, :payload)
ON CONFLICT (dedupe_key) DO NOTHING
RETURNING id;

-- name: claim_push(id)^
-- The job that processes a push: a second run (arq retry) finds it done and does nothing.
UPDATE wechat_pushes SET processed_at = now()
WHERE id = :id AND processed_at IS NULL
RETURNING *;

-- name: unprocessed_pushes(older_than_seconds)
SELECT id FROM wechat_pushes
WHERE processed_at IS NULL AND created_at < now() - make_interval(secs => :older_than_seconds)
ORDER BY id LIMIT 500;

-- name: user_for_openid(openid)$
INSERT INTO users (openid) VALUES (:openid)
ON CONFLICT (openid) DO UPDATE SET updated_at = now()
RETURNING id;

-- name: join_conversation(user_id, channel)^
-- The user's open conversation, or a new one; a user message reopens WeChat's 48-hour window.
INSERT INTO conversations (user_id, channel, status)
VALUES (:user_id, :channel, 'bot')
ON CONFLICT (user_id) WHERE status <> 'resolved' DO UPDATE
SET channel = EXCLUDED.channel, last_user_message_at = now(), replies_since_user = 0, updated_at = now()
RETURNING *;

-- name: add_message(conversation_id, sender, agent_id, text, faq_entry_id, delivery)^
INSERT INTO chat_messages (conversation_id, sender, agent_id, text, faq_entry_id, delivery)
VALUES (:conversation_id, :sender, :agent_id, :text, :faq_entry_id, :delivery)
RETURNING *;

-- name: add_user_message(conversation_id, text, content_check, content_check_result)^
INSERT INTO chat_messages (conversation_id, sender, text, delivery, content_check, content_check_result)
VALUES (:conversation_id, 'user', :text, 'none', :content_check, :content_check_result)
RETURNING *;

-- name: message_to_check(id)^
SELECT m.*, c.user_id, c.channel, c.status AS conversation_status, c.agent_id, u.openid
FROM chat_messages m
JOIN conversations c ON c.id = m.conversation_id
JOIN users u ON u.id = c.user_id
WHERE m.id = :id AND m.content_check = 'pending';

-- name: set_content_check(id, content_check, content_check_result)^
-- Only a pending message: a second run of the job (arq retry) changes nothing.
UPDATE chat_messages SET content_check = :content_check, content_check_result = :content_check_result
WHERE id = :id AND content_check = 'pending'
RETURNING *;

-- name: messages_for_staff(conversation_id)
-- What agents see: a user's text only once WeChat's content check passed it (issue 25).
SELECT * FROM chat_messages
WHERE conversation_id = :conversation_id AND content_check NOT IN ('pending', 'held')
ORDER BY id;

-- name: use_reply_slot(id)^
-- One of WeChat's 5 replies within 48 hours of the user's last message (app chats: no limit).
UPDATE conversations
SET replies_since_user = replies_since_user + 1, updated_at = now()
WHERE id = :id AND status <> 'resolved'
  AND (channel = 'app'
       OR (replies_since_user < 5 AND last_user_message_at > now() - interval '48 hours'))
RETURNING *;

-- name: wait_for_agent(id, suggestions)^
-- Unsure: a person must look. A conversation an agent already holds stays with that agent.
UPDATE conversations
SET status = CASE WHEN status = 'claimed' THEN 'claimed' ELSE 'waiting' END,
    suggestions = :suggestions, updated_at = now()
WHERE id = :id
RETURNING *;

-- name: get_conversation(id)^
SELECT c.*, u.openid, u.name AS user_name, u.phone AS user_phone, a.name AS agent_name, ap.public_no
FROM conversations c
JOIN users u ON u.id = c.user_id
LEFT JOIN users a ON a.id = c.agent_id
LEFT JOIN applications ap ON ap.id = c.application_id
WHERE c.id = :id;

-- name: open_conversation_of(user_id)^
SELECT * FROM conversations WHERE user_id = :user_id AND status <> 'resolved';

-- name: messages_of(conversation_id)
SELECT * FROM chat_messages WHERE conversation_id = :conversation_id ORDER BY id;

-- name: list_conversations(status, agent_id, q, limit, offset)
-- waiting: the queue; mine: what this agent holds; resolved: history; all: every consultation.
-- The text search is a plain ILIKE: the embedded PostgreSQL has no pg_trgm, and the list is paged.
-- last_text is what the user said last (not a machine notice such as F140's hours after it).
SELECT c.*, u.name AS user_name, u.phone AS user_phone, a.name AS agent_name, ap.public_no,
       (SELECT text FROM chat_messages WHERE conversation_id = c.id AND sender = 'user'
          AND content_check NOT IN ('pending', 'held')
        ORDER BY id DESC LIMIT 1) AS last_text
FROM conversations c
JOIN users u ON u.id = c.user_id
LEFT JOIN users a ON a.id = c.agent_id
LEFT JOIN applications ap ON ap.id = c.application_id
WHERE CASE :status::text
        WHEN 'waiting' THEN c.status = 'waiting'
        WHEN 'mine' THEN c.status = 'claimed' AND c.agent_id = :agent_id
        WHEN 'resolved' THEN c.status = 'resolved'
        ELSE true
      END
  AND (:q::text IS NULL OR EXISTS (
        SELECT 1 FROM chat_messages m WHERE m.conversation_id = c.id AND m.text ILIKE '%' || :q || '%'
          AND m.content_check NOT IN ('pending', 'held')))
ORDER BY c.updated_at DESC, c.id DESC
LIMIT :limit OFFSET :offset;

-- name: claim(id, agent_id)^
-- Only a waiting conversation (or one the machine is handling) can be claimed: two agents
-- clicking at once, one wins.
UPDATE conversations SET status = 'claimed', agent_id = :agent_id, updated_at = now()
WHERE id = :id AND status IN ('waiting', 'bot')
RETURNING *;

-- name: transfer(id, from_agent_id, to_agent_id)^
UPDATE conversations SET agent_id = :to_agent_id, updated_at = now()
WHERE id = :id AND status = 'claimed' AND agent_id = :from_agent_id
  AND EXISTS (SELECT 1 FROM users WHERE id = :to_agent_id AND NOT disabled
              AND roles && ARRAY['helpdesk', 'admin']::text[])
RETURNING *;

-- name: resolve(id, agent_id, is_admin)^
UPDATE conversations SET status = 'resolved', resolved_at = now(), updated_at = now()
WHERE id = :id AND status <> 'resolved' AND (agent_id = :agent_id OR :is_admin OR status IN ('waiting', 'bot'))
RETURNING *;

-- name: link_faq(id, faq_entry_id)!
UPDATE conversations SET faq_entry_id = :faq_entry_id WHERE id = :id;

-- name: claim_delivery(id)^
-- Claim an outgoing WeChat message for sending: of two jobs for one message only one sends; a
-- claim older than two minutes belongs to a worker that died mid-send and may be taken over.
UPDATE chat_messages m SET delivery = 'sending', sending_since = now(), attempts = m.attempts + 1
FROM conversations c JOIN users u ON u.id = c.user_id
WHERE m.id = :id AND c.id = m.conversation_id
  AND (m.delivery = 'pending' OR (m.delivery = 'sending' AND m.sending_since < now() - interval '2 minutes'))
RETURNING m.id, m.text, m.attempts, u.openid;

-- name: mark_delivery(id, delivery, error)$
UPDATE chat_messages SET delivery = :delivery, error = :error
WHERE id = :id AND delivery = 'sending'
RETURNING conversation_id;

-- name: release_delivery(id, retry_at, error)!
-- WeChat was down or the send timed out: pending again, tried again from retry_at.
UPDATE chat_messages SET delivery = 'pending', sending_since = NULL, retry_at = :retry_at, error = :error
WHERE id = :id AND delivery = 'sending';

-- name: chat_deliveries_due(now)
-- For the sweeper: pending texts whose job was lost (due for a minute and still here), and claims
-- of workers that died mid-send. ``now`` is the worker's clock.
SELECT id FROM chat_messages
WHERE (delivery = 'pending' AND coalesce(retry_at, created_at) < :now::timestamptz - interval '1 minute')
   OR (delivery = 'sending' AND sending_since < now() - interval '2 minutes')
ORDER BY id LIMIT 500;

-- name: set_push_error(id, error)!
-- A stored push the job cannot read (kept before pushes were typed at the edge): processed, with why.
UPDATE wechat_pushes SET error = :error WHERE id = :id;

-- name: add_sms_reply(conversation_id, agent_id, text, per_day)^
-- At most :per_day SMS replies in one consultation within 24 hours (SMS costs money and lands on a
-- phone): the limit holds in the insert itself, so two agents' clicks cannot both pass it.
INSERT INTO chat_messages (conversation_id, sender, agent_id, text, delivery, via)
SELECT :conversation_id, 'agent', :agent_id, :text, 'none', 'sms'
WHERE (SELECT count(*) FROM chat_messages
       WHERE conversation_id = :conversation_id AND via = 'sms'
         AND created_at > now() - interval '24 hours') < :per_day
RETURNING *;

-- name: attach_media(id, media_kind, media_id)!
UPDATE chat_messages SET media_kind = :media_kind, media_id = :media_id, media_status = 'pending'
WHERE id = :id;

-- name: media_to_fetch(id)^
SELECT id, conversation_id, media_kind, media_id FROM chat_messages WHERE id = :id AND media_status = 'pending';

-- name: set_media(id, media_status, media_key, media_content_type)^
-- Only a pending one: a second run of the job (arq retry) changes nothing.
UPDATE chat_messages SET media_status = :media_status, media_key = :media_key,
                         media_content_type = :media_content_type
WHERE id = :id AND media_status = 'pending'
RETURNING conversation_id;

-- name: stored_media(id)^
SELECT media_key, media_content_type FROM chat_messages WHERE id = :id AND media_status = 'stored';

-- name: held_messages(max_rows)
SELECT id, conversation_id, text, content_check_result, created_at FROM chat_messages
WHERE content_check = 'held' ORDER BY id DESC LIMIT :max_rows;

-- name: release_held(id, reviewer_id)^
-- A reviewer found a held text harmless (WeChat's "review" verdicts are often so): agents see it now.
UPDATE chat_messages m
SET content_check = 'pass',
    content_check_result = coalesce(content_check_result, '{}'::jsonb)
        || jsonb_build_object('releasedBy', :reviewer_id::bigint, 'releasedAt', now())
FROM conversations c
WHERE m.id = :id AND m.content_check = 'held' AND c.id = m.conversation_id
RETURNING m.id, m.conversation_id, m.text, c.status AS conversation_status, c.agent_id;

-- name: chat_message(id)^
SELECT * FROM chat_messages WHERE id = :id;

-- name: checks_due(now)
-- Texts still waiting for their content check a minute on (the queue lost the job): for the sweeper.
SELECT id FROM chat_messages
WHERE content_check = 'pending' AND created_at < :now::timestamptz - interval '1 minute'
ORDER BY id LIMIT 500;

-- name: media_due(now)
SELECT id FROM chat_messages
WHERE media_status = 'pending' AND created_at < :now::timestamptz - interval '1 minute'
ORDER BY id LIMIT 500;
