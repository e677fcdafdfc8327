-- A melding is counted in the gemeente where the young person lived when it was filed, by
-- their age on its start date (DOMAIN §9.2): both are kept with the melding, so that the
-- school-year figures read one index and nothing else, and a later move does not shift a past
-- year's figures.
ALTER TABLE meldingen ADD COLUMN gemeente TEXT;
ALTER TABLE meldingen ADD COLUMN geboortedatum TEXT;
UPDATE meldingen SET gemeente = (SELECT j.gemeente FROM jongeren j WHERE j.id = meldingen.jongere_id),
                     geboortedatum = (SELECT j.geboortedatum FROM jongeren j WHERE j.id = meldingen.jongere_id);
DROP INDEX meldingen_begindatum;
-- Covers everything the figures read of a melding.
CREATE INDEX meldingen_cijfers ON meldingen
    (begindatum, status, jongere_id, gemeente, geboortedatum, school, vastgelegd, ingetrokken_op);
