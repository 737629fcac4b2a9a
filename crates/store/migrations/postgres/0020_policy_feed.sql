-- The privacy feed's other items and what they announce: each published version of the
-- privacy statement (its whole text, to compare the next start's statement with, and its
-- SHA-256), and one dated feed item per published version of the statement or the DPA. The
-- version number is the key, so two processes publishing at once cannot both succeed. No
-- personal data: the statement and its items are the provider's public text.
CREATE TABLE privacy_statements (
    version      BIGINT PRIMARY KEY,
    digest       TEXT NOT NULL,
    text         TEXT NOT NULL,
    published_at BIGINT NOT NULL
);

CREATE TABLE policy_events (
    id    TEXT PRIMARY KEY,
    at    BIGINT NOT NULL,
    event TEXT NOT NULL
);
CREATE INDEX policy_events_by_at ON policy_events (at);

-- Once-per-deployment steps done (e.g. the sub-processor register seeded with the
-- statement's examples on the first start), so that no later start repeats them.
CREATE TABLE deployment_markers (
    name TEXT PRIMARY KEY,
    at   BIGINT NOT NULL
);
