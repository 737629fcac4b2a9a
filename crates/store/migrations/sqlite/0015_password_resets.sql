-- Password-reset links an org admin sends a user: only the SHA-256 of the mailed token is
-- kept, with its expiry and when it was used (once). Deleting the user deletes their links.
CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT,
    FOREIGN KEY (org_id, user_id) REFERENCES users (org_id, id) ON DELETE CASCADE
);
CREATE INDEX password_resets_user ON password_resets (org_id, user_id);
