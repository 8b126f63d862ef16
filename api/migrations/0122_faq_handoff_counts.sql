-- The same unanswered question asked again is one row for the editors, counted, not one row per
-- asking (an anonymous flood of one question cannot grow the table). Questions asked inside a
-- conversation stay one row each: they belong to that conversation.
ALTER TABLE faq_handoffs ADD COLUMN times integer NOT NULL DEFAULT 1 CHECK (times > 0),
                         ADD COLUMN last_asked_at timestamptz;
UPDATE faq_handoffs SET last_asked_at = created_at;
ALTER TABLE faq_handoffs ALTER COLUMN last_asked_at SET NOT NULL, ALTER COLUMN last_asked_at SET DEFAULT now();

-- merge the open duplicates recorded before this migration into their first row
WITH ranked AS (
    SELECT id, min(id) OVER same AS keep, count(*) OVER same AS n, max(created_at) OVER same AS last
    FROM faq_handoffs WHERE reviewed_at IS NULL AND source = 'ask'
    WINDOW same AS (PARTITION BY md5(question))
), kept AS (
    UPDATE faq_handoffs f SET times = r.n, last_asked_at = r.last FROM ranked r WHERE f.id = r.id AND r.id = r.keep
)
DELETE FROM faq_handoffs f USING ranked r WHERE f.id = r.id AND r.id <> r.keep;

CREATE UNIQUE INDEX faq_handoffs_open_question ON faq_handoffs (md5(question))
    WHERE reviewed_at IS NULL AND source = 'ask';
DROP INDEX faq_handoffs_open;
CREATE INDEX faq_handoffs_open ON faq_handoffs (last_asked_at DESC) WHERE reviewed_at IS NULL;
