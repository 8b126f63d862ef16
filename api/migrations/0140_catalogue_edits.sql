-- The catalogue's editable parts changed from the console (issue 26): fee, promised days, a
-- material's name or note. One row per changed part, with the value before and after; kept forever.
CREATE TABLE catalogue_edits (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    service_code  text NOT NULL REFERENCES services(code),
    actor_id      bigint NOT NULL REFERENCES users(id),
    part          text NOT NULL,  -- fee | promisedDays | material:<code>:name | material:<code>:note
    before        text,
    after         text,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX catalogue_edits_service ON catalogue_edits (service_code, id);
