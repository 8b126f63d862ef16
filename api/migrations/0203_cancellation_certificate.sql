-- F029 (issue 22 follow-up): a cancellation's 电子注销证明 is a signed document of the cancelling case
-- (application_id set, the cancelled licence named in params); the documents' kinds gain 'cancellation'.
ALTER TABLE documents DROP CONSTRAINT documents_kind_check;
ALTER TABLE documents ADD CONSTRAINT documents_kind_check
    CHECK (kind IN ('licence', 'refusal', 'gap_notice', 'cancellation'));
