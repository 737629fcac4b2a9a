//! The org admin role. Making someone admin is a sensitive action: only an org admin or the
//! operator may do it directly (support agents only through a verified request), and an org
//! always keeps at least one admin so someone can open tickets and manage it.

use super::{Directory, target};
use crate::access::{Action, Actor};
use crate::audit::AuditDraft;
use crate::change::{Change, Write};
use crate::directory::{OrgSlug, UserStatus, Username};
use crate::error::{CoreError, CoreResult};
use crate::ports::DirectoryStore;

impl<S: DirectoryStore> Directory<S> {
    /// Gives `username` the admin role in the org.
    pub async fn grant_admin(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        username: &Username,
    ) -> CoreResult<()> {
        let org = self.org_for(actor, slug, Action::GrantAdmin).await?;
        let user = self.user_in(&org, username).await?;
        if user.status == UserStatus::Suspended {
            return Err(CoreError::conflict(
                "username",
                "a suspended user cannot be made admin",
            ));
        }
        if self.is_admin(&org, user.id).await? {
            return Ok(());
        }
        let change = Change::new(Some(org.id))
            .write(Write::SetAdmin {
                user: user.id,
                admin: true,
            })
            .audit(AuditDraft::new(
                actor,
                &Action::GrantAdmin(org.id),
                target("user", user.id),
                self.now(),
            ));
        self.store.commit(change).await
    }

    /// Removes the admin role from `username`; refuses to remove the last admin.
    pub async fn revoke_admin(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        username: &Username,
    ) -> CoreResult<()> {
        let org = self.org_for(actor, slug, Action::RevokeAdmin).await?;
        let user = self.user_in(&org, username).await?;
        let admins = self.store.admins(org.id).await?;
        if !admins.contains(&user.id) {
            return Err(CoreError::not_found("admin", username.as_str()));
        }
        if admins.len() == 1 {
            return Err(CoreError::conflict(
                "username",
                "this is the organization's only admin; make another user admin first",
            ));
        }
        let change = Change::new(Some(org.id))
            .write(Write::SetAdmin {
                user: user.id,
                admin: false,
            })
            .audit(AuditDraft::new(
                actor,
                &Action::RevokeAdmin(org.id),
                target("user", user.id),
                self.now(),
            ));
        self.store.commit(change).await
    }

    /// The usernames of the org's admins.
    pub async fn list_admins(&self, actor: &Actor, slug: &OrgSlug) -> CoreResult<Vec<Username>> {
        let org = self.org_for(actor, slug, Action::ReadDirectory).await?;
        let mut out = Vec::new();
        for id in self.store.admins(org.id).await? {
            if let Some(u) = self.store.user_by_id(org.id, id).await? {
                out.push(u.username);
            }
        }
        out.sort();
        Ok(out)
    }
}
