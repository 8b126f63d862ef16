-- The pages of a material (FAQ F101 "一项材料可传多页"). Every statement that changes pages runs
-- under the application's row lock and is followed by sync_first_page.

-- name: pages_of_application(application_id)
SELECT material_code, page_no, storage_key, content_type, size_bytes, sha256, original_name, uploaded_at
FROM application_material_pages WHERE application_id = :application_id ORDER BY material_code, page_no;

-- name: pages_of_material(application_id, material_code)
SELECT material_code, page_no, storage_key, content_type, size_bytes, sha256, original_name, uploaded_at
FROM application_material_pages
WHERE application_id = :application_id AND material_code = :material_code ORDER BY page_no;

-- name: page_count(application_id, material_code)$
SELECT count(*) FROM application_material_pages
WHERE application_id = :application_id AND material_code = :material_code;

-- name: get_page(application_id, material_code, page_no)^
SELECT storage_key, content_type, original_name FROM application_material_pages
WHERE application_id = :application_id AND material_code = :material_code AND page_no = :page_no;

-- name: append_page(application_id, material_code, storage_key, content_type, size_bytes, sha256, original_name)^
-- The next number after the last page; the CHECK refuses a 21st page even if a caller forgot to ask.
INSERT INTO application_material_pages (application_id, material_code, page_no, storage_key, content_type,
                                        size_bytes, sha256, original_name)
SELECT :application_id, :material_code, coalesce(max(page_no), 0) + 1, :storage_key, :content_type, :size_bytes,
       :sha256, :original_name
FROM application_material_pages WHERE application_id = :application_id AND material_code = :material_code
RETURNING page_no;

-- name: delete_pages(application_id, material_code)
-- PUT: "this one file is the whole material" replaces every page; returns the files to delete.
DELETE FROM application_material_pages
WHERE application_id = :application_id AND material_code = :material_code
RETURNING storage_key;

-- name: delete_page(application_id, material_code, page_no)^
DELETE FROM application_material_pages
WHERE application_id = :application_id AND material_code = :material_code AND page_no = :page_no
RETURNING storage_key, sha256, size_bytes;

-- name: close_gap(application_id, material_code, page_no)!
-- The pages after a removed one move up by one (one statement: the number key is deferrable).
UPDATE application_material_pages SET page_no = page_no - 1
WHERE application_id = :application_id AND material_code = :material_code AND page_no > :page_no;

-- name: reorder_pages(application_id, material_code, page_order)!
-- page_order lists the current numbers in their new order: [3, 1, 2] makes page 3 the first.
UPDATE application_material_pages p SET page_no = o.new_no
FROM unnest(CAST(:page_order AS integer[])) WITH ORDINALITY AS o(old_no, new_no)
WHERE p.application_id = :application_id AND p.material_code = :material_code AND p.page_no = o.old_no;

-- name: sync_first_page(application_id, material_code)!
-- The material's single-file columns describe its first page (all NULL when it has none).
UPDATE application_materials m
SET (storage_key, content_type, size_bytes, sha256, original_name, uploaded_at) = (
    SELECT p.storage_key, p.content_type, p.size_bytes, p.sha256, p.original_name, p.uploaded_at
    FROM application_material_pages p
    WHERE p.application_id = m.application_id AND p.material_code = m.material_code
    ORDER BY p.page_no LIMIT 1)
WHERE m.application_id = :application_id AND m.material_code = :material_code;
