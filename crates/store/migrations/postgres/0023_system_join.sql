-- How a system joins the directory (ldap_sssd, ldap_nslcd, not_joined, or unknown), so the
-- support desk asks for the logs its client really writes. Systems registered before this
-- column existed did not say: they are 'unknown'.
ALTER TABLE systems ADD COLUMN joined_via TEXT NOT NULL DEFAULT 'unknown';
