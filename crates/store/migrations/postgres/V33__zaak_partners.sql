-- Partners per case (a CJG, a jeugdteam): a partner sees the person and the cases it was
-- added to, and no longer sees a case from the day it is removed (`tot`). `jongere_id`
-- repeats the case's person so that the gate reads a person's partners with one look-up.
CREATE TABLE zaak_partners (
    zaak_id     BIGINT NOT NULL REFERENCES zaken(id),
    jongere_id  BIGINT NOT NULL REFERENCES jongeren(id),
    organisatie TEXT NOT NULL REFERENCES organisaties(code),
    sinds       DATE NOT NULL,
    tot         DATE,  -- removed from the case on this day
    PRIMARY KEY (zaak_id, organisatie)
);
CREATE INDEX zaak_partners_jongere ON zaak_partners (jongere_id);

-- The partners stored per person move to cases:
-- 1. a partner that a case's own `partner` event names joins that case, from that event's
--    date (this is how partners were added through a case);
-- 2. a partner that no case of the person names (added to the person outside a case) joins
--    every open case of the person, or, when none is open, every case of the person;
-- 3. a partner of a person without any case is dropped: it had no case to see.
INSERT INTO zaak_partners (zaak_id, jongere_id, organisatie, sinds)
SELECT g.zaak_id, z.jongere_id, b.organisatie, min((g.gebeurtenis->>'datum')::date)
FROM zaak_gebeurtenissen g
JOIN zaken z ON z.id = g.zaak_id
JOIN betrokken_partners b ON b.jongere_id = z.jongere_id
 AND b.organisatie = g.gebeurtenis->>'organisatie'
WHERE g.gebeurtenis->>'soort' = 'partner'
GROUP BY g.zaak_id, z.jongere_id, b.organisatie;

INSERT INTO zaak_partners (zaak_id, jongere_id, organisatie, sinds)
SELECT z.id, b.jongere_id, b.organisatie, b.sinds
FROM betrokken_partners b
JOIN zaken z ON z.jongere_id = b.jongere_id
WHERE NOT EXISTS (SELECT 1 FROM zaak_partners p
                  WHERE p.jongere_id = b.jongere_id AND p.organisatie = b.organisatie)
  AND (z.gesloten IS NULL
       OR NOT EXISTS (SELECT 1 FROM zaken o WHERE o.jongere_id = b.jongere_id AND o.gesloten IS NULL));

DROP TABLE betrokken_partners;
