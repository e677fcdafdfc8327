-- What the HTTP API keeps between requests, so that any server process can take any request:
-- the answers to requests sent with an Idempotency-Key, and counters for rate limits.

-- `sleutel` is the SHA-256 of the caller and their key; `verzoek` the SHA-256 of the method,
-- path and body. `status` is NULL while the first request with the key is being handled.
CREATE TABLE idempotentie (
    sleutel    TEXT PRIMARY KEY,
    verzoek    TEXT NOT NULL,
    status     INTEGER,
    antwoord   TEXT,
    aangemaakt TIMESTAMPTZ NOT NULL
);
CREATE INDEX idempotentie_aangemaakt ON idempotentie (aangemaakt);

-- Fixed-window counters: `venster` is the window's number (Unix seconds / window length).
CREATE TABLE tellers (
    sleutel TEXT NOT NULL,
    venster BIGINT NOT NULL,
    aantal  BIGINT NOT NULL,
    PRIMARY KEY (sleutel, venster)
);
