-- The rest of a melding (DOMAIN §7), as one JSON object: the end date when known, whether
-- all lessons were missed, the suspected reason, what the school already did, whether the
-- school wants the municipality to act, and the reporter's contact.
ALTER TABLE meldingen ADD COLUMN gegevens TEXT NOT NULL DEFAULT '{}';
