-- name: make_holders(n, company_every)!
INSERT INTO users (openid, name, phone, id_number, company_name)
SELECT 'bench-' || g, '测试' || g, NULL, NULL,
       CASE WHEN g % :company_every = 0 THEN '测试运输有限公司' || g END
FROM generate_series(1, :n) g;

-- name: make_licences(n, types, first_holder)!
-- n licences issued over the last 365 days, spread over the given licence types and holders.
INSERT INTO licences (holder_id, type, name, number, valid_from, valid_until, status, issued_at)
SELECT :first_holder + g % 20000, (:types::text[])[1 + g % cardinality(:types::text[])], '许可证', 'BENCH-' || g,
       current_date - 400, current_date + 900,
       CASE WHEN g % 50 = 0 THEN 'revoked' ELSE 'valid' END,
       now() - (g % 365) * interval '1 day' - (g % 1440) * interval '1 minute'
FROM generate_series(1, :n) g;

-- name: first_holder()$
SELECT min(id) FROM users WHERE openid LIKE 'bench-%';

-- name: analyze()!
ANALYZE licences; ANALYZE users; ANALYZE services;

-- name: some_licence_ids(n)
SELECT id FROM licences ORDER BY random() LIMIT :n;

-- name: make_enterprises()!
-- Issue 20: a company holder is the verified legal representative of a verified enterprise, and
-- its licences of businesses' services (F092) are the enterprise's: disclosure names the enterprise.
WITH reps AS (
    INSERT INTO identities (user_id, status, method, name, id_type, id_cipher, id_key_id, id_hash, id_masked,
                            verified_at)
    SELECT id, 'verified', 'face', name, 'resident_id', '\x00'::bytea, 'bench', sha256(convert_to('bench-' || id, 'UTF8')),
           '110***0000', now()
    FROM users WHERE openid LIKE 'bench-%' AND company_name IS NOT NULL
    RETURNING id, user_id, name
)
INSERT INTO enterprises (credit_code, name, kind, legal_rep_id, legal_rep_identity_id, legal_rep_name, status, method,
                         verified_at)
SELECT 'BENCH' || r.user_id, u.company_name, 'company', r.user_id, r.id, r.name, 'verified', 'registry', now()
FROM reps r JOIN users u ON u.id = r.user_id;

-- name: enterprise_licences()!
UPDATE licences l SET enterprise_id = e.id
FROM enterprises e
WHERE e.legal_rep_id = l.holder_id
  AND l.type IN (SELECT licence_type FROM services WHERE holder_kind = 'company' AND licence_type IS NOT NULL);
