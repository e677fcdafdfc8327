-- E-mail (`[smtp]` in leerrecht.toml): an account's address for notices and the daily
-- digest, and the outbox. A mail is queued in the transaction of what it tells (a changed
-- credential) and sent afterwards, retried with back-off; `sleutel` makes one mail of a
-- kind per account and day (a second digest run sends nothing). A mail holds no personal
-- data of a young person.
ALTER TABLE gebruikers ADD COLUMN email TEXT;
CREATE TABLE mail_uit (
    id        BIGSERIAL PRIMARY KEY,
    sleutel   TEXT NOT NULL UNIQUE,
    aan       TEXT NOT NULL,
    onderwerp TEXT NOT NULL,
    tekst     TEXT NOT NULL,
    gemaakt   TIMESTAMPTZ NOT NULL,
    pogingen  INTEGER NOT NULL DEFAULT 0,
    volgende  TIMESTAMPTZ NOT NULL,     -- not sent before this moment
    verzonden TIMESTAMPTZ,
    fout      TEXT,                     -- the last failure, while not sent
    laatste_poging TIMESTAMPTZ          -- when it was last tried
);
CREATE INDEX mail_uit_wachtend ON mail_uit (volgende) WHERE verzonden IS NULL;
