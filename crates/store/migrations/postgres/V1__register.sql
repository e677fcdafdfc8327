-- The register: organisations, the school calendar, young people and their enrolments.

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
);

-- school = '' means: for every school of the installation.
CREATE TABLE vakanties (
    school TEXT NOT NULL DEFAULT '',
    van    DATE NOT NULL,
    naam   TEXT NOT NULL,
    tot    DATE NOT NULL CHECK (tot >= van),
    PRIMARY KEY (school, van, naam)
);

CREATE SEQUENCE jongeren_id_seq;
CREATE TABLE jongeren (
    id              BIGINT PRIMARY KEY DEFAULT nextval('jongeren_id_seq'),
    bsn             INTEGER UNIQUE,
    onderwijsnummer INTEGER UNIQUE,
    achternaam      TEXT NOT NULL,
    voornamen       TEXT NOT NULL,
    geboortedatum   DATE NOT NULL,
    gemeente        TEXT NOT NULL,
    CHECK (bsn IS NOT NULL OR onderwijsnummer IS NOT NULL)
);
ALTER SEQUENCE jongeren_id_seq OWNED BY jongeren.id;

CREATE TABLE inschrijvingen (
    jongere_id BIGINT NOT NULL REFERENCES jongeren(id),
    school     TEXT NOT NULL,
    begindatum DATE NOT NULL,
    einddatum  DATE CHECK (einddatum IS NULL OR einddatum >= begindatum),
    sector     TEXT NOT NULL CHECK (sector IN ('PO','SO','VO','VSO','MBO')),
    PRIMARY KEY (jongere_id, school, begindatum)
);
