-- Cases (DOMAIN §7-8) as events: a case's state on any moment is the fold of the events
-- recorded up to then, and events are only ever added. `zaken.gesloten` mirrors the closing
-- event so that open cases are found by an index; at most one open case of each kind per
-- person.
CREATE TABLE zaken (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    jongere_id  INTEGER NOT NULL REFERENCES jongeren(id),
    soort       TEXT NOT NULL CHECK (soort = 'verzuim' OR soort = 'thuiszitter'),
    organisatie TEXT NOT NULL REFERENCES organisaties(code),
    geopend     TEXT NOT NULL,
    gesloten    TEXT
);
CREATE INDEX zaken_jongere ON zaken (jongere_id);
CREATE UNIQUE INDEX zaken_een_open ON zaken (jongere_id, soort) WHERE gesloten IS NULL;

CREATE TABLE zaak_gebeurtenissen (
    zaak_id     INTEGER NOT NULL REFERENCES zaken(id),
    volgnummer  INTEGER NOT NULL,
    tijd        TEXT NOT NULL,
    wie         TEXT NOT NULL,
    organisatie TEXT,
    gebeurtenis TEXT NOT NULL,
    PRIMARY KEY (zaak_id, volgnummer)
) WITHOUT ROWID;
