-- The periods in which a young person of about duty age has no enrolment (docs/domain.md
-- §6.8, absoluut verzuim), so that the candidates of a day are a range of this table rather
-- than every person of duty age checked for an enrolment (a second at national scale).
-- Derived from `jongeren` and `inschrijvingen`, and only a first sift: the reads still check
-- the enrolments of whom it names. `van` and `tot` are inclusive, clipped to the person's
-- fifth birthday less a month and eighteenth birthday plus a month.
CREATE TABLE onderwijsloos (
    jongere_id INTEGER NOT NULL,
    van        TEXT NOT NULL,
    tot        TEXT NOT NULL,
    PRIMARY KEY (jongere_id, van)
) WITHOUT ROWID;
CREATE INDEX onderwijsloos_op ON onderwijsloos (tot, van, jongere_id);

-- The people whose periods above may be out of date: every change of an enrolment or of a
-- birth date puts the person here, whatever writes it. The store brings them up to date at
-- the end of each enrolment import and bulk load (a person import leaves its new people for
-- the enrolments that follow); until then the reads check them one by one.
CREATE TABLE onderwijsloos_vuil (jongere_id INTEGER PRIMARY KEY);

CREATE TRIGGER onderwijsloos_inschrijving_nieuw AFTER INSERT ON inschrijvingen
BEGIN INSERT OR IGNORE INTO onderwijsloos_vuil (jongere_id) VALUES (NEW.jongere_id); END;
CREATE TRIGGER onderwijsloos_inschrijving_gewijzigd AFTER UPDATE ON inschrijvingen
BEGIN
    INSERT OR IGNORE INTO onderwijsloos_vuil (jongere_id) VALUES (OLD.jongere_id);
    INSERT OR IGNORE INTO onderwijsloos_vuil (jongere_id) VALUES (NEW.jongere_id);
END;
CREATE TRIGGER onderwijsloos_inschrijving_weg AFTER DELETE ON inschrijvingen
BEGIN INSERT OR IGNORE INTO onderwijsloos_vuil (jongere_id) VALUES (OLD.jongere_id); END;
CREATE TRIGGER onderwijsloos_jongere_nieuw AFTER INSERT ON jongeren
BEGIN INSERT OR IGNORE INTO onderwijsloos_vuil (jongere_id) VALUES (NEW.id); END;
CREATE TRIGGER onderwijsloos_jongere_geboren AFTER UPDATE OF geboortedatum ON jongeren
WHEN NEW.geboortedatum IS NOT OLD.geboortedatum
BEGIN INSERT OR IGNORE INTO onderwijsloos_vuil (jongere_id) VALUES (NEW.id); END;

-- What is there already: everyone, brought up to date by the store that applies this.
INSERT INTO onderwijsloos_vuil (jongere_id) SELECT id FROM jongeren;
