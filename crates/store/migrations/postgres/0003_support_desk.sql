-- The support desk (PostgreSQL). Customer text — ticket subjects, messages, attachments, ratings'
-- comments — is AEAD ciphertext (*_ct): under the author's own key for a customer's message
-- (erasing them shreds it), under the org key otherwise. Mail Message-IDs and duplicate keys
-- are stored only as keyed hashes. Constraint names match the PostgreSQL schema.

-- Deployment-wide blind index of user emails (keyed by the deployment key), so inbound mail
-- finds its sender in any org; NULL until filled for users created before it existed.
ALTER TABLE users ADD COLUMN email_gidx TEXT;
CREATE INDEX users_by_email_gidx ON users (email_gidx);

-- Named counters (ticket numbers), incremented in their own short transactions.
CREATE TABLE counters (
    name  TEXT COLLATE "C" PRIMARY KEY,
    value BIGINT NOT NULL
);

CREATE TABLE tickets (
    id            TEXT COLLATE "C" PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES orgs (id),
    number        BIGINT NOT NULL,
    subject_ct    TEXT NOT NULL,
    category      TEXT NOT NULL,
    severity      TEXT NOT NULL,
    status        TEXT NOT NULL,
    is_open       BIGINT NOT NULL,
    queue         TEXT,
    requester_id  TEXT NOT NULL,
    assignee_id   TEXT,
    -- JSON: plan class, channel, identity, eligibility, system, missing details, history,
    -- SLA marks. No customer text.
    state         TEXT NOT NULL,
    satisfaction_ct TEXT,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    version       BIGINT NOT NULL,
    CONSTRAINT tickets_number_key UNIQUE (number),
    CONSTRAINT tickets_org_id_key UNIQUE (org_id, id)
);
CREATE INDEX tickets_by_org ON tickets (org_id, number);
CREATE INDEX tickets_open ON tickets (is_open, number);
CREATE INDEX tickets_by_created ON tickets (created_at);

-- One message each; `ord` orders a ticket's conversation. `sealed_for` is the user whose key
-- seals the content, or NULL for the org key.
CREATE TABLE ticket_messages (
    id          TEXT COLLATE "C" PRIMARY KEY,
    org_id      TEXT NOT NULL,
    ticket_id   TEXT NOT NULL,
    ord         BIGINT NOT NULL,
    at          BIGINT NOT NULL,
    author_kind TEXT NOT NULL,
    author_id   TEXT,
    visibility  TEXT NOT NULL,
    sealed_for  TEXT,
    content_ct  TEXT NOT NULL,
    FOREIGN KEY (org_id, ticket_id) REFERENCES tickets (org_id, id) ON DELETE CASCADE,
    CONSTRAINT ticket_messages_ord_key UNIQUE (ticket_id, ord)
);

CREATE TABLE ticket_attachments (
    id         TEXT COLLATE "C" PRIMARY KEY,
    org_id     TEXT NOT NULL,
    ticket_id  TEXT NOT NULL,
    message_id TEXT NOT NULL REFERENCES ticket_messages (id) ON DELETE CASCADE,
    sealed_for TEXT,
    size       BIGINT NOT NULL,
    content_ct TEXT NOT NULL,
    FOREIGN KEY (org_id, ticket_id) REFERENCES tickets (org_id, id) ON DELETE CASCADE
);
CREATE INDEX ticket_attachments_by_ticket ON ticket_attachments (org_id, ticket_id);

-- Which ticket a mail Message-ID belongs to (keyed hash of the id).
CREATE TABLE mail_threads (
    mail_hash TEXT COLLATE "C" PRIMARY KEY,
    org_id    TEXT NOT NULL,
    ticket_id TEXT NOT NULL,
    FOREIGN KEY (org_id, ticket_id) REFERENCES tickets (org_id, id) ON DELETE CASCADE
);

-- Inbound messages already handled (keyed hash of the duplicate key), and what was done.
CREATE TABLE inbound_mail (
    key_hash  TEXT COLLATE "C" PRIMARY KEY,
    org_id    TEXT,
    ticket_id TEXT,
    outcome   TEXT NOT NULL,
    at        BIGINT NOT NULL
);
CREATE INDEX inbound_mail_by_at ON inbound_mail (at);

-- The outbound queue: each mail sealed under the deployment key until delivered.
-- state: 'queued' (waiting or leased) or 'failed' (given up; `error` says why).
CREATE TABLE outbox (
    id              TEXT COLLATE "C" PRIMARY KEY,
    org_id          TEXT,
    ticket_id       TEXT,
    mail_ct         TEXT NOT NULL,
    state           TEXT NOT NULL,
    attempts        BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    lease_until     BIGINT,
    error           TEXT,
    created_at      BIGINT NOT NULL
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
