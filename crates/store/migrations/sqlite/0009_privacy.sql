-- Data-protection records. The sub-processor registry, its feed and the DPA's versions are
-- the provider's own published text, in clear. What an org writes — subscription addresses,
-- objections' reasons, the name and title a DPA was signed with — is sealed under the org key.
CREATE TABLE subprocessors (
    id         TEXT PRIMARY KEY,
    slug       TEXT NOT NULL,
    entry      TEXT NOT NULL,
    removed_at BIGINT,
    CONSTRAINT subprocessors_slug_key UNIQUE (slug)
);

CREATE TABLE registry_events (
    id    TEXT PRIMARY KEY,
    at    BIGINT NOT NULL,
    event TEXT NOT NULL
);
CREATE INDEX registry_events_by_at ON registry_events (at);

CREATE TABLE privacy_subscriptions (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES orgs (id),
    email_ct   TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE privacy_objections (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES orgs (id),
    subprocessor TEXT NOT NULL,
    reason_ct    TEXT NOT NULL,
    by_user      TEXT NOT NULL,
    at           BIGINT NOT NULL
);

CREATE TABLE dpa_versions (
    version      TEXT PRIMARY KEY,
    text         TEXT NOT NULL,
    published_at BIGINT NOT NULL
);

CREATE TABLE dpa_signatures (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES orgs (id),
    version    TEXT NOT NULL REFERENCES dpa_versions (version),
    signer     TEXT NOT NULL,
    signer_ct  TEXT NOT NULL,
    signed_at  BIGINT NOT NULL
);
