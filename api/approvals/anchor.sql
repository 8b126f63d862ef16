-- Audit anchoring (api/approvals/service/anchor.py, migration 0187): signed daily checkpoints of the
-- audit chains' heads.

-- name: lock_checkpoints()!
SELECT pg_advisory_xact_lock(hashtextextended('audit_checkpoints', 0));

-- name: last_checkpoint()^
SELECT id, digest FROM audit_checkpoints ORDER BY id DESC LIMIT 1;

-- name: moved_heads()
-- Each application's chain head where it moved past the last head a checkpoint recorded.
WITH heads AS (
    SELECT DISTINCT ON (application_id) application_id, seq, hash
    FROM audit_chain ORDER BY application_id, seq DESC
), anchored AS (
    SELECT DISTINCT ON (application_id) application_id, seq
    FROM audit_checkpoint_heads ORDER BY application_id, seq DESC
)
SELECT h.application_id, h.seq, h.hash
FROM heads h LEFT JOIN anchored a USING (application_id)
WHERE a.seq IS NULL OR h.seq > a.seq
ORDER BY h.application_id;

-- name: insert_checkpoint(prev_digest, digest, heads, signature, certificate)<!
INSERT INTO audit_checkpoints (prev_digest, digest, heads, signature, certificate)
VALUES (:prev_digest, :digest, :heads, :signature, :certificate)
RETURNING id;

-- name: insert_checkpoint_heads(checkpoint_id, application_ids, seqs, hashes)!
INSERT INTO audit_checkpoint_heads (checkpoint_id, application_id, seq, hash)
SELECT :checkpoint_id, a, s, h FROM unnest(:application_ids::bigint[], :seqs::int[], :hashes::text[]) AS t(a, s, h);

-- name: checkpoints()
SELECT id, made_at, prev_digest, digest, heads, signature, certificate FROM audit_checkpoints ORDER BY id;

-- name: checkpoint_heads(checkpoint_id)
SELECT application_id, seq, hash FROM audit_checkpoint_heads WHERE checkpoint_id = :checkpoint_id
ORDER BY application_id;

-- name: anchored_links_changed()
-- A head a signed checkpoint recorded that the chain no longer holds as it was.
SELECT h.checkpoint_id, h.application_id, h.seq,
       CASE WHEN c.hash IS NULL THEN 'anchored_link_missing' ELSE 'anchored_link_changed' END AS problem
FROM audit_checkpoint_heads h
LEFT JOIN audit_chain c ON c.application_id = h.application_id AND c.seq = h.seq
WHERE c.hash IS DISTINCT FROM h.hash
ORDER BY h.checkpoint_id, h.application_id;
