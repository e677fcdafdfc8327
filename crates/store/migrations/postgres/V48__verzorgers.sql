-- Parents and guardians (`leerrecht import verzorgers`, docs/domain.md §13): part of the
-- young person's file, destroyed with it. An import gives each young person it names
-- exactly the verzorgers of its rows, in their order (`volgorde`).
CREATE TABLE verzorgers (
    jongere_id BIGINT NOT NULL REFERENCES jongeren (id),
    volgorde   INTEGER NOT NULL,
    naam       TEXT NOT NULL,
    relatie    TEXT NOT NULL CHECK (relatie IN ('ouder', 'voogd', 'verzorger', 'pleegouder')),
    straat     TEXT NOT NULL,
    huisnummer TEXT NOT NULL,
    postcode   TEXT NOT NULL,
    woonplaats TEXT NOT NULL,
    telefoon   TEXT,
    email      TEXT,
    PRIMARY KEY (jongere_id, volgorde),
    UNIQUE (jongere_id, naam)
);
