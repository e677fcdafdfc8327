-- Absence, meldingen and the signals the rules make of them.

-- One row per pupil, school, day and kind. Rows of one file with the same key are folded:
-- minutes added, `aantal` counting the rows (late arrivals are one row each).
CREATE TABLE verzuim (
    jongere_id INTEGER NOT NULL REFERENCES jongeren(id),
    school     TEXT NOT NULL,
    datum      TEXT NOT NULL,
    soort      TEXT NOT NULL CHECK (soort = 'ongeoorloofd' OR soort = 'luxe' OR soort = 'te_laat'
                                    OR soort = 'ziek' OR soort = 'geoorloofd'),
    minuten    INTEGER NOT NULL CHECK (minuten >= 0),
    aantal     INTEGER NOT NULL CHECK (aantal >= 1),
    hele_dag   INTEGER NOT NULL CHECK (hele_dag = 0 OR hele_dag = 1),
    PRIMARY KEY (jongere_id, school, datum, soort)
) WITHOUT ROWID;

-- Pupils (at a school) whose absence changed since the signals were last brought up to date.
CREATE TABLE verzuim_gewijzigd (
    jongere_id INTEGER NOT NULL,
    school     TEXT NOT NULL,
    PRIMARY KEY (jongere_id, school)
) WITHOUT ROWID;

-- The versions of the region's rules; each applies from `van` on. Never changed, only added.
CREATE TABLE regelversies (
    van    TEXT PRIMARY KEY,
    regels TEXT NOT NULL
);

-- Signals are derived data: recomputed per pupil and school from the absence and the rules.
CREATE TABLE signalen (
    jongere_id INTEGER NOT NULL REFERENCES jongeren(id),
    school     TEXT NOT NULL,
    regel      TEXT NOT NULL,
    datum      TEXT NOT NULL,
    uitleg     TEXT NOT NULL,
    PRIMARY KEY (jongere_id, school, regel, datum)
) WITHOUT ROWID;
CREATE INDEX signalen_datum ON signalen (datum);

CREATE TABLE meldingen (
    id           INTEGER PRIMARY KEY,
    jongere_id   INTEGER NOT NULL REFERENCES jongeren(id),
    school       TEXT NOT NULL,
    begindatum   TEXT NOT NULL,
    verzuimsoort TEXT NOT NULL CHECK (verzuimsoort = 'luxe' OR verzuimsoort = 'beginnend'
                   OR verzuimsoort = 'signaal' OR verzuimsoort = '16uur' OR verzuimsoort = 'langdurig'),
    uren         INTEGER CHECK (uren >= 0),
    dagen        INTEGER CHECK (dagen >= 0),
    status       TEXT NOT NULL DEFAULT 'geregistreerd',
    UNIQUE (jongere_id, school, begindatum, verzuimsoort)
);
