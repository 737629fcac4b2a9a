//! LDAP service accounts: an org admin creates one per application with a name and a password,
//! rotates the password, and deletes it; the application binds as
//! `cn=<name>,ou=services,o=<org>,<suffix>` and may then read the org's directory. The password
//! is checked with the same hashing, lockout and auditing as a user's; it is never returned.

use super::decoy::{Door, Refusal};
use super::password_check::Holder;
use super::{AccessEvent, Directory, target};
use crate::access::{Action, Actor};
use crate::audit::AuditDraft;
use crate::auth::{Credential, LoginState};
use crate::change::{Change, Write};
use crate::directory::service_account::MAX_DESCRIPTION;
use crate::directory::{Name, Org, OrgSlug, ServiceAccount};
use crate::error::{CoreError, CoreResult};
use crate::ids::ServiceAccountId;
use crate::ports::DirectoryStore;
use crate::secret::Secret;
use serde_json::json;

/// A service account to create.
#[derive(Debug, Clone)]
pub struct NewServiceAccount {
    pub name: Name,
    pub description: String,
    pub password: Secret,
}

impl<S: DirectoryStore> Directory<S> {
    async fn service_in(&self, org: &Org, name: &Name) -> CoreResult<ServiceAccount> {
        self.store
            .service_account_by_name(org.id, name)
            .await?
            .ok_or_else(|| CoreError::not_found("LDAP service account", name.as_str()))
    }

    async fn service_credential_for(&self, org: &Org, password: Secret) -> CoreResult<Credential> {
        org.password_policy.check_new_password(&password)?;
        Ok(Credential {
            hash: self.passwords.hash(password, self.random()).await?,
            state: LoginState::default(),
        })
    }

    fn service_audit(
        &self,
        actor: &Actor,
        org: &Org,
        id: ServiceAccountId,
        op: &str,
    ) -> AuditDraft {
        AuditDraft::new(
            actor,
            &Action::ManageServiceAccounts(org.id),
            target("ldap_account", id),
            self.now(),
        )
        .with_detail(json!({ "op": op }))
    }

    /// Creates a service account (org admins only). The password must satisfy the org's
    /// password policy.
    pub async fn create_service_account(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        new: NewServiceAccount,
    ) -> CoreResult<ServiceAccount> {
        let org = self
            .org_for(actor, slug, Action::ManageServiceAccounts)
            .await?;
        if new.description.chars().count() > MAX_DESCRIPTION {
            return Err(CoreError::invalid(
                "description",
                format!("must be at most {MAX_DESCRIPTION} characters"),
            ));
        }
        if new.description.chars().any(char::is_control) {
            return Err(CoreError::invalid(
                "description",
                "must not contain control characters",
            ));
        }
        let credential = self.service_credential_for(&org, new.password).await?;
        let now = self.now();
        let account = ServiceAccount {
            id: ServiceAccountId::from_random(self.random()),
            org: org.id,
            name: new.name,
            description: new.description,
            created_at: now,
            password_set_at: now,
        };
        let change = Change::new(Some(org.id))
            .write(Write::CreateServiceAccount {
                account: account.clone(),
                credential,
            })
            .audit(self.service_audit(actor, &org, account.id, "create"));
        self.store.commit(change).await?;
        Ok(account)
    }

    /// The org's service accounts, by name.
    pub async fn list_service_accounts(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
    ) -> CoreResult<Vec<ServiceAccount>> {
        let org = self
            .org_for(actor, slug, Action::ManageServiceAccounts)
            .await?;
        self.store.service_accounts(org.id).await
    }

    /// One service account.
    pub async fn get_service_account(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        name: &Name,
    ) -> CoreResult<ServiceAccount> {
        let org = self
            .org_for(actor, slug, Action::ManageServiceAccounts)
            .await?;
        self.service_in(&org, name).await
    }

    /// Sets a new password (rotation); connections bound with the old one lose access.
    pub async fn set_service_password(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        name: &Name,
        password: Secret,
    ) -> CoreResult<ServiceAccount> {
        let org = self
            .org_for(actor, slug, Action::ManageServiceAccounts)
            .await?;
        let mut account = self.service_in(&org, name).await?;
        let credential = self.service_credential_for(&org, password).await?;
        account.password_set_at = self.now();
        let change = Change::new(Some(org.id))
            .write(Write::SetServiceCredential {
                account: account.id,
                credential,
                set_at: account.password_set_at,
            })
            .audit(self.service_audit(actor, &org, account.id, "password"));
        self.store.commit(change).await?;
        Ok(account)
    }

    /// Deletes a service account; its binds stop working at once.
    pub async fn delete_service_account(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        name: &Name,
    ) -> CoreResult<()> {
        let org = self
            .org_for(actor, slug, Action::ManageServiceAccounts)
            .await?;
        let account = self.service_in(&org, name).await?;
        let change = Change::new(Some(org.id))
            .write(Write::DeleteServiceAccount(account.id))
            .audit(self.service_audit(actor, &org, account.id, "delete"));
        self.store.commit(change).await
    }

    /// Checks a service account's password for an LDAP bind, with the users' lockout rules.
    /// A plain success hands back its audit event for the caller's batch; failures (which move
    /// the lockout counter) and successes that reset it or re-hash are committed first.
    /// Unknown orgs, unknown accounts and wrong passwords fail alike.
    pub async fn check_service_password(
        &self,
        slug: &OrgSlug,
        name: &Name,
        password: Secret,
    ) -> CoreResult<(Org, ServiceAccount, Option<AccessEvent>)> {
        let Some(org) = self.store.org_by_slug(slug).await? else {
            return Err(self
                .refuse_unknown(None, Door::Service, Refusal::UnknownOrg, password)
                .await);
        };
        if org.is_suspended() {
            self.decoy_check(password).await?;
            return Err(CoreError::OrgSuspended);
        }
        let account = self.store.service_account_by_name(org.id, name).await?;
        let cred = match &account {
            Some(a) => self.store.service_credential(org.id, a.id).await?,
            None => None,
        };
        let (Some(account), Some(cred)) = (account, cred) else {
            return Err(self
                .refuse_unknown(Some(org.id), Door::Service, Refusal::UnknownName, password)
                .await);
        };
        let holder = Holder::Service {
            id: account.id,
            password_set_at: account.password_set_at,
        };
        let event = self
            .check_credential(&org, holder, cred, password, true)
            .await?;
        Ok((org, account, event))
    }
}
