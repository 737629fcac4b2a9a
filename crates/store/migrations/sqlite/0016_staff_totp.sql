-- Staff authenticator (TOTP) enrollments: the secret sealed under the deployment key (staff
-- have no per-user key; the AAD names the staff member), whether a first code confirmed it, and
-- the step of the last code used (each code counts once).
CREATE TABLE staff_totp (
    staff_id   TEXT PRIMARY KEY REFERENCES staff (id) ON DELETE CASCADE,
    secret_ct  TEXT NOT NULL,
    confirmed  BIGINT NOT NULL,
    last_step  BIGINT NOT NULL
);
