-- RMC cases (docs/domain.md §13): a case kind of its own for an early school leaver of 18
-- to 23.
ALTER TABLE zaken DROP CONSTRAINT zaken_soort_check;
ALTER TABLE zaken ADD CONSTRAINT zaken_soort_check
    CHECK (soort IN ('verzuim', 'thuiszitter', 'vrijstelling', 'rmc'));
