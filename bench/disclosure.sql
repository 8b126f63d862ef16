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
