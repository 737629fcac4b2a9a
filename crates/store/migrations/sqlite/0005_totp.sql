-- Authenticator (TOTP) enrollments: the secret sealed under the user's own key (erasing the
-- user shreds it), whether a first code confirmed it, and the step of the last code used (each
-- code counts once).
CREATE TABLE totp_enrollments (
    org_id     TEXT NOT NULL,
    user_id    TEXT PRIMARY KEY,
    secret_ct  TEXT NOT NULL,
    confirmed  BIGINT NOT NULL,
    last_step  BIGINT NOT NULL,
    FOREIGN KEY (org_id, user_id) REFERENCES users (org_id, id) ON DELETE CASCADE
);
