-- The school-year figures count unique persons with a melding (DOMAIN §9.2). A national year
-- holds well over a million meldingen; so that the figures need not read them all, the
-- database keeps, derived from `meldingen` by the triggers below and never written otherwise:
--   verzuimers_jaar     per school year and age class (under 18 / 18 or older on the
--                       melding's start date) each person with a counted melding, with the
--                       gemeente of their latest one (ties: the highest gemeente code);
--   verzuimers_telling  per school year, age class and gemeente how many such persons.
-- A melding counts unless it is a draft or withdrawn. Figures per school or as known at a
-- past moment still read the meldingen themselves.

-- The school year (1 August – 31 July) of the start date, named by its first calendar year;
-- 18 or older on the start date (date + interval keeps a 29 February birthday on 28 February).
ALTER TABLE meldingen
    ADD COLUMN schooljaar INTEGER GENERATED ALWAYS AS
        (extract(year FROM begindatum)::int - (extract(month FROM begindatum) < 8)::int) STORED,
    ADD COLUMN meerderjarig BOOLEAN GENERATED ALWAYS AS
        (begindatum >= (geboortedatum + interval '18 years')::date) STORED;

CREATE TABLE verzuimers_jaar (
    schooljaar   INTEGER NOT NULL,
    meerderjarig BOOLEAN NOT NULL,
    jongere_id   BIGINT NOT NULL,
    begindatum   DATE NOT NULL,
    gemeente     TEXT NOT NULL,
    PRIMARY KEY (schooljaar, meerderjarig, jongere_id)
);

CREATE TABLE verzuimers_telling (
    schooljaar   INTEGER NOT NULL,
    meerderjarig BOOLEAN NOT NULL,
    gemeente     TEXT NOT NULL,
    aantal       BIGINT NOT NULL,
    PRIMARY KEY (schooljaar, meerderjarig, gemeente)
);

CREATE FUNCTION verzuimers_tel(sj INTEGER, mj BOOLEAN, g TEXT, d BIGINT) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO verzuimers_telling (schooljaar, meerderjarig, gemeente, aantal)
    VALUES (sj, mj, g, d)
    ON CONFLICT (schooljaar, meerderjarig, gemeente)
    DO UPDATE SET aantal = verzuimers_telling.aantal + d;
$$;

CREATE FUNCTION verzuimers_jaar_bij() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM verzuimers_tel(NEW.schooljaar, NEW.meerderjarig, NEW.gemeente, 1);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM verzuimers_tel(OLD.schooljaar, OLD.meerderjarig, OLD.gemeente, -1);
    ELSIF NEW.gemeente <> OLD.gemeente THEN
        PERFORM verzuimers_tel(OLD.schooljaar, OLD.meerderjarig, OLD.gemeente, -1);
        PERFORM verzuimers_tel(NEW.schooljaar, NEW.meerderjarig, NEW.gemeente, 1);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER verzuimers_jaar_telling AFTER INSERT OR UPDATE OR DELETE ON verzuimers_jaar
FOR EACH ROW EXECUTE FUNCTION verzuimers_jaar_bij();

CREATE FUNCTION melding_telt(status TEXT) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
    SELECT status NOT IN ('concept', 'ingetrokken')
$$;

CREATE FUNCTION meldingen_verzuimers() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- A melding that comes to count: the person is in, or their latest melding moves on.
    IF TG_OP <> 'DELETE' AND melding_telt(NEW.status)
       AND (TG_OP = 'INSERT' OR NOT melding_telt(OLD.status)) THEN
        INSERT INTO verzuimers_jaar (schooljaar, meerderjarig, jongere_id, begindatum, gemeente)
        VALUES (NEW.schooljaar, NEW.meerderjarig, NEW.jongere_id, NEW.begindatum, NEW.gemeente)
        ON CONFLICT (schooljaar, meerderjarig, jongere_id) DO UPDATE
            SET begindatum = excluded.begindatum, gemeente = excluded.gemeente
            WHERE (excluded.begindatum, excluded.gemeente)
                > (verzuimers_jaar.begindatum, verzuimers_jaar.gemeente);
    -- A melding that stops counting (withdrawn, or destroyed by retention): the person's
    -- entry is made again from what still counts, if anything.
    ELSIF TG_OP <> 'INSERT' AND melding_telt(OLD.status)
          AND (TG_OP = 'DELETE' OR NOT melding_telt(NEW.status)) THEN
        DELETE FROM verzuimers_jaar WHERE schooljaar = OLD.schooljaar
          AND meerderjarig = OLD.meerderjarig AND jongere_id = OLD.jongere_id;
        INSERT INTO verzuimers_jaar (schooljaar, meerderjarig, jongere_id, begindatum, gemeente)
        SELECT schooljaar, meerderjarig, jongere_id, begindatum, gemeente FROM meldingen
        WHERE jongere_id = OLD.jongere_id AND schooljaar = OLD.schooljaar
          AND meerderjarig = OLD.meerderjarig AND melding_telt(status)
        ORDER BY begindatum DESC, gemeente DESC LIMIT 1;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER meldingen_verzuimers AFTER INSERT OR UPDATE OF status OR DELETE ON meldingen
FOR EACH ROW EXECUTE FUNCTION meldingen_verzuimers();

-- What is there already.
INSERT INTO verzuimers_jaar (schooljaar, meerderjarig, jongere_id, begindatum, gemeente)
SELECT DISTINCT ON (schooljaar, meerderjarig, jongere_id)
       schooljaar, meerderjarig, jongere_id, begindatum, gemeente
FROM meldingen WHERE melding_telt(status)
ORDER BY schooljaar, meerderjarig, jongere_id, begindatum DESC, gemeente DESC;
