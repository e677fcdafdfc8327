-- The daily jobs of `leerrecht serve` (`[taken]` in leerrecht.toml): one row per job and
-- scheduled slot. A server claims a slot by inserting its row (or by taking over a row whose
-- lease ran out) in one transaction, so a slot runs at most once among the servers of one
-- database; `klaar` set means the slot is done and never runs again. No personal data.
CREATE TABLE taken (
    naam       TEXT NOT NULL,
    gepland_op TIMESTAMPTZ NOT NULL,     -- the slot: the moment it was due
    houder     TEXT NOT NULL,            -- the server that holds or held it
    lease_tot  TIMESTAMPTZ NOT NULL,     -- the holder's claim ends then unless renewed
    gestart    TIMESTAMPTZ NOT NULL,     -- when the (last) holder started it
    pogingen   INTEGER NOT NULL DEFAULT 1,
    klaar      TIMESTAMPTZ,              -- when it finished
    uitkomst   TEXT,                     -- 'ok: …' or 'fout: …'
    duur_ms    BIGINT,
    PRIMARY KEY (naam, gepland_op)
);
