-- A change of a user's email address waits for the new address to confirm it. Only the
-- SHA-256 of the mailed link's token is kept; the new address is sealed under the user's own
-- key (new_email_ct) and cleared (NULL) as soon as the change ends — confirmed, cancelled or
-- replaced by a newer one (ended_how). Deleting the user deletes their changes.
CREATE TABLE email_changes (
    token_hash   TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    new_email_ct TEXT,
    by_admin     BIGINT NOT NULL,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    ended_at     BIGINT,
    ended_how    TEXT,
    FOREIGN KEY (org_id, user_id) REFERENCES users (org_id, id) ON DELETE CASCADE
);
CREATE INDEX email_changes_user ON email_changes (org_id, user_id);
