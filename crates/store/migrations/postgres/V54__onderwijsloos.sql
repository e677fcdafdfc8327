-- The periods in which a young person of about duty age has no enrolment (docs/domain.md
-- §6.8, absoluut verzuim), so that the candidates of a day are a range of this table rather
-- than every person of duty age checked for an enrolment (a second at national scale).
-- Derived from `jongeren` and `inschrijvingen`, and only a first sift: the reads still check
-- the enrolments of whom it names. `van` and `tot` are inclusive, clipped to the person's
-- fifth birthday less a month and eighteenth birthday plus a month. No foreign key, as for
-- the enrolments (V4): the purge deletes a person's rows here too.
CREATE TABLE onderwijsloos (
    jongere_id BIGINT NOT NULL,
    van        DATE NOT NULL,
    tot        DATE NOT NULL,
    PRIMARY KEY (jongere_id, van)
);
CREATE INDEX onderwijsloos_op ON onderwijsloos (tot, van) INCLUDE (jongere_id);

-- The people whose periods above may be out of date: every change of an enrolment or of a
-- birth date puts the person here, whatever writes it (statement triggers, so that a `COPY`
-- of millions of enrolments pays once a chunk). The store brings them up to date at the end
-- of each enrolment import and bulk load (a person import leaves its new people for the
-- enrolments that follow); until then the reads check them one by one.
CREATE TABLE onderwijsloos_vuil (jongere_id BIGINT PRIMARY KEY);

CREATE FUNCTION onderwijsloos_inschrijvingen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO onderwijsloos_vuil (jongere_id)
    SELECT DISTINCT jongere_id FROM rijen ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
CREATE TRIGGER onderwijsloos_inschrijving_nieuw AFTER INSERT ON inschrijvingen
REFERENCING NEW TABLE AS rijen FOR EACH STATEMENT EXECUTE FUNCTION onderwijsloos_inschrijvingen();
CREATE TRIGGER onderwijsloos_inschrijving_gewijzigd AFTER UPDATE ON inschrijvingen
REFERENCING OLD TABLE AS rijen FOR EACH STATEMENT EXECUTE FUNCTION onderwijsloos_inschrijvingen();
CREATE TRIGGER onderwijsloos_inschrijving_weg AFTER DELETE ON inschrijvingen
REFERENCING OLD TABLE AS rijen FOR EACH STATEMENT EXECUTE FUNCTION onderwijsloos_inschrijvingen();

CREATE FUNCTION onderwijsloos_jongeren_nieuw() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO onderwijsloos_vuil (jongere_id) SELECT id FROM rijen ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
CREATE TRIGGER onderwijsloos_jongere_nieuw AFTER INSERT ON jongeren
REFERENCING NEW TABLE AS rijen FOR EACH STATEMENT EXECUTE FUNCTION onderwijsloos_jongeren_nieuw();

CREATE FUNCTION onderwijsloos_jongeren_geboren() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO onderwijsloos_vuil (jongere_id)
    SELECT n.id FROM nieuw n JOIN oud o ON o.id = n.id
    WHERE n.geboortedatum IS DISTINCT FROM o.geboortedatum
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;
CREATE TRIGGER onderwijsloos_jongere_geboren AFTER UPDATE ON jongeren
REFERENCING OLD TABLE AS oud NEW TABLE AS nieuw
FOR EACH STATEMENT EXECUTE FUNCTION onderwijsloos_jongeren_geboren();

-- What is there already: everyone, brought up to date by the store that applies this.
INSERT INTO onderwijsloos_vuil (jongere_id) SELECT id FROM jongeren;
