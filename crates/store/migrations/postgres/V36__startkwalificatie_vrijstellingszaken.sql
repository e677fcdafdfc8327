-- The diploma an enrolment ended with (DOMAIN §4, §12): a startkwalificatie ends
-- kwalificatieplicht at the end of that enrolment. false = none or not known.
ALTER TABLE inschrijvingen ADD COLUMN startkwalificatie BOOLEAN NOT NULL DEFAULT false;

-- Exemptions are cases of their own kind.
ALTER TABLE zaken DROP CONSTRAINT zaken_soort_check;
ALTER TABLE zaken ADD CONSTRAINT zaken_soort_check
    CHECK (soort IN ('verzuim', 'thuiszitter', 'vrijstelling'));
