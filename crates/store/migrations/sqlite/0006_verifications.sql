-- Verified requests: a sensitive action an agent opened on a ticket, waiting for an org
-- admin's confirmation. `action` and `state` are JSON (ids and times, no personal data);
-- `subject_username` names the user it is about. Each admin's confirmation link is stored only
-- as the SHA-256 of its token.
CREATE TABLE verifications (
    id               TEXT PRIMARY KEY,
    org_id           TEXT NOT NULL,
    ticket_id        TEXT NOT NULL,
    ticket_number    BIGINT NOT NULL,
    action           TEXT NOT NULL,
    subject_username TEXT,
    opened_by        TEXT NOT NULL,
    opened_at        BIGINT NOT NULL,
    expires_at       BIGINT NOT NULL,
    state            TEXT NOT NULL,
    version          BIGINT NOT NULL,
    FOREIGN KEY (org_id, ticket_id) REFERENCES tickets (org_id, id) ON DELETE CASCADE
);
CREATE INDEX verifications_by_ticket ON verifications (org_id, ticket_id);

CREATE TABLE verification_challenges (
    token_hash      TEXT PRIMARY KEY,
    verification_id TEXT NOT NULL REFERENCES verifications (id) ON DELETE CASCADE,
    org_id          TEXT NOT NULL,
    admin_id        TEXT NOT NULL
);
