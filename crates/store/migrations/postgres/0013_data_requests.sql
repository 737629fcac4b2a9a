-- Data subjects' requests (access, erasure, rectification, restriction). The record — the
-- person's address and what they asked — is sealed under the organization's key; `due_at`
-- is kept in clear for the reminders, and the SHA-256 of the mailed verification token so the
-- anonymous verification finds its one request without opening any other.
CREATE TABLE data_requests (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES orgs (id),
    received_at BIGINT NOT NULL,
    due_at      BIGINT NOT NULL,
    version     BIGINT NOT NULL,
    token_hash  TEXT UNIQUE,
    entry_ct    TEXT NOT NULL
);
CREATE INDEX data_requests_by_org ON data_requests (org_id, received_at);
