-- LDAP service accounts: applications' bind identities, one row each with its password hash
-- and lockout state. No personal data.
CREATE TABLE service_accounts (
    id              TEXT COLLATE "C" PRIMARY KEY,
    org_id          TEXT COLLATE "C" NOT NULL REFERENCES orgs (id),
    name            TEXT COLLATE "C" NOT NULL,
    description     TEXT NOT NULL,
    hash            TEXT NOT NULL,
    failures        BIGINT NOT NULL,
    locked_until    BIGINT,
    created_at      BIGINT NOT NULL,
    password_set_at BIGINT NOT NULL,
    CONSTRAINT service_accounts_name_key UNIQUE (org_id, name)
);
