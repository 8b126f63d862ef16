-- Issue 22 (documents): licence numbers by rule, signed documents, signed audit checkpoints.

-- Licence numbers (api/licences/numbers.py): one counter per licence type code and year. A number
-- taken in a transaction that rolls back was never issued; a committed one is never given again.
CREATE TABLE licence_number_sequences (
    type_code   text NOT NULL CHECK (type_code ~ '^[A-Z]{2}$'),
    year        integer NOT NULL CHECK (year BETWEEN 2000 AND 2999),
    last_value  bigint NOT NULL CHECK (last_value > 0),
    PRIMARY KEY (type_code, year)
);

-- Signed PDF documents: a licence's electronic licence (every version kept: a change renders a new
-- one), a refusal's 不予许可决定书, a return's 一次性告知书. Written 'pending' in the transaction
-- that decides, rendered and signed by a job (jobs/documents.py) off the request path.
CREATE TABLE documents (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ref             text NOT NULL UNIQUE,  -- what it is for: licence:<id>:v<n>, refusal:<app>, gap_notice:<id>
    kind            text NOT NULL CHECK (kind IN ('licence', 'refusal', 'gap_notice')),
    licence_id      bigint REFERENCES licences(id),
    application_id  bigint REFERENCES applications(id),
    owner_id        bigint NOT NULL REFERENCES users(id),
    version         integer NOT NULL DEFAULT 1 CHECK (version > 0),
    reason          text,
    params          jsonb NOT NULL DEFAULT '{}',  -- what the letter says beyond the case (reasons, gaps)
    content         jsonb,                        -- what was printed, as rendered
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'ready')),
    pdf             bytea,
    sha256          text CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    created_at      timestamptz NOT NULL DEFAULT now(),
    rendered_at     timestamptz,
    CHECK ((kind = 'licence') = (licence_id IS NOT NULL)),
    CHECK (status = 'pending' OR (pdf IS NOT NULL AND sha256 IS NOT NULL)),
    UNIQUE (licence_id, version)
);
CREATE INDEX documents_pending ON documents (id) WHERE status = 'pending';
CREATE INDEX documents_application ON documents (application_id, id);

-- Audit anchoring: once a day the heads of the application chains that moved since the last
-- checkpoint are recorded and their digest (chained to the previous checkpoint's) is signed with the
-- bureau's document key. Whoever can rewrite application_events and recompute audit_chain cannot
-- sign a checkpoint; `zsb verify-audit` checks both.
CREATE TABLE audit_checkpoints (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    made_at      timestamptz NOT NULL DEFAULT now(),
    prev_digest  text NOT NULL CHECK (prev_digest ~ '^[0-9a-f]{64}$'),
    digest       text NOT NULL CHECK (digest ~ '^[0-9a-f]{64}$'),
    heads        integer NOT NULL CHECK (heads >= 0),
    signature    bytea NOT NULL,
    certificate  bytea NOT NULL  -- DER of the certificate whose key signed
);
CREATE TABLE audit_checkpoint_heads (
    checkpoint_id   bigint NOT NULL REFERENCES audit_checkpoints(id),
    application_id  bigint NOT NULL,
    seq             integer NOT NULL CHECK (seq > 0),
    hash            text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
    PRIMARY KEY (checkpoint_id, application_id)
);
CREATE INDEX audit_checkpoint_heads_app ON audit_checkpoint_heads (application_id, seq DESC);
CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit_checkpoints
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_checkpoint_heads_append_only BEFORE UPDATE OR DELETE ON audit_checkpoint_heads
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
