-- skydir keyring (PostgreSQL: its own schema, reached through the keyring pool's search_path).
-- Each data key is 32 random bytes wrapped (XChaCha20-Poly1305) by the key-encryption key with
-- the key id as associated data. `created_at` comes from the database clock (microseconds since
-- the epoch) and only serves the orphan sweep's grace period.

CREATE TABLE data_keys (
    id         TEXT COLLATE "C" PRIMARY KEY,
    org_id     TEXT NOT NULL,
    user_id    TEXT,
    wrapped    TEXT NOT NULL,
    created_at BIGINT NOT NULL DEFAULT ((extract(epoch FROM clock_timestamp()) * 1000000)::bigint)
);
CREATE INDEX data_keys_by_org ON data_keys (org_id);

-- `kek_check`: a known value wrapped by the KEK, so a wrong KEK is reported at start-up.
CREATE TABLE keyring_meta (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
