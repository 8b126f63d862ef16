-- name: profile(id)^
SELECT company_name, credit_code FROM users WHERE id = :id;

-- name: licence_by_number(type, number)^
-- A licence the library holds under its number, whoever holds it (a driver's 从业资格证), with the
-- holder's ID number to compare with the one in the form.
SELECT l.id, l.status, l.valid_until, u.id_number AS holder_id_number
FROM licences l JOIN users u ON u.id = l.holder_id
WHERE l.type = :type AND upper(l.number) = upper(:number)
ORDER BY l.status = 'valid' DESC, l.valid_until DESC NULLS FIRST
LIMIT 1;

-- name: insert_review(application_id, passed, failed, needs_person)^
INSERT INTO application_reviews (application_id, passed, failed, needs_person)
VALUES (:application_id, :passed, :failed, :needs_person)
RETURNING *;

-- name: insert_checks(review_id, codes, groups, names, outcomes, reasons)!
INSERT INTO application_review_checks (review_id, position, code, grp, name, outcome, reason)
SELECT :review_id, c.position, c.code, c.grp, c.name, c.outcome, c.reason
FROM unnest(:codes::text[], :groups::text[], :names::text[], :outcomes::text[], :reasons::text[])
     WITH ORDINALITY AS c(code, grp, name, outcome, reason, position);

-- name: latest_review(application_id)^
SELECT * FROM application_reviews WHERE application_id = :application_id ORDER BY id DESC LIMIT 1;

-- name: review_checks(review_id)
SELECT position, code, grp, name, outcome, reason FROM application_review_checks
WHERE review_id = :review_id ORDER BY position;
