-- Provider staff never choose a customer's password: new people (an org's first admin, users
-- an admin invites, users imported without a hash) get a one-time invitation link, kept like
-- reset links (only the token's SHA-256) with what it is for.
ALTER TABLE password_resets ADD COLUMN purpose TEXT NOT NULL DEFAULT 'reset';

-- The provider suspends and resumes an organization (nothing of it is deleted meanwhile).
ALTER TABLE orgs ADD COLUMN suspended_at BIGINT;
