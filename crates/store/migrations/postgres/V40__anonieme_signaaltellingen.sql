-- The persons that only their signals brought into a year's Leerplichttelling (DOMAIN §9.5),
-- kept when retention destroys what made them count (DOMAIN §9.8): one row per person and
-- school year, with no number of its own — absolute absence (av) or long-term relative
-- absence, where the person lived, and the schools of the lrv signals ('|'-separated).
CREATE TABLE anoniem_signaaltellingen (
    schooljaar INTEGER NOT NULL,
    av         BOOLEAN NOT NULL,
    gemeente   TEXT NOT NULL,
    scholen    TEXT NOT NULL
);
CREATE INDEX anoniem_signaaltellingen_jaar ON anoniem_signaaltellingen (schooljaar);
-- The drafts of destroyed meldingen, for the per-school figures of the draft term (DOMAIN
-- §7): the school, the signal's day, when it was confirmed or withdrawn, and whether the
-- system withdrew it because its signal fell away.
CREATE TABLE anoniem_concepten (
    school      TEXT NOT NULL,
    begindatum  DATE NOT NULL,
    bevestigd   DATE,
    ingetrokken DATE,
    vervallen   BOOLEAN NOT NULL
);
CREATE INDEX anoniem_concepten_begindatum ON anoniem_concepten (begindatum);
