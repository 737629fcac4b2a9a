-- skydir directory schema (SQLite). Ids are hyphenated UUID text, times are microseconds since
-- the Unix epoch, flags are 0/1 integers, JSON is text. Personal fields of users (*_ct) hold only
-- AEAD ciphertext; the email is found through its blind index (email_bidx).
-- Constraint names match the PostgreSQL schema: the store maps them to conflict errors.

-- Facts about this database itself; `keyring_id` ties it to the keyring holding its keys.
CREATE TABLE store_meta (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE orgs (
    id              TEXT PRIMARY KEY,
    slug            TEXT NOT NULL,
    name            TEXT NOT NULL,
    plan_kind       TEXT NOT NULL,
    plan_seats      BIGINT,
    plan_trial_ends BIGINT,
    password_policy TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    CONSTRAINT orgs_slug_key UNIQUE (slug)
);

CREATE TABLE staff (
    id         TEXT PRIMARY KEY,
    role       TEXT NOT NULL,
    handle     TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    CONSTRAINT staff_handle_key UNIQUE (handle)
);

CREATE TABLE users (
    id             TEXT PRIMARY KEY,
    org_id         TEXT NOT NULL REFERENCES orgs (id),
    username       TEXT NOT NULL,
    email_bidx     TEXT NOT NULL,
    email_ct       TEXT NOT NULL,
    status         TEXT NOT NULL,
    uid_number     BIGINT NOT NULL,
    gid_number     BIGINT NOT NULL,
    home_directory TEXT NOT NULL,
    login_shell    TEXT NOT NULL,
    ssh_keys_ct    TEXT NOT NULL,
    given_name_ct  TEXT NOT NULL,
    family_name_ct TEXT NOT NULL,
    phones_ct      TEXT NOT NULL,
    addresses_ct   TEXT NOT NULL,
    custom_ct      TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    CONSTRAINT users_org_id_key UNIQUE (org_id, id),
    CONSTRAINT users_username_key UNIQUE (org_id, username),
    CONSTRAINT users_email_key UNIQUE (org_id, email_bidx),
    CONSTRAINT users_uid_key UNIQUE (org_id, uid_number)
);

CREATE TABLE credentials (
    org_id       TEXT NOT NULL,
    user_id      TEXT PRIMARY KEY,
    hash         TEXT NOT NULL,
    failures     BIGINT NOT NULL,
    locked_until BIGINT,
    FOREIGN KEY (org_id, user_id) REFERENCES users (org_id, id) ON DELETE CASCADE
);

CREATE TABLE org_admins (
    org_id  TEXT NOT NULL,
    user_id TEXT NOT NULL,
    PRIMARY KEY (org_id, user_id),
    FOREIGN KEY (org_id, user_id) REFERENCES users (org_id, id) ON DELETE CASCADE
);

CREATE TABLE groups (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES orgs (id),
    name        TEXT NOT NULL,
    description TEXT NOT NULL,
    gid_number  BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    CONSTRAINT groups_org_id_key UNIQUE (org_id, id),
    CONSTRAINT groups_name_key UNIQUE (org_id, name),
    CONSTRAINT groups_gid_key UNIQUE (org_id, gid_number)
);

-- Exactly one of member_user / member_group is set.
CREATE TABLE group_members (
    org_id       TEXT NOT NULL,
    group_id     TEXT NOT NULL,
    member_user  TEXT,
    member_group TEXT,
    FOREIGN KEY (org_id, group_id) REFERENCES groups (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, member_user) REFERENCES users (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, member_group) REFERENCES groups (org_id, id) ON DELETE CASCADE,
    CONSTRAINT group_members_one_kind CHECK ((member_user IS NULL) <> (member_group IS NULL)),
    CONSTRAINT group_members_user_key UNIQUE (org_id, group_id, member_user),
    CONSTRAINT group_members_group_key UNIQUE (org_id, group_id, member_group)
);
CREATE INDEX group_members_by_user ON group_members (org_id, member_user);
CREATE INDEX group_members_by_group ON group_members (org_id, member_group);

CREATE TABLE systems (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES orgs (id),
    hostname      TEXT NOT NULL,
    os_family     TEXT NOT NULL,
    os_version    TEXT NOT NULL,
    agent_version TEXT,
    last_contact  BIGINT,
    created_at    BIGINT NOT NULL,
    CONSTRAINT systems_hostname_key UNIQUE (org_id, hostname)
);

CREATE TABLE resources (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES orgs (id),
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    description TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    CONSTRAINT resources_org_id_key UNIQUE (org_id, id),
    CONSTRAINT resources_name_key UNIQUE (org_id, name)
);

-- Exactly one of subject_user / subject_group is set.
CREATE TABLE access_bindings (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL,
    resource_id   TEXT NOT NULL,
    subject_user  TEXT,
    subject_group TEXT,
    created_at    BIGINT NOT NULL,
    FOREIGN KEY (org_id, resource_id) REFERENCES resources (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, subject_user) REFERENCES users (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, subject_group) REFERENCES groups (org_id, id) ON DELETE CASCADE,
    CONSTRAINT access_bindings_one_kind CHECK ((subject_user IS NULL) <> (subject_group IS NULL)),
    CONSTRAINT access_bindings_user_key UNIQUE (org_id, resource_id, subject_user),
    CONSTRAINT access_bindings_group_key UNIQUE (org_id, resource_id, subject_group)
);
CREATE INDEX access_bindings_by_org ON access_bindings (org_id, id);
CREATE INDEX access_bindings_by_user ON access_bindings (org_id, subject_user);
CREATE INDEX access_bindings_by_group ON access_bindings (org_id, subject_group);

-- Only the SHA-256 (hex) of a token is stored.
CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    subject_kind TEXT NOT NULL,
    staff_id     TEXT REFERENCES staff (id),
    org_id       TEXT REFERENCES orgs (id),
    user_id      TEXT,
    name         TEXT NOT NULL,
    secret_hash  TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT,
    revoked_at   BIGINT,
    FOREIGN KEY (org_id, user_id) REFERENCES users (org_id, id) ON DELETE CASCADE,
    CONSTRAINT api_tokens_hash_key UNIQUE (secret_hash)
);

-- Append-only: the application inserts events and never updates or deletes them.
CREATE TABLE audit_events (
    chain     TEXT NOT NULL,
    seq       BIGINT NOT NULL,
    at        BIGINT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    target    TEXT NOT NULL,
    outcome   TEXT NOT NULL,
    detail    TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL,
    PRIMARY KEY (chain, seq)
);

CREATE TABLE audit_heads (
    chain TEXT PRIMARY KEY,
    seq   BIGINT NOT NULL,
    hash  TEXT NOT NULL
);
