-- The school-year figures count unique persons with a melding (DOMAIN §9.2). A national year
-- holds well over a million meldingen; so that the figures need not read them all, the
-- database keeps, derived from `meldingen` by the triggers below and never written otherwise:
--   verzuimers_jaar     per school year and age class (under 18 / 18 or older on the
--                       melding's start date) each person with a counted melding, with the
--                       gemeente of their latest one (ties: the highest gemeente code);
--   verzuimers_telling  per school year, age class and gemeente how many such persons.
-- A melding counts unless it is a draft or withdrawn. Figures per school or as known at a
-- past moment still read the meldingen themselves.

-- The school year (1 August – 31 July) of the start date, named by its first calendar year.
ALTER TABLE meldingen ADD COLUMN schooljaar INTEGER GENERATED ALWAYS AS
    (CAST(substr(begindatum, 1, 4) AS INTEGER) - (substr(begindatum, 6, 5) < '08-01')) VIRTUAL;
-- 18 or older on the start date; a 29 February birthday falls on 28 February in the 18th
-- year, which is never a leap year.
ALTER TABLE meldingen ADD COLUMN meerderjarig INTEGER GENERATED ALWAYS AS
    (begindatum >= printf('%04d', CAST(substr(geboortedatum, 1, 4) AS INTEGER) + 18)
                   || CASE WHEN substr(geboortedatum, 6, 5) = '02-29' THEN '-02-28'
                           ELSE substr(geboortedatum, 5) END) VIRTUAL;

CREATE TABLE verzuimers_jaar (
    schooljaar   INTEGER NOT NULL,
    meerderjarig INTEGER NOT NULL,
    jongere_id   INTEGER NOT NULL,
    begindatum   TEXT NOT NULL,
    gemeente     TEXT NOT NULL,
    PRIMARY KEY (schooljaar, meerderjarig, jongere_id)
) WITHOUT ROWID;

CREATE TABLE verzuimers_telling (
    schooljaar   INTEGER NOT NULL,
    meerderjarig INTEGER NOT NULL,
    gemeente     TEXT NOT NULL,
    aantal       INTEGER NOT NULL,
    PRIMARY KEY (schooljaar, meerderjarig, gemeente)
) WITHOUT ROWID;

CREATE TRIGGER verzuimers_jaar_erbij AFTER INSERT ON verzuimers_jaar BEGIN
    INSERT INTO verzuimers_telling (schooljaar, meerderjarig, gemeente, aantal)
    VALUES (NEW.schooljaar, NEW.meerderjarig, NEW.gemeente, 1)
    ON CONFLICT DO UPDATE SET aantal = aantal + 1;
END;
CREATE TRIGGER verzuimers_jaar_eraf AFTER DELETE ON verzuimers_jaar BEGIN
    UPDATE verzuimers_telling SET aantal = aantal - 1
    WHERE schooljaar = OLD.schooljaar AND meerderjarig = OLD.meerderjarig AND gemeente = OLD.gemeente;
END;
CREATE TRIGGER verzuimers_jaar_verhuisd AFTER UPDATE OF gemeente ON verzuimers_jaar
WHEN NEW.gemeente <> OLD.gemeente BEGIN
    UPDATE verzuimers_telling SET aantal = aantal - 1
    WHERE schooljaar = OLD.schooljaar AND meerderjarig = OLD.meerderjarig AND gemeente = OLD.gemeente;
    INSERT INTO verzuimers_telling (schooljaar, meerderjarig, gemeente, aantal)
    VALUES (NEW.schooljaar, NEW.meerderjarig, NEW.gemeente, 1)
    ON CONFLICT DO UPDATE SET aantal = aantal + 1;
END;

-- A melding that comes to count: the person is in, or their latest melding moves on.
CREATE TRIGGER meldingen_telt_nieuw AFTER INSERT ON meldingen
WHEN NEW.status <> 'concept' AND NEW.status <> 'ingetrokken' BEGIN
    INSERT INTO verzuimers_jaar (schooljaar, meerderjarig, jongere_id, begindatum, gemeente)
    VALUES (NEW.schooljaar, NEW.meerderjarig, NEW.jongere_id, NEW.begindatum, NEW.gemeente)
    ON CONFLICT DO UPDATE SET begindatum = excluded.begindatum, gemeente = excluded.gemeente
    WHERE (excluded.begindatum, excluded.gemeente) > (begindatum, gemeente);
END;
CREATE TRIGGER meldingen_telt_bevestigd AFTER UPDATE OF status ON meldingen
WHEN (OLD.status = 'concept' OR OLD.status = 'ingetrokken')
 AND NEW.status <> 'concept' AND NEW.status <> 'ingetrokken' BEGIN
    INSERT INTO verzuimers_jaar (schooljaar, meerderjarig, jongere_id, begindatum, gemeente)
    VALUES (NEW.schooljaar, NEW.meerderjarig, NEW.jongere_id, NEW.begindatum, NEW.gemeente)
    ON CONFLICT DO UPDATE SET begindatum = excluded.begindatum, gemeente = excluded.gemeente
    WHERE (excluded.begindatum, excluded.gemeente) > (begindatum, gemeente);
END;
-- A melding that stops counting (withdrawn, or destroyed by retention): the person's entry
-- is made again from what still counts, if anything.
CREATE TRIGGER meldingen_telt_niet_meer AFTER UPDATE OF status ON meldingen
WHEN OLD.status <> 'concept' AND OLD.status <> 'ingetrokken'
 AND (NEW.status = 'concept' OR NEW.status = 'ingetrokken') BEGIN
    DELETE FROM verzuimers_jaar WHERE schooljaar = OLD.schooljaar
      AND meerderjarig = OLD.meerderjarig AND jongere_id = OLD.jongere_id;
    INSERT INTO verzuimers_jaar (schooljaar, meerderjarig, jongere_id, begindatum, gemeente)
    SELECT schooljaar, meerderjarig, jongere_id, begindatum, gemeente FROM meldingen
    WHERE jongere_id = OLD.jongere_id AND schooljaar = OLD.schooljaar
      AND meerderjarig = OLD.meerderjarig AND status <> 'concept' AND status <> 'ingetrokken'
    ORDER BY begindatum DESC, gemeente DESC LIMIT 1;
END;
CREATE TRIGGER meldingen_telt_weg AFTER DELETE ON meldingen
WHEN OLD.status <> 'concept' AND OLD.status <> 'ingetrokken' BEGIN
    DELETE FROM verzuimers_jaar WHERE schooljaar = OLD.schooljaar
      AND meerderjarig = OLD.meerderjarig AND jongere_id = OLD.jongere_id;
    INSERT INTO verzuimers_jaar (schooljaar, meerderjarig, jongere_id, begindatum, gemeente)
    SELECT schooljaar, meerderjarig, jongere_id, begindatum, gemeente FROM meldingen
    WHERE jongere_id = OLD.jongere_id AND schooljaar = OLD.schooljaar
      AND meerderjarig = OLD.meerderjarig AND status <> 'concept' AND status <> 'ingetrokken'
    ORDER BY begindatum DESC, gemeente DESC LIMIT 1;
END;

-- What is there already.
INSERT INTO verzuimers_jaar (schooljaar, meerderjarig, jongere_id, begindatum, gemeente)
SELECT schooljaar, meerderjarig, jongere_id, begindatum, gemeente FROM (
    SELECT schooljaar, meerderjarig, jongere_id, begindatum, gemeente,
           row_number() OVER (PARTITION BY schooljaar, meerderjarig, jongere_id
                              ORDER BY begindatum DESC, gemeente DESC) AS n
    FROM meldingen WHERE status <> 'concept' AND status <> 'ingetrokken')
WHERE n = 1;
