-- A password that someone else set (an administrator with `user add` or `user password`) is
-- temporary: its owner chooses a new one at the first login (ASVS 2.3.1). Accounts made
-- before keep their passwords as they are.
ALTER TABLE gebruikers ADD COLUMN wachtwoord_tijdelijk BOOLEAN NOT NULL DEFAULT false;
