-- A melding is counted in the gemeente where the young person lived when it was filed, by
-- their age on its start date (DOMAIN §9.2): both are kept with the melding, so that the
-- school-year figures read one index and nothing else, and a later move does not shift a past
-- year's figures.
ALTER TABLE meldingen ADD COLUMN gemeente TEXT;
ALTER TABLE meldingen ADD COLUMN geboortedatum DATE;
UPDATE meldingen m SET gemeente = j.gemeente, geboortedatum = j.geboortedatum
FROM jongeren j WHERE j.id = m.jongere_id;
DROP INDEX meldingen_begindatum;
-- Covers everything the figures read of a melding (an index-only scan once vacuumed).
CREATE INDEX meldingen_cijfers ON meldingen (begindatum)
    INCLUDE (status, jongere_id, gemeente, geboortedatum, school, vastgelegd, ingetrokken_op);
