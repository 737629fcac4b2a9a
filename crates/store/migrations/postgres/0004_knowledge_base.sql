-- The knowledge base (PostgreSQL). Articles are the provider's own writing, not customer data,
-- so they are stored in clear. Search runs on PostgreSQL's full-text search (English
-- stemming), title weighted above tags above body.
CREATE TABLE kb_articles (
    id          TEXT COLLATE "C" PRIMARY KEY,
    slug        TEXT COLLATE "C" NOT NULL,
    title       TEXT COLLATE "C" NOT NULL,
    body        TEXT NOT NULL,
    category    TEXT COLLATE "C" NOT NULL,
    visibility  TEXT NOT NULL,
    tags        TEXT NOT NULL,
    builtin     BIGINT NOT NULL,
    author_id   TEXT,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    search      tsvector GENERATED ALWAYS AS (
                    setweight(to_tsvector('english', title), 'A') ||
                    setweight(to_tsvector('english', tags), 'B') ||
                    setweight(to_tsvector('english', body), 'C')
                ) STORED,
    CONSTRAINT kb_articles_slug_key UNIQUE (slug)
);
CREATE INDEX kb_articles_by_category ON kb_articles (category, title);
CREATE INDEX kb_articles_search ON kb_articles USING GIN (search);
