-- Erasure (GDPR Art. 17/19). Sub-processors' erasure connectors — name, webhook URL and the
-- shared HMAC secret — are kept whole as one record sealed under the deployment key.
CREATE TABLE privacy_connectors (
    id       TEXT PRIMARY KEY,
    slug     TEXT NOT NULL UNIQUE,
    entry_ct TEXT NOT NULL
);

-- Erasure requests and their per-connector deliveries, sealed under the deployment key (the
-- erased person's own key is gone by then). The person's contact details, which connectors
-- need to find them, stay in the sealed record only until every connector has settled;
-- `next_due` is the earliest pending delivery attempt (NULL when none is pending), `version`
-- guards concurrent updates (the dispatcher and a connector's confirmation).
CREATE TABLE erasure_requests (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL,
    requested_at BIGINT NOT NULL,
    next_due     BIGINT,
    version      BIGINT NOT NULL,
    entry_ct     TEXT NOT NULL
);
CREATE INDEX erasure_requests_due ON erasure_requests (next_due);
CREATE INDEX erasure_requests_by_org ON erasure_requests (org_id, requested_at);
