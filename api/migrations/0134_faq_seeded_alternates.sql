-- Issue 24: the shipped similar questions (api/faq/data/similar.jsonl) reach databases seeded
-- before them. Each one is added to its entry once; an admin who later deletes it is not overruled
-- by the next `zsb seed`.
CREATE TABLE faq_seeded_alternates (
    entry_id   text NOT NULL REFERENCES faq_entries(id) ON DELETE CASCADE,
    question   text NOT NULL,
    seeded_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (entry_id, question)
);
