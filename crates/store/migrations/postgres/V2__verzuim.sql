-- Absence, meldingen and the signals the rules make of them.

-- One row per pupil, school, day and kind. Rows of one file with the same key are folded:
-- minutes added, `aantal` counting the rows (late arrivals are one row each).
CREATE TABLE verzuim (
    jongere_id BIGINT NOT NULL REFERENCES jongeren(id),
    school     TEXT NOT NULL,
    datum      DATE NOT NULL,
    soort      TEXT NOT NULL CHECK (soort IN ('ongeoorloofd','luxe','te_laat','ziek','geoorloofd')),
    minuten    INTEGER NOT NULL CHECK (minuten >= 0),
    aantal     INTEGER NOT NULL CHECK (aantal >= 1),
    hele_dag   BOOLEAN NOT NULL,
    PRIMARY KEY (jongere_id, school, datum, soort)
);

-- Pupils (at a school) whose absence changed since the signals were last brought up to date.
CREATE TABLE verzuim_gewijzigd (
    jongere_id BIGINT NOT NULL,
    school     TEXT NOT NULL,
    PRIMARY KEY (jongere_id, school)
);

-- The versions of the region's rules; each applies from `van` on. Never changed, only added.
CREATE TABLE regelversies (
    van    DATE PRIMARY KEY,
    regels TEXT NOT NULL
);

-- Signals are derived data: recomputed per pupil and school from the absence and the rules.
CREATE TABLE signalen (
    jongere_id BIGINT NOT NULL REFERENCES jongeren(id),
    school     TEXT NOT NULL,
    regel      TEXT NOT NULL,
    datum      DATE NOT NULL,
    uitleg     TEXT NOT NULL,
    PRIMARY KEY (jongere_id, school, regel, datum)
);
CREATE INDEX signalen_datum ON signalen (datum);

CREATE TABLE meldingen (
    id           BIGSERIAL PRIMARY KEY,
    jongere_id   BIGINT NOT NULL REFERENCES jongeren(id),
    school       TEXT NOT NULL,
    begindatum   DATE NOT NULL,
    verzuimsoort TEXT NOT NULL CHECK (verzuimsoort IN ('luxe','beginnend','signaal','16uur','langdurig')),
    uren         INTEGER CHECK (uren >= 0),
    dagen        INTEGER CHECK (dagen >= 0),
    status       TEXT NOT NULL DEFAULT 'geregistreerd',
    UNIQUE (jongere_id, school, begindatum, verzuimsoort)
);
