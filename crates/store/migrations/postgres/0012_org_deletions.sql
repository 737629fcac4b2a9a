-- Organization deletion requests. They outlive the organization (no foreign key): after the
-- purge the record says who asked, who confirmed, and when it was purged — people by
-- pseudonymous id only; the mailed confirmation token is kept as its SHA-256.
CREATE TABLE org_deletions (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL,
    requested_at BIGINT NOT NULL,
    version      BIGINT NOT NULL,
    entry        TEXT NOT NULL
);
CREATE INDEX org_deletions_by_org ON org_deletions (org_id, requested_at);
