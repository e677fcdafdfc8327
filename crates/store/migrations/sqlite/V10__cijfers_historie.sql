-- Figures reproducible for a past moment (DOMAIN §9.7): every version of a registration
-- period is kept with the moment it was recorded and the moment it was replaced or removed
-- (NULL while it holds). `registraties` stays the current state for everyday use.
CREATE TABLE registratie_versies (
    jongere_id INTEGER NOT NULL,
    van        TEXT NOT NULL,
    tot        TEXT,
    categorie  TEXT NOT NULL,
    oorzaak    TEXT NOT NULL,
    vastgelegd TEXT NOT NULL,
    vervallen  TEXT
);
CREATE INDEX registratie_versies_huidig ON registratie_versies (jongere_id, van) WHERE vervallen IS NULL;
-- What was known before versions were kept counts as known from the start.
INSERT INTO registratie_versies (jongere_id, van, tot, categorie, oorzaak, vastgelegd)
SELECT jongere_id, van, tot, categorie, oorzaak, '' FROM registraties;

-- A melding counts in the figures from the moment it became a real melding (imported, or a
-- draft confirmed) until it was withdrawn. Drafts have no such moment.
ALTER TABLE meldingen ADD COLUMN vastgelegd TEXT;
ALTER TABLE meldingen ADD COLUMN ingetrokken_op TEXT;
UPDATE meldingen SET vastgelegd = '' WHERE status <> 'concept';
UPDATE meldingen SET ingetrokken_op = '' WHERE status = 'ingetrokken';
-- The figures per school year read meldingen by start date.
CREATE INDEX meldingen_begindatum ON meldingen (begindatum, jongere_id);
