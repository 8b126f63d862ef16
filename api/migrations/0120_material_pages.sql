-- FAQ F101 "一项材料可传多页": a material is one or more pages, each a JPG, PNG or PDF file of at
-- most 10 MB. The pages are the files; the single-file columns of application_materials keep
-- describing the material's FIRST page (the applications service rewrites them whenever the
-- pages change), so every reader written for one file per material — pre-review, the approver's
-- task, the console, GET .../materials/{code} — keeps working unchanged.
CREATE TABLE application_material_pages (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id  bigint NOT NULL,
    material_code   text NOT NULL,
    -- 1..n without holes, kept by the service under the application's row lock; 20 pages at most
    page_no         smallint NOT NULL CHECK (page_no BETWEEN 1 AND 20),
    storage_key     text NOT NULL UNIQUE,
    content_type    text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'application/pdf')),
    size_bytes      integer NOT NULL CHECK (size_bytes BETWEEN 1 AND 10485760),
    sha256          text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    original_name   text,
    uploaded_at     timestamptz NOT NULL DEFAULT now(),
    -- a material that stops applying takes its pages with it (their files are deleted after commit)
    FOREIGN KEY (application_id, material_code)
        REFERENCES application_materials (application_id, material_code) ON DELETE CASCADE,
    -- deferrable: removing or reordering pages renumbers several rows in one statement
    CONSTRAINT application_material_pages_number
        UNIQUE (application_id, material_code, page_no) DEFERRABLE INITIALLY IMMEDIATE
);

-- Files uploaded before pages existed become page 1 of their material.
INSERT INTO application_material_pages (application_id, material_code, page_no, storage_key, content_type,
                                        size_bytes, sha256, original_name, uploaded_at)
SELECT application_id, material_code, 1, storage_key, content_type, size_bytes, sha256, original_name, uploaded_at
FROM application_materials WHERE storage_key IS NOT NULL;
