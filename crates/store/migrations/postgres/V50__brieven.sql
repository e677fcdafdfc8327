-- The officer's letters (docs/domain.md §13): a document of the case, kept as it was sent
-- (the PDF with one letter per address), with who made it and when. Destroyed with the file.
CREATE TABLE brieven (
    id          BIGSERIAL PRIMARY KEY,
    zaak_id     BIGINT NOT NULL REFERENCES zaken (id),
    jongere_id  BIGINT NOT NULL REFERENCES jongeren (id),
    sjabloon    TEXT NOT NULL,
    aan         TEXT NOT NULL,
    adressen    INTEGER NOT NULL,
    wie         TEXT NOT NULL,
    organisatie TEXT,
    tijd        TIMESTAMPTZ NOT NULL,
    pdf         BYTEA NOT NULL
);
CREATE INDEX brieven_jongere ON brieven (jongere_id);
CREATE INDEX brieven_zaak ON brieven (zaak_id);
