-- Accounts, sessions, API tokens, need-to-know grants, the audit log and what retention keeps.
-- Moments are UTC text in one fixed format, so that they sort and compare as moments.

-- Installation settings; `audit_sleutel` keys the pseudonyms that name persons in the audit log.
CREATE TABLE instellingen (
    naam   TEXT PRIMARY KEY,
    waarde TEXT NOT NULL
);

CREATE TABLE gebruikers (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    gebruikersnaam    TEXT NOT NULL UNIQUE,
    organisatie       TEXT NOT NULL REFERENCES organisaties(code),
    rol               TEXT NOT NULL CHECK (rol IN ('leerplicht','school','swv','jeugdarts','cjg','beleid','beheer')),
    wachtwoord        TEXT NOT NULL,          -- Argon2id, PHC string
    totp_geheim       TEXT,                   -- base32; NULL: no second factor set up
    totp_laatste_stap INTEGER,                -- last accepted TOTP time step (no replay)
    actief            INTEGER NOT NULL DEFAULT 1 CHECK (actief IN (0, 1)),
    mislukte_pogingen INTEGER NOT NULL DEFAULT 0,
    geblokkeerd_tot   TEXT,
    aangemaakt        TEXT NOT NULL
);

-- A session is known by the SHA-256 of its token; the token itself is never stored.
CREATE TABLE sessies (
    token_hash      TEXT PRIMARY KEY,
    gebruiker_id    INTEGER NOT NULL REFERENCES gebruikers(id),
    aangemaakt      TEXT NOT NULL,
    laatst_gebruikt TEXT NOT NULL,
    verloopt        TEXT NOT NULL,
    ingetrokken     TEXT,
    bron            TEXT NOT NULL
);
CREATE INDEX sessies_gebruiker ON sessies (gebruiker_id);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash   TEXT NOT NULL UNIQUE,
    organisatie  TEXT NOT NULL REFERENCES organisaties(code),
    scopes       TEXT NOT NULL,               -- space separated
    omschrijving TEXT NOT NULL,
    aangemaakt   TEXT NOT NULL,
    ingetrokken  TEXT
);

-- Break the glass: a user's time-limited access to one person outside their scope.
CREATE TABLE noodtoegang (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    gebruiker_id INTEGER NOT NULL REFERENCES gebruikers(id),
    jongere_id   INTEGER NOT NULL REFERENCES jongeren(id),
    reden        TEXT NOT NULL,
    van          TEXT NOT NULL,
    tot          TEXT NOT NULL CHECK (tot > van)
);
CREATE INDEX noodtoegang_gebruiker ON noodtoegang (gebruiker_id, jongere_id);

-- Partner organisations added to a young person's case (a CJG, a jeugdteam).
CREATE TABLE betrokken_partners (
    jongere_id  INTEGER NOT NULL REFERENCES jongeren(id),
    organisatie TEXT NOT NULL REFERENCES organisaties(code),
    sinds       TEXT NOT NULL,  -- date
    PRIMARY KEY (jongere_id, organisatie)
) WITHOUT ROWID;

-- The youth doctor's notes: readable by `jeugdarts` only.
CREATE TABLE medische_notities (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    jongere_id   INTEGER NOT NULL REFERENCES jongeren(id),
    organisatie  TEXT NOT NULL REFERENCES organisaties(code),
    gebruiker_id INTEGER NOT NULL REFERENCES gebruikers(id),
    tijd         TEXT NOT NULL,
    tekst        TEXT NOT NULL
);
CREATE INDEX medische_notities_jongere ON medische_notities (jongere_id);

-- Append-only, hash-chained: `hash` covers `vorige` (the previous entry's hash) and every
-- field, so a changed or removed entry breaks the chain. Persons are named by a keyed
-- pseudonym of their identifier, never by the identifier itself.
CREATE TABLE audit_log (
    seq         INTEGER PRIMARY KEY,
    tijd        TEXT NOT NULL,
    actor       TEXT NOT NULL,
    organisatie TEXT,
    rol         TEXT,
    actie       TEXT NOT NULL,
    persoon     TEXT,
    record      TEXT,
    bron        TEXT NOT NULL,
    reden       TEXT,
    noodtoegang INTEGER NOT NULL CHECK (noodtoegang IN (0, 1)),
    toegestaan  INTEGER NOT NULL CHECK (toegestaan IN (0, 1)),
    vorige      TEXT NOT NULL,
    hash        TEXT NOT NULL
);
-- Which entries name which person: a lookup index kept by the appenders in sorted batches
-- (every 1024 entries) rather than per entry, since a random index insert doubles the cost of
-- each commit. Entries after `audit_geindexeerd.tot` are found by scanning the short tail.
CREATE TABLE audit_persoon (
    persoon TEXT NOT NULL,
    seq     INTEGER NOT NULL,
    PRIMARY KEY (persoon, seq)
) WITHOUT ROWID;
CREATE TABLE audit_geindexeerd (
    tot INTEGER NOT NULL
);
INSERT INTO audit_geindexeerd (tot) VALUES (0);
CREATE TRIGGER audit_log_niet_wijzigen BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_niet_verwijderen BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

-- What retention keeps of purged files: counts without persons.
CREATE TABLE anonieme_cijfers (
    schooljaar TEXT NOT NULL,
    gemeente   TEXT NOT NULL,
    indicator  TEXT NOT NULL,
    aantal     INTEGER NOT NULL,
    PRIMARY KEY (schooljaar, gemeente, indicator)
) WITHOUT ROWID;
