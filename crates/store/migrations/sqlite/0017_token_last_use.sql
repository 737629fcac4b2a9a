-- When each token was last used (kept to the minute), and for login sessions the idle limit
-- after which an unused session ends. Tokens issued before this migration have neither.
ALTER TABLE api_tokens ADD COLUMN last_used_at BIGINT;
ALTER TABLE api_tokens ADD COLUMN idle_secs BIGINT;
