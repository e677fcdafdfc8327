-- What retention keeps of a destroyed file so that every figure stays the same (DOMAIN §9.8,
-- §11): anonymous figure rows, read by the figures beside the live rows. A figure row holds
-- only what the counting reads — no identifier, no name, no birth date, no reference to any
-- other table. Its number is new, given in random order within a purge, and means nothing
-- outside these tables.

-- A destroyed file's person: the gemeente they lived in.
CREATE TABLE anoniem_personen (
    id       INTEGER PRIMARY KEY,
    gemeente TEXT NOT NULL
);
-- Their registration periods: the current ones (versie 0) and every version with its moments
-- (versie 1), for the figures as known at a past moment.
CREATE TABLE anoniem_perioden (
    persoon    INTEGER NOT NULL REFERENCES anoniem_personen(id),
    versie     INTEGER NOT NULL CHECK (versie IN (0, 1)),
    van        TEXT NOT NULL,
    tot        TEXT,
    categorie  TEXT NOT NULL,
    oorzaak    TEXT NOT NULL,
    vastgelegd TEXT,
    vervallen  TEXT
);
CREATE INDEX anoniem_perioden_persoon ON anoniem_perioden (persoon);
-- Their enrolments: school location, sector and dates (the area filters, the VO-MBO gap).
CREATE TABLE anoniem_inschrijvingen (
    persoon INTEGER NOT NULL REFERENCES anoniem_personen(id),
    school  TEXT NOT NULL,
    sector  TEXT NOT NULL,
    van     TEXT NOT NULL,
    tot     TEXT
);
-- The dates of their offers (the KPI) and their exemptions (the Leerplichttelling), each
-- with the moment it was recorded.
CREATE TABLE anoniem_aanbiedingen (
    persoon    INTEGER NOT NULL REFERENCES anoniem_personen(id),
    aangeboden TEXT NOT NULL,
    tijd       TEXT NOT NULL
);
-- The days their offers started, which end a run of home-sitting (DOMAIN §8).
CREATE TABLE anoniem_aanbod_gestart (
    persoon INTEGER NOT NULL REFERENCES anoniem_personen(id),
    gestart TEXT NOT NULL,
    tijd    TEXT NOT NULL
);
CREATE TABLE anoniem_vrijstellingen (
    persoon             INTEGER NOT NULL REFERENCES anoniem_personen(id),
    artikel             TEXT NOT NULL,
    geen_passend_aanbod INTEGER NOT NULL CHECK (geen_passend_aanbod IN (0, 1)),
    van                 TEXT NOT NULL,
    tijd                TEXT NOT NULL
);
-- Destroyed meldingen that counted or once counted: the person's number is one per person
-- and school year of a purge (unique persons are counted per year), with the gemeente, the
-- age class on the start date, the school, the start date, and when the melding counted.
CREATE TABLE anoniem_meldingen (
    persoon        INTEGER NOT NULL,
    gemeente       TEXT NOT NULL,
    meerderjarig   INTEGER NOT NULL CHECK (meerderjarig IN (0, 1)),
    school         TEXT NOT NULL,
    begindatum     TEXT NOT NULL,
    telt           INTEGER NOT NULL CHECK (telt IN (0, 1)),
    vastgelegd     TEXT,
    ingetrokken_op TEXT
);
CREATE INDEX anoniem_meldingen_begindatum ON anoniem_meldingen (begindatum);
