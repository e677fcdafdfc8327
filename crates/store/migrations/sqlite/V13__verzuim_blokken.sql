-- Absence is kept per pupil and school as one packed value (see the store's verzuimblok
-- module): a pupil's whole history is one read for the rules, and a national year is two
-- million values instead of forty million rows. `signalen` is the fingerprint of the signals
-- stored for the pair (NULL: none), so that a run over everyone rewrites only the signals
-- that changed.
CREATE TABLE verzuim_blokken (
    jongere_id INTEGER NOT NULL REFERENCES jongeren(id),
    school     TEXT NOT NULL,
    rijen      BLOB NOT NULL,
    signalen   INTEGER,
    PRIMARY KEY (jongere_id, school)
) WITHOUT ROWID;
-- The rows of before are packed by the store when it opens the database, which then drops
-- this table.
ALTER TABLE verzuim RENAME TO verzuim_rijen_v12;
