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
CREATE INDEX jongeren_gemeente ON jongeren (gemeente, geboortedatum);

CREATE TABLE inschrijvingen (
    jongere_id INTEGER NOT NULL REFERENCES jongeren(id),
    school     TEXT NOT NULL,
    begindatum TEXT NOT NULL,
    einddatum  TEXT CHECK (einddatum IS NULL OR einddatum >= begindatum),
    sector     TEXT NOT NULL CHECK (sector IN ('PO','SO','VO','VSO','MBO')),
    PRIMARY KEY (jongere_id, school, begindatum)
) WITHOUT ROWID;
CREATE INDEX inschrijvingen_school ON inschrijvingen (school, begindatum);
