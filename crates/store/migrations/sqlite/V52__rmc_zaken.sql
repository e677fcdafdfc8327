-- RMC cases (docs/domain.md §13): a case kind of its own for an early school leaver of 18
-- to 23. SQLite cannot change a CHECK constraint, so the table is rebuilt as in V36: the
-- references to cases are checked at commit, when every case is back under its own number,
-- and the number sequence carries on where it was.
PRAGMA defer_foreign_keys = ON;
CREATE TABLE zaken_v51 AS SELECT id, jongere_id, soort, organisatie, geopend, gesloten FROM zaken;
CREATE TABLE zaken_v51_volgnummer AS SELECT seq FROM sqlite_sequence WHERE name = 'zaken';
DROP TABLE zaken;
CREATE TABLE zaken (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    jongere_id  INTEGER NOT NULL REFERENCES jongeren(id),
    soort       TEXT NOT NULL CHECK (soort = 'verzuim' OR soort = 'thuiszitter'
                                     OR soort = 'vrijstelling' OR soort = 'rmc'),
    organisatie TEXT NOT NULL REFERENCES organisaties(code),
    geopend     TEXT NOT NULL,
    gesloten    TEXT
);
INSERT INTO zaken (id, jongere_id, soort, organisatie, geopend, gesloten)
    SELECT id, jongere_id, soort, organisatie, geopend, gesloten FROM zaken_v51 ORDER BY id;
CREATE INDEX zaken_jongere ON zaken (jongere_id);
CREATE UNIQUE INDEX zaken_een_open ON zaken (jongere_id, soort) WHERE gesloten IS NULL;
DELETE FROM sqlite_sequence WHERE name = 'zaken';
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'zaken', max(coalesce((SELECT seq FROM zaken_v51_volgnummer), 0),
                        coalesce((SELECT max(id) FROM zaken), 0));
DROP TABLE zaken_v51;
DROP TABLE zaken_v51_volgnummer;
