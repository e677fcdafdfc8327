-- Failed logins counted per user name and client address, for names that exist and names
-- that do not alike: the lockout then tells nothing about which accounts exist, and an
-- attacker at one address cannot lock the owner out at another. Rows of an address that
-- stopped trying are removed as new failures are written.
CREATE TABLE inlogpogingen (
    naam            TEXT NOT NULL,
    bron            TEXT NOT NULL,
    mislukt         INTEGER NOT NULL,
    geblokkeerd_tot TIMESTAMPTZ,
    laatste         TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (naam, bron)
);
CREATE INDEX inlogpogingen_laatste ON inlogpogingen (laatste);

-- A second factor set up by its owner: an administrator only marks the account
-- (`totp_inschrijven`); at the owner's next login, after the password, the new secret
-- (`totp_nieuw`) is shown and becomes the account's once a first code from it is given.
ALTER TABLE gebruikers ADD COLUMN totp_inschrijven BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE gebruikers ADD COLUMN totp_nieuw TEXT;

-- Administrators now log in with a second factor too: those without one set it up at their
-- next login, and their sessions from before end.
UPDATE gebruikers SET totp_inschrijven = true WHERE rol = 'beheer' AND totp_geheim IS NULL;
UPDATE sessies SET ingetrokken = now()
 WHERE ingetrokken IS NULL
   AND gebruiker_id IN (SELECT id FROM gebruikers WHERE totp_inschrijven);
