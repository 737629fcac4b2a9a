-- The knowledge base (SQLite). Articles are the provider's own writing, not customer data, so
-- they are stored in clear. Search runs on SQLite's FTS5 (Porter stemming), kept in step with
-- the articles by the store in the same transactions.
CREATE TABLE kb_articles (
    id          TEXT PRIMARY KEY,
    slug        TEXT NOT NULL,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    category    TEXT NOT NULL,
    visibility  TEXT NOT NULL,
    tags        TEXT NOT NULL,
    builtin     BIGINT NOT NULL,
    author_id   TEXT,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    CONSTRAINT kb_articles_slug_key UNIQUE (slug)
);
CREATE INDEX kb_articles_by_category ON kb_articles (category, title);

CREATE VIRTUAL TABLE kb_search USING fts5(
    article_id UNINDEXED,
    title,
    tags,
    body,
    tokenize = 'porter unicode61'
);
