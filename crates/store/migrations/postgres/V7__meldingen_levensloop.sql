-- The life of a melding (DOMAIN §7): a draft (`concept`) made from a signal for the school to
-- confirm, then geregistreerd, in_behandeling, afgesloten (with a reason), ingetrokken or
-- ter_kennisgeving; the verzuim case it joined. The signal a draft came from is kept by its
-- rule.
ALTER TABLE meldingen ADD COLUMN signaal TEXT;
ALTER TABLE meldingen ADD COLUMN afsluitreden TEXT;
ALTER TABLE meldingen ADD COLUMN zaak_id BIGINT REFERENCES zaken(id);
ALTER TABLE meldingen ADD CONSTRAINT meldingen_status_bekend CHECK (status IN
  ('concept','geregistreerd','in_behandeling','afgesloten','ingetrokken','ter_kennisgeving'));
CREATE INDEX meldingen_status ON meldingen (status, school);
