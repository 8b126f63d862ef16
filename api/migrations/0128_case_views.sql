-- FAQ F145 "只有办理您事项的审批人员可以查看材料，每次查看都留有记录": every look a staff member takes at
-- a case's personal data leaves one row here, written in the same transaction as the read itself
-- (a failed read leaves nothing; a successful one cannot commit without it). The applicant sees who
-- looked and when (GET /applications/{id}/access-log); admins list the looks by staff member.
--
-- On a fresh database this file runs after 0020 (approval_tasks, audit_append_only) and before
-- 0030 (appointments); nothing here refers to later migrations.

CREATE TABLE case_views (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id  bigint NOT NULL REFERENCES applications(id),
    viewer_id       bigint NOT NULL REFERENCES users(id),
    viewed_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
    -- through the approver's task (API or console) or the whole-case read of GET /applications/{id}
    via             text NOT NULL CHECK (via IN ('task', 'case')),
    task_id         bigint REFERENCES approval_tasks(id),
    CHECK ((via = 'task') = (task_id IS NOT NULL)),
    -- the case detail (form, timeline), one material's file, or one page of a material
    what            text NOT NULL CHECK (what IN ('detail', 'material', 'page')),
    material_code   text,
    page_no         integer,
    CHECK ((what = 'detail') = (material_code IS NULL)),
    CHECK ((what = 'page') = (page_no IS NOT NULL)),
    -- the detail put a resident ID number in front of the viewer
    id_number_shown boolean NOT NULL DEFAULT false,
    CHECK (NOT id_number_shown OR what = 'detail')
);
CREATE INDEX case_views_application ON case_views (application_id, id);
CREATE INDEX case_views_viewer ON case_views (viewer_id, id);

-- Append-only, like the audit chain and the sign-offs (0020): no edit, no deletion, no truncation.
CREATE TRIGGER case_views_append_only BEFORE UPDATE OR DELETE ON case_views
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER case_views_no_truncate BEFORE TRUNCATE ON case_views
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
