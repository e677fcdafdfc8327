-- Reports of talks and notes on a case (docs/domain.md §13), each with who may read it:
-- `zaak` (everyone who may see the case) or `leerplicht` (the leerplicht officers only).
-- Medical notes are the youth doctor's, in `medische_notities`. Notes are only ever added,
-- and are destroyed with the file.
CREATE TABLE zaaknotities (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    zaak_id     INTEGER NOT NULL REFERENCES zaken (id),
    jongere_id  INTEGER NOT NULL REFERENCES jongeren (id),
    niveau      TEXT NOT NULL CHECK (niveau IN ('zaak', 'leerplicht')),
    soort       TEXT NOT NULL CHECK (soort IN ('gesprek', 'notitie')),
    datum       TEXT NOT NULL,
    tekst       TEXT NOT NULL,
    wie         TEXT NOT NULL,
    organisatie TEXT,
    tijd        TEXT NOT NULL
);
CREATE INDEX zaaknotities_jongere ON zaaknotities (jongere_id);
CREATE INDEX zaaknotities_zaak ON zaaknotities (zaak_id);
