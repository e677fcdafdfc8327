-- Thuiszitter registrations (DOMAIN §8): one row per period of one person in one category.
-- A person has at most one category on any day: the imports and use cases check that the
-- periods of a person never overlap. A period is known by its person and start.
CREATE TABLE registraties (
    jongere_id INTEGER NOT NULL REFERENCES jongeren(id),
    van        TEXT NOT NULL,
    tot        TEXT CHECK (tot IS NULL OR tot >= van),
    categorie  TEXT NOT NULL CHECK (categorie = 'thuiszittend' OR categorie = 'absoluut_verzuim'
                 OR categorie = 'dreigend_thuiszittend' OR categorie = 'langdurig_ziek'
                 OR categorie = 'nazorg'),
    oorzaak    TEXT NOT NULL CHECK (oorzaak = 'psychisch' OR oorzaak = 'psychisch_thuis'
                 OR oorzaak = 'fysiek_ziek' OR oorzaak = 'thuissituatie' OR oorzaak = 'complex'
                 OR oorzaak = 'langdurig_ziek' OR oorzaak = 'gedrag' OR oorzaak = 'overig'
                 OR oorzaak = 'onbekend'),
    PRIMARY KEY (jongere_id, van)
) WITHOUT ROWID;
