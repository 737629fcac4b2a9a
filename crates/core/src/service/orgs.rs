//! Organizations: created and re-planned by the operator, read by their own members.

use super::NewUser;
use super::{Directory, target};
use crate::access::{Action, Actor};
use crate::audit::AuditDraft;
use crate::auth::PasswordPolicy;
use crate::change::{Change, Write};
use crate::directory::org::check_display_name;
use crate::directory::{Org, OrgSlug, Plan, UserStatus};
use crate::error::{CoreError, CoreResult};
use crate::ids::OrgId;
use crate::page::{Page, PageRequest};
use crate::ports::DirectoryStore;
use serde_json::json;

/// A new organization.
#[derive(Debug, Clone)]
pub struct NewOrg {
    pub slug: OrgSlug,
    pub name: String,
    pub plan: Plan,
}

/// Changes to an org; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct OrgPatch {
    pub name: Option<String>,
    pub plan: Option<Plan>,
    pub password_policy: Option<PasswordPolicy>,
}

impl<S: DirectoryStore> Directory<S> {
    /// Creates an org (operator only).
    pub async fn create_org(&self, actor: &Actor, new: NewOrg) -> CoreResult<Org> {
        let (org, change) = self.new_org(actor, new).await?;
        self.store.commit(change).await?;
        Ok(org)
    }

    /// Creates an org together with its first administrator (operator only), in one change:
    /// either both exist afterwards or neither does — never an org nobody can administer.
    pub async fn create_org_with_admin(
        &self,
        actor: &Actor,
        new: NewOrg,
        admin: NewUser,
    ) -> CoreResult<Org> {
        let (org, change) = self.new_org(actor, new).await?;
        if admin.status != UserStatus::Active {
            return Err(CoreError::invalid(
                "status",
                "the first administrator must be active",
            ));
        }
        let now = self.now();
        org.plan.check_growth(0, 1, now)?;
        let mut admin = admin;
        let password = std::mem::take(&mut admin.password);
        let user = self.build_user(&org, admin)?;
        let credential = self.credential_for(&org, password).await?;
        let id = user.id;
        let change = change
            .write(Write::CreateUser {
                user: Box::new(user),
                credential,
            })
            .write(Write::SetAdmin {
                user: id,
                admin: true,
            })
            .audit(
                AuditDraft::new(actor, &Action::CreateUser(org.id), target("user", id), now)
                    .with_detail(json!({"status": UserStatus::Active.as_str()})),
            )
            .audit(AuditDraft::new(
                actor,
                &Action::GrantAdmin(org.id),
                target("user", id),
                now,
            ))
            .seats(org.plan.clone(), now);
        self.store.commit(change).await?;
        Ok(org)
    }

    /// A new org and the change that creates it: its creation opens the org's own audit chain,
    /// and the deployment chain records it too.
    async fn new_org(&self, actor: &Actor, new: NewOrg) -> CoreResult<(Org, Change)> {
        self.check(actor, &Action::CreateOrg, "org:new").await?;
        let name = check_display_name("name", &new.name)?;
        let now = self.now();
        let org = Org {
            id: OrgId::from_random(self.random()),
            slug: new.slug,
            name,
            plan: new.plan,
            password_policy: PasswordPolicy::default(),
            created_at: now,
        };
        let mut in_org =
            AuditDraft::new(actor, &Action::ReadOrg(org.id), target("org", org.id), now)
                .with_detail(json!({"plan": org.plan.kind.as_str()}));
        in_org.action = "org.create".into();
        let change = Change::new(Some(org.id))
            .write(Write::CreateOrg(org.clone()))
            .audit(AuditDraft::new(
                actor,
                &Action::CreateOrg,
                target("org", org.id),
                now,
            ))
            .audit(in_org);
        Ok((org, change))
    }

    /// Reads an org.
    pub async fn get_org(&self, actor: &Actor, slug: &OrgSlug) -> CoreResult<Org> {
        self.org_for(actor, slug, Action::ReadOrg).await
    }

    /// How many users an org has now (the seats it uses), for its admins' overview.
    pub async fn count_users(&self, actor: &Actor, slug: &OrgSlug) -> CoreResult<u64> {
        let org = self.org_for(actor, slug, Action::ListUsers).await?;
        self.store.count_users(org.id).await
    }

    /// Lists orgs (provider staff).
    pub async fn list_orgs(&self, actor: &Actor, page: &PageRequest) -> CoreResult<Page<Org>> {
        self.check(actor, &Action::ListOrgs, "org:*").await?;
        self.store.list_orgs(page).await
    }

    /// Changes an org's name, plan or password policy (operator).
    pub async fn update_org(
        &self,
        actor: &Actor,
        slug: &OrgSlug,
        patch: OrgPatch,
    ) -> CoreResult<Org> {
        let mut org = self.org_for(actor, slug, Action::UpdateOrg).await?;
        let mut changed = Vec::new();
        if let Some(name) = patch.name {
            org.name = check_display_name("name", &name)?;
            changed.push("name");
        }
        if let Some(plan) = patch.plan {
            org.plan = plan;
            changed.push("plan");
        }
        if let Some(policy) = patch.password_policy {
            policy.validate()?;
            org.password_policy = policy;
            changed.push("password_policy");
        }
        if changed.is_empty() {
            return Err(CoreError::invalid("body", "nothing to change"));
        }
        let now = self.now();
        let change = Change::new(Some(org.id))
            .write(Write::UpdateOrg(org.clone()))
            .audit(
                AuditDraft::new(
                    actor,
                    &Action::UpdateOrg(org.id),
                    target("org", org.id),
                    now,
                )
                .with_detail(json!({"fields": changed, "plan": org.plan.kind.as_str()})),
            );
        self.store.commit(change).await?;
        Ok(org)
    }
}
