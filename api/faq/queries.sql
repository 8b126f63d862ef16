-- name: faq_version()$
SELECT version FROM faq_version;

-- name: active_entries()
SELECT id, question, alternates, answer, tags, service_code FROM faq_entries
WHERE status = 'active' ORDER BY id;

-- name: seed_entry(id, question, alternates, answer, tags, service_code)!
-- Shipped entries never overwrite what editors changed since.
INSERT INTO faq_entries (id, question, alternates, answer, tags, service_code, source)
VALUES (:id, :question, :alternates, :answer, :tags, :service_code, 'import')
ON CONFLICT (id) DO NOTHING;

-- name: upsert_entry(id, question, alternates, answer, tags, service_code)$
INSERT INTO faq_entries (id, question, alternates, answer, tags, service_code, source)
VALUES (:id, :question, :alternates, :answer, :tags, :service_code, 'import')
ON CONFLICT (id) DO UPDATE
SET question = EXCLUDED.question, alternates = EXCLUDED.alternates, answer = EXCLUDED.answer,
    tags = EXCLUDED.tags, service_code = EXCLUDED.service_code, status = 'active', updated_at = now()
WHERE (faq_entries.question, faq_entries.alternates, faq_entries.answer, faq_entries.tags,
       faq_entries.service_code, faq_entries.status)
      IS DISTINCT FROM (EXCLUDED.question, EXCLUDED.alternates, EXCLUDED.answer, EXCLUDED.tags,
                        EXCLUDED.service_code, 'active')
RETURNING (xmax = 0) AS inserted;

-- name: create_entry(question, alternates, answer, tags, service_code, source, status)^
INSERT INTO faq_entries (id, question, alternates, answer, tags, service_code, source, status)
VALUES ('F' || nextval('faq_entry_no'), :question, :alternates, :answer, :tags, :service_code, :source, :status)
RETURNING *;

-- name: propose_alternate(id, question)^
-- An agent's similar question for an entry waits beside it (once) until an admin publishes it.
UPDATE faq_entries
SET proposed_alternates = CASE WHEN :question = ANY (proposed_alternates || alternates) THEN proposed_alternates
                               ELSE proposed_alternates || :question::text END
WHERE id = :id AND status <> 'retired'
RETURNING id;

-- name: publish(id)^
-- A draft (or a retired entry) goes live with its proposed similar questions; a live entry takes
-- its proposed ones.
UPDATE faq_entries
SET status = 'active', alternates = alternates || proposed_alternates, proposed_alternates = '{}',
    updated_at = now()
WHERE id = :id
RETURNING *;

-- name: discard_proposals(id)^
UPDATE faq_entries SET proposed_alternates = '{}', updated_at = now() WHERE id = :id RETURNING *;

-- name: update_entry(id, question, alternates, answer, tags, service_code)^
UPDATE faq_entries
SET question = coalesce(:question, question), alternates = coalesce(:alternates, alternates),
    answer = coalesce(:answer, answer), tags = coalesce(:tags, tags),
    service_code = coalesce(:service_code, service_code), updated_at = now()
WHERE id = :id
RETURNING *;

-- name: set_status(id, status)^
UPDATE faq_entries SET status = :status, updated_at = now() WHERE id = :id RETURNING *;

-- name: get_entry(id)^
SELECT * FROM faq_entries WHERE id = :id;

-- name: list_entries(status, q, limit, offset)
SELECT e.*, coalesce(f.helpful, 0) AS helpful, coalesce(f.unhelpful, 0) AS unhelpful
FROM faq_entries e
LEFT JOIN LATERAL (
    SELECT count(*) FILTER (WHERE helpful) AS helpful, count(*) FILTER (WHERE NOT helpful) AS unhelpful
    FROM faq_feedback WHERE entry_id = e.id
) f ON true
WHERE (:status::text IS NULL OR e.status = :status)
  AND (:q::text IS NULL OR e.question ILIKE '%' || :q || '%' OR e.answer ILIKE '%' || :q || '%'
       OR array_to_string(e.alternates, ' ') ILIKE '%' || :q || '%')
ORDER BY e.id
LIMIT :limit OFFSET :offset;

-- name: vote(entry_id, user_id, helpful)^
-- Only active entries take votes; one vote per person, a second one replaces the first.
INSERT INTO faq_feedback (entry_id, user_id, helpful)
SELECT id, :user_id, :helpful FROM faq_entries WHERE id = :entry_id AND status = 'active'
ON CONFLICT (entry_id, user_id) DO UPDATE SET helpful = EXCLUDED.helpful, updated_at = now()
RETURNING entry_id;

-- name: tally(entry_id)^
SELECT count(*) FILTER (WHERE helpful) AS helpful, count(*) FILTER (WHERE NOT helpful) AS unhelpful
FROM faq_feedback WHERE entry_id = :entry_id;

-- name: record_handoff(question, suggestions, source, conversation_id)$
-- A question asked again (outside a conversation) while its row is open counts on that row.
INSERT INTO faq_handoffs AS h (question, suggestions, source, conversation_id)
VALUES (:question, :suggestions, :source, :conversation_id)
ON CONFLICT (md5(question)) WHERE reviewed_at IS NULL AND source = 'ask'
DO UPDATE SET times = h.times + 1, last_asked_at = now(), suggestions = EXCLUDED.suggestions
RETURNING id;

-- name: list_handoffs(reviewed, limit, offset)
SELECT * FROM faq_handoffs
WHERE (reviewed_at IS NOT NULL) = :reviewed
ORDER BY last_asked_at DESC, id DESC
LIMIT :limit OFFSET :offset;

-- name: review_handoff(id)^
UPDATE faq_handoffs SET reviewed_at = now() WHERE id = :id AND reviewed_at IS NULL RETURNING id;

-- name: seed_alternates(id, alternates)!
-- Shipped similar questions join their entry once each (an editor's deletion stays deleted).
WITH fresh AS (
    INSERT INTO faq_seeded_alternates (entry_id, question)
    SELECT e.id, a FROM faq_entries e, unnest(:alternates::text[]) a WHERE e.id = :id
    ON CONFLICT DO NOTHING
    RETURNING question
)
UPDATE faq_entries e
SET alternates = e.alternates || ARRAY(SELECT f.question FROM fresh f WHERE NOT f.question = ANY (e.alternates))
WHERE e.id = :id AND EXISTS (SELECT 1 FROM fresh f WHERE NOT f.question = ANY (e.alternates));
