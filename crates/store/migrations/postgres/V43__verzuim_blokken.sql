-- Absence is kept per pupil and school as one packed value, as on SQLite (see the store's
-- verzuimblok module): an import checks and merges a file's rows in the store's process and
-- writes one value per pair with COPY, and a signal run reads a pupil's whole history as one
-- value. `signalen` is the fingerprint of the signals stored for the pair (NULL: none), so
-- that a run over everyone rewrites only the signals that changed. No foreign key, as for
-- enrolments (V4): an import looks its persons up under a SHARE lock on jongeren, and persons
-- are only deleted by retention, which locks jongeren and removes their absence first; the
-- per-row check would cost a fifth of a large import.
CREATE TABLE verzuim_blokken (
    jongere_id BIGINT NOT NULL,
    school     TEXT NOT NULL,
    rijen      BYTEA NOT NULL,
    signalen   BIGINT,
    PRIMARY KEY (jongere_id, school)
);
-- The rows of before are packed by the store when it opens the database, which then drops
-- this table.
ALTER TABLE verzuim RENAME TO verzuim_rijen_v42;
