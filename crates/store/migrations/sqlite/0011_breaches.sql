-- The breach register (GDPR Art. 33/34): one record per incident with its facts, scope and
-- the notices sent (people by pseudonymous id, mails by id: the notices themselves went
-- through the outbox, sealed). `version` guards concurrent updates.
CREATE TABLE breaches (
    id       TEXT PRIMARY KEY,
    aware_at BIGINT NOT NULL,
    version  BIGINT NOT NULL,
    entry    TEXT NOT NULL
);
