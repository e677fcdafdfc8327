-- Imported meldingen join a case after the import has committed; a crash in between leaves
-- some without one, which the next process to open the database links (App::herstellen).
-- This index makes finding them a look-up instead of a scan of every melding.
CREATE INDEX meldingen_zonder_zaak ON meldingen (status) WHERE zaak_id IS NULL;
