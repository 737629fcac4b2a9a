-- Staff console passwords: an Argon2id hash (never personal data of a customer: staff are the
-- provider's own people) and the failed-login state for the lockout. A staff member without a
-- row signs in with their staff token only.
CREATE TABLE staff_credentials (
    staff_id     TEXT PRIMARY KEY REFERENCES staff (id) ON DELETE CASCADE,
    hash         TEXT NOT NULL,
    failures     BIGINT NOT NULL,
    locked_until BIGINT
);
