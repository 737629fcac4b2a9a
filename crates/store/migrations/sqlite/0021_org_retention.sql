-- An organization's own retention choice: days after a ticket is closed that its files are
-- deleted, or NULL to keep them while the organization uses the service (the default, also
-- when there is no row). Chosen by one of its admins (a pseudonymous user id), audited.
CREATE TABLE org_retention (
    org_id          TEXT PRIMARY KEY REFERENCES orgs (id),
    attachment_days BIGINT,
    set_by          TEXT NOT NULL,
    set_at          BIGINT NOT NULL
);
