-- Accounts, sessions, API tokens, need-to-know grants, the audit log and what retention keeps.

-- Installation settings; `audit_sleutel` keys the pseudonyms that name persons in the audit log.
CREATE TABLE instellingen (
    naam   TEXT PRIMARY KEY,
    waarde TEXT NOT NULL
);

CREATE TABLE gebruikers (
    id                BIGSERIAL PRIMARY KEY,
    gebruikersnaam    TEXT NOT NULL UNIQUE,
    organisatie       TEXT NOT NULL REFERENCES organisaties(code),
    rol               TEXT NOT NULL CHECK (rol IN ('leerplicht','school','swv','jeugdarts','cjg','beleid','beheer')),
    wachtwoord        TEXT NOT NULL,          -- Argon2id, PHC string
    totp_geheim       TEXT,                   -- base32; NULL: no second factor set up
    totp_laatste_stap BIGINT,                 -- last accepted TOTP time step (no replay)
    actief            BOOLEAN NOT NULL DEFAULT TRUE,
    mislukte_pogingen INTEGER NOT NULL DEFAULT 0,
    geblokkeerd_tot   TIMESTAMPTZ,
    aangemaakt        TIMESTAMPTZ NOT NULL
);

-- A session is known by the SHA-256 of its token; the token itself is never stored.
CREATE TABLE sessies (
    token_hash      TEXT PRIMARY KEY,
    gebruiker_id    BIGINT NOT NULL REFERENCES gebruikers(id),
    aangemaakt      TIMESTAMPTZ NOT NULL,
    laatst_gebruikt TIMESTAMPTZ NOT NULL,
    verloopt        TIMESTAMPTZ NOT NULL,
    ingetrokken     TIMESTAMPTZ,
    bron            TEXT NOT NULL
);
CREATE INDEX sessies_gebruiker ON sessies (gebruiker_id);

CREATE TABLE api_tokens (
    id           BIGSERIAL PRIMARY KEY,
    token_hash   TEXT NOT NULL UNIQUE,
    organisatie  TEXT NOT NULL REFERENCES organisaties(code),
    scopes       TEXT NOT NULL,               -- space separated
    omschrijving TEXT NOT NULL,
    aangemaakt   TIMESTAMPTZ NOT NULL,
    ingetrokken  TIMESTAMPTZ
);

-- Break the glass: a user's time-limited access to one person outside their scope.
CREATE TABLE noodtoegang (
    id           BIGSERIAL PRIMARY KEY,
    gebruiker_id BIGINT NOT NULL REFERENCES gebruikers(id),
    jongere_id   BIGINT NOT NULL REFERENCES jongeren(id),
    reden        TEXT NOT NULL,
    van          TIMESTAMPTZ NOT NULL,
    tot          TIMESTAMPTZ NOT NULL CHECK (tot > van)
);
CREATE INDEX noodtoegang_gebruiker ON noodtoegang (gebruiker_id, jongere_id);

-- Partner organisations added to a young person's case (a CJG, a jeugdteam).
CREATE TABLE betrokken_partners (
    jongere_id  BIGINT NOT NULL REFERENCES jongeren(id),
    organisatie TEXT NOT NULL REFERENCES organisaties(code),
    sinds       DATE NOT NULL,
    PRIMARY KEY (jongere_id, organisatie)
);

-- The youth doctor's notes: readable by `jeugdarts` only.
CREATE TABLE medische_notities (
    id           BIGSERIAL PRIMARY KEY,
    jongere_id   BIGINT NOT NULL REFERENCES jongeren(id),
    organisatie  TEXT NOT NULL REFERENCES organisaties(code),
    gebruiker_id BIGINT NOT NULL REFERENCES gebruikers(id),
    tijd         TIMESTAMPTZ NOT NULL,
    tekst        TEXT NOT NULL
);
CREATE INDEX medische_notities_jongere ON medische_notities (jongere_id);

-- Append-only, hash-chained: `hash` covers `vorige` (the previous entry's hash) and every
-- field, so a changed or removed entry breaks the chain. Persons are named by a keyed
-- pseudonym of their identifier, never by the identifier itself. `tijd` is kept as the exact
-- text that was hashed.
CREATE TABLE audit_log (
    seq         BIGINT PRIMARY KEY,
    tijd        TEXT NOT NULL,
    actor       TEXT NOT NULL,
    organisatie TEXT,
    rol         TEXT,
    actie       TEXT NOT NULL,
    persoon     TEXT,
    record      TEXT,
    bron        TEXT NOT NULL,
    reden       TEXT,
    noodtoegang BOOLEAN NOT NULL,
    toegestaan  BOOLEAN NOT NULL,
    vorige      TEXT NOT NULL,
    hash        TEXT NOT NULL
);
-- Which entries name which person: a lookup index kept by the appenders in sorted batches
-- (every 1024 entries) rather than per entry, since a random index insert doubles the cost of
-- each commit. Entries after `audit_geindexeerd.tot` are found by scanning the short tail.
CREATE TABLE audit_persoon (
    persoon TEXT NOT NULL,
    seq     BIGINT NOT NULL,
    PRIMARY KEY (persoon, seq)
);
CREATE TABLE audit_geindexeerd (
    tot BIGINT NOT NULL
);
INSERT INTO audit_geindexeerd (tot) VALUES (0);
CREATE FUNCTION audit_log_alleen_toevoegen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END $$;
CREATE TRIGGER audit_log_niet_wijzigen BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_alleen_toevoegen();
CREATE TRIGGER audit_log_niet_legen BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_alleen_toevoegen();

-- What retention keeps of purged files: counts without persons.
CREATE TABLE anonieme_cijfers (
    schooljaar TEXT NOT NULL,
    gemeente   TEXT NOT NULL,
    indicator  TEXT NOT NULL,
    aantal     BIGINT NOT NULL,
    PRIMARY KEY (schooljaar, gemeente, indicator)
);
