-- A password reset code, handed to a user by an administrator: kept as a SHA-256 hash, for
-- one use, until it expires. One open code per account; a new one replaces it.
CREATE TABLE wachtwoordherstel (
    gebruiker_id INTEGER PRIMARY KEY REFERENCES gebruikers(id),
    code_hash    TEXT NOT NULL,
    verloopt     TEXT NOT NULL
);
