-- Enforcement steps kept for the figures when a file is destroyed (docs/domain.md §9.8): a
-- HALT referral or an official report with its article, and its day, under a number that
-- names no one (as the other anonymous tables).
CREATE TABLE anoniem_handhaving (
    persoon BIGINT NOT NULL,
    soort   TEXT NOT NULL CHECK (soort IN ('halt', 'art2', 'art4')),
    datum   DATE NOT NULL,
    tijd    TIMESTAMPTZ NOT NULL
);
