-- The support team's arrangements: each org's dedicated specialist (JumpStart), and the
-- agents' macros (saved answers; provider text, not customer data).
CREATE TABLE org_support (
    org_id        TEXT COLLATE "C" PRIMARY KEY REFERENCES orgs (id),
    specialist_id TEXT
);

CREATE TABLE macros (
    id         TEXT COLLATE "C" PRIMARY KEY,
    name       TEXT COLLATE "C" NOT NULL,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    visibility TEXT NOT NULL,
    status     TEXT,
    updated_at BIGINT NOT NULL,
    CONSTRAINT macros_name_key UNIQUE (name)
);
