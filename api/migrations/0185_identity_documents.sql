-- Issue 19, F090: HK/Macau/Taiwan residents and foreigners upload a photo of their document and staff
-- verify it within 1 working day. The identity itself is the ``identities`` row (status 'pending',
-- method 'document', due_on); this table holds what only a document review has: the photo, who
-- reviewed it, a refusal's reason, and the reminder/overdue marks the daily job sets once each.
CREATE TABLE identity_documents (
    identity_id    bigint PRIMARY KEY REFERENCES identities(id),
    storage_key    text NOT NULL,
    content_type   text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png')),
    size_bytes     integer NOT NULL CHECK (size_bytes > 0),
    sha256         text NOT NULL,
    reviewed_by    bigint REFERENCES users(id),
    reviewed_at    timestamptz,
    refusal_reason text CHECK (refusal_reason IS NULL OR length(refusal_reason) BETWEEN 1 AND 200),
    reminded_on    date,         -- staff were reminded on the due day (once)
    overdue_at     timestamptz,  -- flagged overdue and escalated (once)
    created_at     timestamptz NOT NULL DEFAULT now(),
    CHECK ((reviewed_by IS NULL) = (reviewed_at IS NULL))
);

-- Every staff look at a person's document photo or unmasked number (F145's spirit: "每次查看都留有
-- 记录"). case_views needs a case; an identity under review has none, so it has its own log.
CREATE TABLE identity_views (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    identity_id     bigint NOT NULL REFERENCES identities(id),
    viewer_id       bigint NOT NULL REFERENCES users(id),
    viewed_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
    what            text NOT NULL CHECK (what IN ('detail', 'photo')),
    id_number_shown boolean NOT NULL DEFAULT false,
    CHECK (NOT id_number_shown OR what = 'detail')
);
CREATE INDEX identity_views_identity ON identity_views (identity_id, id);
CREATE INDEX identity_views_viewer ON identity_views (viewer_id, id);

CREATE TRIGGER identity_views_append_only BEFORE UPDATE OR DELETE ON identity_views
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER identity_views_no_truncate BEFORE TRUNCATE ON identity_views
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
