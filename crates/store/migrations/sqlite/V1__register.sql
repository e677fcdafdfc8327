-- The register: organisations, the school calendar, young people and their enrolments.
-- Dates are ISO text (YYYY-MM-DD), which sorts and compares as dates.

CREATE TABLE organisaties (
    code     TEXT PRIMARY KEY,
    soort    TEXT NOT NULL CHECK (soort IN ('gemeente','school','swv','leerplicht','ggd','cjg')),
    naam     TEXT NOT NULL,
    gemeente TEXT,
    regio    TEXT,
    swv      TEXT
);

CREATE TABLE organisatie_bedient (
    organisatie TEXT NOT NULL REFERENCES organisaties(code),
    gemeente    TEXT NOT NULL,
    PRIMARY KEY (organisatie, gemeente)
) WITHOUT ROWID;

-- school = '' means: for every school of the installation.
CREATE TABLE vakanties (
    school TEXT NOT NULL DEFAULT '',
    van    TEXT NOT NULL,
    naam   TEXT NOT NULL,
    tot    TEXT NOT NULL CHECK (tot >= van),
    PRIMARY KEY (school, van, naam)
) WITHOUT ROWID;

CREATE TABLE jongeren (
    id              INTEGER PRIMARY KEY,
    bsn             INTEGER UNIQUE,
    onderwijsnummer INTEGER UNIQUE,
    achternaam      TEXT NOT NULL,
    voornamen       TEXT NOT NULL,
    geboortedatum   TEXT NOT NULL,
    gemeente        TEXT NOT NULL,
    CHECK (bsn IS NOT NULL OR onderwijsnummer IS NOT NULL)
);

CREATE TABLE inschrijvingen (
    jongere_id INTEGER NOT NULL REFERENCES jongeren(id),
    school     TEXT NOT NULL,
    begindatum TEXT NOT NULL,
    einddatum  TEXT CHECK (einddatum IS NULL OR einddatum >= begindatum),
    -- Comparisons rather than IN (…): SQLite builds a temporary index for an IN list on
    -- every insert, which halves the speed of a large import.
    sector     TEXT NOT NULL CHECK (sector = 'PO' OR sector = 'SO' OR sector = 'VO'
                                    OR sector = 'VSO' OR sector = 'MBO'),
    PRIMARY KEY (jongere_id, school, begindatum)
) WITHOUT ROWID;
