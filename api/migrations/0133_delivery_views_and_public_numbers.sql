-- Issue 17 items 9 and 12.
--
-- Item 9: a staff member reading a delivery (the applicant's name and postal address, GET
-- /deliveries) leaves a row in the case view log (0024) like every other read of a case.
ALTER TABLE case_views
    ADD COLUMN delivery_id bigint REFERENCES deliveries(id),
    DROP CONSTRAINT case_views_via_check,
    ADD CONSTRAINT case_views_via_check CHECK (via IN ('task', 'case', 'delivery')),
    ADD CONSTRAINT case_views_delivery_check CHECK ((via = 'delivery') = (delivery_id IS NOT NULL)),
    DROP CONSTRAINT case_views_what_check,
    ADD CONSTRAINT case_views_what_check CHECK (what IN ('detail', 'material', 'page', 'delivery')),
    -- was: (what = 'detail') = (material_code IS NULL); a delivery names no material either
    DROP CONSTRAINT case_views_check1,
    ADD CONSTRAINT case_views_material_check CHECK ((what IN ('material', 'page')) = (material_code IS NOT NULL)),
    ADD CONSTRAINT case_views_delivery_what_check CHECK ((via = 'delivery') = (what = 'delivery'));

-- Item 12: public case numbers are WZ-<date>-<8 random characters><check character> (Crockford's
-- base 32, api/applications/public_no.py); the sequential numbers given before stay valid. The
-- unique index (0011) keeps them unique: the application service retries on a collision.
ALTER TABLE applications
    DROP CONSTRAINT applications_public_no_check,
    ADD CONSTRAINT applications_public_no_check
        CHECK (public_no ~ '^WZ-[0-9]{8}-([0-9]{6}|[0-9ABCDEFGHJKMNPQRSTVWXYZ]{9})$');
