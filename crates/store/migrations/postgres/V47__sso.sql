-- Single sign-on (`[[oidc]]` in leerrecht.toml). `sso_koppeling` links an account to one
-- identity at one identity provider ("issuer subject"), recorded at its first login through
-- that provider; a later login must bring the same identity. `oidc_aanvragen` holds a login
-- under way for at most ten minutes: the flow sent to the provider (keyed by the hash of its
-- `state`) or the wait for the second factor (keyed by the hash of a one-time token), each
-- bound to the browser that started it by the hash of a cookie, and taken out when used.
ALTER TABLE gebruikers ADD COLUMN sso_koppeling TEXT;
CREATE UNIQUE INDEX gebruikers_sso_koppeling ON gebruikers (sso_koppeling)
    WHERE sso_koppeling IS NOT NULL;
CREATE TABLE oidc_aanvragen (
    sleutel      TEXT PRIMARY KEY,
    binding      TEXT NOT NULL,
    issuer       TEXT NOT NULL,
    nonce        TEXT NOT NULL,
    verifier     TEXT NOT NULL,
    gebruiker_id BIGINT REFERENCES gebruikers (id) ON DELETE CASCADE,
    aangemaakt   TIMESTAMPTZ NOT NULL
);
