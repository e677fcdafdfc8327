-- Addresses keep their history (DOMAIN §9.7): a person counts in the gemeente where they lived
-- on the date. `woont_sinds` is the day the current address began when the file said so; each
-- change of gemeente is kept as a move, with the day it took effect (that day, or the day it
-- was recorded) and when it was recorded, for the figures as known at a past moment.
ALTER TABLE jongeren ADD COLUMN woont_sinds DATE;
CREATE TABLE verhuizingen (
    jongere_id BIGINT NOT NULL,
    datum      DATE NOT NULL,
    van        TEXT NOT NULL,
    naar       TEXT NOT NULL,
    vastgelegd TIMESTAMPTZ NOT NULL
);
CREATE INDEX verhuizingen_jongere ON verhuizingen (jongere_id);
CREATE FUNCTION jongere_verhuisd() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO verhuizingen (jongere_id, datum, van, naar, vastgelegd)
    VALUES (NEW.id, coalesce(NEW.woont_sinds, (now() AT TIME ZONE 'UTC')::date), OLD.gemeente,
            NEW.gemeente, now());
    RETURN NULL;
END $$;
CREATE TRIGGER jongere_verhuisd AFTER UPDATE OF gemeente ON jongeren
FOR EACH ROW WHEN (NEW.gemeente IS DISTINCT FROM OLD.gemeente) EXECUTE FUNCTION jongere_verhuisd();
-- A destroyed file's moves, beside its anonymous person (see V34).
CREATE TABLE anoniem_verhuizingen (
    persoon    BIGINT NOT NULL REFERENCES anoniem_personen(id),
    datum      DATE NOT NULL,
    van        TEXT NOT NULL,
    naar       TEXT NOT NULL,
    vastgelegd TIMESTAMPTZ NOT NULL
);
CREATE INDEX anoniem_verhuizingen_persoon ON anoniem_verhuizingen (persoon);
