-- Thuiszitter registrations (DOMAIN §8): one row per period of one person in one category.
-- A person has at most one category on any day: the imports and use cases check that the
-- periods of a person never overlap. A period is known by its person and start.
CREATE TABLE registraties (
    jongere_id BIGINT NOT NULL REFERENCES jongeren(id),
    van        DATE NOT NULL,
    tot        DATE CHECK (tot IS NULL OR tot >= van),
    categorie  TEXT NOT NULL CHECK (categorie IN ('thuiszittend','absoluut_verzuim',
                 'dreigend_thuiszittend','langdurig_ziek','nazorg')),
    oorzaak    TEXT NOT NULL CHECK (oorzaak IN ('psychisch','psychisch_thuis','fysiek_ziek',
                 'thuissituatie','complex','langdurig_ziek','gedrag','overig','onbekend')),
    PRIMARY KEY (jongere_id, van)
);
