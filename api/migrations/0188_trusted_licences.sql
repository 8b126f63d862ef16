-- Trusted licence data (issue 21): licences the bureau holds from elsewhere exempt materials and
-- fill forms (证照免交, 信息预填), and an instant matter is decided automatically only on them.
--
-- `licences.source` says where a row of the library comes from: 'library' (this product issued it),
-- 'share' (the provincial e-licence sharing service, mirrored when a checklist or a submission
-- looked it up) or 'import' (a bulk import / the sandbox source). `identifier` is the licence's
-- GB/T 36904 identifier at its source (one mirror row per source and identifier).
-- `evidence`: what an issued licence rested on (each material: exempt by which licence of which
-- source, or an upload checked by a person; the automatic checks).
ALTER TABLE licences
    ADD COLUMN source text NOT NULL DEFAULT 'library' CHECK (source ~ '^[a-z][a-z0-9_]{1,31}$'),
    ADD COLUMN identifier text CHECK (identifier IS NULL OR length(identifier) BETWEEN 1 AND 200),
    ADD COLUMN fetched_at timestamptz,
    ADD COLUMN evidence jsonb CHECK (evidence IS NULL OR jsonb_typeof(evidence) = 'object');
CREATE UNIQUE INDEX licences_source_identifier ON licences (source, identifier) WHERE identifier IS NOT NULL;

-- The bureau's own store of trusted licence data: `zsb licences import FILE` and the sandbox
-- source of `make dev`. GB/T 36903 metadata; a person's ID number is never stored, only its keyed
-- hash (api.identity.crypto, the same as identities.id_hash) and a masked form; a unified social
-- credit code is public and kept as is.
CREATE TABLE imported_licences (
    identifier      text PRIMARY KEY CHECK (length(identifier) BETWEEN 1 AND 200),
    type            text NOT NULL CHECK (type ~ '^[a-z][a-z0-9_]{1,63}$'),
    type_code       text NOT NULL CHECK (length(type_code) BETWEEN 1 AND 64),
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    number          text NOT NULL CHECK (length(number) BETWEEN 1 AND 100),
    holder_name     text NOT NULL CHECK (length(holder_name) BETWEEN 1 AND 200),
    holder_id_type  text NOT NULL CHECK (holder_id_type IN ('resident_id', 'uscc')),
    holder_key      text NOT NULL CHECK (length(holder_key) BETWEEN 1 AND 200),
    holder_id_masked text NOT NULL,
    issuer          text NOT NULL CHECK (length(issuer) BETWEEN 1 AND 200),
    issued_on       date,
    valid_from      date NOT NULL,
    valid_until     date CHECK (valid_until IS NULL OR valid_until >= valid_from),
    status          text NOT NULL CHECK (status IN ('valid', 'revoked', 'expired')),
    subject         text CHECK (subject IS NULL OR length(subject) BETWEEN 1 AND 100),
    data            jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(data) = 'object'),
    imported_at     timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX imported_licences_holder ON imported_licences (holder_key, type);

-- Why a material needs no upload (the licence and its source), shown to applicant and approver.
ALTER TABLE application_materials
    ADD COLUMN exempt_reason text CHECK (exempt_reason IS NULL OR length(exempt_reason) BETWEEN 1 AND 500);

-- Why an instant matter was not decided automatically but waits for a person at the accept step
-- ("材料为上传件，需人工核验"), and when the licence sources could not be reached for the case.
ALTER TABLE applications
    ADD COLUMN manual_reason text CHECK (manual_reason IS NULL OR length(manual_reason) BETWEEN 1 AND 500),
    ADD COLUMN licence_data_unavailable_at timestamptz;
